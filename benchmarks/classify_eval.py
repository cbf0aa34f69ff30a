"""Cross-validated accuracy of the problem classifier on the labelled corpus (a regression guard).

    python3 benchmarks/classify_eval.py [--folds 5] [--data extra.jsonl ...] [--by-domain]

Prints category accuracy and macro-F1 (stratified k-fold over corpora/statements plus any extra
labelled files), F1 per category, aspect accuracy, the most confused category pairs, domain
accuracy from unit names, and how often a statement's own words give its labelled domain.
Real feedback written by others is harder than our own wording: treat these as upper bounds.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Unit names as inspection reports write them, with the domain a reader would give them.
UNITS = """
县人民医院 hospital|市中医医院 hospital|城关镇卫生院 hospital|县妇幼保健院 hospital|某某街道社区卫生服务中心 hospital
市第一人民医院党委 hospital|县精神卫生中心 hospital|医科大学附属医院 hospital|县中医院党总支 hospital
县第一中学 school|城关小学 school|县实验幼儿园 school|市职业技术学院 school|某某大学 school|县特殊教育学校 school
某某镇中心学校 school|市第三中学党委 school|县职业中专 school|师范学院党委 school
县城投集团有限公司 soe|市交通投资集团 soe|县农村商业银行 soe|县水务有限责任公司 soe|市国有资本投资运营公司 soe
县融资担保有限公司 soe|某某集团党委 soe|县供电公司 soe|市产业投资集团有限公司 soe|县村镇银行 soe
县总工会 mass_org|团县委 mass_org|县妇联 mass_org|市科协 mass_org|县侨联 mass_org|县残联 mass_org|市文联 mass_org
县工商联 mass_org|团市委 mass_org|县红十字会 mass_org|市妇女联合会党组 mass_org|县科学技术协会 mass_org
某某镇党委 township|某某乡人民政府 township|某某街道党工委 township|城关镇 township|某某街道办事处 township
某某乡党委 township|某某镇人民政府 township|某某镇纪委 township|某某乡 township|某某镇人大 township
某某村党支部 village|某某社区党委 village|某某村委会 village|某某居委会 village|某某村 village|某某社区居民委员会 village
某某村民委员会 village|某某镇某某村 village|某某街道某某社区 village|某某嘎查 village|某某村党总支 village
县纪委监委 party_gov|县委组织部 party_gov|县财政局 party_gov|县乡村振兴局 party_gov|县住房和城乡建设局 party_gov
县卫生健康局 party_gov|县教育局 party_gov|县人民法院 party_gov|县人民检察院 party_gov|县委宣传部 party_gov
县发展和改革局 party_gov|县委党校 party_gov|县自然资源和规划局 party_gov|县政府办公室 party_gov|县委统战部 party_gov
县投资促进局 party_gov|县国资委 party_gov|市人社局党组 party_gov|县医疗保障局 party_gov|县农业农村局 party_gov
县政协机关 party_gov|县人大常委会机关 party_gov|经济开发区管委会 party_gov|县市场监督管理局 party_gov
"""


def unit_pairs() -> list[tuple[str, str]]:
    return [tuple(item.strip().rsplit(" ", 1)) for item in UNITS.replace("\n", "|").split("|") if item.strip()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--data", action="append", default=[], help="extra labelled JSONL file(s)")
    ap.add_argument("--by-domain", action="store_true",
                    help="also train without each domain and test on it (transfer to unfamiliar wording)")
    args = ap.parse_args()

    import numpy as np
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import StratifiedKFold

    from xuncha.classify.corpus import load_statements, read_jsonl
    from xuncha.classify.domains import text_domain, unit_domain
    from xuncha.classify.model import SEED, CategoryModel
    from xuncha.classify.taxonomy import load_taxonomy

    tax = load_taxonomy()
    records = load_statements()
    for path in args.data:
        records.extend(read_jsonl(path, require_domain=False))
    labels = np.array([r["category"] for r in records])
    print(f"corpus: {len(records)} statements, {len(set(labels))} categories, "
          f"{args.folds}-fold stratified CV (seed {SEED})")

    pred = np.empty_like(labels)
    t0 = time.perf_counter()
    folds = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=SEED)
    for train_idx, test_idx in folds.split(np.zeros(len(labels)), labels):
        model = CategoryModel.fit([records[i] for i in train_idx])
        proba = model.predict_proba([records[i]["text"] for i in test_idx])
        pred[test_idx] = np.array(model.classes)[proba.argmax(axis=1)]
    secs = time.perf_counter() - t0

    cats = list(tax.categories)
    f1s = f1_score(labels, pred, labels=cats, average=None, zero_division=0)
    print(f"category accuracy  {accuracy_score(labels, pred):.3f}")
    print(f"category macro-F1  {f1_score(labels, pred, labels=cats, average='macro', zero_division=0):.3f}")
    print("F1 per category    " + "  ".join(f"{c} {f:.2f}" for c, f in zip(cats, f1s)))
    aspects = np.array([tax.aspect_of(c) for c in labels])
    print(f"aspect accuracy    {np.mean(aspects == np.array([tax.aspect_of(c) for c in pred])):.3f}")
    confused = Counter((t, p) for t, p in zip(labels, pred) if t != p)
    print("most confused (true→predicted): " +
          ", ".join(f"{t}→{p} {n}" for (t, p), n in confused.most_common(8)))

    units = unit_pairs()
    wrong = [(u, d, (unit_domain(u) or type("G", (), {"domain": "unknown"})).domain) for u, d in units]
    wrong = [w for w in wrong if w[1] != w[2]]
    print(f"domain accuracy from units  {1 - len(wrong) / len(units):.3f} ({len(units)} unit names)"
          + ("  wrong: " + ", ".join(f"{u}→{g}" for u, _, g in wrong) if wrong else ""))
    guesses = [(text_domain(r["text"]), r["domain"]) for r in records]
    given = [(g.domain, d) for g, d in guesses if g]
    print(f"domain from statement words: says something for {len(given) / len(records):.0%} of statements, "
          f"right for {np.mean([a == b for a, b in given]):.0%} of those")
    print(f"CV time {secs:.1f}s for {args.folds} fits")
    if args.by_domain:
        parts = []
        for domain in tax.domains:
            test = [r for r in records if r["domain"] == domain]
            if not test:
                continue
            model = CategoryModel.fit([r for r in records if r["domain"] != domain])
            got = np.array(model.classes)[model.predict_proba([r["text"] for r in test]).argmax(axis=1)]
            parts.append(f"{domain} {f1_score([r['category'] for r in test], got, average='macro', zero_division=0):.2f}")
        print("macro-F1 on a domain left out of training: " + "  ".join(parts))


if __name__ == "__main__":
    main()
