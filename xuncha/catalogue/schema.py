"""The catalogue's SQLite schema, versioned through PRAGMA user_version.

Each entry of MIGRATIONS takes the database from version i to i+1, so an old catalogue is brought
up to date in place when it is opened, and a catalogue made by a newer xuncha is refused instead
of being silently misread.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from xuncha.errors import XunchaError


class CatalogueError(XunchaError):
    """A catalogue that cannot be opened or used (newer schema, not a database, locked...)."""


# The kinds of finding that are searchable, each with its own FTS5 table (fts_<kind>) whose
# rowid is the id of the row it indexes, so bm25 statistics stay per kind.
FTS_KINDS = ("documents", "problems", "measures", "counts", "bodies")

_V1 = """
CREATE TABLE documents (
    id           INTEGER PRIMARY KEY,
    path         TEXT NOT NULL UNIQUE,
    file_sha256  TEXT NOT NULL,
    sha256       TEXT,
    format       TEXT,
    title        TEXT,
    date         TEXT,
    source       TEXT,
    author       TEXT,
    region       TEXT,
    text         TEXT NOT NULL DEFAULT '',
    warnings     TEXT NOT NULL DEFAULT '[]',
    near_key     TEXT,
    duplicate_of TEXT,
    ingested_at  TEXT NOT NULL
);
CREATE INDEX documents_near_key ON documents(near_key);
CREATE INDEX documents_duplicate_of ON documents(duplicate_of);

CREATE TABLE counts (
    id       INTEGER PRIMARY KEY,
    doc_id   INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    value    REAL,
    unit     TEXT,
    approx   INTEGER NOT NULL DEFAULT 0,
    subject  TEXT,
    surface  TEXT,
    start    INTEGER,
    "end"    INTEGER
);
CREATE INDEX counts_doc ON counts(doc_id);

CREATE TABLE bodies (
    id       INTEGER PRIMARY KEY,
    doc_id   INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    name     TEXT NOT NULL,
    kind     TEXT,
    resolved TEXT,
    start    INTEGER,
    "end"    INTEGER
);
CREATE INDEX bodies_doc ON bodies(doc_id);

CREATE TABLE persons (
    id       INTEGER PRIMARY KEY,
    doc_id   INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    name     TEXT NOT NULL,
    role     TEXT,
    start    INTEGER,
    "end"    INTEGER
);
CREATE INDEX persons_doc ON persons(doc_id);

CREATE TABLE measures (
    id       INTEGER PRIMARY KEY,
    doc_id   INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    name     TEXT NOT NULL,
    kind     TEXT,
    sentence TEXT,
    start    INTEGER,
    "end"    INTEGER
);
CREATE INDEX measures_doc ON measures(doc_id);

CREATE TABLE problems (
    id            INTEGER PRIMARY KEY,
    doc_id        INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    text          TEXT NOT NULL,
    start         INTEGER,
    "end"         INTEGER,
    category      TEXT,
    category_name TEXT,
    aspect        TEXT,
    domain        TEXT,
    confidence    REAL
);
CREATE INDEX problems_doc ON problems(doc_id);
CREATE INDEX problems_class ON problems(domain, category);

CREATE TABLE errors (
    id      INTEGER PRIMARY KEY,
    path    TEXT NOT NULL UNIQUE,
    sha256  TEXT,
    reason  TEXT NOT NULL,
    time    TEXT NOT NULL
);
""" + "".join(
    f"CREATE VIRTUAL TABLE fts_{kind} USING fts5(body, tokenize='unicode61 remove_diacritics 0');\n"
    for kind in FTS_KINDS
)


def _run_sql(conn: sqlite3.Connection, script: str) -> None:
    """Run a multi-statement script statement by statement (executescript would commit)."""
    for stmt in script.split(";\n"):
        if stmt.strip():
            conn.execute(stmt)


def _migrate_0_to_1(conn: sqlite3.Connection) -> None:
    _run_sql(conn, _V1)


def _migrate_1_to_2(conn: sqlite3.Connection) -> None:
    """Covering indexes for search filters: joining the wide documents rows (text inline) once per
    match cost more than ranking; these narrow ones answer date/region/source and category/domain."""
    _run_sql(conn, """
