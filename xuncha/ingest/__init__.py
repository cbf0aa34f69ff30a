"""Ingestion: any document file → one clean Document (text in simplified Chinese + metadata).

Thin first version; the readers, normalisation, web-furniture removal and metadata modules
replace it.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from xuncha.document import Document
from xuncha.errors import IngestError


def document_from_text(text: str, path: str = "<text>") -> Document:
    import opencc

    clean = opencc.OpenCC("t2s").convert(text).strip()
    return Document(path=path, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), format="txt", text=clean)


def read_document(path: str | os.PathLike) -> Document:
    data = Path(path).read_bytes()
    if not data.strip():
        raise IngestError(str(path), "empty file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IngestError(str(path), "unknown encoding") from None
    doc = document_from_text(text, path=str(path))
    doc.sha256 = hashlib.sha256(data).hexdigest()
    return doc
