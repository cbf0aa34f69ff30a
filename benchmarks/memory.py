"""Peak memory (RSS) of `xuncha ingest --workers 1` as the corpus grows 1×, 4×, 16×.

Ingest streams: files are read, analysed and stored one at a time, so peak memory should stay
flat as the folder grows. Each size runs in a fresh process; its peak RSS comes from wait4().

Run: python benchmarks/memory.py [--mb 1]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from child import same_xuncha  # noqa: E402
from corpus import build  # noqa: E402


def peak_rss_mb(cmd: list[str]) -> tuple[float, float, int]:
    """(peak RSS in MB, wall seconds, exit code) of a command run as a child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **same_xuncha())
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss / 1024, time.perf_counter() - start, proc.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--mb", type=float, default=1.0, help="size of the 1× corpus in MB (default 1)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="xuncha-mem-"))
    try:
        print(f"{'corpus':>8} {'docs':>6} {'peak RSS':>9} {'time':>7}")
        for factor in (1, 4, 16):
            corpus = tmp / f"x{factor}"
            paths = build(corpus, args.mb * factor, seed=factor)
            rss, secs, code = peak_rss_mb([sys.executable, "-m", "xuncha.cli", "ingest", str(corpus.resolve()),
                                           "--db", str((tmp / f"x{factor}.db").resolve()), "--workers", "1"])
            if code != 0:
                raise SystemExit(f"ingest exited {code} on the {factor}× corpus")
            print(f"{args.mb * factor:>6.0f}MB {len(paths):>6} {rss:>7.0f}MB {secs:>6.1f}s", flush=True)
            shutil.rmtree(corpus)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
