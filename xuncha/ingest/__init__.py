"""Ingestion: any document file → one clean Document (simplified-Chinese article text + metadata).

    read_document(path) -> Document         raises IngestError(path, one-line reason)
    document_from_text(text, path) -> Document   a raw page/report given as a string

The format is chosen by content as well as extension (`sniff.py`): a PDF named .txt is read as a
PDF, a text file named .pdf is refused. Files larger than MAX_BYTES (32 MiB; environment variable
XUNCHA_MAX_FILE_MB overrides) are refused before being read: no real report is that big as text,
and reading it whole would stall a batch.
"""

from __future__ import annotations

import hashlib
import os
import stat

from xuncha.document import Document
from xuncha.errors import IngestError, attempt
from xuncha.ingest.dedup import near_key
from xuncha.ingest.page import clean_page, clean_pages
from xuncha.ingest.readers import RawPage
from xuncha.ingest.sniff import sniff_format

__all__ = ["read_document", "read_documents", "document_from_text", "max_bytes", "IngestError"]


def max_bytes() -> int:
    try:
        return int(float(os.environ.get("XUNCHA_MAX_FILE_MB", "32")) * 1024 * 1024)
    except ValueError:
        return 32 * 1024 * 1024


def _build(raw: RawPage, *, path: str, sha256: str, fmt: str) -> Document:
    return _keyed(_document(raw, clean_page(raw.text, **_hints(raw)), path=path, sha256=sha256, fmt=fmt))


def _hints(raw: RawPage) -> dict:
    """clean_page's hints from the file's own metadata."""
    return {"title_hint": raw.title_hint, "date_hint": raw.date_hint, "source_hint": raw.source_hint,
            "author_hint": raw.author_hint}


def _document(raw: RawPage, page, *, path: str, sha256: str, fmt: str) -> Document:
    """The Document of a raw page and its cleaned page, without its near-duplicate key yet."""
    if not page.text or page.text.isspace():  # (blank, without copying the text)
        raise IngestError(path, "no article text found (only page furniture)")
    return Document(path=path, sha256=sha256, format=fmt, title=page.title, date=page.date,
                    source=page.source, author=page.author, region=page.region, credits=page.credits, text=page.text,
                    warnings=raw.warnings + page.warnings)


def _keyed(doc: Document) -> Document:
    doc.near_key = near_key(doc.text)
    return doc


def document_from_text(text: str, path: str = "<text>") -> Document:
    """Clean a page or report given as a string, exactly as a .txt file with that text."""
    if not text or not text.strip():
        raise IngestError(path, "empty text")
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # (files are decoded with replacement, so only a given string has them)
        raise IngestError(path, "invalid text (lone surrogate code points)") from None
    sha = hashlib.sha256(data).hexdigest()
    return _build(RawPage(text=text), path=path, sha256=sha, fmt="txt")


def read_document(path: str | os.PathLike) -> Document:
    """Read one file of any supported format. Raises IngestError with a one-line reason."""
    raw, name, sha, fmt = _raw_page(path)
    return _build(raw, path=name, sha256=sha, fmt=fmt)


def read_documents(paths) -> list[Document | Exception]:
    """read_document for several files, one step at a time over all of them (decoding, cleaning:
    page.clean_pages, near-duplicate keys): each step's tables stay warm in the CPU caches. Same
    Documents; a file that fails gives its exception (IngestError, or a reader's bug) in its place."""
    out = [attempt(_raw_page, path) for path in paths]
    todo = [i for i, item in enumerate(out) if not isinstance(item, Exception)]
    pages = clean_pages([(out[i][0].text, _hints(out[i][0])) for i in todo])
    for i, page in zip(todo, pages):
        raw, name, sha, fmt = out[i]
        out[i] = page if isinstance(page, Exception) else attempt(_document, raw, page, path=name, sha256=sha, fmt=fmt)
    return [doc if isinstance(doc, Exception) else attempt(_keyed, doc) for doc in out]


def _raw_page(path: str | os.PathLike) -> tuple[RawPage, str, str, str]:
    """(the reader's raw page, the path as a string, sha256 of the file's bytes, format)."""
    name = str(path)
    try:
        info = os.stat(path)
    except OSError as err:
        raise IngestError(name, f"cannot read file ({err.strerror or err})") from None
    if not stat.S_ISREG(info.st_mode):
        raise IngestError(name, "not a regular file")
    size = info.st_size
    if size == 0:
        raise IngestError(name, "empty file")
    limit = max_bytes()
    if size > limit:
        raise IngestError(name, f"file too large ({size / 1048576:.1f} MB > {limit / 1048576:.0f} MB limit; "
                                "set XUNCHA_MAX_FILE_MB to raise it)")
    try:
        with open(path, "rb", buffering=0) as fh:  # (read whole at once: no buffer object needed)
            data = fh.readall()
    except OSError as err:
        raise IngestError(name, f"cannot read file ({err.strerror or err})") from None
    if not data or data.isspace():  # (the same ASCII blanks as bytes.strip, without copying the file)
        raise IngestError(name, "empty file (only whitespace)")
    fmt = sniff_format(data, name)
    if fmt == "pdf":
        from xuncha.ingest.readers.pdf import read_pdf as reader
    elif fmt == "docx":
        from xuncha.ingest.readers.docx import read_docx as reader
    elif fmt == "html":
        from xuncha.ingest.readers.html import read_html as reader
    else:
        from xuncha.ingest.readers.txt import read_txt as reader
    return reader(data, name), name, hashlib.sha256(data).hexdigest(), fmt
