"""PDF text with pypdfium2 (fast, C++), then the layout undone: running headers/footers and page
numbers dropped, lines the layout broke rejoined so sentences and numbers ("46\\n人次") are whole."""

from __future__ import annotations

import re
from collections import Counter

from xuncha.errors import IngestError
from xuncha.ingest.readers import RawPage

_PAGE_NO = re.compile(
    r"^(?:第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?|[-—–－]\s*\d+\s*[-—–－]|\d+\s*/\s*\d+|\d{1,4}"
    r"|[Pp]age\s*\d+(?:\s*of\s*\d+)?|共\s*\d+\s*页\s*第\s*\d+\s*页)$")
_DIGITS = re.compile(r"\d+")
_SENTENCE_TAIL = re.compile(r"[。！？!?；;，,、]$")
_CID = re.compile(r"\(cid:\d+\)")
_READABLE = re.compile(r"[\u3400-\u9fffA-Za-z0-9]")
_END_PUNCT = re.compile(r"[。！？!?：:；;”」』）)]$")
_ASCII_WORD_END = re.compile(r"[A-Za-z0-9]$")
_ASCII_WORD_START = re.compile(r"^[A-Za-z0-9]")


def _width(s: str) -> float:
    """Visual width in CJK cells: ASCII counts half."""
    return sum(0.5 if ord(c) < 0x2E80 else 1.0 for c in s)


def _pages_text(data: bytes, path: str) -> tuple[list[list[str]], str | None]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        msg = str(err).lower()
        if "password" in msg:
            raise IngestError(path, "encrypted PDF (password required)") from None
        raise IngestError(path, f"corrupt PDF ({err})") from None
    try:
        title = None
        try:
            title = _real_title(pdf.get_metadata_dict().get("Title"))
        except Exception:
            pass
        pages: list[list[str]] = []
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            textpage.close()
            page.close()
            pages.append([ln.strip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")])
        return pages, title
    finally:
        pdf.close()


_PLACEHOLDER_TITLE = re.compile(r"^(?:untitled|无标题|新建.*|microsoft word\s*-.*|.*\.(?:docx?|wps|pdf|txt))$", re.I)


def _real_title(title: str | None) -> str | None:
    """PDF Title metadata unless it is a placeholder a tool wrote (untitled, Microsoft Word - x.doc)."""
    title = (title or "").strip()
    if len(title) < 2 or _PLACEHOLDER_TITLE.match(title) or not re.search(r"[\u4e00-\u9fff]", title):
        return None
    return title


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Lines (digits masked) that open or close at least half of the pages: running heads/feet."""
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        body = [ln for ln in lines if ln]
        edge = set(body[:3] + body[-3:])
        counts.update(_DIGITS.sub("#", ln) for ln in edge)
    need = max(2, -(-len(pages) * 3 // 5))  # on at least 60% of the pages
    # A line ending a sentence, or running the full width of the text block, is body text that
    # happened to land at a page edge (reports often open each page alike), not a running title.
    full = _full_width([ln for page in pages for ln in page if ln])
    return {key for key, n in counts.items()
            if n >= need and not _SENTENCE_TAIL.search(key) and _width(key) < full * 0.9 - 1.5}


def _full_width(lines: list[str]) -> float:
    """The text block's full width: a high percentile of line widths, robust to one over-long line."""
    widths = sorted((_width(ln) for ln in lines), reverse=True)
    return widths[min(len(widths) - 1, len(widths) // 10)] if widths else 0.0


def _strip_layout(pages: list[list[str]]) -> list[list[str]]:
    running = _running_lines(pages)
    out = []
    for lines in pages:
        body = [ln for ln in lines if ln]
        n = len(body)
        kept = []
        for i, ln in enumerate(body):
            at_edge = i < 3 or i >= n - 3
            if at_edge and (_DIGITS.sub("#", ln) in running or _PAGE_NO.match(ln)):
                continue
            kept.append(ln)
        out.append(kept)
    return out


def _rejoin(pages: list[list[str]]) -> list[str]:
    """Join a line to the next when it runs to the right margin (the layout broke it, not the author)."""
    lines = [ln for page in pages for ln in page]
    if not lines:
        return []
    full = _full_width(lines)
    out: list[str] = []
    joining = False
    for ln in lines:
        if joining and out:
            sep = " " if _ASCII_WORD_END.search(out[-1]) and _ASCII_WORD_START.search(ln) \
                and not re.search(r"\d$", out[-1]) else ""
            out[-1] = out[-1] + sep + ln
        else:
            out.append(ln)
        w = _width(ln)
        joining = w >= full * 0.9 - 1.5 and not (w < full - 0.5 and _END_PUNCT.search(ln))
    return out


def read_pdf(data: bytes, path: str) -> RawPage:
    if b"%%EOF" not in data[-2048:]:
        raise IngestError(path, "corrupt PDF (truncated: no end-of-file marker)")
    pages, title = _pages_text(data, path)
    raw = "\n".join(ln for page in pages for ln in page)
    readable = len(_READABLE.findall(raw))
    if readable < 20 or len(_CID.findall(raw)) * 5 > readable or readable < 0.5 * len(raw.replace(" ", "").replace("\n", "")):
        raise IngestError(path, "no extractable text (scanned PDF?)")
    lines = _rejoin(_strip_layout(pages))
    return RawPage(text="\n".join(lines), title_hint=title)
