"""The extractors' speed shortcuts give the same answers as the slow paths they skip.

Each shortcut (a cheap test before tagging, a window instead of the whole text, a regex jump over
plain characters) is checked against the plain computation on report-like text.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from xuncha.nlp import bodies, persons, problems, protect, sentences
from xuncha.nlp.segment import tag

REPORT = (
    "县委书记张建国主持召开会议，市纪委监委第二监督检查室主任李晓红通报了情况。"
    "县委第三巡察组组长王立新指出，该局党组存在落实主体责任不到位、"
    "监督管理薄弱等问题。副局长欧阳明远表示，将于三个月内完成整改。"
    "习近平总书记强调，要坚持严的基调。郧西县城投集团有限公司和市实验小学党支部书记高度重视，"
    "前江街道党工委、羊尾镇党委开展“两卡一书”廉政提醒谈话15人次，"
    "各级党委要加强监督（记者 赵伟伟 刘美芳）。\n"
    "巡察发现：部分村干部优亲厚友，惠民资金发放不规范；集体“三资”管理存在漏洞。"
)


def test_name_windows_tagged_the_cheap_way_agree_with_the_name_model():
    v = persons._vocab()
    checked = 0
    for pos in range(len(REPORT)):
        if not persons._surname_at(REPORT, pos, v):
            continue
        after = REPORT[pos : pos + 8]
        before = REPORT[max(0, pos - 4) : pos + 2]
        assert persons._tag_names(after, first=True)[0] == tag(after, hmm=True)[0], after
        assert persons._tag_names(before, first=False)[-1] == tag(before, hmm=True)[-1], before
        checked += 1
    assert checked > 20


def test_only_clauses_with_a_cue_are_read_and_all_of_them_are():
    v = problems._vocab()
    expected = [m.span() for m in sentences.CLAUSE_RE.finditer(REPORT) if v.any_cue_re.search(m.group())]
    assert list(problems._cue_clauses(REPORT, v)) == expected
    assert expected  # the text states problems


def _sample_sentences() -> list[str]:
    """Sentences of the bundled samples and the labelled statements (report prose with many bodies)."""
    from pathlib import Path

    from xuncha.classify.corpus import load_statements
    from xuncha.errors import IngestError
    from xuncha.ingest import read_document
    from xuncha.pipeline import iter_files

    found = [REPORT]
    for path in iter_files([Path(__file__).resolve().parent.parent / "samples"]):
        try:
            found.extend(read_document(path).text.split("。"))
        except IngestError:
            continue
    found.extend(r["text"] for r in load_statements()[:1500])
    return [s for s in found if s]


# Level characters a segmentation glues to the place before them (呼伦贝尔市县|人民医院): a name may
# begin there only where the document's own segmentation shows a boundary.
GLUED = ("会上，呼伦贝尔市县人民医院党委研究整改。二连浩特市县妇联召开专题会议。"
         "呼和浩特市县教育局党组书记出席反馈会。乌鲁木齐县县妇联开展走访。")


def test_bodies_found_without_the_documents_tokens_are_those_found_with_them():
    """Without tokens (giant texts, direct callers) extract_bodies segments the text itself, so it
    finds what it finds with annotate's tokens: on the project's texts, on their sentences shuffled
    into new neighbourhoods, and where a segmentation glues a level character to a place."""
    import random

    from conftest import project_texts
    from xuncha.nlp.segment import cut

    rng = random.Random(7)
    pool = _sample_sentences()
    texts = [GLUED, *project_texts(), *("。".join(rng.sample(pool, 80)) for _ in range(30))]
    found = 0
    for text in texts:
        with_tokens = bodies.extract_bodies(text, tokens=cut(text))
        assert bodies.extract_bodies(text) == with_tokens, text[:60]
        found += len(with_tokens)
    assert found > 300, found


def test_a_name_part_decided_on_the_characters_it_reads_is_decided_as_on_the_whole_text():
    v = bodies._vocab()
    text = GLUED + "".join(_sample_sentences()[:400])
    for pos in range(1, len(text)):
        first, window_from = bodies._part_window(text, pos, text[pos - 1], v)
        assert max(0, first) <= window_from <= pos
        for prev in ("head", "place"):
            whole = bodies._element_at(text, pos, v, prev)
            assert bodies._element_before(text, pos, v, prev) == whole
            narrowed = bodies._element_at(text[max(0, first) :], pos - max(0, first), v, prev)
            assert (narrowed and (narrowed[0] + max(0, first), narrowed[1])) == whole, text[first:pos]


def test_the_name_after_a_title_is_decided_by_its_window_alone():
    v = persons._vocab()
    text = "".join(_sample_sentences())
    checked = named = 0
    for m in v.title_re.finditer(text):
        for at in (m.end(), m.end() + 1):
            name = persons._name_at(text, at, v)
            assert persons._name_in(text[at : at + persons.NAME_WINDOW]) == name, text[at : at + 12]
            checked += 1
            named += name is not None
    assert checked > 400 and named > 20, (checked, named)


def test_shared_bracket_pairs_are_copies():
    text = REPORT * 20
    first = protect.bracket_spans(text)
    first.clear()
    again = protect.bracket_spans(text)
    assert again and again == protect.bracket_spans("".join(list(text)))  # equal text, other object


def _reference_pairs(text: str) -> list[tuple[int, int, str]]:
    """bracket_spans written as a plain loop over every character."""
    found, stack, toggle = [], [], None
    for i, ch in enumerate(text):
        if ch == "\n":
            stack, toggle = [], None
        elif ch in protect.PAIRS:
            stack.append((ch, i))
        elif ch in protect.CLOSERS:
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == protect.CLOSERS[ch]:
                    found.append((stack[depth][1], i + 1, stack[depth][0]))
                    del stack[depth:]
                    break
        elif ch in protect.TOGGLES:
            if toggle is None:
                toggle = i
            else:
                found.append((toggle, i + 1, ch))
                toggle = None
    return sorted(found, key=lambda b: (b[0], -b[1]))


def _reference_sentences(text: str) -> list[tuple[int, int]]:
    """sentence_spans written as a plain loop over every character."""
    spans, depth, start, i, n = [], 0, 0, 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            sentences._add(text, start, i, spans)
            start, depth = i + 1, 0
        elif ch in sentences.OPENERS:
            depth += 1
        elif ch in sentences.CLOSERS:
            depth = max(0, depth - 1)
        elif ch in sentences.ENDERS:
            j = i + 1
            while j < n and (text[j] in sentences.ENDERS or text[j] in sentences.CLOSERS):
                if text[j] in sentences.CLOSERS:
                    depth = max(0, depth - 1)
                j += 1
            if depth == 0:
                sentences._add(text, start, j, spans)
                start = j
            i = j
            continue
        i += 1
    sentences._add(text, start, n, spans)
    return spans


MARKS = "。！？!?…“”‘’「」『』《》（）()【】〈〉〔〕\"\n 纪委巡察，"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=MARKS, max_size=60))
def test_jumping_to_the_marks_changes_nothing(text):
    assert [(b.start, b.end, b.open) for b in protect.bracket_spans(text)] == _reference_pairs(text)
    assert sentences.sentence_spans(text) == _reference_sentences(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=MARKS + "\n\n 。", max_size=80), st.data())
def test_the_sentence_around_a_position_is_found_on_its_line_alone(text, data):
    from xuncha.nlp import measures

    if not text:
        return
    start = data.draw(st.integers(0, len(text) - 1))
    whole = next(((s, e) for s, e in sentences.sentence_spans(text) if s <= start < e), (start, start + 1))
    assert measures._sentence_around(text, start, start + 1, {}) == whole


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["存在", "不到位", "薄弱", "等问题", "，", "。", "；", "\n", "：", "监督", "管理", "的", "…"]),
                max_size=40))
def test_clauses_found_from_their_cues_are_the_clauses_holding_cues(parts):
    text = "".join(parts)
    v = problems._vocab()
    expected = [m.span() for m in sentences.CLAUSE_RE.finditer(text) if v.any_cue_re.search(m.group())]
    assert list(problems._cue_clauses(text, v)) == expected
