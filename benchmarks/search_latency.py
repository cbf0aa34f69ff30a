"""Search latency (p50/p95) on a catalogue of 100,000 documents.

Builds the catalogue once (cached under benchmarks/out/, rebuilt with --rebuild) from distinct
generated documents: each is stored through the catalogue's own store() with its search index
text, problems carrying the labels of the corpus statements they were drawn from. Then times the
library's search() over a mix of queries: two-character terms, phrases, boolean queries, other
kinds, and filters.

Run: python benchmarks/search_latency.py [--docs 100000] [--rebuild]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import make_document, sentence_pools  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
QUERIES = [
    ("巡察", {}), ("约谈", {}), ("整改", {}), ("谈心谈话", {}), ("一把手", {}), ("三重一大", {}),
    ('"主体责任"', {}), ("公务接待 OR 公车私用", {}), ("巡察 AND 村", {}), ("食堂 NOT 学校", {}),
    ("乡村振兴", {"since": "2022-01-01"}), ("财务", {"until": "2021-12-31"}),
    ("整改", {"kind": "problems"}), ("不到位", {"kind": "problems", "category": "B1"}),
    ("资金", {"kind": "problems", "domain": "village"}), ("清单", {"kind": "measures"}),
    ("纪委监委", {"kind": "bodies"}), ("人次", {"kind": "counts"}), ("约谈", {"region": "郧西"}),
    ("形式主义", {"category": "B3"}), ("医院", {"domain": "hospital"}),
]


def build_catalogue(db: Path, docs: int, seed: int = 11) -> None:
    from xuncha.catalogue.store import Catalogue
    from xuncha.catalogue.tokens import index_text
    from xuncha.classify.corpus import load_statements
    from xuncha.classify.taxonomy import load_taxonomy
    from xuncha.document import Document, Problem

    tax = load_taxonomy()
    rng = random.Random(seed)
    pools = sentence_pools()
    statements = load_statements()
    regions = ["湖北省十堰市郧西县", "湖北省十堰市竹溪县", "浙江省宁波市江北区", "山东省滨州市", "天津市和平区",
               "福建省三明市", "浙江省金华市兰溪市", "湖南省长沙市"]
    tmp = db.with_suffix(".building")
    for stale in tmp.parent.glob(tmp.name + "*"):
        stale.unlink()
    start = time.perf_counter()
    with Catalogue(tmp) as cat:
        for i in range(docs):
            text = make_document(rng, pools, rng.randint(300, 900))
            title, _, body = text.partition("\n")
            picked = rng.sample(statements, 3)
            problems, parts = [], [body.strip()]
            for s in picked:
                pos = sum(len(p) for p in parts) + len(parts)
                parts.append(s["text"])
                problems.append(Problem(s["text"], pos, pos + len(s["text"]), s["category"],
                                        tax.category_name(s["category"]), tax.aspect_of(s["category"]),
                                        s["domain"], 0.9))
            doc = Document(path=f"/bench/doc{i:06d}.txt", format="txt", title=title,
                           date=f"{rng.randint(2018, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                           source="基准测试网", region=rng.choice(regions), text="\n".join(parts),
                           problems=problems)
            doc.near_key = "bench:" + hashlib.sha1(doc.path.encode()).hexdigest()
            cat.store(doc, hashlib.sha256(doc.text.encode()).hexdigest(), index_text(doc))
            if (i + 1) % 10000 == 0:
                print(f"  built {i + 1} documents in {time.perf_counter() - start:.0f} s", flush=True)
    for f in tmp.parent.glob(tmp.name + "*"):
        f.rename(db.parent / f.name.replace(tmp.name, db.name))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--rebuild", action="store_true")
    args = ap.parse_args()
    from xuncha.catalogue.search import search
    from xuncha.catalogue.store import connect

    OUT.mkdir(exist_ok=True)
    db = OUT / f"search-{args.docs}.db"
    if args.rebuild or not db.exists():
        print(f"building a catalogue of {args.docs} documents in {db} …", flush=True)
        build_catalogue(db, args.docs)
    conn = connect(db, create=False)
    n = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    times, hits = [], 0
    for q, opts in QUERIES:  # warm the page cache once
        search(conn, q, **opts)
    for _ in range(args.rounds):
        for q, opts in QUERIES:
            start = time.perf_counter()
            found = search(conn, q, **opts)
            times.append((time.perf_counter() - start) * 1000)
            hits += len(found)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"search on {n} documents: {len(times)} queries, p50 {statistics.median(times):.1f} ms, "
          f"p95 {p95:.1f} ms, max {times[-1]:.1f} ms (target p95 < 50 ms); {hits} hits returned")


if __name__ == "__main__":
    main()
