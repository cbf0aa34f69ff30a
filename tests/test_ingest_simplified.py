"""Converting only the clauses OpenCC can change gives exactly what converting the whole text gives."""

from __future__ import annotations

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xuncha.ingest.normalize import to_simplified
from xuncha.ingest.simplified import _changing, changing_span

_WHOLE = opencc.OpenCC("tw2s").convert

# Phrases tw2s changes although each of their characters alone stays (深沈 → 深沉, 回覆 → 回复), phrases
# that stay, single characters both ways, clause marks and line breaks: the pieces a cut could break.
PIECES = ["深沈", "回覆", "批覆", "答覆", "意志消沈", "覆盖", "什么", "么", "監督", "监督", "群众", "羣眾",
          "著力", "隨著", "显著", "乾隆", "干部", "幹部", "巡察", "整改", "發現", "问题", "纔", "才",
          "\n", "。", "，", "；", "！", "？", "、", " ", "A", "1", "𠮷", "\x00"]

needs_list = pytest.mark.skipif(_changing() is None, reason="changing-character list not derived for this OpenCC")


@needs_list
@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_partial_conversion_equals_whole_conversion(pieces):
    text = "".join(pieces)
    assert to_simplified(text) == _WHOLE(text)


@needs_list
def test_simplified_clauses_are_left_out_of_the_conversion():
    text = "县委巡察组反馈了问题。回覆整改情况，深沈思考。干部作风持续改进。"
    start, end = changing_span(text)
    assert text[start:end] == "。回覆整改情况，深沈思考"
    assert to_simplified(text) == _WHOLE(text) == "县委巡察组反馈了问题。回复整改情况，深沉思考。干部作风持续改进。"
    assert changing_span("县委巡察组反馈了问题。") == (0, 0)


@needs_list
def test_traditional_page_converts_whole():
    text = "縣紀委監委對黨員幹部開展談話提醒。\n發現問題線索12條。"
    start, end = changing_span(text)
    assert text[start:end] == text[:-1]  # all but the closing mark, which nothing changes
    assert to_simplified(text) == "县纪委监委对党员干部开展谈话提醒。\n发现问题线索12条。"


def test_nul_converts_the_whole_text_as_opencc_does():
    assert changing_span("监督\x00監督") is None
    assert to_simplified("监督\x00監督") == _WHOLE("监督\x00監督")


@needs_list
def test_astral_characters_and_lone_surrogates_behave_as_in_whole_conversion():
    assert changing_span("𠮷野家。巡察") == (0, 0)
    assert to_simplified("𠮷野家。監督") == _WHOLE("𠮷野家。監督")
    with pytest.raises(UnicodeEncodeError):  # the converter refuses them, with or without the cut
        to_simplified("巡察。监督\ud800")
