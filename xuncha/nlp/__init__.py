"""Segmentation and extraction (measures, counts, bodies, persons, problem statements)."""

from __future__ import annotations

from xuncha.document import Document


def annotate(doc: Document) -> Document:
    """Fill doc.counts, bodies, persons, measures and problems (placeholder until extractors land)."""
    return doc
