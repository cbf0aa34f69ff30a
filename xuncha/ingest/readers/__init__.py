"""One reader per file format; each turns bytes into a `RawPage` (lines of page text + hints).

Readers only extract; cleaning (normalisation, furniture, metadata) happens once for all formats
in `xuncha.ingest.page.clean_page`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RawPage:
    text: str
    title_hint: str | None = None
    date_hint: str | None = None
    source_hint: str | None = None
    author_hint: str | None = None
    warnings: list[str] = field(default_factory=list)
