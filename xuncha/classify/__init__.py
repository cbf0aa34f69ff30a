"""Problem classification into the 7-domain 一把手常见问题提醒清单 taxonomy."""

from __future__ import annotations

from xuncha.document import Document


def classify_document(doc: Document) -> Document:
    """Give each of doc.problems a category, aspect, domain and confidence (placeholder)."""
    return doc
