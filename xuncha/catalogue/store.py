"""Writing documents into the catalogue: each document atomically (never a half-written one).

A file is known by its absolute path and the sha256 of its bytes: the same bytes again are
skipped, new bytes replace the old document and all its findings. Its size and modification time
are kept as well, so that an ingest recognises an untouched file without reading it. A repost (same near-duplicate
key as a document already stored) gets a row of its own that points at the first one through
`duplicate_of`, and nothing else: its text and findings are stored once, with the original.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import count, repeat
from pathlib import Path

import numpy as np

from xuncha.catalogue.record import FINDING_COLUMNS, FINDING_KINDS, Record, to_record
from xuncha.catalogue.schema import FTS_KINDS, MAX_FINDINGS, CatalogueError, finding_ids, migrate
from xuncha.document import Body, Count, Document, Measure, Person, Problem
from xuncha.errors import IngestError

_NOT_WORDS = re.compile(r"[\W_]+")


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


SETTLED_NS = 2_000_000_000  # a file modified less than this long ago may change again within its mtime tick


def file_stat(path: str | Path) -> tuple[int, int] | None:
    """(size, mtime in ns) of a file, or None while it was modified too recently to be trusted
    (a write in the same clock tick would leave both unchanged). Raises OSError."""
    st = os.stat(path)
    if time.time_ns() - st.st_mtime_ns < SETTLED_NS:
        return None
    return st.st_size, st.st_mtime_ns


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def effective_near_key(doc: Document) -> str | None:
    """The key that links reposts: the reader's near_key, else a hash of the longest paragraph.

    A repost keeps the article's paragraphs and changes the site around them (navigation, dates,
    footers), so its longest paragraph is the same words; short texts use all their words.
    """
    if doc.near_key:
        return doc.near_key
    paragraphs = [_NOT_WORDS.sub("", p) for p in (doc.text or "").splitlines()]
    longest = max(paragraphs, key=len, default="")
    if len(longest) >= 60:
        return "para:" + hashlib.sha1(longest.encode("utf-8")).hexdigest()
    words = "".join(paragraphs)
    return "text:" + hashlib.sha1(words.encode("utf-8")).hexdigest() if words else None


def _is_simhash(key: str | None) -> bool:
    return bool(key) and len(key) == 16 and all(ch in "0123456789abcdef" for ch in key)


def _simhash_int(key: str | None, found) -> int:
    """A stored SimHash key as a number (recomputed from the shingles if the row holds another kind)."""
    from xuncha.ingest.dedup import _simhash_of

    return int(key, 16) if _is_simhash(key) else _simhash_of(found.hashes)


MAX_CONFIRM = 8  # near-duplicate candidates whose texts are compared, nearest SimHash first
SHINGLE_CACHE = 1024  # originals whose shingles are kept for confirming candidates (~20 KB each)
PAIR_CACHE = 1 << 16  # outcomes of comparing two stored originals
# Pages the write-ahead log grows to before it is copied into the database (SQLite's default is
# 1,000): each copy syncs the file, and an FTS-heavy catalogue rewrites the same pages often.
WAL_PAGES = 10_000
# A document's index rows wait in the writer's memory and go into the FTS5 tables once this many
# documents or characters of index text have gathered (and when the catalogue is closed). FTS5
# writes a segment at every commit and keeps merging them: indexing each document in its own commit
# cost 4.9 s of CPU on 20 MB of news, batches of 256 documents 2.7 s. The documents themselves are
# stored at once (see GROUP_DOCS) and listed in fts_unindexed until their rows are in.
FLUSH_DOCS = 256
FLUSH_CHARS = 8_000_000
# Each document is stored under a savepoint of its own (a failure rolls back that document alone,
# never half of it). The ingest's writers (Catalogue(group=GROUP_DOCS)) commit them in groups: at
# GROUP_DOCS documents, after GROUP_SECONDS, at the end of each batch (Catalogue.commit: before
# reading the next, or passing the turn to another worker), and on close. A commit per document
# cost 0.5 s of CPU per 20 MB of reports (2,542 commits, each writing its pages to the log again),
# 3% of an ingest; groups of 16 or 128 gave the same as 32.
GROUP_DOCS = 32
GROUP_SECONDS = 0.5
INDEX_FORM_KEY = "index_form"  # catalogue_meta: tokens.index_form() of the words in the FTS5 tables


def unindexed_documents(conn: sqlite3.Connection) -> int:
    """How many stored documents are not in the FTS5 tables yet."""
    return conn.execute("SELECT count(*) FROM fts_unindexed").fetchone()[0]


def index_unindexed(conn: sqlite3.Connection, held: dict | None = None, batch: int = FLUSH_DOCS,
                    advance: Callable[[int], None] | None = None, *, only_held: bool = False) -> int:
    """Put every stored document that is not in the FTS5 tables yet into them, `batch` documents
    per transaction; returns how many. Their rows come from `held` (doc id → (kind's place in
    FTS_KINDS, row id, body) rows a writer kept in memory) or, for a document whose writer stopped
    before indexing it (or after the segmentation changed, see `check_index_form`), are made again
    from its stored text and findings, by the same `tokens.index_text` the ingest uses.

    A search calls this when no ingest is running, so an interrupted ingest leaves documents that
    are stored and findable, never half-indexed ones. `advance(n)` is told of each batch done.
    With `only_held`, only the documents in `held` are indexed: the others belong to another
    writer, which holds their rows (see Catalogue's `shared`)."""
    ids = [r[0] for r in conn.execute("SELECT doc_id FROM fts_unindexed ORDER BY doc_id")]
    if only_held:
        ids = [doc_id for doc_id in ids if held and doc_id in held]
    for begin in range(0, len(ids), batch):
        chunk = ids[begin:begin + batch]
        conn.execute("BEGIN IMMEDIATE")
        try:
            rows: list[list] = [[] for _ in FTS_KINDS]
            for doc_id in chunk:
                found = held.get(doc_id) if held else None
                for code, row_id, body in found if found is not None else _index_rows_again(conn, doc_id):
                    rows[code].append((row_id, body))
            for code, kind in enumerate(FTS_KINDS):
                conn.executemany(f"INSERT INTO fts_{kind}(rowid, body) VALUES (?, ?)", rows[code])
            if only_held:  # (another writer's documents may lie between them)
                conn.executemany("DELETE FROM fts_unindexed WHERE doc_id = ?", ((doc_id,) for doc_id in chunk))
            else:
                conn.execute("DELETE FROM fts_unindexed WHERE doc_id BETWEEN ? AND ?", (chunk[0], chunk[-1]))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        if advance:
            advance(len(chunk))
    return len(ids)


def _index_rows_again(conn: sqlite3.Connection, doc_id: int) -> list[tuple[int, int, str]]:
    """The index rows of a stored document, made from its text and findings as the ingest made them
    (none for a repost: its content is indexed with its original's)."""
    from xuncha.catalogue.tokens import index_text

    row = conn.execute("SELECT path FROM documents WHERE id = ? AND duplicate_of IS NULL", (doc_id,)).fetchone()
    doc = load_document(conn, row[0]) if row else None
    if doc is None:
        return []
    index = index_text(doc)
    found = [(0, doc_id, index.document)]
    first = finding_ids(doc_id)[0]  # a document's findings are numbered from here, in order (_insert)
    for code, kind in enumerate(FTS_KINDS[1:], start=1):
        found.extend(zip(repeat(code), count(first), getattr(index, kind)))
    return found


def check_index_form(conn: sqlite3.Connection) -> bool:
    """Make sure the FTS5 tables hold the words this xuncha's segmentation makes; True when every
    document had to be indexed again.

    The FTS5 tables keep no bodies: a row is deleted by giving FTS5 the words it was indexed with,
    which the store makes again from the stored text (see _unindex). Words made by another
    segmentation (an upgrade, a changed user dictionary) would leave stale entries behind, and
    queries would be segmented unlike the text; so when the catalogue's index form is not this
    one, the FTS5 tables are emptied and every stored original is listed as unindexed, to be
    indexed again, in batches, by the writer's next flush."""
    from xuncha.catalogue.tokens import index_form

    form = index_form()
    row = conn.execute("SELECT value FROM catalogue_meta WHERE key = ?", (INDEX_FORM_KEY,)).fetchone()
    if row is not None and row[0] == form:
        return False
    conn.execute("BEGIN IMMEDIATE")
    try:
        row = conn.execute("SELECT value FROM catalogue_meta WHERE key = ?", (INDEX_FORM_KEY,)).fetchone()
        changed = row is None or row[0] != form
        if changed:
            for kind in FTS_KINDS:
                conn.execute(f"INSERT INTO fts_{kind}(fts_{kind}) VALUES ('delete-all')")
            conn.execute("INSERT OR IGNORE INTO fts_unindexed(doc_id) "
                         "SELECT id FROM documents WHERE duplicate_of IS NULL")
            conn.execute("INSERT OR REPLACE INTO catalogue_meta(key, value) VALUES (?, ?)", (INDEX_FORM_KEY, form))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return changed


class SimhashIndex:
    """Every stored original's SimHash in one array, so the nearest keys to a new document come
    from one vectorised XOR and popcount: exact (no banding misses) and about a millisecond at
    100,000 documents. Ids of documents deleted or demoted since are harmless: candidates are
    checked against the catalogue."""

    def __init__(self) -> None:
        self.ids = np.empty(1024, dtype=np.int64)
        self.keys = np.empty(1024, dtype=np.uint64)
        self.size = 0

    def add(self, doc_id: int, key: str) -> None:
        if self.size == len(self.ids):
            self.ids = np.resize(self.ids, 2 * self.size)
            self.keys = np.resize(self.keys, 2 * self.size)
        self.ids[self.size] = doc_id
        self.keys[self.size] = int(key, 16)
        self.size += 1

    def nearest(self, key: str, max_bits: int, k: int) -> list[int]:
        """Ids of at most k keys within max_bits of `key`, nearest first (then oldest)."""
        distance = np.bitwise_count(self.keys[: self.size] ^ np.uint64(int(key, 16)))
        hits = np.flatnonzero(distance <= max_bits)
        hits = hits[np.argsort(distance[hits], kind="stable")[:k]]
        return self.ids[hits].tolist()


def connect(path: str | Path, *, create: bool = True) -> sqlite3.Connection:
    """Open a catalogue (WAL, foreign keys on) and bring its schema up to date."""
    path = Path(path)
    if not create and not path.exists():
        raise CatalogueError(f"{path}: no such catalogue (run `xuncha ingest` first)")
    try:
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=60)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout = 60000")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_PAGES}")
        conn.execute("PRAGMA foreign_keys = ON")
        migrate(conn)
    except sqlite3.DatabaseError as err:
        raise CatalogueError(f"{path}: cannot open catalogue: {err}") from None
    return conn


