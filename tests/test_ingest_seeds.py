"""The seed pages (noisy web pages saved as text) against the gold annotations."""

from __future__ import annotations

import re

import pytest

from conftest import SEEDS, seed_params
from xuncha.ingest import read_document

PINYIN_ARTEFACT = re.compile(r"[(（]?[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*[)）]")


def flat(s: str) -> str:
    return "".join(s.split())


@pytest.fixture(scope="module")
def docs():
    return {}


def read_seed(record, cache):
    if record["file"] not in cache:
        cache[record["file"]] = read_document(SEEDS / record["file"])
    return cache[record["file"]]


@pytest.mark.parametrize("record", seed_params())
def test_metadata_matches_gold(record, gold, docs):
    doc = read_seed(record, docs)
    assert (doc.title, doc.date, doc.source) == (record["title"], record["date"], record["source"])


@pytest.mark.parametrize("record", seed_params())
def test_body_starts_and_ends_like_gold(record, gold, docs):
    text = flat(read_seed(record, docs).text)
    assert text.startswith(flat(record["body_first"])), text[:60]
    assert text.endswith(flat(record["body_last"])), text[-60:]


@pytest.mark.parametrize("record", seed_params())
def test_no_boilerplate_and_no_pinyin(record, gold, docs):
    doc = read_seed(record, docs)
    assert [b for b in record["boilerplate"] if b in doc.text] == []
    assert PINYIN_ARTEFACT.findall(doc.text) == []
    assert doc.sha256 and len(doc.near_key) == 16


def test_garbled_runs_are_reported(gold, docs):
    """Seeds with mojibake get a warning naming what was cut; clean seeds get none."""
    warned = {r["file"]: read_seed(r, docs).warnings for r in gold}
    assert any(warned.values())
    for file, warnings in warned.items():
        for w in warnings:
            assert w.startswith("garbled text removed")
