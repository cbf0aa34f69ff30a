"""An analysed document in the form the catalogue stores it: plain tuples, ready in the worker.

A `Document` holds its findings as thousands of dataclass instances; the catalogue inserts rows of
plain values, made here once, in the process that analysed the document (ingest.process_files),
and inserted as they are. (When a single writer took workers' results through pickles, Records
also unpickled five times faster than Documents: 0.3 s against 1.4 s per 20 MB of reports.) A
Record also carries the text's shingle hashes, made for the near-duplicate key, which the writer
needs again to confirm a near-duplicate candidate; without them (None) it makes them again.
"""

from __future__ import annotations

import json
from typing import NamedTuple

from xuncha.catalogue.schema import FTS_KINDS
from xuncha.document import Document

# Columns of each finding table after (id, doc_id), in the order of Record.rows' tuples.
FINDING_COLUMNS = {
    "problems": 'text, start, "end", category, category_name, aspect, domain, confidence',
    "measures": 'name, kind, sentence, start, "end"',
    "counts": 'value, unit, approx, subject, surface, start, "end"',
    "bodies": 'name, kind, resolved, start, "end"',
}
FINDING_KINDS = FTS_KINDS[1:]  # the finding tables, in the order of their FTS tables
assert set(FINDING_KINDS) == set(FINDING_COLUMNS)


class Record(NamedTuple):
    """One analysed document as rows for the catalogue.

    `meta` holds the documents-table columns the writer passes through unchanged (format, title,
    source, author, region, warnings as JSON); `rows` the finding rows per FINDING_KINDS; `index`
    the FTS bodies (document, then one list per FINDING_KINDS, as tokens.IndexText); `shingles`
    the text's sorted shingle hashes when the maker had them at hand."""

    path: str
    sha256: str | None  # of the normalised text (the file's is given to `store` separately)
    near_key: str | None  # the effective key (store.effective_near_key)
    date: str | None
    duplicate_of: str | None
    text: str
    meta: tuple
    rows: tuple
    persons: list
    index: tuple
    shingles: object = None


def to_record(doc: Document, index, near_key: str | None, shingles=None) -> Record:
    """The document's Record from its tokens.IndexText and effective near-duplicate key."""
    rows = (
        [(p.text, p.start, p.end, p.category, p.category_name, p.aspect, p.domain, p.confidence)
         for p in doc.problems],
        [(m.name, m.kind, m.sentence, m.start, m.end) for m in doc.measures],
        [(c.value, c.unit, int(bool(c.approx)), c.subject, c.surface, c.start, c.end) for c in doc.counts],
        [(b.name, b.kind, b.resolved, b.start, b.end) for b in doc.bodies],
    )
    return Record(
        path=str(doc.path), sha256=doc.sha256 or None, near_key=near_key, date=doc.date,
        duplicate_of=doc.duplicate_of, text=doc.text,
        meta=(doc.format, doc.title, doc.source, doc.author, doc.region,
              json.dumps(doc.warnings, ensure_ascii=False)),
        rows=rows, persons=[(p.name, p.role, p.start, p.end) for p in doc.persons],
        index=(index.document, index.problems, index.measures, index.counts, index.bodies),
        shingles=shingles,
    )
