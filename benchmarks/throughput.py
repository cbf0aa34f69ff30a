"""Throughput of the whole pipeline against plain jieba on the same text, and worker scaling.

Builds a corpus of N MB of distinct documents (benchmarks/corpus.py), then measures in one run:
  (a) plain `jieba.lcut` over every document's text,
  (b) `xuncha ingest --workers 1` end to end (a fresh process: start-up, reading, analysis, SQLite),
  (c) each stage alone, in this process: read, normalise, segment, extract, classify, index,
  (d) `xuncha ingest --workers 2` on the same corpus (scaling),
  (e) two `xuncha ingest --workers 1` at once, each on half of the corpus into a catalogue of its
      own: what two processes get from this machine when they share nothing, the bound that (d)
      is read against (on a 2-core virtual machine, shared cache, memory bandwidth and the host's
      scheduling keep it well below 2×).
Prints MB/s for each and the ratios b/a (target ≤ 1.0) and w2/w1 speed-up (target ≥ 1.8).

Run: python benchmarks/throughput.py [--mb 20] [--style reports|news] [--rounds N] [--keep DIR] [--no-bound]
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from child import same_xuncha  # noqa: E402
from corpus import build, repetition  # noqa: E402


def print_time(label: str, mb: float, elapsed: float) -> None:
    """One measure's line: its seconds and MB/s, in the columns every measure shares."""
    print(f"  {label:<34} {elapsed:7.2f} s  {mb / elapsed:6.2f} MB/s", flush=True)


def timed(label: str, mb: float, func) -> float:
    start = time.perf_counter()
    func()
    elapsed = time.perf_counter() - start
    print_time(label, mb, elapsed)
    return elapsed


