"""The scorer (plain arrays, no scikit-learn) must give the same probabilities as the pipeline."""

from __future__ import annotations

import pickle
import subprocess
import sys

import numpy as np
import pytest

from xuncha.classify import features
from xuncha.classify.corpus import load_statements
from xuncha.classify.model import get_model, get_scorer
from xuncha.classify.scorer import LinearScorer, UnsupportedModel

STATEMENTS = [
    "党组理论学习中心组学习流于形式，全年仅集中学习3次",
    "违规使用公务用车接送子女上下学",
    "村集体经济合同未经民主程序签订，收益去向不明",
    "上轮巡察反馈问题整改不到位，存在边改边犯现象",
    "医院药品耗材采购存在回扣风险",
    "三会一课制度落实不严格，组织生活会批评辛辣味不足",
    "ＡＢＣ  abc 2023年 Ｑ３",  # letters, wide forms and spaces: lower-casing and space folding
    "※※※",  # nothing the vocabularies know: decision = intercepts only
    "",
]


def test_scorer_equals_pipeline():
    model = get_model()
    norm = [features.normalize(t) for t in STATEMENTS]
    expected = model.pipeline.predict_proba(norm)
    got = model.scorer().model_proba(norm)
    assert got.shape == expected.shape
    assert np.allclose(got, expected, atol=1e-9)
    assert np.allclose(got.sum(axis=1), 1.0)


def test_scorer_equals_pipeline_on_the_corpus_sample():
    """A few hundred of the labelled statements, classified in one batch as a document's are."""
    model = get_model()
    norm = [features.normalize(r["text"]) for r in load_statements()[::9]]
    assert np.allclose(model.scorer().model_proba(norm), model.pipeline.predict_proba(norm), atol=1e-9)


def test_loaded_scorer_is_the_models_and_pickles_without_sklearn_objects():
    scorer = get_scorer()
    assert scorer.classes == get_model().classes
    blob = pickle.dumps(scorer)
    assert b"sklearn" not in blob and b"scipy" not in blob


def test_classifying_does_not_import_sklearn(monkeypatch):
    from xuncha.classify import model

    code = ("import sys; from xuncha.classify import classify; r = classify('违规发放津补贴'); "
            "print(r['category'], 'sklearn' in sys.modules)")
    # make sure the scorer file exists in the cache the child uses: the scorer this process holds
    # may come from another cache (test_classify.py builds into a private one)
    monkeypatch.setattr(model, "_model", None)
    monkeypatch.setattr(model, "_scorer", None)
    get_scorer()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["B2", "False"]


def test_unknown_pipeline_shape_is_refused():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    model = get_model()
    odd = Pipeline([("features", model.pipeline.named_steps["features"]), ("clf", LogisticRegression())])
    with pytest.raises(UnsupportedModel):
        LinearScorer.from_pipeline(odd)


def _cue_texts() -> list[str]:
    """Labelled statements, odd short ones, and random strings packed with overlapping cues."""
    import random

    index = features._cue_index()
    rng = random.Random(5)
    cues = sorted(index)
    pieces = cues + ["，", "的", "𠀀", "0", "a"]
    packed = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(400)]
    # cues cut short at the end of a text, and cues spanning the joint of two texts
    cut = [c[: rng.randint(1, len(c))] for c in rng.sample(cues, 100)]
    return ([features.normalize(r["text"]) for r in load_statements()[::3]] + packed + cut
            + ["", "决", "决策部署", "决策部署决策", "\U0010ffff决策"])


def test_cue_search_by_openings_finds_every_cue():
    """_present_cues looks only where a cue's first two characters stand; it must find exactly
    what trying every substring of every cue length finds."""
    index = features._cue_index()
    lengths = sorted({len(c) for c in index})

    def every_substring(text: str) -> set[str]:
        return {text[i : i + n] for n in lengths for i in range(len(text) - n + 1) if text[i : i + n] in index}

    texts = _cue_texts()
    assert sum(bool(every_substring(t)) for t in texts) > len(texts) // 2  # the cues are really met
    for text in texts:
        assert features._present_cues(text) == every_substring(text), text