CREATE INDEX documents_meta ON documents(id, date, region, source);
CREATE INDEX problems_doc_class ON problems(doc_id, category, domain);
""")


def _migrate_2_to_3(conn: sqlite3.Connection) -> None:
    """Two indexes every stored problem paid for and no query needed: problems_doc_class
    (doc_id, category, domain) answers look-ups by document as problems_doc did, and covers the
    stats' count by domain and category as well as problems_class did (both group in a temp b-tree)."""
    _run_sql(conn, """
DROP INDEX IF EXISTS problems_doc;
DROP INDEX IF EXISTS problems_class;
""")


def _migrate_3_to_4(conn: sqlite3.Connection) -> None:
    """The size and modification time (ns) of each stored file, so an ingest can tell an unchanged
    file without reading it again; NULL (never trusted) for rows stored before."""
    _run_sql(conn, """
ALTER TABLE documents ADD COLUMN file_size INTEGER;
ALTER TABLE documents ADD COLUMN file_mtime_ns INTEGER;
""")


def _migrate_4_to_5(conn: sqlite3.Connection) -> None:
    """Index rows waiting to enter the FTS5 tables. FTS5 writes and merges a segment at every
    commit, so indexing one document per transaction cost about twice the indexing itself; each
    document now leaves its rows here, in its own transaction, and they move into the FTS5 tables
    in batches (store.flush_index). The key is the row's id times 8 plus its kind's place in
    FTS_KINDS, so a deleted finding's waiting row is found without another index."""
    _run_sql(conn, """
CREATE TABLE fts_pending (
    key  INTEGER PRIMARY KEY,
    body TEXT NOT NULL
);
""")


def _migrate_5_to_6(conn: sqlite3.Connection) -> None:
    """Index rows wait in the writer's memory, not in fts_pending: writing them there, with the
    write-ahead log and its syncs, cost the store about a sixth of its time for rows read back and
    deleted minutes later. What the catalogue keeps instead is which stored documents are not in
    the FTS5 tables yet (fts_unindexed), so that rows lost with a writer that stopped are made
    again from the stored text and findings. Rows waiting under the old layout are indexed first."""
    for code, kind in enumerate(FTS_KINDS):
        conn.execute(f"INSERT INTO fts_{kind}(rowid, body) SELECT key / 8, body FROM fts_pending "
                     f"WHERE key % 8 = {code} ORDER BY key")
    _run_sql(conn, """
DROP TABLE fts_pending;
CREATE TABLE fts_unindexed (
    doc_id INTEGER PRIMARY KEY
);
""")


# A finding's id is its document's id shifted left by FINDING_ID_BITS plus its place in the
# document (1, 2, ...): a document's findings are one id range, found and deleted without a doc_id
# index per table and without a foreign key scan (see _migrate_6_to_7).
FINDING_ID_BITS = 20
MAX_FINDINGS = (1 << FINDING_ID_BITS) - 1  # of one kind in one document


def finding_ids(doc_id: int) -> tuple[int, int]:
    """The first and last finding id a document can have (inclusive), in every finding table."""
    first = doc_id << FINDING_ID_BITS
    return first + 1, first + MAX_FINDINGS


_V7_FINDINGS = {
    "counts": 'value REAL, unit TEXT, approx INTEGER NOT NULL DEFAULT 0, subject TEXT, surface TEXT, '
              'start INTEGER, "end" INTEGER',
    "bodies": 'name TEXT NOT NULL, kind TEXT, resolved TEXT, start INTEGER, "end" INTEGER',
    "persons": 'name TEXT NOT NULL, role TEXT, start INTEGER, "end" INTEGER',
    "measures": 'name TEXT NOT NULL, kind TEXT, sentence TEXT, start INTEGER, "end" INTEGER',
    "problems": 'text TEXT NOT NULL, start INTEGER, "end" INTEGER, category TEXT, category_name TEXT, '
                'aspect TEXT, domain TEXT, confidence REAL',
}
FTS_TOKENIZER = "unicode61 remove_diacritics 0"


