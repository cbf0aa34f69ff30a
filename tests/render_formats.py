"""Render one article (title, metadata line, paragraphs) into every input format xuncha reads.

Shared test helper: the ingestion tests render the seeds with it, and any test that needs a
realistic HTML page, DOCX or PDF can call it too. Every renderer writes a file and returns its path.
- text in any encoding (Big5 goes through OpenCC s2t first, as a Taiwan/HK page would be written);
- HTML page with navigation, breadcrumb, sidebar of links and a copyright/ICP footer;
- DOCX with a Title paragraph, page header and footer, and one paragraph laid out in a table;
- PDF (reportlab's built-in STSong-Light CID font, no font file needed) with a running header,
  page numbers "第 N 页" and "- N -", several pages of wrapped lines.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Article:
    title: str
    paragraphs: list[str]
    date: str | None = None
    source: str | None = None

    @property
    def meta_line(self) -> str | None:
        parts = []
        if self.date:
            parts.append(f"发布时间：{self.date}")
        if self.source:
            parts.append(f"来源：{self.source}")
        return "  ".join(parts) or None

    @classmethod
    def from_document(cls, doc) -> "Article":
        return cls(title=doc.title, paragraphs=[p for p in doc.text.split("\n") if p.strip()],
                   date=doc.date, source=doc.source)


def _plain(article: Article) -> str:
    lines = [article.title]
    if article.meta_line:
        lines.append(article.meta_line)
    lines.append("")
    lines += article.paragraphs
    return "\n".join(lines) + "\n"


def render_text(article: Article, path: Path, encoding: str) -> Path:
    text = _plain(article)
    if encoding.lower().startswith(("big5", "cp950")):
        import opencc

        text = opencc.OpenCC("s2tw").convert(text)
    path.write_bytes(text.encode(encoding, errors="strict"))
    return path


def render_html(article: Article, path: Path, encoding: str = "utf-8") -> Path:
    nav = " ".join(f'<li><a href="/c{i}.html">{name}</a></li>' for i, name in
                   enumerate(["首页", "要闻", "工作动态", "审查调查", "巡视巡察", "党纪法规", "廉政文化", "互动交流"]))
    side = "".join(f'<li><a href="/news/{i}.html">{t}</a></li>' for i, t in enumerate([
        "某省纪委监委通报三起违反中央八项规定精神问题", "县委巡察办召开巡察工作推进会",
        "以案促改推动警示教育走深走实", "某市深化整治群众身边不正之风", "驻村第一书记廉政教育专题培训"]))
    paras = "\n".join(f"<p>{html.escape(p)}</p>" for p in article.paragraphs)
    meta = f'<div class="info">{html.escape(article.meta_line)}</div>' if article.meta_line else ""
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="{encoding}">
<title>{html.escape(article.title)}_清风网</title>
<script>var _hmt = _hmt || []; function share() {{ return "分享"; }}</script>
<style>body {{ font-size: 14px; }}</style>
</head><body>
<div class="top"><a href="/">清风网</a> <a href="/login">登录</a> | <a href="/reg">注册</a></div>
<nav><ul class="menu">{nav}</ul></nav>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/gzdt">工作动态</a> &gt; 正文</div>
<div class="main">
<article>
<h1>{html.escape(article.title)}</h1>
{meta}
<div class="tools">【字号：大 中 小】【打印】【关闭】</div>
<div class="content">
{paras}
</div>
<div class="share">分享到：微信 微博 QQ空间</div>
<div class="editor">（责任编辑：王某某）</div>
</article>
<aside class="sidebar"><h3>热点新闻</h3><ul>{side}</ul></aside>
</div>
<footer><p><a href="/about">关于我们</a> | <a href="/contact">联系我们</a> | <a href="/map">网站地图</a></p>
<p>版权所有 © 清风网 未经授权禁止转载</p><p>京ICP备12345678号-1 京公网安备 11010502030001号</p>
<p>联系电话：010-12345678 邮箱：qingfeng@example.com</p></footer>
</body></html>
"""
    path.write_bytes(page.encode(encoding, errors="xmlcharrefreplace"))
    return path


def render_docx(article: Article, path: Path, table_paragraph: int = 1) -> Path:
    """Paragraph number `table_paragraph` is split into the two cells of a one-row table."""
    from docx import Document

    doc = Document()
    section = doc.sections[0]
    section.header.paragraphs[0].text = "清风网 · 工作动态"
    section.footer.paragraphs[0].text = "第 1 页 共 3 页  版权所有 © 清风网"
    doc.add_paragraph(article.title, style="Title")
    if article.meta_line:
        doc.add_paragraph(article.meta_line)
    for i, para in enumerate(article.paragraphs):
        if i == table_paragraph and len(para) > 10:
            cut = len(para) // 2
            table = doc.add_table(rows=1, cols=2)
            table.rows[0].cells[0].text = para[:cut]
            table.rows[0].cells[1].text = para[cut:]
        else:
            doc.add_paragraph(para)
    doc.save(str(path))
    return path


def render_pdf(article: Article, path: Path, *, encrypt: str | None = None,
               with_title_metadata: bool = True) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=12, leading=20, firstLineIndent=24,
                          wordWrap="CJK", spaceAfter=6)
    head = ParagraphStyle("head", fontName="STSong-Light", fontSize=17, leading=26, wordWrap="CJK",
                          alignment=1, spaceAfter=10)
    meta = ParagraphStyle("meta", fontName="STSong-Light", fontSize=10, leading=16, alignment=1, spaceAfter=12)

    def decorate(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("STSong-Light", 9)
        canvas.drawString(72, A4[1] - 40, "清风网  ·  工作动态")
        canvas.drawRightString(A4[0] - 72, A4[1] - 40, "内部学习资料")
        canvas.drawCentredString(A4[0] / 2, 30, f"第 {doc.page} 页" if doc.page % 2 else f"- {doc.page} -")
        canvas.restoreState()

    template = SimpleDocTemplate(str(path), pagesize=A4, title=article.title if with_title_metadata else "",
                                 encrypt=encrypt)
    story = [Paragraph(html.escape(article.title), head)]
    if article.meta_line:
        story.append(Paragraph(html.escape(article.meta_line), meta))
    story += [Paragraph(html.escape(p), body) for p in article.paragraphs]
    story.append(Spacer(1, 12))
    template.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return path
