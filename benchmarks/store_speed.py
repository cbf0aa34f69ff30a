"""Where ingestion's own time goes: reading a file into a Document, indexing it, storing it.

Run: python benchmarks/store_speed.py DIR [--rounds 3] [--pickle FILE] [--dump OUT]

Times, over every file under DIR, one core:
  read_document and its parts: decode (the format's reader: bytes → page text), normalize
  (character clean-up), clean_page (normalize + headline/metadata/body), near_key (SimHash);
  file_sha256 (the parent's look at each file's bytes);
  index_text (FTS words of a document and its findings, from the analysed document's tokens);
  Catalogue.store (one transaction per document into a fresh catalogue).
Analysis (extractors, classifier) runs outside the timing, once; the analysed documents are
pickled (--pickle, default /tmp/xuncha-store-speed-<dir>.pkl) so reruns start at once.
Each part is timed on its first run (caches cold, as in a short ingest) and as the best of
--rounds runs, in seconds and MB/s of input bytes.

--dump OUT writes OUT.dump (every table's rows sorted, without ids or times; each FTS row as its
indexed terms in order, read through fts5vocab) and OUT.search (hits of a fixed set of queries)
for the catalogue built from the pickled documents, so two versions of the code can be diffed.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sqlite3
import tempfile
import time
from pathlib import Path

QUERIES = [
    ("巡察", "documents", {}), ("约谈", "documents", {}), ("形式主义", "problems", {}),
    ("八项规定", "problems", {}), ('"公车私用"', "problems", {}), ("违规 AND 吃喝", "problems", {}),
    ("整改 NOT 落实", "documents", {}), ("谈心谈话", "counts", {}), ("纪委监委", "bodies", {}),
    ("问题线索", "documents", {}), ("人次", "counts", {}), ("两个责任", "documents", {}),
    ("党风廉政", "measures", {}), ("一把手", "documents", {}), ("集体决策", "problems", {"domain": "soe"}),
    ("财务管理", "problems", {"category": "B1"}), ("扶贫 OR 惠民", "documents", {}),
    ("监督检查", "documents", {"since": "2020"}), ("专项整治", "measures", {}), ("驻村", "problems", {}),
    ("巡察组", "bodies", {}), ("落实不到位", "problems", {"domain": "village"}), ("清单", "measures", {}),
    ("违反 中央八项规定精神", "problems", {}), ("资金", "counts", {}),
]


def first_and_best(rounds: int, work) -> tuple[float, float]:
    """Seconds of the first run of work() (cold caches) and of the fastest of `rounds` runs
    (other processes on the machine only add time)."""
    times = []
    for _ in range(max(1, rounds)):
        t0 = time.perf_counter()
        work()
        times.append(time.perf_counter() - t0)
    return times[0], min(times)


def analysed_documents(files: list[Path], cache: Path):
    """(path, Document with tokens) for every readable file, analysed once and pickled."""
    if cache.exists():
        data = pickle.loads(cache.read_bytes())
        if data["files"] == [str(f) for f in files]:
            return data["docs"]
    from xuncha.errors import IngestError
    from xuncha.ingest import read_document
    from xuncha.nlp.segment import doc_tokens
    from xuncha.pipeline import analyse

    docs = []
    for f in files:
        try:
            doc = analyse(read_document(f))
        except IngestError:
            continue
        doc_tokens(doc)
        docs.append(doc)
    cache.write_bytes(pickle.dumps({"files": [str(f) for f in files], "docs": docs}))
    return docs


def store_all(docs, indexes, db: Path) -> None:
    """A fresh catalogue at `db` with every document stored, one transaction each."""
    from xuncha.catalogue.store import Catalogue

    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    with Catalogue(db) as cat:
        for doc, index in zip(docs, indexes):
            cat.store(doc, doc.sha256, index)


def canonical_dump(db: Path, out: str) -> None:
    """OUT.dump and OUT.search: the catalogue's content and search hits, free of ids and times."""
    from xuncha.catalogue.schema import FTS_KINDS
    from xuncha.catalogue.search import search

    conn = sqlite3.connect(str(db))
    conn.row_factory = sqlite3.Row
    paths = {r["id"]: r["path"] for r in conn.execute("SELECT id, path FROM documents")}
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                         "AND name NOT LIKE 'fts_%' AND name NOT LIKE 'sqlite_%' "
                                         "AND name != 'catalogue_meta'")]
    lines, owner = [], {}
    for table in tables:
        for r in conn.execute(f"SELECT * FROM {table}"):
            row = {k: r[k] for k in r.keys() if k not in ("id", "ingested_at", "time", "file_size", "file_mtime_ns")}
            if "doc_id" in row:
                row["doc_id"] = paths[row["doc_id"]]
            owner[(table, r["id"])] = key = json.dumps(row, ensure_ascii=False, sort_keys=True)
            lines.append(f"{table}\t{key}")
    for kind in FTS_KINDS:
        conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab_{kind} "
                     f"USING fts5vocab(main, fts_{kind}, instance)")
        terms: dict[int, list] = {}
        for term, rowid, offset in conn.execute(f"SELECT term, doc, offset FROM temp.vocab_{kind}"):
            terms.setdefault(rowid, []).append((offset, term))
        for rowid, found in terms.items():
            lines.append(f"fts_{kind}\t{owner.get((kind, rowid), f'no row {rowid}')}\t"
                         + " ".join(t for _, t in sorted(found)))
        lines.append(f"rows in fts_{kind}\t{conn.execute(f'SELECT count(*) FROM fts_{kind}').fetchone()[0]}")
    Path(out + ".dump").write_text("\n".join(sorted(lines)) + "\n", encoding="utf-8")
    with open(out + ".search", "w", encoding="utf-8") as fh:
        for query, kind, filters in QUERIES:
            fh.write(json.dumps({"query": query, "kind": kind, **filters}, ensure_ascii=False) + "\n")
            for hit in search(conn, query, kind=kind, limit=20, **filters):
                fh.write(json.dumps(hit, ensure_ascii=False, sort_keys=True) + "\n")
    conn.close()
    print(f"wrote {out}.dump ({len(lines)} lines) and {out}.search ({len(QUERIES)} queries)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pickle", default=None)
    parser.add_argument("--dump", default=None, metavar="OUT")
    args = parser.parse_args()

    from xuncha.catalogue.store import file_sha256
    from xuncha.catalogue.tokens import index_text
    from xuncha.errors import IngestError
    from xuncha.ingest import read_document
    from xuncha.ingest.dedup import near_key
    from xuncha.ingest.normalize import normalize_text
    from xuncha.ingest.page import clean_page
    from xuncha.ingest.sniff import sniff_format
    from xuncha.pipeline import iter_files

    folder = Path(args.folder).resolve()
    files = sorted(iter_files([folder]))
    raw = {f: f.read_bytes() for f in files}
    mb = sum(map(len, raw.values())) / 1e6

    def reader(fmt):
        from importlib import import_module

        module = {"pdf": "pdf", "docx": "docx", "html": "html"}.get(fmt, "txt")
        return getattr(import_module(f"xuncha.ingest.readers.{module}"), f"read_{module}")

    pages, texts = [], []
    for f, data in raw.items():
        try:
            page = reader(sniff_format(data, str(f)))(data, str(f))
            pages.append(page)
            texts.append(clean_page(page.text).text)
        except IngestError:
            pass

    def read_all():
        for f in files:
            try:
                read_document(f)
            except IngestError:
                pass

    def decode_all():
        for f, data in raw.items():
            try:
                reader(sniff_format(data, str(f)))(data, str(f))
            except IngestError:
                pass

    cache = Path(args.pickle or Path(tempfile.gettempdir()) / f"xuncha-store-speed-{folder.name}.pkl")
    t0 = time.perf_counter()
    docs = analysed_documents(files, cache)
    print(f"{len(files)} files, {mb:.2f} MB, {len(docs)} documents, "
          f"{sum(len(d.problems) for d in docs)} problems (analysis {time.perf_counter() - t0:.1f} s, "
          f"pickled in {cache})")
    read_all()  # warm-up: OpenCC, patterns, division tables
    from xuncha.nlp.segment import tokenizer

    tokenizer()  # the segmenter's dictionary (loaded by analysis before any index text is made)
    parts = {
        "read_document": read_all,
        "  decode": decode_all,
        "  normalize": lambda: [normalize_text(p.text, []) for p in pages],
        "  clean_page": lambda: [clean_page(p.text, title_hint=p.title_hint, date_hint=p.date_hint,
                                            source_hint=p.source_hint, author_hint=p.author_hint) for p in pages],
        "  near_key": lambda: [near_key(t) for t in texts],
        "file_sha256": lambda: [file_sha256(f) for f in files],
        "index_text": lambda: [index_text(d) for d in docs],
    }
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "speed.db"
        indexes = [index_text(d) for d in docs]
        parts["Catalogue.store"] = lambda: store_all(docs, indexes, db)
        print(f"{'':18s} {'first run':>20s}   {'best of ' + str(args.rounds):>20s}")
        for name, work in parts.items():
            figures = "   ".join(f"{s:7.3f} s {mb / s if s > 0 else float('inf'):7.2f} MB/s"
                                 for s in first_and_best(args.rounds, work))
            print(f"{name:18s} {figures}")
        if args.dump:
            store_all(docs, indexes, db)
            canonical_dump(db, args.dump)


if __name__ == "__main__":
    main()