def run_ingests(label: str, mb: float, jobs: list[tuple[Path, Path]], workers: int) -> float:
    """Wall time of `xuncha ingest` in fresh processes (what a user waits for), one per (corpus,
    catalogue) in `jobs`, started together, until the last has finished. Prints it under `label`,
    then each ingest's summary and the CPU time of those processes and their workers, which tells
    waiting (I/O, a starved writer) from work."""
    import resource

    for _, db in jobs:
        for stale in db.parent.glob(db.name + "*"):
            stale.unlink()
    # the deletion above (and the corpus just written) reach the disk now, not inside the timed run:
    # the file system discards freed blocks, and the ingest's own syncs would wait for that
    os.sync()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-m", "xuncha.cli", "ingest", str(corpus.resolve()), "--db",
                               str(db.resolve()), "--workers", str(workers)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, **same_xuncha()) for corpus, db in jobs]
    errors = [proc.communicate()[1] for proc in procs]
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    for proc, err in zip(procs, errors):
        if proc.returncode != 0:
            raise SystemExit(f"ingest failed ({proc.returncode}): {err[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print_time(label, mb, elapsed)
    for err in errors:
        print(f"    {err.strip().splitlines()[-1]}")
    print(f"    CPU time (all processes) {cpu:.2f} s, {cpu / elapsed:.2f} cores busy on average")
    return elapsed


def split_in_halves(paths: list[Path], root: Path) -> list[Path]:
    """Two folders under `root` holding every other file of `paths` (hard links where the file
    system allows, else copies), so that both halves have the same mix of documents."""
    halves = [root / "half1", root / "half2"]
    for half in halves:
        half.mkdir(parents=True)
    for i, path in enumerate(sorted(paths)):
        target = halves[i % 2] / path.name
        try:
            os.link(path, target)
        except OSError:
            shutil.copyfile(path, target)
    return halves


def density(db: Path) -> str:
    """How dense in findings the corpus is: extraction and classification scale with it."""
    import sqlite3

    con = sqlite3.connect(db)
    try:
        chars = con.execute("SELECT COALESCE(SUM(LENGTH(text)), 0) FROM documents").fetchone()[0]
        counts = {t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                  for t in ("problems", "measures", "counts", "bodies")}
    finally:
        con.close()
    per = f"one problem per {chars / counts['problems']:.0f} characters" if counts["problems"] else "no problems"
    return "findings: " + ", ".join(f"{n} {t}" for t, n in counts.items()) + f" ({per})"


def stages(paths: list[Path], mb: float, db: Path) -> None:
    """Each stage alone over the corpus, the output of one feeding the next."""
    from xuncha.catalogue.ingest import _fewer_collections
    from xuncha.catalogue.store import Catalogue
    from xuncha.catalogue.tokens import index_text
    from xuncha.classify import classify_document, classify_documents
    from xuncha.document import Document
    from xuncha.ingest.dedup import near_key
    from xuncha.ingest.page import clean_page
    from xuncha.ingest.readers.txt import read_txt
    from xuncha.ingest.sniff import sniff_format
    from xuncha.nlp import annotate
    from xuncha.nlp.segment import cut
    from xuncha.pipeline import BATCH

    blobs = [(str(p), p.read_bytes()) for p in paths]
    raws, docs = [], []

    def read():
        raws[:] = [(name, read_txt(data, name)) for name, data in blobs if sniff_format(data, name) == "txt"]

    def normalise():
        docs[:] = []
        for name, raw in raws:
            page = clean_page(raw.text)
            doc = Document(path=name, format="txt", title=page.title, date=page.date, source=page.source,
                           author=page.author, region=page.region, text=page.text)
            doc.near_key = near_key(doc.text)
            docs.append(doc)

    def segment():
        for doc in docs:
            doc.tokens = cut(doc.text)

    def extract():
        for doc in docs:
            annotate(doc)

    def classify():  # as extract_batch does: a batch's findings scored together
        for i in range(0, len(docs), BATCH):
            classify_documents(docs[i : i + BATCH])

    def index():
        with Catalogue(db) as cat:
            for doc in docs:
                cat.store(doc, hashlib.sha256(doc.path.encode()).hexdigest(), index_text(doc))

    classify_document(annotate(Document(path="warm", text="县委书记王建国指出，县纪委监委对年轻干部谈心谈话未经常性开展。")))
    total = 0.0
    # with the ingest's garbage-collector setting: the whole corpus is held here, and Python's
    # default would walk it again and again, which an ingest (streaming, GC_YOUNG_THRESHOLD) never does
    with _fewer_collections():
        for label, func in (("read (decode)", read), ("normalise (clean page, metadata)", normalise),
                            ("segment", segment), ("extract", extract), ("classify", classify),
                            ("index (FTS + SQLite)", index)):
            total += timed(label, mb, func)
    print_time("sum of stages", mb, total)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--mb", type=float, default=20.0, help="corpus size in MB (default 20)")
    ap.add_argument("--keep", type=Path, help="build the corpus here and keep it")
    ap.add_argument("--style", choices=["reports", "news"], default="reports",
                    help="reports: feedback prose, a finding in nearly every sentence (default, the worst case); "
                         "news: commission news prose, few findings (see corpus.py)")
    ap.add_argument("--no-stages", action="store_true", help="skip the per-stage timing")
    ap.add_argument("--rounds", type=int, default=1,
                    help="time (a), (b), (d) and (e) this many times in turn and report the median round")
    ap.add_argument("--no-bound", action="store_true", help="skip (e), the two halves ingested at once")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="xuncha-bench-"))
    corpus = args.keep or tmp / "corpus"
    try:
        paths = build(corpus, args.mb, style=args.style)
        mb = sum(p.stat().st_size for p in paths) / 1e6
        print(f"corpus ({args.style}): {len(paths)} documents, {mb:.1f} MB, CPUs {os.cpu_count()}")
        print(f"  {repetition(paths)}")

        # the package's bytecode, as an installed wheel has it: with PYTHONDONTWRITEBYTECODE set (as on
        # the machines this was measured on) every ingest would compile xuncha's sources, ~0.15 s
        import compileall

        import xuncha

        compileall.compile_dir(Path(xuncha.__file__).parent, quiet=1)
        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        halves = None if args.no_bound else split_in_halves(paths, tmp / "halves")
        ratios, speedups, bounds = [], [], []
        for round_ in range(1, args.rounds + 1):
            if args.rounds > 1:
                print(f" round {round_} of {args.rounds}")
            texts = [p.read_text(encoding="utf-8") for p in paths]
            os.sync()
            a = timed("(a) plain jieba.lcut", mb, lambda: [jieba.lcut(t) for t in texts])
            texts.clear()  # free the copy before ingest runs
            b = run_ingests("(b) xuncha ingest --workers 1", mb, [(corpus, tmp / "w1.db")], 1)
            if round_ == 1:
                print(f"    {density(tmp / 'w1.db')}")
                if not args.no_stages:
                    print("  (c) stages alone:")
                    stages(paths, mb, tmp / "stages.db")
            w2 = run_ingests("(d) xuncha ingest --workers 2", mb, [(corpus, tmp / "w2.db")], 2)
            ratios.append(b / a)
            speedups.append(b / w2)
            if halves:
                both = run_ingests("(e) two halves at once, 1 worker", mb,
                                   [(half, tmp / f"{half.name}.db") for half in halves], 1)
                bounds.append(b / both)
        # each round times (a), (b), (d) and (e) back to back, so that a drift in the machine's speed
        # (it is shared) falls on all of them; the median round is reported
        each = lambda xs: "" if len(xs) == 1 else f"  (rounds: {', '.join(f'{x:.2f}' for x in xs)})"  # noqa: E731
        print(f"ratio b/a = {statistics.median(ratios):.2f}  (target ≤ 1.0){each(ratios)}")
        print(f"speed-up 2 workers / 1 worker = {statistics.median(speedups):.2f}×  (target ≥ 1.8){each(speedups)}")
        if bounds:
            print(f"speed-up of two halves at once / 1 worker = {statistics.median(bounds):.2f}×  (this "
                  f"machine's bound for two processes){each(bounds)}")
            shares = [speedup / bound for speedup, bound in zip(speedups, bounds)]
            print(f"2 workers reach {statistics.median(shares):.0%} of that bound{each(shares)}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
