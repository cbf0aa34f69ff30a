"""Shared fixtures: the seed documents and gold annotations beside the checkout (skipped if absent)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
GOLD = SHARED / "gold" / "seeds.jsonl"


def load_gold() -> list[dict]:
    if not GOLD.exists():
        return []
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def gold() -> list[dict]:
    records = load_gold()
    if not records or not SEEDS.is_dir():
        pytest.skip("../shared/seeds or ../shared/gold not present")
    return records


def project_texts(statements: int | None = None) -> list[str]:
    """The text of every bundled sample and seed document (seeds when present), then the labelled
    statements (the first `statements` of them, or all): the project's own texts for checks that
    two ways of segmenting agree."""
    from xuncha.classify.corpus import load_statements
    from xuncha.errors import IngestError
    from xuncha.ingest import read_document
    from xuncha.pipeline import iter_files

    roots = [ROOT / "samples"] + ([SEEDS] if SEEDS.is_dir() else [])
    texts = []
    for path in iter_files(roots):
        try:
            texts.append(read_document(path).text)
        except IngestError:
            continue
    texts.extend(r["text"] for r in load_statements()[:statements])
    return texts


def seed_params():
    """One pytest param per gold record, so each seed is its own test case."""
    records = load_gold()
    if not records:
        return [pytest.param(None, marks=pytest.mark.skip(reason="../shared/gold not present"))]
    return [pytest.param(r, id=r["file"][:3]) for r in records]
