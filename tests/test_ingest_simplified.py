"""Converting only the clauses OpenCC can change gives exactly what converting the whole text gives."""

from __future__ import annotations

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xuncha.ingest.normalize import to_simplified
from xuncha.ingest.simplified import _changing, changing_spans

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
    assert to_simplified(text * 30) == _WHOLE(text * 30)  # many changing characters: one span


@needs_list
def test_simplified_clauses_are_left_out_of_the_conversion():
    text = "县委巡察组反馈了问题。回覆整改情况，深沈思考。干部作风持续改进；批覆已下达。"
    assert [text[start:end] for start, end in changing_spans(text)] == ["。回覆整改情况，深沈思考", "；批覆已下达"]
    assert to_simplified(text) == _WHOLE(text) == "县委巡察组反馈了问题。回复整改情况，深沉思考。干部作风持续改进；批复已下达。"
    assert changing_spans("县委巡察组反馈了问题。") == []


@needs_list
def test_traditional_page_converts_whole():
    text = "縣紀委監委對黨員幹部開展談話提醒。\n發現問題線索12條。"
    assert [text[start:end] for start, end in changing_spans(text)] == ["縣紀委監委對黨員幹部開展談話提醒", "\n發現問題線索12條"]
    assert changing_spans(text * 5) == [(0, len(text) * 5 - 1)]  # a long one: first to last changing clause
    assert to_simplified(text) == "县纪委监委对党员干部开展谈话提醒。\n发现问题线索12条。"


def test_nul_converts_the_whole_text_as_opencc_does():
    assert changing_spans("监督\x00監督") is None
    assert to_simplified("监督\x00監督") == _WHOLE("监督\x00監督")


@needs_list
def test_astral_characters_and_lone_surrogates_behave_as_in_whole_conversion():
    assert changing_spans("𠮷野家。巡察") == []
    assert to_simplified("𠮷野家。監督") == _WHOLE("𠮷野家。監督")
    with pytest.raises(UnicodeEncodeError):  # the converter refuses them, with or without the cut
        to_simplified("巡察。监督\ud800")


def _clause_spans_by_search(text: str) -> list[tuple[int, int]]:
    """The clause rule spelled out: from the last mark before each changing character to just
    before the first mark after it, overlapping clauses merged (one span when there are many)."""
    cuts = ("\n", "。", "，", "；", "！", "？")
    table = _changing()
    hits = [i for i, ch in enumerate(text) if table[ord(ch)]]
    start_of = lambda at: max(0, max(text.rfind(cut, 0, at) for cut in cuts))  # noqa: E731
    end_of = lambda at: min([f for f in (text.find(cut, at + 1) for cut in cuts) if f >= 0] or [len(text)])  # noqa: E731
    if len(hits) > 48:
        return [(start_of(hits[0]), end_of(hits[-1]))]
    spans: list[tuple[int, int]] = []
    for at in hits:
        if spans and at < spans[-1][1]:
            continue
        start, end = start_of(at), end_of(at)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


@needs_list
@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([p for p in PIECES if p != "\x00"]), max_size=60), st.integers(1, 4))
def test_clause_bounds_are_the_nearest_marks_around_each_changing_character(pieces, times):
    text = "".join(pieces) * times
    assert changing_spans(text) == _clause_spans_by_search(text)


@needs_list
@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=60))
def test_conversion_from_the_census_flags_is_the_conversion_of_the_text(pieces):
    from xuncha.ingest import normalize

    text = "".join(pieces)
    assert normalize._simplified(text, normalize._census(text)[1]) == to_simplified(text) == _WHOLE(text)


@needs_list
def test_conversion_from_the_census_flags_fails_on_a_lone_surrogate_as_opencc_does():
    from xuncha.ingest import normalize

    import numpy as np

    text = "巡察。监督\ud800，回覆"
    flags = normalize._census(text)[1]
    hits = (flags & np.uint8(normalize._NEEDS_SIMPLIFIED)).nonzero()[0]
    cuts = (flags & np.uint8(normalize._CLAUSE_MARK)).nonzero()[0]
    assert normalize.clause_spans(hits, cuts, len(text)) == changing_spans(text) == [(2, 9)]
    with pytest.raises(UnicodeEncodeError):
        normalize._simplified(text, flags)
