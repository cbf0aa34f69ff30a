"""Where the ingest's workers spend their time: analysing, waiting for their turn to store, storing.

Workers analyse batches side by side and store them in turns (catalogue.ingest.analyse_and_store),
so a worker whose batch is ready while another stores goes on to its next batch, and waits only
when it holds more than MAX_PENDING. This script runs one ingest in this process (forked workers
inherit its timers), logs when each worker analyses, stores and flushes, and prints per worker:
analysis, idle time (waiting for a turn or a task), storing and, within storing or at the end,
FTS5 flushes and commits; how much of the idle time passed while another worker flushed (a flush
holds SQLite's one write lock longest); then the moment the first batch started, the last store
ended and the ingest returned, and how many cores were kept busy.

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
from corpus import add_corpus_options, corpus_from  # noqa: E402

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


def _gaps(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The stretches between the first start and the last end that no interval covers."""
    gaps, reach = [], None
    for t0, t1 in sorted(intervals):
        if reach is not None and t0 > reach:
            gaps.append((reach, t0))
        reach = t1 if reach is None else max(reach, t1)
    return gaps


def summarise(start: float, end: float, cpu: float) -> None:
    events: dict[str, list] = defaultdict(list)
    for line in LOG.read_text(encoding="utf-8").splitlines():
        pid, kind, t0, t1 = line.split()
        events[pid].append((float(t0), float(t1), kind))
    first = min(t0 for evs in events.values() for t0, _, kind in evs if kind == "analyse")
    last_store = max(t1 for evs in events.values() for _, t1, kind in evs if kind == "store")
    flushes = {pid: [(t0, t1) for t0, t1, kind in evs if kind == "flush"] for pid, evs in events.items()}
    totals = defaultdict(float)
    behind_flush = 0.0
    for pid, evs in sorted(events.items()):
        sums = defaultdict(float)
        for t0, t1, kind in evs:
            sums[kind] += t1 - t0
        if not sums["analyse"]:
            continue  # the parent: lists files, hands out batches, counts outcomes
        # idle: between its first analysis and its last work, neither analysing, storing nor
        # flushing (waiting for its turn, or for a task)
        gaps = _gaps([(t0, t1) for t0, t1, kind in evs if kind in ("analyse", "store", "flush")])
        sums["idle"] = sum(t1 - t0 for t0, t1 in gaps)
        others = [f for other, fl in flushes.items() if other != pid for f in fl]
        behind_flush += sum(min(g1, f1) - max(g0, f0) for g0, g1 in gaps for f0, f1 in others
                            if f0 < g1 and f1 > g0)
        for kind, value in sums.items():
            totals[kind] += value
        print(f"  worker {pid}: analyse {sums['analyse']:.2f} s · idle {sums['idle']:.2f} s · "
              f"store {sums['store']:.2f} s · flushes {sums['flush']:.2f} s (while storing and at the end) · "
              f"commits {sums['commit']:.2f} s")
    print(f"  all workers: analyse {totals['analyse']:.2f} s · idle {totals['idle']:.2f} s ({behind_flush:.2f} s of it "
          f"while another worker flushed) · store {totals['store']:.2f} s · flushes {totals['flush']:.2f} s")
    print(f"  first batch started {first - start:.2f} s in · last batch stored at {last_store - start:.2f} s · "
          f"ingest returned at {end - start:.2f} s")
    print(f"  CPU of all processes {cpu:.2f} s: {cpu / (end - start):.2f} cores busy on average")


def main() -> None:
    global LOG
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_corpus_options(ap)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="xuncha-timeline-") as tmp:
        corpus = corpus_from(args, Path(tmp))
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
