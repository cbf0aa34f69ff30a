"""Search: jieba words in FTS5, two-character terms found, filters, and safe query syntax."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from xuncha.catalogue.search import QuerySyntaxError, SearchUsageError, parse_query, search, snippet
from xuncha.catalogue.store import Catalogue
from xuncha.document import Body, Count, Document, Measure, Problem

DOCS = [
    # path, date, region, text, [(problem sentence, domain, category)]
    ("/c/lanxi.txt", "2023-04-18", "浙江省金华市兰溪市",
     "兰溪市委巡察组向市自然资源局党组反馈巡察情况。巡察组指出，该局存在违规发放津补贴问题，"
     "公务接待管理不规范。市委巡察办对整改情况实行三色预警督办。",
     [("存在违规发放津补贴问题", "party_gov", "B2")]),
    ("/c/sanming.txt", "2022-11-08", "福建省三明市",
     "三明市纪委监委约谈12名一把手。约谈指出，有的单位公车私用，有的单位约谈提醒不及时，"
     "约谈后整改不到位。市纪委书记开展约谈，推动建立两书一函制度。",
     [("有的单位公车私用", "party_gov", "B2")]),
    ("/c/yuhang.txt", "2023-06-26", "浙江省杭州市余杭区",
     "区委巡察组对瓶窑镇12个村开展提级交叉巡察。巡察发现，村级财务管理混乱，低保审核中存在优亲厚友现象。"
     "巡察期间入户走访群众420余户。",
     [("村级财务管理混乱", "village", "B5"), ("低保审核中存在优亲厚友现象", "village", "B6")]),
    ("/c/school.txt", "2023-09-12", "湖南省长沙市长沙县",
     "县委巡察组反馈对县教育局和6所中小学巡察情况，指出学校食堂大宗食材采购不规范，违规收取教辅资料费。",
     [("学校食堂大宗食材采购不规范", "school", "B5")]),
]


def build(db) -> None:
    with Catalogue(db) as cat:
        for path, date, region, text, problems in DOCS:
            doc = Document(path=path, sha256=path, format="txt", title=text[:20], date=date, region=region, text=text)
            for sentence, domain, category in problems:
                start = text.find(sentence)
                doc.problems.append(Problem(sentence, start, start + len(sentence), category=category,
                                            aspect=category[0], domain=domain))
            if "约谈" in text:
                doc.counts.append(Count(12, "名", False, "约谈一把手", "约谈12名一把手", 0, 1))
                doc.measures.append(Measure("两书一函", "mechanism", "推动建立两书一函制度"))
                doc.bodies.append(Body("三明市纪委监委", "discipline", 0, 7))
            cat.store(doc, path)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("search") / "c.db"
    build(path)
    return path


@pytest.fixture()
def conn(db):
    with Catalogue(db) as cat:
        yield cat.conn


def paths(hits):
    return [h["path"].rsplit("/", 1)[-1] for h in hits]


def test_two_character_terms_found(conn):
    # 巡察 sits inside longer words here (巡察组, 巡察办); 约谈 is a word of its own
    assert set(paths(search(conn, "巡察"))) == {"lanxi.txt", "yuhang.txt", "school.txt"}
    assert paths(search(conn, "约谈")) == ["sanming.txt"]
    assert paths(search(conn, "低保")) == ["yuhang.txt"]
    assert paths(search(conn, "約談")) == ["sanming.txt"]  # a traditional-script query, simplified text
    assert paths(search(conn, "４２０余户")) == ["yuhang.txt"]  # full-width digits


def test_bm25_ranks_denser_match_first(conn):
    hits = search(conn, "巡察")
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    # lanxi and yuhang say 巡察 four times each, the school report twice
    assert paths(hits)[-1] == "school.txt"


def test_snippet_marks_matched_words(conn):
    hit = search(conn, "约谈")[0]
    assert "«约谈»" in hit["snippet"]
    assert snippet("甲乙丙丁约谈戊己", ["约谈"], width=4).count("«约谈»") == 1


def test_boolean_and_phrase_queries(conn):
    assert paths(search(conn, "巡察 AND 低保")) == ["yuhang.txt"]
    assert set(paths(search(conn, "低保 OR 约谈"))) == {"yuhang.txt", "sanming.txt"}
    assert "yuhang.txt" not in paths(search(conn, "巡察 NOT 低保"))
    assert paths(search(conn, '"公车私用"')) == ["sanming.txt"]
    assert paths(search(conn, "(低保 OR 食堂) AND 巡察")) in (["yuhang.txt", "school.txt"], ["school.txt", "yuhang.txt"])


def test_filters(conn):
    assert paths(search(conn, "巡察", region="余杭")) == ["yuhang.txt"]
    assert set(paths(search(conn, "巡察", since="2023-06"))) == {"yuhang.txt", "school.txt"}
    assert paths(search(conn, "巡察", until="2023-04")) == ["lanxi.txt"]
    assert paths(search(conn, "巡察", since="2023", until="2023-06-30")) in (["lanxi.txt", "yuhang.txt"],
                                                                            ["yuhang.txt", "lanxi.txt"])
    assert paths(search(conn, "巡察", domain="village")) == ["yuhang.txt"]
    assert paths(search(conn, "巡察", domain="公立学校")) == ["school.txt"]
    assert set(paths(search(conn, "巡察", category="B5"))) == {"yuhang.txt", "school.txt"}
    assert len(search(conn, "巡察", limit=1)) == 1


def test_kinds(conn):
    problems = search(conn, "财务", kind="problems")
    assert [(h["text"], h["domain"], h["category"]) for h in problems] == [("村级财务管理混乱", "village", "B5")]
    assert search(conn, "采购", kind="problems", domain="village") == []
    assert [h["name"] for h in search(conn, "两书一函", kind="measures")] == ["两书一函"]
    assert [h["value"] for h in search(conn, "约谈", kind="counts")] == [12]
    assert [h["text"] for h in search(conn, "纪委", kind="bodies")] == ["三明市纪委监委"]


@pytest.mark.parametrize("query", ['"巡察', "(巡察 OR 约谈", "巡察)", "AND", "巡察 AND", "OR 约谈", "NOT", "()",
                                   "巡察 AND OR 约谈", "，。"])
def test_malformed_queries_raise_one_line(conn, query):
    with pytest.raises(QuerySyntaxError) as info:
        search(conn, query)
    assert "\n" not in str(info.value)


def test_fts_special_characters_are_quoted(conn):
    # characters that mean something to FTS5 are searched as words, never parsed
    for query in ("巡察*", "巡察:约谈", "^巡察", "巡察-约谈", "NEAR(巡察 约谈)", "巡察 + 约谈", "col:巡察"):
        search(conn, query)
    assert parse_query("巡察*").fts == '"巡察"'
    with pytest.raises(QuerySyntaxError):  # a quote opened inside a word still needs closing
        parse_query('a"b')


def test_bad_filter_values(conn):
    with pytest.raises(SearchUsageError):
        search(conn, "巡察", domain="nowhere")
    with pytest.raises(SearchUsageError):
        search(conn, "巡察", since="last year")
    with pytest.raises(SearchUsageError):
        search(conn, "巡察", kind="people")


def run(*args):
    return subprocess.run([sys.executable, "-m", "xuncha.cli", *args], capture_output=True, text=True, timeout=120)


def test_cli_json_csv_and_errors(db):
    r = run("search", "财务", "--db", str(db), "--json", "--kind", "problems")
    assert r.returncode == 0
    hits = [json.loads(line) for line in r.stdout.splitlines()]
    assert [(h["kind"], h["category"], h["text"]) for h in hits] == [("problems", "B5", "村级财务管理混乱")]
    r = run("search", "约谈", "--db", str(db), "--json")
    assert [json.loads(x)["path"] for x in r.stdout.splitlines()] == ["/c/sanming.txt"]
    r = run("search", "约谈", "--db", str(db), "--csv")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert r.returncode == 0 and rows[0]["path"] == "/c/sanming.txt"
    r = run("search", "约谈", "--db", str(db))
    assert r.returncode == 0 and "约谈" in r.stdout and "sanming.txt" in r.stdout
    for bad in ('"巡察', "巡察 AND", "(巡察"):
        r = run("search", bad, "--db", str(db))
        assert r.returncode == 2, bad
        assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    r = run("search", "巡察", "--db", str(db), "--domain", "mars")
    assert r.returncode == 2 and "mars" in r.stderr


def test_rank_window_ranks_recent_matches_and_says_so(tmp_path, monkeypatch):
    """A term found in more documents than the rank window is ranked among the most recent ones,
    the hits say how many matched and how many were ranked, and filters that empty the window fall
    back to ranking every match."""
    from xuncha.catalogue import search as search_module
    from xuncha.catalogue.store import Catalogue, connect
    from xuncha.document import Document

    with Catalogue(tmp_path / "w.db") as cat:
        for i in range(12):
            region = "甲县" if i < 2 else "乙县"
            cat.store(Document(path=f"/w/{i:02d}.txt", title=f"第{i}篇", region=region,
                               text=f"县委巡察组对第{i}个单位开展巡察，发现问题{i + 3}个。" * (1 + i % 3)))
    monkeypatch.setattr(search_module, "RANK_WINDOW", 5)
    conn = connect(tmp_path / "w.db", create=False)
    hits = search_module.search(conn, "巡察", limit=3)
    assert len(hits) == 3 and hits[0]["matches"] == 12 and hits[0]["ranked"] == 5
    assert all(int(h["path"][3:5]) >= 7 for h in hits)  # from the five most recent documents
    old = search_module.search(conn, "巡察", region="甲县", limit=3)  # only in the two oldest
    assert sorted(h["path"] for h in old) == ["/w/00.txt", "/w/01.txt"]
    assert old[0]["ranked"] == 12


def test_filtered_search_works_without_the_covering_index(tmp_path):
    """documents_meta only speeds filters up: dropped by hand, filtered search still answers."""
    from xuncha.catalogue.search import search
    from xuncha.catalogue.store import Catalogue, connect
    from xuncha.document import Document

    with Catalogue(tmp_path / "i.db") as cat:
        cat.store(Document(path="/i/a.txt", title="甲", region="甲县", date="2023-02-01",
                           text="县委巡察组对县水利局开展巡察，发现问题8个。"))
    conn = connect(tmp_path / "i.db", create=False)
    conn.execute("DROP INDEX documents_meta")
    hits = search(conn, "巡察", region="甲县", since="2023")
    assert [h["path"] for h in hits] == ["/i/a.txt"]


SAMPLE_DIRS = ["web", "gbk", "big5", "docx", "pdf"]


def _analysed_samples():
    from pathlib import Path

    from xuncha.errors import IngestError
    from xuncha.pipeline import extract_file, iter_files

    root = Path(__file__).resolve().parent.parent / "samples" / "documents"
    docs = []
    for path in iter_files([root / d for d in SAMPLE_DIRS if (root / d).is_dir()]):
        try:
            docs.append(extract_file(path))
        except IngestError:
            pass
    if not docs:
        pytest.skip("samples/documents not present")
    return docs


def test_findings_indexed_from_document_tokens_as_if_segmented_alone():
    """A problem quoting the document on word boundaries takes its index words from the
    document's segmentation: they must be exactly what segmenting the problem alone gives."""
    from xuncha.catalogue.tokens import SpanTokens, fts_text, index_text
    from xuncha.nlp.segment import cut, doc_tokens

    derived = marked = 0
    for doc in _analysed_samples():
        tokens = doc_tokens(doc)
        spans = SpanTokens(doc.text, tokens)
        index = index_text(doc)
        assert len(index.problems) == len(doc.problems)
        for problem, indexed in zip(doc.problems, index.problems):
            found = spans.find(problem.text, problem.start, problem.end)
            if found:
                derived += 1
                assert tokens[found[0]:found[1]] == cut(problem.text)
            assert indexed == fts_text(None, cut(problem.text))
        assert index.counts == [fts_text(" ".join(filter(None, (c.surface, c.subject, c.unit)))) for c in doc.counts]
        # a measure's sentence is looked up in the document too (it holds the measure's marks)
        assert index.measures == [fts_text(f"{m.name} {m.sentence or ''}") for m in doc.measures]
        for m in doc.measures:
            at = doc.text.find(m.sentence, max(0, m.start + 1 - len(m.sentence)))
            found = spans.find(m.sentence, at, at + len(m.sentence))
            if found:
                marked += "“" in m.sentence or "《" in m.sentence
                assert tokens[found[0]:found[1]] == cut(m.sentence)
    assert derived > 0 and marked > 0  # the samples do exercise the shortcut, also around marks