def _migrate_6_to_7(conn: sqlite3.Connection) -> None:
    """Fewer b-trees for the writer, and a catalogue half the size.

    - Findings are numbered by document (finding_ids): the doc_id index of counts, bodies, persons
      and measures, and the foreign keys whose cascade needed them, are gone; a document's findings
      are deleted by id range. Each index was one more b-tree page written per stored document.
    - The FTS5 tables are contentless (content=''): they kept a second copy of every index body
      that no query reads (search ranks by bm25 and joins on rowid). A contentless row is removed
      with FTS5's 'delete' command and the body it was indexed with, which the store makes again
      from the stored text and findings (store._index_rows_again); `index_form` in catalogue_meta
      names the segmentation that made the index, and a writer whose segmentation differs indexes
      every document again rather than delete with other words.

    Existing findings get their new ids in their old order, and index rows are copied over."""
    for kind, columns in _V7_FINDINGS.items():
        conn.execute(f"CREATE TABLE {kind}_v7 (id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL, {columns})")
        names = ", ".join(c.split()[0] for c in columns.split(", "))
        conn.execute(f"CREATE TEMP TABLE {kind}_ids (old INTEGER PRIMARY KEY, new INTEGER NOT NULL)")
        conn.execute(f"INSERT INTO temp.{kind}_ids SELECT id, (doc_id << {FINDING_ID_BITS}) + "
                     f"row_number() OVER (PARTITION BY doc_id ORDER BY id) FROM {kind}")
        # (CROSS JOIN keeps this order: each row looked up by its primary key, never a scan per row)
        conn.execute(f"INSERT INTO {kind}_v7(id, doc_id, {names}) SELECT m.new, k.doc_id, {names} "
                     f"FROM {kind} k CROSS JOIN temp.{kind}_ids m ON m.old = k.id ORDER BY m.new")
    for kind in FTS_KINDS:
        conn.execute(f"CREATE VIRTUAL TABLE fts_{kind}_v7 USING fts5(body, content='', tokenize='{FTS_TOKENIZER}')")
        if kind == "documents":
            conn.execute("INSERT INTO fts_documents_v7(rowid, body) SELECT rowid, body FROM fts_documents ORDER BY rowid")
        else:
            conn.execute(f"INSERT INTO fts_{kind}_v7(rowid, body) SELECT m.new, f.body FROM fts_{kind} f "
                         f"CROSS JOIN temp.{kind}_ids m ON m.old = f.rowid ORDER BY m.new")
    for kind in _V7_FINDINGS:
        conn.execute(f"DROP TABLE temp.{kind}_ids")
        conn.execute(f"DROP TABLE {kind}")
        conn.execute(f"ALTER TABLE {kind}_v7 RENAME TO {kind}")
    for kind in FTS_KINDS:
        conn.execute(f"DROP TABLE fts_{kind}")
        conn.execute(f"ALTER TABLE fts_{kind}_v7 RENAME TO fts_{kind}")
        # one copy in one transaction leaves several segments: merged, p95 on the 100,000-document
        # search benchmark went from 35 ms back to 28 ms (3.8 s of merging)
        conn.execute(f"INSERT INTO fts_{kind}(fts_{kind}) VALUES ('optimize')")
    _run_sql(conn, """
CREATE INDEX problems_doc_class ON problems(doc_id, category, domain);
CREATE TABLE catalogue_meta (
    key   TEXT PRIMARY KEY,
    value TEXT
);
""")


def _migrate_7_to_8(conn: sqlite3.Connection) -> None:
    """problems_doc_class (doc_id, category, domain) answered search's "a document with a problem
    of this category" by document; a document's problems are an id range since v7, so the filter
    reads that range instead. Every stored problem paid for an entry: the writer's CPU on 20 MB of
    reports went down by 0.35-0.4 s (about 10% of storing), its log writes from 402 to 359 MB."""
    conn.execute("DROP INDEX IF EXISTS problems_doc_class")


# MIGRATIONS[i] upgrades a catalogue at user_version i to i+1 (it must not commit). Append, never edit.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _migrate_0_to_1, _migrate_1_to_2, _migrate_2_to_3, _migrate_3_to_4,
    _migrate_4_to_5, _migrate_5_to_6, _migrate_6_to_7, _migrate_7_to_8,
]
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the catalogue to SCHEMA_VERSION; returns the version it was at before."""
    before = schema_version(conn)
    if before > SCHEMA_VERSION:
        raise CatalogueError(
            f"catalogue schema version {before} is newer than this xuncha understands ({SCHEMA_VERSION})"
        )
    for version in range(before, SCHEMA_VERSION):
        # One transaction per step, version bump included: a crash mid-migration leaves the
        # previous version intact, and a second process that migrated meanwhile is noticed.
        conn.execute("BEGIN IMMEDIATE")
        try:
            if schema_version(conn) == version:
                MIGRATIONS[version](conn)
                conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return before