def test_cue_rows_of_a_batch_are_each_texts_own_scores():
    """cue_rows searches all texts joined in one string: each row must be what summing the text's
    outermost cue weights in taxonomy order gives, bit for bit (the model was fitted on them)."""
    ids = [cid for cid, _ in features.category_cues()]
    index = features._cue_index()

    def expected(text: str) -> np.ndarray:
        present = features._present_cues(text)
        outer = {c for c in present if not any(c != o and c in o for o in present)}
        row = np.zeros(len(ids))
        for col, cid in enumerate(ids):
            row[col] = sum(w for rank, k, w, c in sorted((r, k, w, c) for c in outer for r, k, w in index[c]) if k == col)
        return row

    texts = _cue_texts()
    rows = features.cue_rows(texts)
    assert rows.shape == (len(texts), len(ids)) and np.count_nonzero(rows.any(axis=1)) > len(texts) // 2
    for text, row in zip(texts, rows):
        assert np.array_equal(row, expected(text)), text
        assert np.array_equal(features.cue_scores(text), row)
        assert {cid for cid, _ in features.matched_cues(text).items()} == {ids[k] for k in np.flatnonzero(row)}
    assert features.cue_rows([]).shape == (0, len(ids))


_PIECES = ["巡察整改", "巡视整改", "县人民医院党委", "关于", "落实", "某镇", "对", "，", "领导班子", "12个村（社区）",
           "党总支", "第一中学", "的", "。", "ab", "巡察整改巡察整改", "巡察", "巡视", "反馈", "工作", "情况",
           "情况反馈", "巡", "反馈反馈", "开展", "进行了", "常规", "；", "向", "通报"]


def _phrasing_texts(seed: int, count: int = 2000) -> list[str]:
    """Random texts packed with the inspected-unit phrasings' own pieces."""
    import random

    rng = random.Random(seed)
    return ["".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 40))) for _ in range(count)]


def test_anchored_phrasings_find_what_finditer_finds():
    """domains._matches tries the phrasing that opens with the unit (…巡察整改) only near its
    anchor and after the last non-unit character before it; the matches must be finditer's."""
    from xuncha.classify import domains

    pattern, anchor, reach = domains._INSPECTED[3]
    assert anchor is not None  # the phrasing tried only near its anchor
    found = 0
    for text in _phrasing_texts(14):
        expected = [m.span() for m in pattern.finditer(text)]
        assert [m.span() for m in domains._matches(pattern, text, anchor, reach)] == expected, text
        found += len(expected)
    assert found > 1000


@pytest.mark.parametrize("which, plain", [
    (0, r"对{u}{o}(?:开展|进行|实施)了?[^。，；]{{0,8}}?巡[察视]"),
    (1, r"巡[察视]{u}{o}(?:工作)?(?:情况)?的?反馈"),
])
def test_phrasings_with_a_lookahead_match_as_without(which, plain):
    """The lookahead that lets 对… and 巡察…反馈 fail early must pass every match of the phrasing."""
    import re

    from xuncha.classify import domains

    pattern = domains._INSPECTED[which][0]
    without = re.compile(plain.format(u=domains._UNIT, o=domains._ORGAN))
    found = 0
    for text in _phrasing_texts(20 + which, 8000):
        expected = [(m.span(), m.group("u")) for m in without.finditer(text)]
        assert [(m.span(), m.group("u")) for m in pattern.finditer(text)] == expected, text
        found += len(expected)
    assert found > 250


def test_scorer_equals_pipeline_on_odd_characters():
    """Character n-grams are looked up as integer keys of code points: astral characters, mixed
    case, runs of spaces and tabs, NUL (which parts the texts of a batch) must give the
    vectoriser's own n-grams."""
    import random

    rng = random.Random(2)
    alphabet = list("违规发放津补贴整改不到位三会一课ABCabcİΣσ \t\u3000𠀀😀0\0")
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 60))) for _ in range(200)]
    model = get_model()
    assert np.allclose(model.scorer().model_proba(texts), model.pipeline.predict_proba(texts), atol=1e-9)


def test_word_columns_by_ids_are_those_of_the_gram_strings():
    """Words and bigrams looked up as integer ids must give the (row, column) pairs that looking
    up each word and "a b" string gives, repeats included (they are term counts)."""
    scorer = get_scorer()
    norm = [features.normalize(r["text"]) for r in load_statements()[::4]] + ["", "，", "违规违规违规"]

    def pairs(rows, cols):
        keep = cols >= 0
        return sorted(zip(rows[keep].tolist(), cols[keep].tolist()))

    by_ids = pairs(*scorer._word_columns(norm))
    assert len(by_ids) > 5 * len(norm)  # words and bigrams of the vocabulary are met
    assert by_ids == pairs(*scorer._word_columns_by_string(norm))


