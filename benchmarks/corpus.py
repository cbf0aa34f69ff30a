"""Build a benchmark corpus of N MB of *distinct* documents from the project's own sample text.

Sentences are recombined per document with fresh numbers, so that every document is different
(no near-duplicate collapses them) while reading like the real material. Deterministic for a
given seed. Two styles, because extraction and classification cost grows with findings:
  reports  prose of the bundled samples (inspection feedback, nearly every sentence a finding)
           plus labelled statements: about one problem per 45 characters, the worst case;
  news     the running prose of commission news (benchmarks/data/news_sentences.txt: meetings,
           measures, figures, bodies) with a few statements mixed in: about one problem per
           200 characters (the five real seed pages have one per 1,100).
"""

from __future__ import annotations

import argparse
import random
import re
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SENTENCE_END = re.compile(r"(?<=[。！？；])")
NUMBER = re.compile(r"\d+")

UNITS = ["县纪委监委", "市委巡察办", "区纪委监委", "县委第二巡察组", "镇党委", "街道党工委", "县人民医院党委",
         "市第一中学", "县供销社", "市城投集团", "县总工会", "团县委", "县妇联", "社区党委", "村党支部"]
PLACES = ["郧西", "竹溪", "房县", "江北", "滨城", "和平", "河西", "南开", "宣城", "丹江口", "安顺", "遵义", "平凉"]


STYLES = {"reports": 0.15, "news": 0.02}  # style → share of sentences drawn from the labelled statements
NEWS_SENTENCES = Path(__file__).resolve().parent / "data" / "news_sentences.txt"
VARIANTS = Path(__file__).resolve().parent / "data" / "variants.tsv"


def sentence_pools(style: str = "reports") -> tuple[list[str], list[str]]:
    """(prose sentences of the style, problem statements from the labelled corpus)."""
    from xuncha.classify.corpus import load_statements
    from xuncha.errors import IngestError
    from xuncha.ingest import read_document
    from xuncha.pipeline import iter_files

    prose: list[str] = []
    if style == "news":
        prose = [line.strip() for line in NEWS_SENTENCES.read_text(encoding="utf-8").splitlines() if line.strip()]
    for path in iter_files([ROOT / "samples"] if style == "reports" else []):
        try:
            text = read_document(path).text
        except IngestError:
            continue
        for line in text.splitlines():
            prose.extend(s for s in SENTENCE_END.split(line.strip()) if len(s) > 10)
    problems = [r["text"].rstrip("。") + "。" for r in load_statements()]
    if not prose or not problems:
        raise SystemExit("no sample text found (samples/ or corpora/statements/ is empty)")
    return prose, problems


CLAUSE = re.compile(r"(?<=[，；：])")


@lru_cache(maxsize=1)
def _places() -> tuple[re.Pattern, list[str]]:
    """Every county-level and city division's full name as one pattern (short names such as 资源
    are ordinary words too), and the names to put in their place."""
    from xuncha.nlp import lexicon

    names = sorted({r[1] for r in lexicon.table("divisions.tsv") if len(r) > 2 and r[2] in ("county", "city")
                    and len(r[1]) >= 3}, key=lambda n: (-len(n), n))
    return re.compile("|".join(map(re.escape, names))), names


@lru_cache(maxsize=1)
def _variants() -> tuple[re.Pattern, dict[str, list[str]]]:
    """The interchangeable words of data/variants.tsv: one pattern, and each word's group."""
    groups: dict[str, list[str]] = {}
    for line in VARIANTS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            words = [w for w in line.split("\t") if w]
            for w in words:
                groups[w] = words
    return re.compile("|".join(map(re.escape, sorted(groups, key=lambda w: (-len(w), w))))), groups


def vary(rng: random.Random, sentence: str, pool: list[str]) -> str:
    """A sentence made new, so that memos keyed by sentence or clause meet recurrence like real
    text's, not a small pool's: half of the time one clause swapped for a clause of another
    sentence, a place named before a third of the later clauses, interchangeable words
    (data/variants.tsv), places and numbers drawn afresh, and half of the time a unit in front.
    The text names more places and units than real prose does: extraction is measured on the
    harder side."""
    places, place_names = _places()
    words, groups = _variants()
    clauses = CLAUSE.split(sentence)
    if len(clauses) > 1 and rng.random() < 0.5:
        other = CLAUSE.split(rng.choice(pool))
        clauses[rng.randrange(len(clauses) - 1)] = rng.choice(other[:-1] or other).rstrip("。！？") or clauses[0]
    clauses = [rng.choice(place_names) + c if i and rng.random() < 0.35 else c for i, c in enumerate(clauses)]
    text = "".join(clauses)
    text = words.sub(lambda m: rng.choice(groups[m.group()]), text)
    text = places.sub(lambda m: rng.choice(place_names), text)
    text = NUMBER.sub(lambda m: str(rng.randint(2, 99)), text)
    return rng.choice(place_names) + rng.choice(UNITS) + text if rng.random() < 0.5 else text


