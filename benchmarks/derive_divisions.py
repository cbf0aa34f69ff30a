"""Derive xuncha/corpora/divisions.tsv from the adcodes table shipped in the `cpca` wheel.

cpca is NOT a dependency: this script is run once by hand and only the derived TSV is committed.

    pip download cpca==0.5.5 --no-deps -d /tmp/cpca
    python3 benchmarks/derive_divisions.py /tmp/cpca/cpca-0.5.5-py3-none-any.whl

Output columns: code, name, level (province|city|county), parent code ('' for provinces), short
form ('' when stripping the suffix would leave fewer than two characters or a bare common word).
"""

from __future__ import annotations

import csv
import io
import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "xuncha" / "corpora" / "divisions.tsv"
PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
PROVINCE_SHORT = {"内蒙古自治区": "内蒙古", "广西壮族自治区": "广西", "西藏自治区": "西藏",
                  "宁夏回族自治区": "宁夏", "新疆维吾尔自治区": "新疆", "香港特别行政区": "香港",
                  "澳门特别行政区": "澳门"}
SUFFIXES = ("自治州", "自治县", "自治旗", "特别行政区", "林区", "特区", "地区", "新区", "矿区", "省", "市", "县", "区", "盟", "旗")


def short_form(name: str, nations: list[str]) -> str:
    if name in PROVINCE_SHORT:
        return PROVINCE_SHORT[name]
    stem = name
    for suffix in SUFFIXES:
        if stem.endswith(suffix) and len(stem) > len(suffix):
            stem = stem[: -len(suffix)]
            break
    if name.endswith(("自治州", "自治县", "自治旗")):
        changed = True
        while changed:
            changed = False
            for nation in nations:
                for form in (nation, nation.removesuffix("族")):
                    if len(form) >= 2 and stem.endswith(form) and len(stem) > len(form) + 1:
                        stem, changed = stem[: -len(form)], True
                        break
                if changed:
                    break
    return stem if len(stem) >= 2 and stem != name else ""


def main(wheel: str) -> None:
    with zipfile.ZipFile(wheel) as zf:
        rows = list(csv.DictReader(io.StringIO(zf.read("cpca/resources/adcodes.csv").decode("utf-8"))))
        nations = zf.read("cpca/resources/56_nations.csv").decode("utf-8").split()
    nations = sorted(set(nations), key=len, reverse=True)
    names = {r["adcode"][:6]: r["name"] for r in rows}
    out = []
    for code, name in sorted(names.items()):
        if name in PLACEHOLDERS:
            continue
        if code.endswith("0000"):
            level, parent = "province", ""
        elif code.endswith("00"):
            level, parent = "city", code[:2] + "0000"
        else:
            level = "county"
            city = code[:4] + "00"
            parent = city if names.get(city) not in (None, *PLACEHOLDERS) else code[:2] + "0000"
        out.append((code, name, level, parent, short_form(name, nations)))
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# code\tname\tlevel\tparent\tshort  (derived from cpca 0.5.5 adcodes.csv by benchmarks/derive_divisions.py)\n")
        for row in out:
            fh.write("\t".join(row) + "\n")
    print(f"{len(out)} divisions → {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
