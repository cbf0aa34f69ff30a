"""Extraction on the real seed pages against the gold annotations, at the issue's thresholds.

Scored over all five seeds together with the benchmark's matching rules; skipped when ../shared is absent.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import SEEDS

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

# The F1 targets. (Persons include the editors of a 责编 line, which ingestion keeps in
# Document.credits rather than in the text.)
THRESHOLDS = {"counts": 0.95, "bodies": 0.90, "persons": 0.90, "measures": 0.85}


@pytest.fixture(scope="module")
def scores(gold):
    from extraction_accuracy import FIELDS, prf, score_all

    totals = score_all(SEEDS, gold)
    return {f: prf(*totals[f]) for f in FIELDS}


@pytest.mark.parametrize("field", sorted(THRESHOLDS))
def test_f1_on_seeds(scores, field):
    precision, recall, f1 = scores[field]
    assert f1 >= THRESHOLDS[field], f"{field}: P={precision:.3f} R={recall:.3f} F1={f1:.3f}"
    assert precision >= 0.85, f"{field}: precision {precision:.3f}"