def test_remembered_rows_are_the_batch_independent_scores():
    """predict_proba scores each distinct text once and remembers it: the rows must be those of
    scoring the text alone, whatever batch it comes in, repeated or not."""
    scorer = pickle.loads(pickle.dumps(get_scorer()))  # a copy with nothing remembered
    texts = [r["text"] for r in load_statements()[::17]]
    alone = np.vstack([scorer.predict_proba([t]) for t in texts])
    scorer._known()[0].clear()
    batch = scorer.predict_proba(texts + texts[::-1])
    assert np.array_equal(batch[: len(texts)], alone) and np.array_equal(batch[len(texts) :], alone[::-1])
    assert np.allclose(alone.sum(axis=1), 1.0)
    assert "_rows" not in pickle.loads(pickle.dumps(scorer)).__dict__
    assert scorer.predict_proba([]).shape == (0, len(scorer.classes))
    # a small memory: batches that fill it (it is emptied) and one larger than it (nothing kept)
    scorer._rows = {}, np.empty((7, len(scorer.classes)))
    for i in range(0, len(texts), 5):
        assert np.array_equal(scorer.predict_proba(texts[i : i + 5]), alone[i : i + 5])
        assert len(scorer._known()[0]) <= 7
    assert np.array_equal(scorer.predict_proba(texts + texts), np.vstack([alone, alone]))


def test_statements_converted_together_are_converted_as_alone():
    """normalize_many sends new statements to OpenCC in one string: each must come back as its
    own conversion, traditional phrases, odd characters and a statement with a newline included."""
    texts = ["巡察發現，黨組織軟弱渙散", "一是資金管理不規範", "乾隆年間的著作", "  ２０２３年 3.5萬元  ",
             "第一行\n第二行", "", "𠀀異體字", "後來發現問題整改不到位", "髮型與發展"] + [
        r["text"] for r in load_statements()[::25]]
    features._normal.clear()
    together = features.normalize_many(texts + texts[:3])
    assert together == [features.normal_form(t) for t in texts + texts[:3]]
    assert together[0] == "党组织软弱涣散" and together[3] == "0年0万元"


def test_statements_normalised_together_are_normalised_as_alone():
    """normalize_many strips white space, leading enumerators and digits over the batch's texts
    joined by line breaks: each must come out as normal_form gives it alone, a text that is all
    enumerator (kept whole), white space of every kind and a lead at the first and last text included."""
    texts = ["一、", "（二）巡察發現，3個村 資金\t管理不規範", "巡察发现：", "  ", "\u3000一是\r\x0b整改　不到位",
             "1.2.3项问题", "其二，12．5万元", "，。；", "a  b\x0c c", "发现问题"] + [
        r["text"] for r in load_statements()[::40]] + ["三是"]
    assert not any("\n" in t for t in texts)
    features._normal.clear()
    assert features.normalize_many(texts) == [features.normal_form(t) for t in texts]


def test_long_texts_and_batches_span_several_gather_chunks():
    """The weight rows are gathered in chunks ending where a text ends: a text longer than a chunk
    and a batch of many chunks must still give the pipeline's probabilities."""
    from xuncha.classify import scorer as scorer_module

    records = load_statements()
    long_text = features.normalize("".join(r["text"] for r in records[:150]))
    norm = [features.normalize(r["text"]) for r in records[::5]]
    norm = norm[:40] + [long_text] + norm[40:]
    model = get_model()
    assert len(long_text) * 3 > scorer_module.CHUNK and len("".join(norm)) * 3 > 4 * scorer_module.CHUNK
    assert np.allclose(model.scorer().model_proba(norm), model.pipeline.predict_proba(norm), atol=1e-9)


def test_threads_sharing_the_scorer_get_each_texts_own_rows():
    """The remembered rows live in one store per scorer: threads classifying at once, with a
    store small enough to be emptied often, must each get the rows of their own texts."""
    from concurrent.futures import ThreadPoolExecutor

    scorer = pickle.loads(pickle.dumps(get_scorer()))
    texts = [r["text"] for r in load_statements()[::7]]
    alone = {t: scorer.predict_proba([t])[0] for t in texts}
    scorer._rows = {}, np.empty((40, len(scorer.classes)))

    def work(k: int) -> bool:
        chunk = texts[k % 5 :: 5][:30]
        return all(np.array_equal(row, alone[t]) for t, row in zip(chunk, scorer.predict_proba(chunk)))

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, so that unguarded updates would collide
    try:
        with ThreadPoolExecutor(4) as pool:
            assert all(pool.map(work, range(80)))
    finally:
        sys.setswitchinterval(interval)


