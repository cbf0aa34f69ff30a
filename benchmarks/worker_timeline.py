"""Where the ingest's workers spend their time: analysing, waiting for their turn to store, storing.

Workers analyse batches side by side and store them in turns (catalogue.ingest.analyse_and_store),
so a worker whose batch is ready while another stores waits. This script runs one ingest in this
process (forked workers inherit its timers), logs when each batch's analysis ends and its storing
starts and ends, and prints per worker: analysis, waiting for the turn, storing and, within
storing, FTS5 flushes and commits; then the moment the first batch started, the last store ended
and the ingest returned, and how many cores were kept busy. It prints which turns the waiting
followed: a turn that flushed index rows holds SQLite's one write lock longest.

Run: python benchmarks/worker_timeline.py [--mb 20] [--style reports|news] [--corpus DIR] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import build  # noqa: E402

import xuncha.catalogue.ingest as G  # noqa: E402
from xuncha.catalogue.store import Catalogue  # noqa: E402

LOG: Path | None = None  # events, one line each, appended by every process


def _log(*fields) -> None:
    with open(LOG, "a", encoding="utf-8") as fh:  # (O_APPEND: lines from several processes stay whole)
        fh.write(" ".join(str(f) for f in (os.getpid(), *fields)) + "\n")


def _timed(kind: str, fn):
    def run(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            _log(kind, f"{start:.6f}", f"{time.perf_counter():.6f}")
    return run


def instrument() -> None:
    """Time process_files (analysis), store_results (storing a batch), and the catalogue's
    commits and flushes, in this process and in the workers it forks."""
    G.process_files = _timed("analyse", G.process_files)
    G.store_results = _timed("store", G.store_results)
    Catalogue.commit = _timed("commit", Catalogue.commit)
    Catalogue.flush_index = _timed("flush", Catalogue.flush_index)


def summarise(start: float, end: float, cpu: float) -> None:
    events: dict[str, list] = defaultdict(list)
    for line in LOG.read_text(encoding="utf-8").splitlines():
        pid, kind, t0, t1 = line.split()
        events[pid].append((float(t0), float(t1), kind))
    first = min(t0 for evs in events.values() for t0, _, kind in evs if kind == "analyse")
    last_store = max(t1 for evs in events.values() for _, t1, kind in evs if kind == "store")
    totals = defaultdict(float)
    after_flush = other = 0.0
    for pid, evs in sorted(events.items()):
        evs.sort()
        sums = defaultdict(float)
        for t0, t1, kind in evs:
            sums[kind] += t1 - t0
        # the wait of a batch: from the end of its analysis to the start of its storing
        waits = []
        for i, (t0, t1, kind) in enumerate(evs):
            if kind == "analyse":
                nxt = next((e for e in evs[i + 1:] if e[2] == "store"), None)
                if nxt is not None:
                    waits.append((t1, nxt[0] - t1))
        sums["wait"] = sum(w for _, w in waits)
        for kind, value in sums.items():
            totals[kind] += value
        name = f"process {pid}" if sums["analyse"] else f"process {pid} (hands out batches)"
        print(f"  {name}: analyse {sums['analyse']:.2f} s · wait for turn {sums['wait']:.2f} s · "
              f"store {sums['store']:.2f} s · flushes {sums['flush']:.2f} s (while storing and at the end) · "
              f"commits {sums['commit']:.2f} s")
        # was the wait spent behind a flush (of any process) that ended after the batch was ready?
        flushes = [(t0, t1) for evs2 in events.values() for t0, t1, kind in evs2 if kind == "flush"]
        for ready, wait in waits:
            if any(t0 < ready + wait and t1 > ready for t0, t1 in flushes):
                after_flush += wait
            else:
                other += wait
    print(f"  all: analyse {totals['analyse']:.2f} s · wait {totals['wait']:.2f} s "
          f"({after_flush:.2f} s of it while a flush ran) · store {totals['store']:.2f} s · "
          f"flushes {totals['flush']:.2f} s")
    print(f"  first batch started {first - start:.2f} s in · last batch stored at {last_store - start:.2f} s · "
          f"ingest returned at {end - start:.2f} s")
    print(f"  CPU of all processes {cpu:.2f} s: {cpu / (end - start):.2f} cores busy on average")


def main() -> None:
    global LOG
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=20.0)
    ap.add_argument("--style", choices=["reports", "news"], default="reports")
    ap.add_argument("--corpus", type=Path, help="use this folder instead of building one")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="xuncha-timeline-") as tmp:
        corpus = args.corpus
        if corpus is None:
            corpus = Path(tmp) / "corpus"
            build(corpus, args.mb, style=args.style)
        LOG = Path(tmp) / "events.log"
        instrument()
        cpu0 = os.times()
        start = time.perf_counter()
        summary = G.ingest([corpus], Path(tmp) / "c.db", workers=args.workers, progress=False)
        end = time.perf_counter()
        cpu1 = os.times()
        cpu = sum(cpu1[:4]) - sum(cpu0[:4])  # this process and its (waited-for) workers
        print(f"corpus {corpus}: {summary.line()}, {args.workers} worker(s), {end - start:.2f} s")
        summarise(start, end, cpu)


if __name__ == "__main__":
    main()