@dataclass
class StoreOutcome:
    """What storing one file did: new, updated, unchanged or duplicate (with the original's path).

    `orphans` are reposts that pointed at this path's previous content and were removed, so the
    caller can process them again. Of two copies, the one with the earlier date is the original
    (on equal or unknown dates, the one stored first), so `demoted` names a stored original that
    this document displaced.
    """

    status: str
    duplicate_of: str | None = None
    orphans: list[str] = field(default_factory=list)
    demoted: str | None = None  # a stored original that turned out to be a later repost of this one


class Catalogue:
    """A catalogue database opened for reading and writing by one process."""

    def __init__(self, path: str | Path, *, create: bool = True, group: int = 1, shared: bool = False):
        """`group`: documents committed together (see GROUP_DOCS); with 1, `store` commits before
        it returns. A larger group is committed by `commit`, `flush_index` and `close` too.

        `shared`: other writers store into this catalogue too, taking turns (the ingest's workers):
        each flushes only the index rows it holds, and `catch_up` at the start of a turn takes in
        the originals the others stored meanwhile."""
        self.path = Path(path)
        self.group = max(1, group)
        self.shared = shared
        self.conn = connect(self.path, create=create)
        # (a new catalogue records the form; one indexed by another segmentation is indexed again)
        self.reindexing = check_index_form(self.conn) and unindexed_documents(self.conn) > 0
        self._simhashes: SimhashIndex | None = None  # originals' SimHash keys, loaded on first need
        self._seen = 0  # the last document id the SimHash index has taken in (see catch_up)
        # (id, file_sha256) of an original → its shingles: confirming a near-duplicate candidate
        # then needs neither its text from the database nor shingling it again
        self._shingles: OrderedDict[tuple[int, str], object] = OrderedDict()
        self._pairs: OrderedDict[tuple, bool] = OrderedDict()
        self._probe = None
        # index rows of the documents stored since the last flush, by document id (see FLUSH_DOCS)
        self._held: dict[int, list[tuple[int, int, str]]] = {}
        self._held_chars = 0
        self._new_rows: list | None = None  # the rows of the document being stored
        self._dropped: list[int] = []  # documents whose held rows go once this transaction commits
        self._group: list[int | None] = []  # documents stored in the open transaction (see GROUP_DOCS)
        self._group_since = 0.0

    def close(self) -> None:
        """Commit the documents stored, index what is still waiting, then close. A failed commit
        raises (those documents are not in the catalogue); a failed indexing does not (the next
        search or ingest does it)."""
        try:
            self.commit()
            try:
                if self._held or unindexed_documents(self.conn):
                    self.flush_index()
            except sqlite3.Error:
                pass
        finally:
            self.conn.close()

    def held_rows(self, kind: str) -> int:
        """How many index rows of `kind` this writer holds for its next flush."""
        code = FTS_KINDS.index(kind)
        return sum(c == code for rows in self._held.values() for c, _, _ in rows)

    def flush_index(self, advance: Callable[[int], None] | None = None) -> None:
        """Put the held rows, and any a stopped writer left behind, into the FTS5 tables."""
        self.commit()
        index_unindexed(self.conn, self._held, advance=advance, only_held=self.shared)
        self._held = {}
        self._held_chars = 0

    def __enter__(self) -> "Catalogue":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- reading -------------------------------------------------------------------------

    def known_files(self) -> dict[str, str]:
        """path → sha256 of the bytes stored for it."""
        return {r["path"]: r["file_sha256"] for r in self.conn.execute("SELECT path, file_sha256 FROM documents")}

    def known_stats(self) -> dict[str, tuple[int, int] | None]:
        """path → (size, mtime in ns) the stored file had when it was last read (None: unknown)."""
        return {r[0]: (r[1], r[2]) if r[1] is not None and r[2] is not None else None
                for r in self.conn.execute("SELECT path, file_size, file_mtime_ns FROM documents")}

    def record_stat(self, path: str, stat: tuple[int, int] | None) -> None:
        """Remember a stored file's (size, mtime) after its bytes were found unchanged."""
        size, mtime = stat if stat else (None, None)
        self.conn.execute("UPDATE documents SET file_size = ?, file_mtime_ns = ? WHERE path = ?", (size, mtime, path))

    def count(self, table: str) -> int:
        return self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    # ---- writing -------------------------------------------------------------------------

    def store(self, doc: Document | Record, sha: str | None = None, index=None,
              stat: tuple[int, int] | None = None) -> StoreOutcome:
        """Store one analysed document, atomically (see module docstring for the rules): under a
        savepoint of its own, committed with its group (GROUP_DOCS, `commit`).

        `doc` is a Document or its `record.Record` (as the ingest makes it). `sha` is the sha256
        of the file's bytes (the text's when not given); `index` is a Document's `IndexText` (made
        here when not given); `stat` is the file's `file_stat`, kept so that the next ingest can
        skip it unread.
        """
        if not isinstance(doc, Record):
            if index is None:
                from xuncha.catalogue.tokens import index_text

                index = index_text(doc)
            doc = to_record(doc, index, effective_near_key(doc))
        sha = sha or doc.sha256 or hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
        path = doc.path
        key = doc.near_key
        c = self.conn
        self._probe = None  # this document's shingles, if finding its original needed them
        self._new_rows, self._dropped = None, []
        self._begin_document()
        try:
            old = c.execute("SELECT id, file_sha256 FROM documents WHERE path = ?", (path,)).fetchone()
            if old is not None and old["file_sha256"] == sha:
                if stat:
                    c.execute("UPDATE documents SET file_size = ?, file_mtime_ns = ? WHERE id = ?", (*stat, old["id"]))
                c.execute("DELETE FROM errors WHERE path = ?", (path,))
                self._end_document(None)
                return StoreOutcome("unchanged")
            orphans: list[str] = []
            if old is not None:
                orphans = self._delete(old["id"], path, key)
            original = None
            demoted = None
            if key is not None:
                row = self._find_original(doc, key)
                if row is not None and doc.date and row["date"] and doc.date < row["date"]:
                    # this copy was published first: it becomes the original, the stored one its repost
                    self._demote(row["id"], row["path"], path)
                    demoted = row["path"]
                elif row is not None:
                    original = row["path"]
            if original is None and doc.duplicate_of:
                row = c.execute("SELECT path FROM documents WHERE path = ? AND duplicate_of IS NULL",
                                (doc.duplicate_of,)).fetchone()
                original = row["path"] if row else None
            doc_id = self._insert(doc, sha, key, original, stat)
            c.execute("DELETE FROM errors WHERE path = ?", (path,))
            self._end_document(doc_id)
        except BaseException:
            self._undo_document()
            raise
        for gone in self._dropped:  # deleted or demoted: their held rows must not reach the index
            self._held_chars -= sum(len(body) for _, _, body in self._held.pop(gone, ()))
        if self._new_rows is not None:  # (after the drops: the new document may reuse a dropped id)
            self._held[doc_id] = self._new_rows
            self._held_chars += sum(len(body) for _, _, body in self._new_rows)
            self._new_rows = None
        if self._probe is not None and original is None:
            self._remember_shingles(doc_id, sha, self._probe)
        self._commit_if_due()
        if len(self._held) >= FLUSH_DOCS or self._held_chars >= FLUSH_CHARS:
            self.flush_index()
        status = "duplicate" if original else ("updated" if old is not None else "new")
        return StoreOutcome(status, original, orphans, demoted)

    # ---- transactions: a savepoint per document, a commit per group ----------------------

    def _begin_document(self) -> None:
        """Open the document's savepoint, in the group's transaction (begun here if none is open)."""
        c = self.conn
        if not c.in_transaction:
            c.execute("BEGIN IMMEDIATE")
            self._group = []
            self._group_since = time.monotonic()
        c.execute("SAVEPOINT document")

    def _end_document(self, doc_id: int | None) -> None:
        """The document is complete: its savepoint joins the group, to be committed with it."""
        self.conn.execute("RELEASE document")
        self._group.append(doc_id)

    def _undo_document(self) -> None:
        """Roll back the document being stored; the group's complete documents stay."""
        c = self.conn
        try:
            if c.in_transaction:
                c.execute("ROLLBACK TO document")
                c.execute("RELEASE document")
        finally:
            if not c.in_transaction:  # SQLite gave the whole transaction up (disk full, I/O error)
                self._lose_group()
            self._forget_stored()
            self._new_rows, self._dropped = None, []

    def _commit_if_due(self) -> None:
        if len(self._group) >= self.group or time.monotonic() - self._group_since >= GROUP_SECONDS:
            self.commit()

    def commit(self) -> None:
        """Commit the documents stored since the last commit. The ingest calls it at the end of
        each batch, so stored documents are not left uncommitted while files are being read."""
        c = self.conn
        if not c.in_transaction:
            return
        try:
            c.execute("COMMIT")
        except BaseException as err:
            stored = sum(doc_id is not None for doc_id in self._group)
            if c.in_transaction:
                c.execute("ROLLBACK")
            self._lose_group()
            if isinstance(err, sqlite3.Error):
                raise CatalogueError(f"{self.path}: cannot commit the last {stored} document(s) stored ({err}); "
                                     "they are not in the catalogue: run the ingest again") from None
            raise
        self._group = []

    def _lose_group(self) -> None:
        """The group's transaction is gone as a whole: forget the index rows held for its documents
        (any deleted by it are back, listed as unindexed if they were, and indexed again from the
        database by the next flush)."""
        for doc_id in self._group:
            self._held_chars -= sum(len(body) for _, _, body in self._held.pop(doc_id, ()))
        self._group = []
        self._forget_stored()

    def _forget_stored(self) -> None:
        """Drop what the writer remembers of stored documents after a rollback: the SimHash index
        may hold rolled-back rows (reloaded when next needed), and their ids will be given again."""
        self._simhashes = None
        self._shingles.clear()
        self._pairs.clear()

    def _simhash_index(self) -> SimhashIndex:
        if self._simhashes is None:
            self._simhashes = SimhashIndex()
            self._seen = self.conn.execute("SELECT coalesce(max(id), 0) FROM documents").fetchone()[0]
            for doc_id, near in self.conn.execute(
                    "SELECT id, near_key FROM documents WHERE duplicate_of IS NULL AND length(near_key) = 16 "
                    "AND id <= ? ORDER BY id", (self._seen,)):
                if _is_simhash(near):
                    self._simhashes.add(doc_id, near)
        return self._simhashes

    def catch_up(self) -> None:
        """Take into the SimHash index the originals other writers stored since this one last
        stored or looked (a shared catalogue's writer calls it at the start of its turn), in id
        order, so that near-duplicates are matched as by a single writer. (An id freed by a
        deleted repost and given again is not seen here: that original misses near-duplicate
        matching by SimHash until the index is next loaded whole; equal keys still match.)"""
        if self._simhashes is None:
            return  # loaded whole when first needed
        for doc_id, near, dup in self.conn.execute(
                "SELECT id, near_key, duplicate_of FROM documents WHERE id > ? ORDER BY id", (self._seen,)):
            if dup is None and _is_simhash(near):
                self._simhashes.add(doc_id, near)
            self._seen = doc_id

    def _find_original(self, doc: Record, key: str) -> sqlite3.Row | None:
        """The stored original this document repeats, if any.

        Keys of the same kind that are equal match at once. SimHash keys (16 hex digits, from
        ingestion) match when close in Hamming distance, confirmed on the texts' shingles as
        ingestion's DuplicateIndex does, so a repost with a changed caption or a trimmed paragraph is still linked.
        """
        c = self.conn
        row = c.execute("SELECT id, path, date FROM documents WHERE near_key = ? AND duplicate_of IS NULL "
                        "AND path != ? ORDER BY id LIMIT 1", (key, doc.path)).fetchone()
        if row is not None or not _is_simhash(key):
            return row
        from xuncha.ingest.dedup import NEAR_BITS, Shingles, repeats, shingles

        # confirming a candidate means comparing shingles: only the nearest few are worth it
        nearest = self._simhash_index().nearest(key, 2 * NEAR_BITS, MAX_CONFIRM)
        if not nearest:  # (most documents: no key near enough)
            return None
        candidates = c.execute(
            "SELECT id, path, date, near_key, file_sha256 FROM documents WHERE duplicate_of IS NULL AND path != ? "
            f"AND id IN ({','.join('?' * len(nearest))}) ORDER BY id", (doc.path, *nearest)).fetchall()
        if not candidates:
            return None
        # As DuplicateIndex would: a candidate that repeats an earlier one is no original to match;
        # the probe matches the first remaining one it repeats. Which candidates are originals is
        # worked out only when the probe repeats one of them (most probes repeat none).
        self._probe = Shingles(doc.shingles) if doc.shingles is not None else shingles(doc.text)
        probe_key = int(key, 16)
        stored = []
        for cand in candidates:
            ident = (cand["id"], cand["file_sha256"])
            found = self._stored_shingles(*ident)
            cand_key = _simhash_int(cand["near_key"], found)
            stored.append((ident, cand_key, found, cand, repeats(probe_key, self._probe, cand_key, found)))
        if not any(item[4] for item in stored):
            return None
        originals = []
        for ident, cand_key, found, cand, repeated in stored:
            if not any(self._stored_repeats(ident, cand_key, found, other) for other in originals):
                if repeated:
                    return cand
                originals.append((ident, cand_key, found, cand))
        return None

    def _stored_repeats(self, ident, key: int, found, other) -> bool:
        """`repeats` between two stored originals, remembered: neighbours meet again and again."""
        from xuncha.ingest.dedup import repeats

        pair = (other[0], ident)
        known = self._pairs.get(pair)
        if known is None:
            known = self._pairs[pair] = repeats(key, found, other[1], other[2])
            if len(self._pairs) > PAIR_CACHE:
                self._pairs.popitem(last=False)
        return known

    def _stored_shingles(self, doc_id: int, file_sha: str):
        """The shingles of a stored original's text, from the cache or from its text."""
        from xuncha.ingest.dedup import shingles

        cached = self._shingles.get((doc_id, file_sha))
        if cached is not None:
            self._shingles.move_to_end((doc_id, file_sha))
            return cached
        text = self.conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
        found = shingles(text)
        self._remember_shingles(doc_id, file_sha, found)
        return found

    def _remember_shingles(self, doc_id: int, file_sha: str, found) -> None:
        self._shingles[(doc_id, file_sha)] = found
        if len(self._shingles) > SHINGLE_CACHE:
            self._shingles.popitem(last=False)

    def _demote(self, doc_id: int, old_path: str, new_path: str) -> None:
        """Turn a stored original into a repost of `new_path`: its findings and index rows go."""
        c = self.conn
        self._unindex(doc_id)
        self._delete_findings(doc_id)
        c.execute("UPDATE documents SET text = '', duplicate_of = ? WHERE id = ?", (new_path, doc_id))
        c.execute("UPDATE documents SET duplicate_of = ? WHERE duplicate_of = ?", (new_path, old_path))

    def rename(self, old: str, new: str, stat: tuple[int, int] | None = None) -> None:
        """A stored file seen under a new path with the same bytes (a moved folder): keep it, re-pointed."""
        c = self.conn
        size, mtime = stat if stat else (None, None)
        self.commit()
        c.execute("BEGIN IMMEDIATE")
        try:
            c.execute("UPDATE documents SET path = ?, file_size = ?, file_mtime_ns = ? WHERE path = ?",
                      (new, size, mtime, old))
            c.execute("UPDATE documents SET duplicate_of = ? WHERE duplicate_of = ?", (new, old))
            c.execute("DELETE FROM errors WHERE path = ?", (new,))
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise

    def record_error(self, path: str, reason: str, sha: str | None = None) -> None:
        """Remember a file that could not be stored (its first time is kept while nothing changes)."""
        c = self.conn
        self.commit()
        c.execute("BEGIN IMMEDIATE")
        try:
            old = c.execute("SELECT sha256, reason FROM errors WHERE path = ?", (str(path),)).fetchone()
            if old is None or (old["sha256"], old["reason"]) != (sha, reason):
                c.execute("INSERT OR REPLACE INTO errors(path, sha256, reason, time) VALUES (?, ?, ?, ?)",
                          (str(path), sha, reason, now()))
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise

    def _unindex(self, doc_id: int) -> None:
        """Remove a document's index rows and its findings', indexed or still held (their ids may
        be given again, so a held row must not outlive its finding). The FTS5 tables keep no
        bodies: an indexed row is deleted with the words it was indexed with, made again from the
        stored text and findings (check_index_form made sure they are the same words)."""
        c = self.conn
        if c.execute("DELETE FROM fts_unindexed WHERE doc_id = ?", (doc_id,)).rowcount == 0:
            for code, row_id, body in _index_rows_again(c, doc_id):
                kind = FTS_KINDS[code]
                c.execute(f"INSERT INTO fts_{kind}(fts_{kind}, rowid, body) VALUES ('delete', ?, ?)", (row_id, body))
        self._dropped.append(doc_id)

    def _delete_findings(self, doc_id: int) -> None:
        for kind in (*FTS_KINDS[1:], "persons"):
            self.conn.execute(f"DELETE FROM {kind} WHERE id BETWEEN ? AND ?", finding_ids(doc_id))

    def _delete(self, doc_id: int, path: str, new_key: str | None) -> list[str]:
        """Remove a document, its findings and index rows; unlink reposts whose original changed."""
        c = self.conn
        self._unindex(doc_id)
        self._delete_findings(doc_id)
        c.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
        orphans = [r["path"] for r in c.execute(
            "SELECT path FROM documents WHERE duplicate_of = ? AND (near_key IS NOT ? OR ? IS NULL)",
            (path, new_key, new_key))]
        if orphans:
            c.execute(
                "DELETE FROM documents WHERE duplicate_of = ? AND (near_key IS NOT ? OR ? IS NULL)",
                (path, new_key, new_key),
            )
        return orphans

    def _insert(self, doc: Record, sha: str, key: str | None, original: str | None,
                stat: tuple[int, int] | None = None) -> int:
        """Insert the document's row (and, for an original, its findings and index rows); returns its id."""
        c = self.conn
        text = "" if original else doc.text
        size, mtime = stat if stat else (None, None)
        fmt, title, source, author, region, warnings = doc.meta
        cur = c.execute(
            "INSERT INTO documents(path, file_sha256, sha256, format, title, date, source, author, region, "
            "text, warnings, near_key, duplicate_of, ingested_at, file_size, file_mtime_ns) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (doc.path, sha, doc.sha256, fmt, title, doc.date, source, author,
             region, text, warnings, key, original, now(), size, mtime),
        )
        doc_id = cur.lastrowid
        self._seen = max(self._seen, doc_id)
        if original:
            return doc_id  # a repost: its content lives with the original
        if self._simhashes is not None and _is_simhash(key):
            self._simhashes.add(doc_id, key)
        held = [(0, doc_id, doc.index[0])]
        first = finding_ids(doc_id)[0]
        for code, (kind, values, bodies) in enumerate(zip(FINDING_KINDS, doc.rows, doc.index[1:]), start=1):
            if not values:
                continue
            _check_size(doc.path, kind, values)
            columns = FINDING_COLUMNS[kind]
            marks = ",".join("?" * (columns.count(",") + 1))
            ids = range(first, first + len(values))  # (see schema.finding_ids)
            c.executemany(f"INSERT INTO {kind}(id, doc_id, {columns}) VALUES (?, ?, {marks})",
                          [(rid, doc_id, *row) for rid, row in zip(ids, values)])
            if len(bodies) != len(values):  # (an index made for other findings: pad or cut)
                bodies = [*bodies[: len(values)], *[""] * (len(values) - len(bodies))]
            held.extend(zip(repeat(code), ids, bodies))
        if doc.persons:
            _check_size(doc.path, "persons", doc.persons)
            c.executemany('INSERT INTO persons(id, doc_id, name, role, start, "end") VALUES (?,?,?,?,?,?)',
                          [(rid, doc_id, *person) for rid, person in zip(range(first, first + len(doc.persons)),
                                                                         doc.persons)])
        c.execute("INSERT INTO fts_unindexed(doc_id) VALUES (?)", (doc_id,))
        self._new_rows = held  # held in memory once the transaction commits (see FLUSH_DOCS)
        return doc_id