def test_documents_get_the_fields_classify_gives_each_statement():
    """classify_documents sets the stored fields straight from the probabilities; they must be
    classify's for each statement (documents without a unit, so the domain is the statement's),
    an empty finding getting None everywhere."""
    from xuncha.classify import classify, classify_documents
    from xuncha.document import Document, Problem

    docs = []
    for k in range(0, 40, 8):
        problems = [Problem(text=t, start=0, end=len(t)) for t in STATEMENTS[:-1] + [r["text"] for r in load_statements()[k::97]]]
        docs.append(Document(path=f"<d{k}>", title="", text="", problems=problems + [Problem(text="  ", start=0, end=2)]))
    classify_documents(docs)
    for doc in docs:
        for p in doc.problems:
            want = classify(p.text)
            got = {"category": p.category, "category_name": p.category_name, "aspect": p.aspect,
                   "confidence": p.confidence, "domain": p.domain}
            assert got == {k: want[k] for k in got}, p.text
    assert docs[0].problems[-1].category is None and docs[0].problems[-1].domain is None


def _opencc_keys(name: str) -> list[str] | None:
    """The keys of one of the installed OpenCC's dictionaries, dumped with its opencc_dict tool."""
    import os
    import tempfile
    from pathlib import Path

    import opencc

    clib = Path(opencc.__file__).parent / "clib"
    tool, source = clib / "bin" / "opencc_dict", clib / "share" / "opencc" / f"{name}.ocd2"
    if not tool.is_file() or not source.is_file():
        return None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "dict.txt"
        env = dict(os.environ, LD_LIBRARY_PATH=str(clib / "lib64"))
        done = subprocess.run([str(tool), "-i", str(source), "-o", str(out), "-f", "ocd2", "-t", "text"],
                              env=env, capture_output=True)
        if done.returncode:
            return None
        return [ln.split("\t", 1)[0] for ln in out.read_text(encoding="utf-8").splitlines() if ln]


def test_the_list_of_changing_characters_covers_t2s():
    """_t2s converts only the ingest's tw2s clauses (ingest.simplified.changing_spans); that is exact
    for t2s when every character t2s changes on its own is listed, every dictionary key t2s changes
    holds a listed character, and no key holds a clause mark (so clauses are converted as they
    would be inside the text)."""
    from xuncha.ingest import simplified

    listed = simplified._changing()
    if listed is None:
        pytest.skip("the list does not fit the installed OpenCC: every text is converted whole")
    chars = [chr(cp) for cp in range(1, 0x110000) if not 0xD800 <= cp < 0xE000 and cp != 10]
    alone = features._convert("\n".join(chars)).split("\n")  # no key holds \n: each converted alone
    assert len(alone) == len(chars)
    assert [c for c, s in zip(chars, alone) if s != c and not listed[ord(c)]] == []
    keys = [_opencc_keys(name) for name in ("TSPhrases", "TSCharactersExt", "TSCharacters")]
    if None in keys:
        pytest.skip("the OpenCC dictionaries cannot be listed here")
    for key in (k for ks in keys for k in ks):
        assert not any(mark in key for mark in simplified._CUTS + ("\0",)), key
        assert any(listed[ord(c)] for c in key) or features._convert(key) == key, key


def test_converting_only_changing_clauses_is_converting_the_whole_text():
    texts = ["巡察發現，黨組織書記履職不到位；乾部隊伍建設滯後！反覆整改？\n深沈", "全面覆盖，已整改。",
             "纯简体文本没有需要转换的字", "乾隆年間\0的黨委", "個別村\n\n幹部", "臺灣", "", "。，；", "𠀀黨委"]
    for text in texts:
        assert features._t2s(text) == features._convert(text), text


def test_words_of_a_batch_are_each_texts_own_words():
    """word_rows segments a batch in one engine call: every text must get the words word_tokens
    gives it alone, whole documents' sentences, quotes and brackets (segmented alone), white
    space, empty texts and punctuation-only texts included."""
    from conftest import project_texts

    sentences = [s for text in project_texts(400) for s in features.normal_form(text).split("。") if s][:3000]
    odd = ["", "，，", "“两卡一书”执行不到位", "《履责记录本》填写不全", "a b", "中\n文", "0年0万元", "x", "、"]
    for texts in (sentences, odd + sentences[:50], odd, ["单独一句"], []):
        words, rows = features.word_rows(texts)
        assert len(words) == len(rows)
        expected = [(w, i) for i, t in enumerate(texts) for w in features.word_tokens(t)]
        assert sorted(zip(words, rows.tolist()), key=lambda p: p[1]) == expected
        runs = [r for k, r in enumerate(rows.tolist()) if k == 0 or rows[k - 1] != r]
        assert len(runs) == len(set(runs))  # a text's words lie together (in order: see above)
