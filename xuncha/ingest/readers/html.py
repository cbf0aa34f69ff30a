"""HTML pages: main text by trafilatura, headline and the 发布时间/来源 line read from the page itself.

The bytes are decoded once (declared charset if the bytes really are in it, else detected) and
both the head and trafilatura read that one tree, so title and body can never disagree."""

from __future__ import annotations

import codecs
import re

from xuncha.errors import IngestError
from xuncha.ingest import metadata
from xuncha.ingest.encoding import decode_text
from xuncha.ingest.readers import RawPage

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)
_BLOCK = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "table", "section", "article",
          "header", "footer", "nav", "ul", "ol", "dd", "dt", "blockquote", "pre", "td", "th"}
_DATE_META = ("publishdate", "pubdate", "article:published_time", "og:release_date", "firstpublishedtime",
              "publish_date", "date", "dc.date", "dc.date.issued", "weibo:article:create_at")
# Publisher first; the site's own name is a fair last resort for a page that names no source.
_SOURCE_META = ("source", "contentsource", "og:site_name")
_TITLE_SPLIT = re.compile(r"\s*(?:_|\||｜|--|—|-)\s*")


# Pages labelled with a legacy subset are read with the superset, as browsers do: GB2312/GBK pages
# routinely hold GBK-only name characters (镕 喆), Big5 pages Hong Kong characters.
_SUPERSET = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs"}


def declared_charset(data: bytes) -> str | None:
    """The Python codec named by the page's <meta charset>, or None if absent or unknown."""
    m = _CHARSET.search(data[:4096])
    if not m:
        return None
    try:
        name = codecs.lookup(m.group(1).decode("ascii")).name
    except LookupError:
        return None
    return _SUPERSET.get(name, name)


def decode_html(data: bytes, path: str, warnings: list[str] | None = None) -> str:
    """The page as text. The declared charset is trusted only if the bytes decode in it strictly;
    a page that lies about its charset (GBK labelled utf-8) is detected like a text file."""
    declared = declared_charset(data)
    if declared:
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            pass
    text, encoding = decode_text(data, path, warnings)
    if declared and warnings is not None:
        warnings.append(f"page declares charset {declared} but is not valid in it; read as {encoding}")
    return text


def _visible_lines(tree) -> list[str]:
    parts: list[str] = []

    def walk(el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in ("script", "style", "noscript", "template", "head"):
            if el.tail:
                parts.append(el.tail)
            return
        if el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
        if tag.lower() in _BLOCK:
            parts.append("\n")
        elif tag.lower() == "span":
            parts.append(" ")
        if el.tail:
            parts.append(el.tail)

    walk(tree)
    return [" ".join(ln.split()) for ln in "".join(parts).split("\n") if ln.strip()]


def read_html(data: bytes, path: str) -> RawPage:
    import logging

    import lxml.html
    import trafilatura

    for name in ("trafilatura", "htmldate", "courlan", "justext"):  # stderr is for one line per bad file
        logging.getLogger(name).setLevel(logging.CRITICAL)

    warnings: list[str] = []
    markup = decode_html(data, path, warnings)
    try:
        tree = lxml.html.document_fromstring(markup.encode("utf-8"),
                                             parser=lxml.html.HTMLParser(encoding="utf-8"))
    except Exception as err:
        raise IngestError(path, f"unreadable HTML ({type(err).__name__})") from None
    metas: dict[str, str] = {}
    for el in tree.iter("meta"):
        key = (el.get("name") or el.get("property") or el.get("itemprop") or "").strip().lower()
        if key and el.get("content"):
            metas.setdefault(key, el.get("content").strip())
    headings = [" ".join(h.text_content().split()) for h in tree.iter("h1", "h2", "h3")]
    headings = [h for h in headings if h]
    title_tag = " ".join((tree.findtext(".//title") or "").split())

    lines = _visible_lines(tree)  # before trafilatura, which works on the same tree
    try:
        ex = trafilatura.bare_extraction(tree, with_metadata=True, include_comments=False,
                                         include_tables=True, favor_precision=True)
    except Exception:
        ex = None
    # trafilatura ≥ 2 returns a Document object, 1.x a dict: read both the same way.
    ex = ex.as_dict() if hasattr(ex, "as_dict") else (ex if isinstance(ex, dict) else {})
    ex_title = ex.get("title")
    title = _choose_title(headings, title_tag, metas.get("og:title") or metas.get("articletitle"), ex_title)

    at = next((i for i, ln in enumerate(lines) if title and ln == title), 0)
    meta_lines = [ln for ln in lines[at:at + 30] if metadata.is_meta_line(ln)][:3]
    body = ex.get("text")
    if not body or len(body.strip()) < 20:
        body = "\n".join(lines)  # trafilatura found no article: fall back to all visible text
    head = "\n".join(x for x in (title, *meta_lines) if x)

    date_hint = None
    for key in _DATE_META:
        if key in metas:
            date_hint = metadata.parse_date(metas[key])
            if date_hint:
                break
    ex_date = ex.get("date")
    if not date_hint and isinstance(ex_date, str) and not ex_date.endswith("-01-01"):
        date_hint = metadata.parse_date(ex_date)  # htmldate's guess, unless it is its year-only fallback
    source_hint = next((metas[k] for k in _SOURCE_META if k in metas), None)
    author_hint = metas.get("author") or ex.get("author")
    return RawPage(text=head + "\n\n" + body, title_hint=title, date_hint=date_hint,
                   source_hint=source_hint, author_hint=author_hint, warnings=warnings)


def _choose_title(headings: list[str], title_tag: str, og: str | None, ex_title: str | None) -> str | None:
    """The headline: a heading (h1–h3) that the page <title> (minus the site name) or og:title
    confirms; else og:title; else the longest part of <title>; else trafilatura's guess.

    Government sites often put the site logo in <h1>, so a heading only counts when it matches
    the headline part of <title>, not the site-name part."""
    parts = [p for p in _TITLE_SPLIT.split(title_tag) if len(p) >= 2] if title_tag else []
    main_part = max(parts, key=len) if parts else None
    refs = [r for r in (og, main_part, ex_title) if r and len(r) >= 4]
    for ref in refs:
        matches = [h for h in headings if len(h) >= 4 and len(h) <= 100 and (h in ref or ref in h)]
        if matches:
            return max(matches, key=len)
    return og or main_part or ex_title or (headings[0] if headings else None)
