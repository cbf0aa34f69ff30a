"""The seeds rendered by the tests into other encodings and formats read back to the same article."""

from __future__ import annotations

import difflib

import pytest

from conftest import SEEDS, seed_params
from render_formats import Article, render_docx, render_html, render_pdf, render_text
from xuncha.ingest import read_document

FORMATS = ["gb18030", "utf-16", "utf-16-le", "big5", "html", "html-gbk", "docx", "pdf"]


def flat(s: str) -> str:
    return "".join(s.split())


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, flat(a), flat(b), autojunk=False).ratio()


def render(fmt: str, record: dict, reference, tmp_path):
    article = Article.from_document(reference)
    stem = record["file"][:3]
    raw = (SEEDS / record["file"]).read_text(encoding="utf-8")
    if fmt in ("gb18030", "utf-16", "utf-16-le"):  # the noisy page itself, re-encoded
        path = tmp_path / f"{stem}.txt"
        path.write_bytes(raw.encode(fmt))
        return path
    if fmt == "big5":  # Taiwan/HK script, clean page
        return render_text(article, tmp_path / f"{stem}.txt", "big5")
    if fmt == "html":
        return render_html(article, tmp_path / f"{stem}.html")
    if fmt == "html-gbk":
        return render_html(article, tmp_path / f"{stem}.htm", encoding="gbk")
    if fmt == "docx":
        return render_docx(article, tmp_path / f"{stem}.docx")
    return render_pdf(article, tmp_path / f"{stem}.pdf")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("record", seed_params())
def test_same_article_in_every_format(record, fmt, gold, tmp_path):
    reference = read_document(SEEDS / record["file"])
    doc = read_document(render(fmt, record, reference, tmp_path))
    assert doc.title == reference.title
    assert similarity(doc.text, reference.text) >= 0.98
    assert (doc.date, doc.source) == (reference.date, reference.source)


def test_pdf_layout_is_undone(tmp_path):
    """Several pages: no running header, no page numbers, no sentence split across lines."""
    towns = ["城关镇", "羊尾镇", "店子镇", "夹河镇", "土门镇", "上津镇", "景阳乡", "关防乡", "湖北口回族乡",
             "香口乡", "河夹镇", "涧池乡"]
    paragraphs = [(f"今年以来，{town}纪委开展“一把手”和领导班子谈心谈话46人次，集体约谈2次33人，"
                   f"提出意见建议22条，督促{town}建章立制完善制度12个，推动整改问题87个。") * 3
                  for town in towns]
    article = Article(title="县纪委监委深化同级监督", date="2023-06-01", source="清风网", paragraphs=paragraphs)
    doc = read_document(render_pdf(article, tmp_path / "long.pdf"))
    for junk in ("清风网 · 工作动态", "工作动态", "内部学习资料", "第 1 页", "- 2 -", "第 3 页"):
        assert junk not in doc.text
    assert doc.text.count("46人次") == 36 and doc.text.count("87个") == 36
    lines = doc.text.split("\n")
    assert all(line.startswith("今年以来") and line.endswith("87个。") for line in lines)
    assert similarity(doc.text, "\n".join(paragraphs)) >= 0.99