def make_document(rng: random.Random, pools: tuple[list[str], list[str]], size: int,
                  problem_share: float = 0.15) -> str:
    """One distinct document of about `size` characters: headline, dateline, paragraphs of
    prose with inspection findings mixed in at `problem_share` of the sentences, each varied."""
    prose, problems = pools
    place = rng.choice(PLACES)
    unit = place + rng.choice(UNITS)
    title = f"{place}：{rng.choice(prose)[:18].rstrip('。，；')}"
    date = f"{rng.randint(2019, 2025)}年{rng.randint(1, 12):02d}月{rng.randint(1, 28):02d}日"
    lines = [title, f"{date} 来源：{unit}", ""]
    length = 0
    while length < size:
        pools_drawn = (problems if rng.random() < problem_share else prose for _ in range(rng.randint(3, 7)))
        para = "".join(vary(rng, rng.choice(pool), pool) for pool in pools_drawn)
        para = f"{unit}{para}" if rng.random() < 0.3 else para
        lines.append(para)
        length += len(para)
    return "\n\n".join(lines) + "\n"


def repetition(paths: list[Path]) -> str:
    """How often sentences and clauses recur across the corpus: memos keyed by them (as some
    extractors keep) gain from recurrence, so a fair corpus must not recur more than real text."""
    sentences: set[str] = set()
    clauses: set[str] = set()
    n_sentences = n_clauses = 0
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for sentence in SENTENCE_END.split(text):
            if len(sentence) > 8:
                sentences.add(sentence)
                n_sentences += 1
        for clause in re.split(r"[，。；：、！？\n]", text):
            if len(clause) > 4:
                clauses.add(clause)
                n_clauses += 1
    return (f"distinct sentences {len(sentences) / max(n_sentences, 1):.0%} of {n_sentences}, "
            f"distinct clauses {len(clauses) / max(n_clauses, 1):.0%} of {n_clauses}")


def build(out: Path, megabytes: float, seed: int = 7, doc_chars: int = 2500, style: str = "reports") -> list[Path]:
    """Write documents into `out` until their UTF-8 size reaches `megabytes`; return their paths."""
    rng = random.Random(seed)
    pools = sentence_pools(style)
    out.mkdir(parents=True, exist_ok=True)
    paths, total, i = [], 0, 0
    while total < megabytes * 1_000_000:
        data = make_document(rng, pools, rng.randint(doc_chars // 2, doc_chars * 3 // 2),
                             problem_share=STYLES[style]).encode("utf-8")
        path = out / f"doc{i:06d}.txt"
        path.write_bytes(data)
        paths.append(path)
        total += len(data)
        i += 1
    return paths


def add_corpus_options(ap: argparse.ArgumentParser) -> None:
    """--mb, --style and --corpus, for a benchmark that runs on a corpus built here or on a folder."""
    ap.add_argument("--mb", type=float, default=20.0)
    ap.add_argument("--style", choices=sorted(STYLES), default="reports")
    ap.add_argument("--corpus", type=Path, help="use this folder instead of building one")


def corpus_from(args: argparse.Namespace, tmp: Path) -> Path:
    """The --corpus folder, or a corpus of --mb MB in --style built under `tmp`."""
    if args.corpus is not None:
        return args.corpus
    build(tmp / "corpus", args.mb, style=args.style)
    return tmp / "corpus"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out", type=Path)
    ap.add_argument("--mb", type=float, default=20.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--style", choices=sorted(STYLES), default="reports")
    args = ap.parse_args()
    paths = build(args.out, args.mb, args.seed, style=args.style)
    print(f"{len(paths)} documents, {sum(p.stat().st_size for p in paths) / 1e6:.1f} MB in {args.out}")


if __name__ == "__main__":
    main()
