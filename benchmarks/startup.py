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
    python3 benchmarks/startup.py --regex    # regex compilation during a one-file ingest, by module
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


REGEX_COST = """
import collections, re._compiler as compiler, sys, tempfile, time
real = compiler.compile
per_module, count, patterns = collections.Counter(), collections.Counter(), []

def timed(pattern, flags=0):
    t = time.process_time()
    compiled = real(pattern, flags)
    took = time.process_time() - t
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.endswith(("re/__init__.py", "re/_compiler.py")):
        frame = frame.f_back
    where = f"{frame.f_globals.get('__name__')}:{frame.f_lineno}" if frame is not None else "?"
    per_module[where.split(":")[0]] += took
    count[where.split(":")[0]] += 1
    patterns.append((took, where, str(pattern)[:40]))
    return compiled

compiler.compile = timed
db = tempfile.mkdtemp() + "/c.db"
sys.argv = ["xuncha", "ingest", sys.argv[1], "--db", db, "--workers", "1"]
from xuncha.cli import main
try:
    main()
except SystemExit:
    pass
print(f"regex compilation: {sum(per_module.values()) * 1000:.0f} ms CPU in {len(patterns)} patterns")
for module, took in per_module.most_common(15):
    print(f"{took * 1000:7.1f} ms {count[module]:4d}  {module}")
print("slowest patterns:")
for took, where, text in sorted(patterns, reverse=True)[:15]:
    print(f"{took * 1000:7.1f} ms  {where:32s} {text!r}")
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="fresh processes per figure (per tree)")
    ap.add_argument("--against", type=Path, help="another checkout to compare with, in paired runs")
    ap.add_argument("--regex", action="store_true", help="time regex compilation in a one-file ingest instead")
    args = ap.parse_args()
    if args.regex:
        with tempfile.TemporaryDirectory(prefix="xuncha-startup-") as tmp:
            subprocess.run([sys.executable, "-c", REGEX_COST, str(SAMPLE)], cwd=tmp, stderr=subprocess.DEVNULL)
        return
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
