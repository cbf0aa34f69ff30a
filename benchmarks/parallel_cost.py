"""What running two analysis processes at once costs on this machine, apart from the ingest's design.

The 2-worker ingest can reach 2× only if two processes doing the analysis side by side each run
as fast as one alone. This script measures that directly: it builds (or takes) a corpus, splits its
worker tasks into two halves, and runs `catalogue.ingest.process_files` over each half in a fresh
process — first one after the other, then both at the same time — and prints the CPU seconds of
each. A pure-Python loop is measured the same way as a control: it touches almost no memory, so
when it shows no extra cost and the analysis does, the difference is the memory system (shared
cache and memory bandwidth), which no change to the ingest removes.

Run: python benchmarks/parallel_cost.py [--mb 20] [--style reports|news] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from child import same_xuncha  # noqa: E402
from corpus import add_corpus_options, corpus_from  # noqa: E402

HALF = """
import sys, time
from pathlib import Path
import xuncha.catalogue.ingest as G
from xuncha.pipeline import BATCH
G._warm_up()
G._collect_less_often()
files = sorted(str(p) for p in Path(sys.argv[1]).rglob("*") if p.is_file())
tasks = [files[i:i + BATCH] for i in range(0, len(files), BATCH)][int(sys.argv[2])::2]
start = time.process_time()
for task in tasks:
    G.process_files(task)
print(time.process_time() - start)
"""

LOOP = """
import sys, time
start = time.process_time()
x = 0
for i in range(25_000_000):
    x += i & 7
print(time.process_time() - start)
"""


def cpu_of(script: str, *args: str, together: bool) -> list[float]:
    """CPU seconds of the two halves (args + "0" and args + "1"), run in turn or side by side."""
    def start(half: str):
        return subprocess.Popen([sys.executable, "-c", script, *args, half], stdout=subprocess.PIPE, text=True,
                                **same_xuncha())

    if together:
        procs = [start("0"), start("1")]
        return [float(p.communicate()[0]) for p in procs]
    return [float(start(half).communicate()[0]) for half in ("0", "1")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_corpus_options(ap)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="xuncha-parallel-") as tmp:
        corpus = corpus_from(args, Path(tmp))
        print(f"corpus {corpus}")
        for name, script, extra in (("pure-Python loop (control)", LOOP, []),
                                    ("analysis (process_files)", HALF, [str(corpus.resolve())])):
            wall = time.perf_counter()
            alone = cpu_of(script, *extra, together=False)
            wall_alone = time.perf_counter() - wall
            wall = time.perf_counter()
            side = cpu_of(script, *extra, together=True)
            wall_side = time.perf_counter() - wall
            extra_cost = sum(side) / sum(alone) - 1
            print(f"{name}:\n  one after the other: CPU {alone[0]:.2f} + {alone[1]:.2f} s, wall {wall_alone:.2f} s\n"
                  f"  side by side:        CPU {side[0]:.2f} + {side[1]:.2f} s, wall {wall_side:.2f} s\n"
                  f"  extra CPU when side by side: {100 * extra_cost:+.0f}%  "
                  f"(best possible 2-process speed-up {2 / (1 + extra_cost):.2f}×; measured {wall_alone / wall_side:.2f}×)")


if __name__ == "__main__":
    main()
