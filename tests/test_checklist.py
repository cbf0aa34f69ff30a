"""Checklists: grouping by taxonomy, merging near-duplicates, ranking, and the three writers."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import docx
import pytest
from docx.oxml.ns import qn

from xuncha.catalogue.store import Catalogue
from xuncha.checklist import ChecklistError, build_checklist, write_checklist
from xuncha.checklist.docx_writer import chinese_number
from xuncha.checklist.merge import clean_statement, merge_statements
from xuncha.checklist.model import Source, Statement
from xuncha.classify.taxonomy import load_taxonomy
from xuncha.document import Document, Problem

# (file, region, date, [(statement, domain, category)])
REPORTS = [
    ("a.txt", "兰溪市", "2023-04-18", [
        ("违规发放津补贴", "party_gov", "B2"),
        ("理论学习中心组学习流于形式", "party_gov", "A1"),
        ("选人用人工作不规范", "party_gov", "C2"),
    ]),
    ("b.txt", "三明市", "2022-11-08", [
        ("一是违规发放津补贴问题突出；", "party_gov", "B2"),
        ("公务用车管理混乱，存在公车私用现象", "party_gov", "B2"),
    ]),
    ("c.txt", "宜兴市", "2023-07-05", [
        ("以加班补助名义违规发放津补贴", "party_gov", "B2"),
        ("工程项目招投标不规范，存在围标串标问题", "soe", "B5"),
    ]),
    ("d.txt", "宜兴市", "2023-08-01", [
        ("工程项目招投标不规范，存在先施工后招标问题", "soe", "B5"),
        ("村级财务管理混乱", "village", "B5"),
        ("整改责任落实不到位", None, "D1"),
        ("未分类的表述", None, None),
    ]),
]


def build_catalogue(db) -> None:
    with Catalogue(db) as cat:
        for name, region, date, problems in REPORTS:
            text = "。".join(p[0] for p in problems) + "。" + name * 30
            doc = Document(path=f"/r/{name}", sha256=name, format="txt", title=f"{region}巡察反馈", date=date,
                           region=region, text=text)
            for sentence, domain, category in problems:
                start = text.find(sentence)
                doc.problems.append(Problem(sentence, start, start + len(sentence), category=category,
                                            aspect=category[0] if category else None, domain=domain))
            cat.store(doc, name)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("checklist") / "c.db"
    build_catalogue(path)
    return path


def test_clean_statement_strips_list_marks():
    assert clean_statement("一是违规发放津补贴问题突出；") == "违规发放津补贴问题突出"
    assert clean_statement("（三）选人用人不规范。") == "选人用人不规范"
    assert clean_statement("2、 公车私用") == "公车私用"
    assert clean_statement("三重一大”事项未经集体研究；") == "“三重一大”事项未经集体研究"
    assert clean_statement('落实“两个责任') == "落实“两个责任”"


def test_merge_joins_variants_and_keeps_distinct_apart():
    src = lambda f: Source(f, "2023-01-01", f, "/" + f)  # noqa: E731
    items = merge_statements([
        Statement("违规发放津补贴", "party_gov", "B2", src("a"), "甲"),
        Statement("违规发放津补贴问题突出", "party_gov", "B2", src("b"), "乙"),
        Statement("以加班补助名义违规发放津补贴", "party_gov", "B2", src("c"), "乙"),
        Statement("公务用车管理混乱，存在公车私用现象", "party_gov", "B2", src("b"), "乙"),
    ])
    assert len(items) == 2
    top = items[0]
    assert top.statement == "违规发放津补贴"
    assert set(top.variants) == {"违规发放津补贴问题突出", "以加班补助名义违规发放津补贴"}
    assert (top.documents, top.units, top.occurrences) == (3, 2, 3)
    assert items[1].statement.startswith("公务用车")


def test_framing_words_do_not_keep_statements_apart():
    items = merge_statements([Statement(t, "soe", "B2") for t in
                              ("超标准接待", "存在超标准接待问题", "有的单位超标准接待现象突出", "违规发放购物卡")])
    assert sorted(len(i.variants) for i in items) == [0, 2]


def test_ranked_by_documents_then_units():
    src = lambda f: Source(f, None, f, "/" + f)  # noqa: E731
    items = merge_statements([
        Statement("食堂采购不规范", "school", "B5", src("1"), "甲"),
        Statement("食堂采购不规范", "school", "B5", src("1"), "甲"),
        Statement("食堂采购不规范", "school", "B5", src("1"), "甲"),
        Statement("违规收取教辅资料费", "school", "B6", src("2"), "甲"),
        Statement("违规收取教辅资料费", "school", "B6", src("3"), "乙"),
    ])
    assert [i.statement for i in items] == ["违规收取教辅资料费", "食堂采购不规范"]


def test_grouped_in_taxonomy_order(db):
    cl = build_checklist(db)
    tax = load_taxonomy()
    assert [d.id for d in cl.domains] == ["party_gov", "soe", "village", None]
    party = cl.domains[0]
    assert [a.id for a in party.aspects] == ["A", "B", "C"]
    assert [c.id for a in party.aspects for c in a.categories] == ["A1", "B2", "C2"]
    b2 = party.aspects[1].categories[0]
    assert b2.name == tax.categories["B2"].name
    top = b2.items[0]
    assert "违规发放津补贴" in top.statement and len(top.variants) == 2
    assert top.documents == 3 and top.units == 3
    assert {s.file for s in top.sources} == {"a.txt", "b.txt", "c.txt"}
    assert all(s.title and s.date for s in top.sources)
    soe_items = cl.domains[1].aspects[0].categories[0].items
    assert len(soe_items) == 1 and soe_items[0].documents == 2  # 围标串标 / 先施工后招标 merged
    assert cl.unclassified == 1 and cl.statement_count == 10 and cl.document_count == 4


def test_filters(db):
    cl = build_checklist(db, domains=["国有企业"])
    assert [d.id for d in cl.domains] == ["soe"] and cl.title.startswith("国有企业")
    cl = build_checklist(db, categories=["B5"])
    assert [d.id for d in cl.domains] == ["soe", "village"]
    with pytest.raises(ChecklistError):
        build_checklist(db, domains=["moon"])
    with pytest.raises(ChecklistError):
        build_checklist(db.parent / "missing.db")


def test_builtin_lists_every_domain():
    cl = build_checklist(None)
    tax = load_taxonomy()
    assert {d.id for d in cl.domains} >= set(tax.domains)
    assert cl.item_count > 100 and cl.origin == "内置标注语料"


def para_texts(document):
    return [p.text for p in document.paragraphs]


def test_docx_official_form(db, tmp_path):
    out = tmp_path / "list.docx"
    write_checklist(build_checklist(db), out)
    d = docx.Document(str(out))
    texts = para_texts(d)
    assert texts[0] == load_taxonomy().title and d.paragraphs[0].style.name == "Title"
    assert "一、党政机关" in texts and "二、国有企业" in texts and "三、村(社区)" in texts
    assert any(t.startswith("（一）") for t in texts) and "1. 理论学习与政治建设" in texts
    headings = {p.text: p.style.name for p in d.paragraphs}
    assert headings["一、党政机关"] == "Heading 1"
    # items sit in tables with a self-check column
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    assert any("违规发放津补贴" in c for c in cells)
    assert any(c.startswith("表现情形") or "表现情形" in c for c in cells)
    assert sum("□ 存在" in c and "□ 不存在" in c for c in cells) >= 5
    assert d.tables[0].rows[0].cells[-1].text == "自查情况"
    # East Asian fonts are set explicitly on runs and styles, theme fonts removed
    title_fonts = d.paragraphs[0].runs[0]._r.rPr.find(qn("w:rFonts"))
    assert title_fonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    normal = d.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal.get(qn("w:eastAsia")) == "仿宋_GB2312" and normal.get(qn("w:eastAsiaTheme")) is None
    h1 = d.styles["Heading 1"].element.rPr.find(qn("w:rFonts"))
    assert h1.get(qn("w:eastAsia")) == "黑体"
    for table in d.tables[:3]:
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    for r in p.runs:
                        assert r._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")), r.text
    fonts = zipfile.ZipFile(out).read("word/fontTable.xml").decode("utf-8")
    assert 'w:name="方正小标宋简体"' in fonts and 'w:val="黑体"' in fonts
    sec = d.sections[0]
    assert abs(sec.page_width.cm - 21.0) < 0.05 and abs(sec.page_height.cm - 29.7) < 0.05
    assert 2.5 <= sec.left_margin.cm <= 3.2 and 3.0 <= sec.top_margin.cm <= 4.0


def test_markdown_and_json(db, tmp_path):
    cl = build_checklist(db)
    md_path, json_path = tmp_path / "l.md", tmp_path / "l.json"
    write_checklist(cl, md_path)
    write_checklist(cl, json_path)
    md = md_path.read_text(encoding="utf-8")
    assert "## 一、党政机关" in md and "#### 1. 理论学习与政治建设" in md
    assert "□ 存在" in md and "表现情形" in md and "a.txt" in md
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["item_count"] == cl.item_count
    assert data["domains"][0]["aspects"][1]["categories"][0]["items"][0]["documents"] == 3


def test_chinese_numbers():
    assert [chinese_number(n) for n in (1, 9, 10, 11, 20, 23)] == ["一", "九", "十", "十一", "二十", "二十三"]


def run(*args):
    return subprocess.run([sys.executable, "-m", "xuncha.cli", *args], capture_output=True, text=True, timeout=180)


def test_cli(db, tmp_path):
    out = tmp_path / "x.docx"
    r = run("checklist", "--db", str(db), "--domain", "soe", "--domain", "village", "--out", str(out))
    assert r.returncode == 0, r.stderr
    texts = para_texts(docx.Document(str(out)))
    assert "一、国有企业" in texts and "二、村(社区)" in texts and "党政机关" not in " ".join(texts[1:])
    r = run("checklist", "--builtin", "--category", "B2", "--out", str(tmp_path / "b.json"))
    data = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert r.returncode == 0 and {c["id"] for d in data["domains"] for a in d["aspects"] for c in a["categories"]} == {"B2"}
    r = run("checklist", "--db", str(db), "--out", str(tmp_path / "x.pdf"))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    r = run("checklist", "--db", str(tmp_path / "none.db"), "--out", str(tmp_path / "n.md"))
    assert r.returncode == 2 and "none.db" in r.stderr and not (tmp_path / "n.md").exists()


def test_written_checklist_has_the_usual_file_permissions(tmp_path):
    """Written through a temporary file, the list still gets the permissions the umask gives
    (mkstemp's owner-only 0600 would stop colleagues from opening a shared list)."""
    import os
    import stat

    old = os.umask(0o022)
    try:
        out = tmp_path / "清单.md"
        write_checklist(build_checklist(None, domains=["village"]), out)
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
