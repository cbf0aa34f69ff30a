"""Checks the hand-written labelled statements (A1–A3, B1–B4) so that a bad line cannot silently train the model."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from xuncha.classify.taxonomy import load_taxonomy

STATEMENTS = Path(__file__).resolve().parent.parent / "xuncha" / "corpora" / "statements"
OWN_CATEGORIES = ["A1", "A2", "A3", "B1", "B2", "B3", "B4"]
MIN_PER_CATEGORY = 140
MIN_LEN, MAX_LEN = 8, 80


def read_records(category: str) -> list[dict]:
    path = STATEMENTS / f"{category}.jsonl"
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), f"{path.name} starts with a BOM"
    records = []
    for number, line in enumerate(raw.decode("utf-8").splitlines(), 1):
        assert line.strip(), f"{path.name}:{number} is blank"
        record = json.loads(line)
        assert isinstance(record, dict), f"{path.name}:{number} is not an object"
        record["_where"] = f"{path.name}:{number}"
        records.append(record)
    return records


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


@pytest.mark.parametrize("category", OWN_CATEGORIES)
def test_lines_are_well_formed(category, taxonomy):
    records = read_records(category)
    assert len(records) >= MIN_PER_CATEGORY, f"{category}: only {len(records)} statements"
    for r in records:
        assert set(r) - {"_where"} == {"text", "domain", "category"}, r["_where"]
        assert r["category"] == category, f"{r['_where']}: category {r['category']} in {category}.jsonl"
        assert r["category"] in taxonomy.categories, r["_where"]
        assert r["domain"] in taxonomy.domains, f"{r['_where']}: unknown domain {r['domain']!r}"
        text = r["text"]
        assert text == text.strip(), f"{r['_where']}: surrounding whitespace"
        assert MIN_LEN <= len(text) <= MAX_LEN, f"{r['_where']}: length {len(text)}"


@pytest.mark.parametrize("category", OWN_CATEGORIES)
def test_statements_spread_over_domains(category):
    domains = Counter(r["domain"] for r in read_records(category))
    assert len(domains) >= 6, f"{category} covers only {sorted(domains)}"
    assert max(domains.values()) <= 0.35 * sum(domains.values()), f"{category} leans on one domain: {domains}"


def test_no_exact_duplicates_across_own_files():
    seen: dict[str, str] = {}
    for category in OWN_CATEGORIES:
        for r in read_records(category):
            assert r["text"] not in seen, f"{r['_where']} repeats {seen[r['text']]}"
            seen[r["text"]] = r["_where"]
