"""Start-up time of the `xuncha` command (issue 6): what a user waits before the first file is read.

Each figure is the median over fresh processes of their CPU time (user + system: on a shared
machine wall time swings with the neighbours' load; start-up is mostly imports and one-off
building, so on an idle core wall ≈ CPU):
  help      `xuncha --help`
  ingest    `xuncha ingest <one small sample> --db <fresh file>` (parse, imports, segmenter, one doc)
  samples   `xuncha ingest samples/ --db <fresh file>` (the bundled samples, ~100 KB in 10 files)
  again     the same ingest again: every file unchanged
  cli       import of xuncha.cli alone (what every command pays before parsing)
  modules   import of the modules ingest runs on (pipeline, nlp, classify, catalogue), in-process
  engine    building the segmentation engine with the user dictionary (the first words cut)

With --against DIR (another checkout's root, e.g. a `git worktree` of the previous commit) each
figure is measured in pairs, that tree then this one, alternating, and both medians are printed
with their ratio: on a shared machine only paired runs compare.

    python3 benchmarks/startup.py [--runs 5] [--against /tmp/su/base]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "documents" / "repost" / "lanxi-xuncha-feedback-repost.txt"
CLI = [sys.executable, "-c", "import sys; sys.argv[0] = 'xuncha'; from xuncha.cli import main; main()"]

IMPORTS = """
import time
t = time.process_time()
import xuncha.cli
t1 = time.process_time()
import xuncha.catalogue.ingest, xuncha.catalogue.tokens, xuncha.catalogue.record, xuncha.pipeline
import xuncha.nlp, xuncha.classify, xuncha.ingest
t2 = time.process_time()
from xuncha.nlp.segment import tokenizer
tokenizer().cut("巡察", False)
t3 = time.process_time()
print(t1 - t, t2 - t1, t3 - t2)
"""


def env_for(tree: Path | None) -> dict[str, str]:
    """The environment that makes `import xuncha` load `tree` (None: the installed working tree).
    Processes start in the scratch directory: `python -c` puts the current one first on sys.path."""
    env = dict(os.environ)
    if tree is not None:  # PYTHONPATH comes before the editable install's finder
        env["PYTHONPATH"] = str(tree) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(cmd: list[str], env: dict[str, str], cwd: Path) -> float:
    """CPU seconds of one run of `cmd` (and of any process it waited for)."""
    before = children_cpu()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cwd)
    took = children_cpu() - before
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd[3:])} failed ({done.returncode}): {done.stderr.decode()[-400:]}")
    return took


def one_round(env: dict[str, str], scratch: Path) -> dict[str, float]:
    """Every figure once, in fresh processes (the ingest into a catalogue of its own)."""
    db = Path(tempfile.mkdtemp(dir=scratch)) / "catalogue.db"
    figures = {
        "help": timed(CLI + ["--help"], env, scratch),
        "ingest": timed(CLI + ["ingest", str(SAMPLE), "--db", str(db)], env, scratch),
        "samples": timed(CLI + ["ingest", str(ROOT / "samples"), "--db", str(db.with_name("all.db"))], env, scratch),
        "again": timed(CLI + ["ingest", str(ROOT / "samples"), "--db", str(db.with_name("all.db"))], env, scratch),
    }
    out = subprocess.run([sys.executable, "-c", IMPORTS], env=env, capture_output=True, text=True,
                         cwd=scratch)
    if out.returncode:
        sys.exit(f"import timing failed: {out.stderr[-400:]}")
    figures["cli"], figures["modules"], figures["engine"] = map(float, out.stdout.split())
    return figures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="fresh processes per figure (per tree)")
    ap.add_argument("--against", type=Path, help="another checkout to compare with, in paired runs")
    args = ap.parse_args()
    if not SAMPLE.is_file():
        sys.exit(f"{SAMPLE}: missing sample")
    trees = [("this", None)] if args.against is None else [("against", args.against.resolve()), ("this", None)]
    results: dict[str, list[dict[str, float]]] = {name: [] for name, _ in trees}
    with tempfile.TemporaryDirectory(prefix="xuncha-startup-") as tmp:
        scratch = Path(tmp)
        for _, tree in trees:  # one unmeasured round each: compiled bytecode, warm file cache
            one_round(env_for(tree), scratch)
        for _ in range(args.runs):
            for name, tree in trees:
                results[name].append(one_round(env_for(tree), scratch))
    print(f"median CPU seconds of {args.runs} fresh processes")
    print(f"{'figure':<9}" + "".join(f"{name:>10}" for name, _ in trees) + ("     ratio" if args.against else ""))
    for key in ("help", "ingest", "samples", "again", "cli", "modules", "engine"):
        meds = [statistics.median(r[key] for r in results[name]) for name, _ in trees]
        line = f"{key:<9}" + "".join(f"{m:>10.3f}" for m in meds)
        if args.against:
            line += f"{meds[1] / meds[0]:>10.2f}"
        print(line)


if __name__ == "__main__":
    main()
