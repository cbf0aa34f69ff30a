"""A page's text → headline, metadata and the article body, the same way for every format.

Every reader (txt, html, docx, pdf) turns its file into lines of text plus optional hints
(a title from HTML/PDF metadata, say); this module finds the headline, the metadata line under it,
where the article starts and ends, and strips furniture, datelines and closing bylines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from xuncha.errors import attempt
from xuncha.ingest import furniture, metadata
from xuncha.ingest.normalize import normalize_text
from xuncha.ingest.regions import find_region

# Two sentence marks, the second anywhere after the first (one search instead of one per mark).
_TWO_MARKS = re.compile(r"[，,。；;！!？?].*?[，,。；;！!？?]", re.S)
_TITLE_END_BAD = re.compile(r"[。；;，,]$")
_WS = re.compile(r"[ \t]+")
_SITE_NAME = re.compile(r".{1,14}(?:网|网站|频道|门户|在线|客户端|官网|新闻网|中心)")
# Credit lines that furniture removal drops but that name people (责编, 编辑, 审核 ...): kept as metadata.
_CREDIT = re.compile(r"^[（(【\[]?\s*(?:责编|责任编辑|编辑|审核|校对|终审|签发|监制)\s*[:：]")
_DOC_TITLE = re.compile(r"^关于.{2,60}(?:通报|报告|意见|通知|办法|方案|决定|规定|细则|批复|函|纪要|总结|计划|情况|清单)$")


@dataclass
class Page:
    title: str | None = None
    date: str | None = None
    source: str | None = None
    author: str | None = None
    region: str | None = None
    credits: list[str] = field(default_factory=list)
    text: str = ""
    warnings: list[str] = field(default_factory=list)


def _is_prose(line: str) -> bool:
    """An article paragraph: long and punctuated like sentences (two marks are enough: the search
    stops there instead of listing every mark of a long paragraph)."""
    return len(line) >= 40 and _TWO_MARKS.search(line) is not None


def _title_like(line: str, is_meta: bool) -> bool:
    """A line that can be a headline; `is_meta`: whether it is a metadata line (known to the caller)."""
    return 2 <= len(line) <= 80 and not _TITLE_END_BAD.search(line) and not is_meta \
        and not furniture.is_furniture_line(line)


def _norm_title(s: str) -> str:
    """`s` without its whitespace (str.split's whitespace is the regex \\s: a paragraph tested
    against the headline is scanned at C speed instead of by the regex engine)."""
    return "".join(s.split())


def _find_hinted_title(lines: list[str], zone: range, hint: str) -> int | None:
    """Index of the last line of the hinted headline on the page (it may be wrapped over lines)."""
    key = _norm_title(hint)
    for i in zone:
        cand = _norm_title(lines[i])
        if cand and (cand == key or (len(cand) >= 4 and key.startswith(cand))):
            joined = cand
            while i + 1 < len(lines) and joined != key and key.startswith(joined + _norm_title(lines[i + 1])):
                i += 1
                joined += _norm_title(lines[i])
            return i
    return None


def _find_title(lines: list[str], zone: range, meta_idx: list[int]) -> int | None:
    """The last title-like line above the first metadata line; else the first title-like line
    before the article (skipping a site name above it, preferring a "关于……的通报" line).
    `meta_idx` lists every metadata line of the `zone`, so no line of it is tested twice."""
    if meta_idx:  # (the lines above the first metadata line are in the zone and not metadata)
        found = next((i for i in range(meta_idx[0] - 1, -1, -1) if _title_like(lines[i], False)), None)
        if found is not None:
            return found
    meta = set(meta_idx)
    leading = [i for i in zone if _title_like(lines[i], i in meta)][:4]
    while len(leading) > 1 and _SITE_NAME.fullmatch(lines[leading[0]]):
        leading = leading[1:]
    return next((i for i in leading if _DOC_TITLE.search(lines[i])), leading[0] if leading else None)


def clean_page(raw: str, *, title_hint: str | None = None, date_hint: str | None = None,
               source_hint: str | None = None, author_hint: str | None = None) -> Page:
    """Clean a whole page given as text. Hints come from the file's own metadata (HTML/PDF/DOCX);
    a title hint is trusted only when the page shows it (DOCX/PDF properties are often stale)."""
    page = clean_pages([(raw, {"title_hint": title_hint, "date_hint": date_hint, "source_hint": source_hint,
                                "author_hint": author_hint})])[0]
    if isinstance(page, Exception):
        raise page
    return page


def clean_pages(raws: list[tuple[str, dict]]) -> list[Page | Exception]:
    """clean_page for several pages given as (raw text, clean_page's hints), one step at a time
    over all of them (normalising, parsing, finding the region): each step's tables stay warm in
    the CPU caches while it runs. Same Pages; a page whose cleaning raised gives the exception."""
    pages = [Page() for _ in raws]
    out = [attempt(normalize_text, raw, page.warnings) for (raw, _), page in zip(raws, pages)]
    out = [text if isinstance(text, Exception) else attempt(_parsed, page, text, **hints)
           for text, page, (_, hints) in zip(out, pages, raws)]
    return [parsed if isinstance(parsed, Exception) else attempt(_with_region, *parsed) for parsed in out]


def _with_region(page: Page, dateline_head: str | None, byline: str | None) -> Page:
    page.region = find_region(page.title, dateline_head, page.source, byline, body=page.text)
    return page


def _parsed(page: Page, text: str, *, title_hint: str | None = None, date_hint: str | None = None,
            source_hint: str | None = None, author_hint: str | None = None) -> tuple[Page, str | None, str | None]:
    """The page's title, metadata and article text from its normalised text; with the dateline's
    head and the byline, which the region finder reads."""
    if "\t" in text or "  " in text:  # (most pages have no run of blanks to fold)
        text = _WS.sub(" ", text)
    lines = [ln for ln in map(str.strip, text.split("\n")) if ln]
    hint = normalize_text(title_hint, []).strip() if title_hint else None

    page.credits = [ln for ln in lines if len(ln) <= 60 and _CREDIT.match(ln)]
    first_prose = next((i for i, ln in enumerate(lines) if _is_prose(ln)), len(lines))
    zone = range(0, min(first_prose, 40))
    meta_idx = [i for i in zone if metadata.is_meta_line(lines[i])]

    title_idx = _find_hinted_title(lines, zone, hint) if hint else None
    if title_idx is not None:
        page.title = hint
    else:
        title_idx = _find_title(lines, zone, meta_idx)
        page.title = lines[title_idx] if title_idx is not None else hint

    # Metadata: lines under the headline first; a date line just above it only as a fallback.
    after_title = (title_idx + 1) if title_idx is not None else 0
    meta_lines = [lines[i] for i in meta_idx if i >= after_title] + \
        [lines[i] for i in meta_idx if after_title - 2 <= i < after_title]
    page.date = metadata.parse_date("  ".join(meta_lines)) if meta_lines else None
    page.source = next(filter(None, map(metadata.parse_source, meta_lines)), None)
    page.author = next(filter(None, map(metadata.parse_author, meta_lines)), None)

    start = 0 if title_idx is None and not meta_idx else \
        max([after_title] + [i + 1 for i in meta_idx if i >= after_title - 2])
    body, dateline_head, byline = _body(lines[start:], page)
    page.text = "\n".join(body)

    page.date = page.date or date_hint or _closing_date(body)
    page.source = page.source or (normalize_text(source_hint, []).strip() if source_hint else None)
    page.author = page.author or byline or (normalize_text(author_hint, []).strip() if author_hint else None)
    if page.author in metadata.NO_AUTHOR:
        page.author = None
    return page, dateline_head, byline


def _body(body: list[str], page: Page) -> tuple[list[str], str | None, str | None]:
    """The article lines from the headline down: repeated headline, footer, furniture, dateline
    and closing byline removed. Returns (lines, dateline head, byline); fills page.author/source."""
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
    return [ln for ln in body if ln.strip()], dateline_head, byline


def _closing_date(body: list[str]) -> str | None:
    """A report signed off with a date on its own line (落款) at the end."""
    for line in reversed(body[-3:]):
        if len(line) <= 20:
            date = metadata.parse_date(line)
            if date:
                return date
    return None
