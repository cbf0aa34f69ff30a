"""The shortcuts of segmentation and problem finding give the plain algorithms' answers.

Each shortcut is checked against a straightforward version of what it replaces, on generated
texts full of the marks, spaces and scripts where the shortcuts could go wrong, and on the
project's own texts.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import project_texts as read_project_texts
from xuncha.nlp import lexicon, problems, protect, segment
from xuncha.nlp.sentences import CLAUSE_RE

PIECES = ["“", "”", "‘", "’", "《", "》", "「", "」", "【", "】", "〔", "〕", "〈", "〉", '"',
          "\n", "\r\n", "\r", " ", "\t", "\u3000", "，", "。", "；", "、",
          "纪委", "监委", "巡察", "发现", "问题", "两卡一书", "不到位", "存在", "漏洞", "违规发放", "等问题", "要", "就",
          "a", "B2", "3.5", "%", "-", "#", segment.PLACEHOLDER]


def piecewise_cut(text: str) -> list[str]:
    """cut() as it was first written: the engine called on each piece between bracketed names."""
    engine = segment.tokenizer()
    words: list[str] = []
    pos = 0
    for start, end in protect.name_spans(text, max_len=segment.PROTECT_MAX):
        if start < pos:
            continue
        if start > pos:
            words.extend(engine.cut(text[pos:start], False))
        words.append(text[start:end])
        pos = end
    if pos < len(text):
        words.extend(engine.cut(text[pos:], False))
    return words


PROJECT_TEXT_LIMIT = 400  # labelled statements among the project texts


@pytest.fixture(scope="module")
def project_texts():
    found = [t for t in read_project_texts(PROJECT_TEXT_LIMIT) if t]
    assert len(found) > 50
    return found


texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_one_engine_call_gives_the_piecewise_words(text):
    assert segment.cut(text) == piecewise_cut(text)


def test_names_whole_gives_the_piecewise_words_when_the_placeholder_occurs():
    text = (f"推行“两卡一书”和“一岗双责”{segment.PLACEHOLDER}，落实《履责记录本》，"
            '"三重一大"「交叉」"重叠')
    assert segment.PLACEHOLDER in segment.cut(text)
    assert segment.cut(text) == piecewise_cut(text)
    assert "“两卡一书”" not in segment.cut(text) and "两卡一书" in segment.cut(text)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_names_whole_joins_the_words_of_each_name(text):
    names = protect.name_spans(text, max_len=segment.PROTECT_MAX)
    words = segment.tokenizer().cut(text, False)
    assert segment._names_whole(text, list(words), names) == piecewise_cut(text)


def test_crossing_pairs_keep_the_text():
    text = '『1察、纪a问‘书\r》〈\r两\r\n〉a『’〈BB》】“"一1纪‘\t《「"监\u3000】督」〈」‘题』'
    assert "".join(segment.cut(text)) == text
    assert segment.cut(text) == piecewise_cut(text)


def test_project_texts_segment_as_piecewise(project_texts):
    for text in project_texts:
        assert segment.cut(text) == piecewise_cut(text)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_cue_clauses_are_the_clauses_holding_a_cue(text):
    v = problems._vocab()
    expected = [m.span() for m in CLAUSE_RE.finditer(text) if v.any_cue_re.search(m.group())]
    assert list(problems._cue_clauses(text, v)) == expected


def test_word_trees_match_as_the_plain_alternation(project_texts):
    """Each vocabulary regex (a prefix tree) finds what lexicon.literal_re of the same words finds."""
    rows = lexicon.table("problem_cues.tsv")
    lists = {how: [r[0] for r in rows if len(r) > 1 and r[1] == how]
             for how in ("predicate", "act", "list")}
    lists["any"] = [*lists["predicate"], *lists["act"], *lists["list"], "存在"]
    lists["exclusions"] = list(lexicon.words("problem_exclusions.txt"))
    lists["leads"] = list(lexicon.words("problem_lead_words.txt"))
    sample = "\n".join(project_texts)[:400_000]
    checked = 0
    for words in lists.values():
        plain, tree = lexicon.literal_re(words), lexicon.trie_re(words)
        found = [m.span() for m in tree.finditer(sample)]
        assert found == [m.span() for m in plain.finditer(sample)]
        checked += len(found)
    assert checked > 100
    assert lexicon.trie_re([]).search("任何文字") is None


def test_found_prefix_needs_a_found_word_within_reach():
    """_trim looks for FOUND_PREFIX only where FOUND_WORD occurs in its first FOUND_REACH characters."""
    for text in ("巡察组发现，该局党组落实主体责任不到位",
                 "监督检查中发现的产业奖补资金兑现存在监管漏洞",
                 "一二三四五六七八九十一二发现的问题整改不到位",
                 "一二三四五六七八九十一二三发现的问题整改不到位"):
        m = problems.FOUND_PREFIX.match(text)
        near = problems.FOUND_WORD.search(text, 0, problems.FOUND_REACH)
        assert m is None or near is not None
    assert problems.FOUND_PREFIX.match("一二三四五六七八九十一二发现的问题") is not None


def test_bracket_pairs_sort_by_opening_mark_alone():
    text = "“甲《乙“丙”》丁”\"戊\"「己〔庚〕」\n“辛"
    pairs = protect.bracket_spans(text)
    assert [b.start for b in pairs] == sorted({b.start for b in pairs})
    assert [text[b.start] for b in pairs] == ["“", "《", "“", '"', "「", "〔"]
    assert pairs[0] == protect.Bracket(0, 10, "“") and pairs[0].inner == (1, 9)
