"""No extractor raises on any string, and every span indexes the text it was given."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xuncha.document import Document
from xuncha.nlp import annotate
from xuncha.nlp.bodies import extract_bodies
from xuncha.nlp.counts import extract_counts
from xuncha.nlp.measures import extract_measures
from xuncha.nlp.persons import extract_persons
from xuncha.nlp.problems import extract_problems
from xuncha.nlp.segment import cut
from xuncha.nlp.sentences import sentence_spans

# Pieces that make the extractors work hard: numerals, units, heads, titles, cues, brackets.
PIECES = list("一二两十百千万0123456789.-至余多近第个名人次件条项县市区委纪监党局组书记长“”‘’《》（）()、，。；：\n 　")
PIECES += ["纪委监委", "巡察办", "县委书记", "记者", "责编", "存在", "不到位", "等问题", "工作日", "清单", "提醒卡",
           "郧西县", "前江街道", "党工委", "余世明", "违规", "😀", "\x00", "\u200b", "\r", "a", "É", "ж"]
chunks = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)
any_text = st.one_of(st.text(max_size=200), chunks)


def check_spans(text: str, doc: Document) -> None:
    for c in doc.counts:
        assert text[c.start:c.end] == c.surface
    for b in doc.bodies:
        assert text[b.start:b.end] == b.name
    for p in doc.persons:
        assert (p.start, p.end) == (-1, -1) or text[p.start:p.end] == p.name
    for m in doc.measures:
        assert text[m.start:m.end] == m.name
    for p in doc.problems:
        assert text[p.start:p.end] == p.text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_text, st.one_of(st.none(), st.text(max_size=30), chunks))
def test_extractors_never_raise_and_spans_index_text(text, author):
    doc = annotate(Document(path="x", text=text, author=author))
    assert doc.warnings == []
    check_spans(text, doc)


@settings(max_examples=100, deadline=None)
@given(any_text)
def test_segmentation_and_sentences_keep_the_text(text):
    assert "".join(cut(text)) == text
    for s, e in sentence_spans(text):
        assert 0 <= s < e <= len(text)


@pytest.mark.parametrize("text", ["", " ", "\n\t　", "“", "《", "”两卡一书“", "（（（", "记者", "第", "万万"])
def test_edge_strings(text):
    for func in (extract_counts, extract_bodies, extract_persons, extract_measures, extract_problems):
        assert isinstance(func(text), list)


@pytest.mark.parametrize("func", [extract_counts, extract_bodies, extract_persons, extract_measures, extract_problems])
def test_non_strings_give_nothing(func):
    assert func(None) == []


@pytest.mark.parametrize("char", ["一", "委", "“"])
def test_one_character_a_million_times(char):
    text = char * 1_000_000
    doc = annotate(Document(path="x", text=text))
    assert doc.warnings == []
    check_spans(text, doc)
