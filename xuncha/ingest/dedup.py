"""Near-duplicate detection so that reposts of one article are linked, not counted twice."""

from __future__ import annotations

from xuncha.document import Document


class DuplicateIndex:
    """Remembers the documents of a batch; `check` returns the path of an earlier near-duplicate."""

    def __init__(self) -> None:
        self._first: dict[str, str] = {}

    def check(self, doc: Document) -> str | None:
        key = doc.near_key or doc.text
        first = self._first.setdefault(key, doc.path)
        return None if first == doc.path else first