def _check_size(path: str, kind: str, values: list) -> None:
    """A document with more findings of a kind than its id range holds is refused as bad input
    (rolled back to its savepoint), so an ingest reports that file and goes on."""
    if len(values) > MAX_FINDINGS:
        raise IngestError(path, f"{len(values)} {kind} in one document: more than the catalogue keeps ({MAX_FINDINGS})")


def load_document(conn: sqlite3.Connection, path: str) -> Document | None:
    """Rebuild a stored Document with its findings (for tests, export and re-checks)."""
    row = conn.execute("SELECT * FROM documents WHERE path = ?", (str(path),)).fetchone()
    if row is None:
        return None
    doc = Document(path=row["path"], sha256=row["sha256"] or "", format=row["format"] or "", title=row["title"],
                   date=row["date"], source=row["source"], author=row["author"], region=row["region"],
                   text=row["text"], warnings=json.loads(row["warnings"]), duplicate_of=row["duplicate_of"],
                   near_key=row["near_key"])
    q = lambda sql: conn.execute(sql, finding_ids(row["id"])).fetchall()  # noqa: E731
    doc.counts = [Count(r["value"], r["unit"], bool(r["approx"]), r["subject"], r["surface"], r["start"], r["end"])
                  for r in q("SELECT * FROM counts WHERE id BETWEEN ? AND ? ORDER BY id")]
    doc.bodies = [Body(r["name"], r["kind"], r["start"], r["end"], r["resolved"])
                  for r in q("SELECT * FROM bodies WHERE id BETWEEN ? AND ? ORDER BY id")]
    doc.persons = [Person(r["name"], r["role"], r["start"], r["end"])
                   for r in q("SELECT * FROM persons WHERE id BETWEEN ? AND ? ORDER BY id")]
    doc.measures = [Measure(r["name"], r["kind"], r["sentence"], r["start"], r["end"])
                    for r in q("SELECT * FROM measures WHERE id BETWEEN ? AND ? ORDER BY id")]
    doc.problems = [Problem(r["text"], r["start"], r["end"], r["category"], r["category_name"], r["aspect"],
                            r["domain"], r["confidence"])
                    for r in q("SELECT * FROM problems WHERE id BETWEEN ? AND ? ORDER BY id")]
    return doc


