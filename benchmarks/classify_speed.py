"""CPU time of classify_documents on read and annotated documents, and a dump of its output.

    python3 benchmarks/classify_speed.py prepare DIR... --out docs.pkl   # read + annotate, pickle
    python3 benchmarks/classify_speed.py time docs.pkl [--repeat 1]      # classify in batches of 16
    python3 benchmarks/classify_speed.py dump docs.pkl > out.tsv         # one line per problem
    python3 benchmarks/classify_speed.py dump docs.pkl --full > out.jsonl # + classify_many, explained
    python3 benchmarks/classify_speed.py pairs docs.pkl --before OLD [--runs 5]  # old vs this tree

`pairs` times an older checkout (OLD: a directory holding its xuncha/ and this script in
benchmarks/, e.g. from `git archive`) and this tree alternately, each in a fresh process (the old
one with its own XUNCHA_CACHE_DIR, OLD/.cache, so the two models do not evict each other), and
prints the medians and the median ratio of the pairs: on a shared machine single runs are noisy.

Classification is timed alone (reading and annotating are done once, by `prepare`), on a fresh
copy of the documents in this process, in the ingest's batches of 16 documents. The model,
OpenCC and the segmenter are loaded before the clock starts, so the figure is the per-statement
work; the process is fresh, so no statement has been classified before (no warm memo). The dump
is for checking that a change leaves the output byte-identical.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BATCH = 16


def prepare(paths: list[str], out: str) -> None:
    from xuncha.ingest import read_document
    from xuncha.nlp import annotate
    from xuncha.pipeline import iter_files

    docs = []
    for path in iter_files(paths):
        try:
            docs.append(annotate(read_document(path)))
        except Exception as err:  # a bad sample file: skip it, as the ingest would report it
            print(f"skip {path}: {err}", file=sys.stderr)
    with open(out, "wb") as f:
        pickle.dump(docs, f, protocol=pickle.HIGHEST_PROTOCOL)
    print(f"{len(docs)} documents, {sum(len(d.problems) for d in docs)} problems → {out}", file=sys.stderr)


def _load(path: str):
    with open(path, "rb") as f:
        return pickle.load(f)


def _warm() -> None:
    """Load what every process loads once (model arrays, OpenCC, segmenter) outside the clock."""
    from xuncha.classify import features
    from xuncha.classify.domains import _lexicon
    from xuncha.classify.model import get_scorer
    from xuncha.nlp.segment import cut

    get_scorer()
    features.normal_form("預熱")
    features.category_cues()
    _lexicon()
    cut("预热一下分词")


def run_time(path: str, repeat: int) -> None:
    from xuncha.classify import classify_documents

    _warm()
    best = None
    for _ in range(repeat):
        docs = _load(path)
        n = sum(len(d.problems) for d in docs)
        t0 = time.process_time()
        for i in range(0, len(docs), BATCH):
            classify_documents(docs[i : i + BATCH])
        cpu = time.process_time() - t0
        best = cpu if best is None else min(best, cpu)
    print(f"{path}: {len(docs)} documents, {n} statements, classify CPU {best:.3f} s "
          f"({1e6 * best / max(n, 1):.1f} µs/statement)")


def dump(path: str, full: bool = False) -> None:
    """Each problem's classification; with `full`, also every field of classify_many (cues and
    alternatives included) for the problems' texts, each with its document's first body as unit."""
    import json

    from xuncha.classify import classify_documents, classify_many

    docs = _load(path)
    for i in range(0, len(docs), BATCH):
        classify_documents(docs[i : i + BATCH])
    out = sys.stdout
    for doc in docs:
        for k, p in enumerate(doc.problems):
            out.write(f"{doc.path}\t{k}\t{p.category}\t{p.category_name}\t{p.aspect}\t{p.domain}\t{p.confidence!r}\n")
    if full:
        for doc in docs:
            unit = doc.bodies[0].name if doc.bodies else None
            for res in classify_many([(p.text, unit) for p in doc.problems] + [("", None), (" ", unit)]):
                out.write(json.dumps(res, ensure_ascii=False) + "\n")


def pairs(path: str, before: str, runs: int) -> None:
    import os
    import re
    import statistics
    import subprocess

    def cpu(root: Path, env: dict) -> float:
        out = subprocess.run([sys.executable, str(root / "benchmarks" / "classify_speed.py"), "time", path],
                             cwd=root, env=env, capture_output=True, text=True, check=True).stdout
        return float(re.search(r"CPU ([\d.]+) s", out).group(1))

    old_root, new_root = Path(before).resolve(), Path(__file__).resolve().parent.parent
    old_env = dict(os.environ, XUNCHA_CACHE_DIR=str(old_root / ".cache"))
    old, new = [], []
    for _ in range(runs):
        old.append(cpu(old_root, old_env))
        new.append(cpu(new_root, dict(os.environ)))
    ratios = [a / b for a, b in zip(old, new)]
    print(f"{path}: before {statistics.median(old):.3f} s, after {statistics.median(new):.3f} s CPU, "
          f"median ratio of pairs {statistics.median(ratios):.2f}x ({', '.join(f'{r:.2f}' for r in ratios)})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("paths", nargs="+")
    p.add_argument("--out", required=True)
    t = sub.add_parser("time")
    t.add_argument("pickle")
    t.add_argument("--repeat", type=int, default=1)
    d = sub.add_parser("dump")
    d.add_argument("pickle")
    d.add_argument("--full", action="store_true")
    c = sub.add_parser("pairs")
    c.add_argument("pickle")
    c.add_argument("--before", required=True, help="directory of an older checkout")
    c.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    if args.cmd == "prepare":
        prepare(args.paths, args.out)
    elif args.cmd == "pairs":
        pairs(args.pickle, args.before, args.runs)
    elif args.cmd == "time":
        run_time(args.pickle, args.repeat)
    else:
        dump(args.pickle, args.full)


if __name__ == "__main__":
    main()
