"""Extraction speed (xuncha.nlp.annotate) per extractor, and the start-up cost of the first annotate.

Run: python benchmarks/nlp_speed.py [DIR ...] [--rounds 3] [--dump FILE] [--no-startup]
Reading (xuncha.ingest.read_document) and segmentation (doc_tokens) happen outside the timing, since
other stages own them; then each extractor is timed over every document, in annotate's order and with
annotate's arguments, in `--rounds` cold runs (the extractors' per-text memories emptied before each, as
in a fresh process): the first run's times (lazy imports included) and the best of the runs (the
machine is shared, so single runs are noisy). Without DIR a 2 MB
benchmark corpus (benchmarks/corpus.py) is built in a temp dir.

--dump FILE writes every document's findings (Document.to_dict without its text) as JSONL, in path
order, from `annotate` itself: diff two dumps to prove a speed change leaves the output unchanged.
The start-up figure runs a fresh process that reads one document and times its first annotate
(dictionaries, regexes, taggers loaded on first use), then a second annotate of the same text.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXTRACTORS = ("bodies", "counts", "persons", "measures", "problems")


def load(folders: list[Path]):
    """(path, Document) for every readable file, tokens cached on each (segmentation left out of the timing)."""
    from xuncha.errors import IngestError
    from xuncha.ingest import read_document
    from xuncha.nlp.segment import doc_tokens
    from xuncha.pipeline import iter_files

    docs = []
    for path in iter_files(folders):
        try:
            doc = read_document(path)
        except IngestError:
            continue
        doc_tokens(doc)
        docs.append((str(path), doc))
    return docs


# module-level memo dicts (or tuples of dicts) the extractors fill per text, besides lru caches
MEMO_TABLES: tuple[str, ...] = ()  # none left: bodies decides every mention afresh


def forget() -> None:
    """Empty the extractors' per-text memories (not their vocabularies), so that every round is
    a cold run over the documents, as in a fresh ingest process."""
    import importlib
    import pkgutil

    import xuncha.nlp

    for info in pkgutil.iter_modules(xuncha.nlp.__path__):
        module = importlib.import_module(f"xuncha.nlp.{info.name}")
        for value in vars(module).values():
            info_of = getattr(value, "cache_info", None)
            if info_of is not None and (info_of().maxsize or 0) > 1:  # vocabularies: maxsize 1 or None
                value.cache_clear()
        for name in MEMO_TABLES:
            table = getattr(module, name, None)
            for memo in table if isinstance(table, tuple) else (table,):
                if isinstance(memo, dict):
                    memo.clear()
        if hasattr(module, "_last"):
            module._last = None


def time_extractors(docs, rounds: int) -> list[dict[str, float]]:
    """Seconds spent in each extractor over all documents, per cold run, called as annotate does."""
    from xuncha.nlp import SHARED_SEGMENTATION_MAX, _byline
    from xuncha.nlp.bodies import extract_bodies
    from xuncha.nlp.counts import extract_counts
    from xuncha.nlp.measures import extract_measures
    from xuncha.nlp.persons import extract_persons
    from xuncha.nlp.problems import extract_problems

    runs = []
    for _ in range(rounds):
        forget()
        spent = dict.fromkeys(EXTRACTORS, 0.0)
        for _, doc in docs:
            text = doc.text or ""
            tokens = doc.tokens if len(text) <= SHARED_SEGMENTATION_MAX else None
            t0 = time.perf_counter()
            found = extract_bodies(text, doc.region, tokens)
            t1 = time.perf_counter()
            extract_counts(text, tokens)
            t2 = time.perf_counter()
            extract_persons(text, _byline(doc), found)
            t3 = time.perf_counter()
            extract_measures(text)
            t4 = time.perf_counter()
            extract_problems(text)
            t5 = time.perf_counter()
            for name, secs in zip(EXTRACTORS, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)):
                spent[name] += secs
        runs.append(spent)
    return runs


WARM_UP = "县委书记张建国指出，县纪委监委存在监督薄弱等问题，谈心谈话15人次，推行“两卡一书”。（记者 李明）"


def warm_up() -> None:
    """Load every extractor's vocabulary on a short text of our own, so that the timing leaves start-up out
    (the per-window caches stay nearly empty: the first round measures a cold run over the documents)."""
    from xuncha.document import Document
    from xuncha.nlp import annotate

    annotate(Document(path="warm-up", sha256="", format="txt", text=WARM_UP))


def dump(docs, out: Path) -> int:
    """Write each document's findings from `annotate` as one JSON line; returns the number of findings."""
    from xuncha.nlp import annotate

    total = 0
    with out.open("w", encoding="utf-8") as fh:
        for path, doc in sorted(docs):
            annotate(doc)
            data = doc.to_dict()
            data.pop("text", None)
            data["path"] = path
            total += sum(len(data[f]) for f in ("counts", "bodies", "persons", "measures", "problems"))
            fh.write(json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n")
    return total


STARTUP_SCRIPT = """
import sys, time
t0 = time.perf_counter()
from xuncha.ingest import read_document
from xuncha.nlp.segment import doc_tokens
doc = read_document(sys.argv[1])
doc_tokens(doc)
t1 = time.perf_counter()
from xuncha.nlp import annotate
annotate(doc)
t2 = time.perf_counter()
doc.counts = doc.bodies = doc.persons = doc.measures = doc.problems = []
annotate(doc)
t3 = time.perf_counter()
print(f"{t1 - t0:.3f} {t2 - t1:.3f} {t3 - t2:.3f}")
"""


def startup(path: str) -> tuple[float, float, float]:
    """(read + segment, first annotate, second annotate) seconds in a fresh process."""
    out = subprocess.run([sys.executable, "-c", STARTUP_SCRIPT, path], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    a, b, c = map(float, out.stdout.split())
    return a, b, c


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--rounds", type=int, default=3,
                        help="cold runs (memories emptied before each); the first and the best are printed")
    parser.add_argument("--dump", type=Path, help="write the findings as JSONL to this file")
    parser.add_argument("--no-startup", action="store_true", help="skip the fresh-process start-up figure")
    args = parser.parse_args()
    folders = args.folders
    tmp = None
    if not folders:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from corpus import build

        tmp = tempfile.TemporaryDirectory(prefix="xuncha-nlp-")
        build(Path(tmp.name), 2.0)
        folders = [Path(tmp.name)]

    docs = load(folders)
    if not docs:
        raise SystemExit("no readable documents")
    chars = sum(len(doc.text or "") for _, doc in docs)
    mb = sum(len((doc.text or "").encode("utf-8")) for _, doc in docs) / 1e6
    print(f"{len(docs)} documents, {chars} characters, {mb:.2f} MB (UTF-8)")
    warm_up()
    runs = time_extractors(docs, args.rounds)
    first = runs[0]  # the process's first pass: lazy imports and loads included
    best = {name: min(run[name] for run in runs) for name in EXTRACTORS}
    print(f"{'':9s} {'first run':>20s}   {f'best of {len(runs)} cold runs':>22s}")
    for name in (*EXTRACTORS, "total"):
        a = sum(first.values()) if name == "total" else first[name]
        b = min(sum(run.values()) for run in runs) if name == "total" else best[name]
        print(f"{name:9s} {a:7.3f} s {mb / a:7.2f} MB/s   {b:7.3f} s {mb / b:7.2f} MB/s")
    if args.dump:
        findings = dump(docs, args.dump)
        print(f"dumped {findings} findings to {args.dump}")
    if not args.no_startup:
        first = min(docs, key=lambda d: len(d[1].text or ""))[0]
        read, cold, warm = startup(first)
        print(f"start-up  read+segment {read:.3f} s, first annotate {cold:.3f} s, second {warm:.3f} s")
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