def snapshot(conn: sqlite3.Connection) -> dict:
    """The catalogue's content without rowids or times, to compare two catalogues (closed ones,
    or flushed: a writer's held index rows are not in the database yet)."""
    docs = {}
    for r in conn.execute("SELECT path FROM documents ORDER BY path"):
        d = load_document(conn, r["path"]).to_dict()
        docs[r["path"]] = d
    errors = sorted((r["path"], r["sha256"], r["reason"]) for r in conn.execute("SELECT * FROM errors"))
    fts = {kind: sorted(indexed_words(conn, kind).values()) for kind in ("documents", "problems")}
    return {"documents": docs, "errors": errors, "fts": fts}


def indexed_words(conn: sqlite3.Connection, kind: str) -> dict[int, str]:
    """rowid → the words an FTS5 table holds for that row, in order and space-joined (the tables
    keep no bodies; this reads the index itself, through fts5vocab)."""
    vocab = f"temp.xuncha_vocab_{kind}"
    conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {vocab} USING fts5vocab(main, fts_{kind}, instance)")
    words: dict[int, list] = {}
    for term, rowid, offset in conn.execute(f"SELECT term, doc, offset FROM {vocab}"):
        words.setdefault(rowid, []).append((offset, term))
    return {rowid: " ".join(term for _, term in sorted(found)) for rowid, found in sorted(words.items())}
