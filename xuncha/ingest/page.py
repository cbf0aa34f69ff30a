"""A page's text → headline, metadata and the article body, the same way for every format.

Every reader (txt, html, docx, pdf) turns its file into lines of text plus optional hints
(a title from HTML/PDF metadata, say); this module finds the headline, the metadata line under it,
where the article starts and ends, and strips furniture, datelines and closing bylines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from xuncha.ingest import furniture, metadata
from xuncha.ingest.normalize import normalize_text
from xuncha.ingest.regions import find_region

_PROSE = re.compile(r"[，,。；;！!？?]")
_TITLE_END_BAD = re.compile(r"[。；;，,]$")
_WS = re.compile(r"[ \t]+")
_SITE_NAME = re.compile(r".{1,14}(?:网|网站|频道|门户|在线|客户端|官网|新闻网|中心)")
_DOC_TITLE = re.compile(r"^关于.{2,60}(?:通报|报告|意见|通知|办法|方案|决定|规定|细则|批复|函|纪要|总结|计划|情况|清单)$")


@dataclass
class Page:
    title: str | None = None
    date: str | None = None
    source: str | None = None
    author: str | None = None
    region: str | None = None
    text: str = ""
    warnings: list[str] = field(default_factory=list)


def _is_prose(line: str) -> bool:
    """An article paragraph: long and punctuated like sentences."""
    return len(line) >= 40 and len(_PROSE.findall(line)) >= 2


def _title_like(line: str) -> bool:
    return 2 <= len(line) <= 80 and not _TITLE_END_BAD.search(line) and not furniture.is_furniture_line(line) \
        and not metadata.is_meta_line(line)


def _norm_title(s: str) -> str:
    return re.sub(r"\s+", "", s)


def clean_page(raw: str, *, title_hint: str | None = None, date_hint: str | None = None,
               source_hint: str | None = None, author_hint: str | None = None,
               normalized: bool = False) -> Page:
    """Clean a whole page given as text. Hints come from the file's own metadata (HTML/PDF/DOCX)."""
    page = Page()
    text = raw if normalized else normalize_text(raw, page.warnings)
    lines = [_WS.sub(" ", ln).strip() for ln in text.split("\n")]
    lines = [ln for ln in lines if ln]
    hint = normalize_text(title_hint, []).strip() if title_hint else None

    first_prose = next((i for i, ln in enumerate(lines) if _is_prose(ln)), len(lines))
    head_zone = range(0, min(first_prose, 40))
    meta_idx = [i for i in head_zone if metadata.is_meta_line(lines[i])]

    # Headline: the hinted title if it is on the page, else the last title-like line above the
    # first metadata line, else the first title-like line before the article starts.
    title_idx: int | None = None
    if hint:
        key = _norm_title(hint)
        for i in head_zone:
            cand = _norm_title(lines[i])
            if cand and (cand == key or (len(cand) >= 4 and (cand in key or key.startswith(cand)))):
                title_idx = i
                # A headline the layout wrapped over several lines: take the rest of it too.
                joined = cand
                while title_idx + 1 < len(lines) and joined != key:
                    nxt = joined + _norm_title(lines[title_idx + 1])
                    if not key.startswith(nxt):
                        break
                    joined, title_idx = nxt, title_idx + 1
                break
    if title_idx is None and meta_idx:
        title_idx = next((i for i in range(meta_idx[0] - 1, -1, -1) if _title_like(lines[i])), None)
    if title_idx is None:
        leading = [i for i in head_zone if _title_like(lines[i])][:4]
        while len(leading) > 1 and _SITE_NAME.fullmatch(lines[leading[0]]):
            leading = leading[1:]  # 人民网 / 某某网站 above the headline
        # An official document: issuing body on top, the "关于……的通报" line is the title.
        title_idx = next((i for i in leading if _DOC_TITLE.search(lines[i])), leading[0] if leading else None)
    if hint:
        page.title = hint
    elif title_idx is not None:
        page.title = lines[title_idx]

    # Metadata from the lines between the headline and the article.
    after_title = (title_idx + 1) if title_idx is not None else 0
    # Lines under the headline first; a date line just above it (some sites) only as a fallback.
    meta_lines = [lines[i] for i in meta_idx if i >= after_title] + \
        [lines[i] for i in meta_idx if after_title - 2 <= i < after_title]
    meta_text = "  ".join(meta_lines)
    page.date = metadata.parse_date(meta_text) if meta_text else None
    page.source = next(filter(None, (metadata.parse_source(ln) for ln in meta_lines)), None)
    page.author = next(filter(None, (metadata.parse_author(ln) for ln in meta_lines)), None)

    # The body: after headline/metadata, up to the footer, without furniture lines.
    start = max([after_title] + [i + 1 for i in meta_idx if i >= after_title - 2])
    if title_idx is None and not meta_idx:
        start = 0
    body = lines[start:]
    if page.title:  # the headline repeated under itself (HTML extractors often keep the <h1>)
        key = _norm_title(page.title)
        while body and (_norm_title(body[0]) == key or metadata.is_meta_line(body[0])):
            body = body[1:]
    body = body[: furniture.tail_cut(body)]
    kept = []
    for ln in body:
        if _is_prose(ln):
            kept.append(ln)
        elif len(ln) <= 60 and metadata.META_LABEL.search(ln) and metadata.is_meta_line(ln):
            page.source = page.source or metadata.parse_source(ln)  # 来源：… written under the article
        elif not furniture.is_furniture_line(ln):
            kept.append(ln)
    body = kept

    dateline_head = None
    if body:
        rest, dateline_head, by = metadata.split_dateline(body[0])
        if dateline_head:
            body[0] = rest
            page.author = page.author or by
    byline = None
    while body:
        last, by = metadata.split_trailing_byline(body[-1])
        if by is None:
            break
        if by and metadata.parse_source(by):  # (来源：某某网站) closing the article
            page.source = page.source or metadata.parse_source(by)
            by = ""
        byline = byline or by or None
        if not last.strip():
            body.pop()
            continue
        body[-1] = last
        if by:
            break
    page.author = page.author or byline
    body = [ln for ln in body if ln.strip()]
    page.text = "\n".join(body)

    page.date = page.date or date_hint or _closing_date(body)
    page.source = page.source or (normalize_text(source_hint, []).strip() if source_hint else None)
    page.author = page.author or (normalize_text(author_hint, []).strip() if author_hint else None)
    if page.author in metadata.NO_AUTHOR:
        page.author = None
    page.region = find_region(page.title, dateline_head, page.source, byline, body=page.text)
    return page


def _closing_date(body: list[str]) -> str | None:
    """A report signed off with a date on its own line (落款) at the end."""
    for line in reversed(body[-3:]):
        if len(line) <= 20:
            date = metadata.parse_date(line)
            if date:
                return date
    return None
