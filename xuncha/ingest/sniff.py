"""Which reader a file needs, decided by its bytes first and its name second.

Content wins when it is recognisable (a PDF named .txt is read as a PDF, an HTML page named .txt
as HTML). A name that promises a binary format the bytes do not have (a text file renamed .pdf)
is refused with a reason, because guessing would hide a broken export.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePath

from xuncha.errors import IngestError

TEXT_EXTS = {".txt", ".text", ".md", ""}
HTML_EXTS = {".html", ".htm", ".shtml", ".xhtml", ".php", ".asp", ".aspx", ".jsp"}
_MAGIC = [
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"), (b"Rar!", "a RAR archive"), (b"7z\xbc\xaf", "a 7z archive"),
    (b"\x7fELF", "an executable"), (b"MZ", "a Windows executable"), (b"{\\rtf", "an RTF document"),
    (b"ID3", "an MP3 file"), (b"\xd0\xcf\x11\xe0", "an old Office file (.doc/.xls/.wps; save it as .docx)"),
    (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"), (b"RIFF", "a RIFF media file"),
    (b"OggS", "an Ogg media file"), (b"SQLite format 3", "a SQLite database"),
]
_FTYP = re.compile(rb"^....ftyp")
_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b",
                         re.I | re.S)
_UNSUPPORTED_EXTS = {".doc": "old Word .doc (save it as .docx)", ".wps": "WPS .wps (save it as .docx)",
                     ".xls": "Excel", ".xlsx": "Excel", ".ppt": "PowerPoint", ".pptx": "PowerPoint",
                     ".odt": "OpenDocument", ".rtf": "RTF", ".epub": "EPUB", ".csv": "CSV",
                     ".json": "JSON", ".xml": "XML", ".zip": "ZIP archive", ".rar": "RAR archive",
                     ".jpg": "image", ".jpeg": "image", ".png": "image", ".gif": "image",
                     ".mp3": "audio", ".mp4": "video", ".exe": "executable", ".ofd": "OFD"}


def _binary_kind(data: bytes) -> str | None:
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if _FTYP.match(data[:12]):
        return "an MP4/MOV media file"
    return None


def _zip_kind(data: bytes, path: str, ext: str) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        what = "DOCX" if ext == ".docx" else "ZIP archive"
        raise IngestError(path, f"corrupt {what} (broken zip container)") from None
    if "word/document.xml" in names:
        return "docx"
    if any(n.startswith("xl/") for n in names):
        raise IngestError(path, "unsupported file type (Excel workbook)")
    if any(n.startswith("ppt/") for n in names):
        raise IngestError(path, "unsupported file type (PowerPoint)")
    if ext == ".docx":
        raise IngestError(path, "corrupt DOCX (zip has no word/document.xml)")
    raise IngestError(path, "unsupported file type (ZIP archive)")


def sniff_format(data: bytes, path: str) -> str:
    """'pdf', 'docx', 'html' or 'txt' — or IngestError saying why the file cannot be read."""
    ext = PurePath(path).suffix.lower()
    head = data[:2048]
    if data.find(b"%PDF-", 0, 1024) >= 0:
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip_kind(data, path, ext)
    kind = _binary_kind(data)
    if ext == ".pdf":
        raise IngestError(path, f"not a PDF: no %PDF header (the content is {kind or 'text or other data'})")
    if ext == ".docx":
        if kind:
            raise IngestError(path, f"not a DOCX: the content is {kind}")
        raise IngestError(path, "corrupt DOCX (not a zip container; is it text renamed .docx?)")
    if kind:
        raise IngestError(path, f"unsupported file type ({kind})")
    if _HTML_START.match(head.lstrip(b"\xef\xbb\xbf")) or ext in HTML_EXTS:
        return "html"
    if ext in TEXT_EXTS:
        return "txt"
    what = _UNSUPPORTED_EXTS.get(ext, ext or "no extension")
    raise IngestError(path, f"unsupported file type ({what})")
