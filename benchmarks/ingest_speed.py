"""Ingestion throughput (characters per second, one core) against plain jieba on the same text.

Run: python benchmarks/ingest_speed.py [--rounds 20] [DIR]
Reads every .txt page under DIR (default: ../shared/seeds, else samples/), cleans each with
`document_from_text` (normalisation, furniture, metadata, region, near-dup key) and segments the
same raw text with `jieba.lcut`, and prints both rates. Ingestion must stay well ahead of jieba,
since the whole pipeline (ingest + segmentation + extraction) has to beat plain jieba.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", default=None)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    folder = Path(args.folder) if args.folder else ROOT.parent / "shared" / "seeds"
    if not folder.is_dir():
        folder = ROOT / "samples"
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.rglob("*.txt"))]
    if not texts:
        raise SystemExit(f"no .txt files under {folder}")

    import jieba

    from xuncha.ingest import document_from_text

    jieba.setLogLevel(logging.WARNING)
    for t in texts:  # warm-up: OpenCC, patterns, divisions, jieba dictionary
        document_from_text(t)
        jieba.lcut(t)
    chars = sum(map(len, texts)) * args.rounds
    t0 = time.perf_counter()
    for _ in range(args.rounds):
        for t in texts:
            document_from_text(t)
    t1 = time.perf_counter()
    for _ in range(args.rounds):
        for t in texts:
            jieba.lcut(t)
    t2 = time.perf_counter()
    ingest, seg = chars / (t1 - t0), chars / (t2 - t1)
    print(f"{len(texts)} pages × {args.rounds} rounds, {chars} chars")
    print(f"ingest  {ingest / 1e3:8.0f} kchar/s  ({(t1 - t0) / (len(texts) * args.rounds) * 1e3:.2f} ms/page)")
    print(f"jieba   {seg / 1e3:8.0f} kchar/s")
    print(f"ingest is {ingest / seg:.1f}× jieba's rate")


if __name__ == "__main__":
    main()
