"""Plain-text files (pages saved as text, bare reports): decode, nothing else."""

from __future__ import annotations

from xuncha.ingest.encoding import decode_text
from xuncha.ingest.readers import RawPage


def read_txt(data: bytes, path: str) -> RawPage:
    warnings: list[str] = []
    text, _encoding = decode_text(data, path, warnings)
    return RawPage(text=text, warnings=warnings)
