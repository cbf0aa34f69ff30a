"""Extraction accuracy on the seed documents: precision, recall and F1 per field.

    python3 benchmarks/extraction_accuracy.py [--seeds DIR] [--gold FILE] [--verbose]

Runs the full pipeline (`xuncha.extract_file`) on every file named in the gold file and compares
with its annotations (see ../shared/gold/README.md). Matching rules:
- counts: value, unit and approx equal, and the surfaces compatible (one contains the other, so
  近200人 matches a gold 200人); each gold count is used once (multiset matching).
- bodies: the distinct names, exact.
- persons: name exact and role compatible: one role contains the other (县委书记 vs 该县县委书记),
  or both empty. A person found without a role does not match a gold person with one.
- measures: the distinct names, exact, with quotation mark styles ("…", “…”) treated alike.
Figures are micro-averaged over all files. --verbose lists misses and false finds per file.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FIELDS = ("counts", "bodies", "persons", "measures")


def _quotes(s: str) -> str:
    return s.replace('"', "“").replace("'", "‘")


def match_counts(pred: list[dict], gold: list[dict]) -> tuple[int, list, list]:
    left = list(gold)
    false = []
    for p in pred:
        hit = next((g for g in left if g["value"] == p["value"] and g["unit"] == p["unit"]
                    and bool(g["approx"]) == bool(p["approx"])
                    and (g["surface"] in p["surface"] or p["surface"] in g["surface"])), None)
        if hit is None:
            false.append(p["surface"])
        else:
            left.remove(hit)
    return len(pred) - len(false), [g["surface"] for g in left], false


def match_names(pred: list[str], gold: list[str]) -> tuple[int, list, list]:
    p, g = {_quotes(x) for x in pred}, {_quotes(x) for x in gold}
    return len(p & g), sorted(g - p), sorted(p - g)


def _role_ok(pred: str | None, gold: str | None) -> bool:
    if not pred or not gold:
        return not pred and not gold
    return pred in gold or gold in pred


def match_persons(pred: list[dict], gold: list[dict]) -> tuple[int, list, list]:
    left = list(gold)
    false = []
    for p in pred:
        hit = next((g for g in left if g["name"] == p["name"] and _role_ok(p.get("role"), g.get("role"))), None)
        if hit is None:
            false.append(f'{p["name"]}/{p.get("role")}')
        else:
            left.remove(hit)
    return len(pred) - len(false), [f'{g["name"]}/{g.get("role")}' for g in left], false


def score(doc, gold: dict) -> dict[str, tuple[int, int, int, list, list]]:
    """Per field: (true positives, predicted, gold, missed, false)."""
    d = doc.to_dict()
    out = {}
    tp, miss, false = match_counts(d["counts"], gold["counts"])
    out["counts"] = (tp, len(d["counts"]), len(gold["counts"]), miss, false)
    names = list(dict.fromkeys(b["name"] for b in d["bodies"]))
    tp, miss, false = match_names(names, gold["bodies"])
    out["bodies"] = (tp, len(set(map(_quotes, names))), len(set(map(_quotes, gold["bodies"]))), miss, false)
    tp, miss, false = match_persons(d["persons"], gold["persons"])
    out["persons"] = (tp, len(d["persons"]), len(gold["persons"]), miss, false)
    names = list(dict.fromkeys(m["name"] for m in d["measures"]))
    tp, miss, false = match_names(names, gold["measures"])
    out["measures"] = (tp, len(set(map(_quotes, names))), len(set(map(_quotes, gold["measures"]))), miss, false)
    return out


def prf(tp: int, npred: int, ngold: int) -> tuple[float, float, float]:
    p = tp / npred if npred else (1.0 if not ngold else 0.0)
    r = tp / ngold if ngold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score_all(seeds: Path, records: list[dict], verbose: bool = False) -> dict[str, list[int]]:
    """field → [true positives, predicted, gold] summed over the gold records' files."""
    import xuncha

    totals = {f: [0, 0, 0] for f in FIELDS}
    for rec in records:
        doc = xuncha.extract_file(seeds / rec["file"])
        for field, (tp, npred, ngold, miss, false) in score(doc, rec).items():
            totals[field][0] += tp
            totals[field][1] += npred
            totals[field][2] += ngold
            if verbose and (miss or false):
                print(f"{rec['file'][:12]} {field:8} missed={miss} false={false}", file=sys.stderr)
    return totals


def evaluate(seeds: Path, gold_path: Path, verbose: bool = False) -> dict[str, tuple[float, float, float]]:
    records = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    started = time.perf_counter()
    totals = score_all(seeds, records, verbose)
    elapsed = time.perf_counter() - started
    results = {f: prf(*totals[f]) for f in FIELDS}
    print(f"{'field':10}{'P':>7}{'R':>7}{'F1':>7}{'tp':>5}{'pred':>6}{'gold':>6}")
    for f in FIELDS:
        p, r, f1 = results[f]
        tp, npred, ngold = totals[f]
        print(f"{f:10}{p:7.3f}{r:7.3f}{f1:7.3f}{tp:5d}{npred:6d}{ngold:6d}")
    print(f"{len(records)} documents in {elapsed:.1f} s (first one includes loading dictionaries and models)")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=SHARED / "seeds")
    parser.add_argument("--gold", type=Path, default=SHARED / "gold" / "seeds.jsonl")
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args(argv)
    if not args.gold.is_file() or not args.seeds.is_dir():
        print(f"gold file or seeds directory missing: {args.gold}, {args.seeds}", file=sys.stderr)
        return 2
    evaluate(args.seeds, args.gold, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