def test_span_lookup_refuses_what_it_cannot_vouch_for():
    from xuncha.catalogue.tokens import SpanTokens
    from xuncha.nlp.segment import cut

    text = "巡察组指出，该局落实“两个责任”不到位，存在违规发放津补贴问题。"
    tokens = cut(text)
    spans = SpanTokens(text, tokens)
    clause = "存在违规发放津补贴问题"
    start = text.index(clause)
    assert spans.find(clause, start, start + len(clause)) is not None
    quoted = "该局落实“两个责任”不到位"  # the same name kept whole alone as in the text
    start = text.index(quoted)
    assert spans.find(quoted, start, start + len(quoted)) is not None
    text2 = "巡察组指出“该局落实不到位”，要求整改。"
    tokens2 = cut(text2)
    half = "该局落实不到位”"  # a name in the text, but alone its closing mark pairs with nothing
    start = text2.index(half)
    assert tokens2[tokens2.index("该局落实不到位") + 1] == "”"  # (on word boundaries)
    assert cut(half) != ["该局落实不到位", "”"]
    assert SpanTokens(text2, tokens2).find(half, start, start + len(half)) is None
    assert spans.find("违规发放", start, start + 4) is None  # not the text at that span
    inside = text.index("津补贴") + 1
    assert spans.find(text[inside:inside + 3], inside, inside + 3) is None  # cuts through a word
    assert SpanTokens(text + "。", tokens).find(clause, text.index(clause), text.index(clause) + len(clause)) is None
