"""Numerals as written in reports → numbers: 21 602, 1,200, 5.4万, 两, 十三, 二十, 一百零五."""

from __future__ import annotations

import re
from functools import lru_cache

CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
_ARABIC_RE = re.compile(r"^\d+(?:\.\d+)?$")
_FULLWIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")


@lru_cache(maxsize=1 << 14)
def parse_number(raw: str) -> int | float | None:
    """The value of an Arabic or Chinese numeral (with 万/亿 multipliers), or None if it isn't one.

    Remembered per numeral: the same few numerals recur, and cn2an is slow to call.
    """
    s = raw.translate(_FULLWIDTH).replace(",", "").replace("，", "").replace(" ", "").replace("\u00a0", "")
    if not s:
        return None
    mult = 1
    if s[-1] in "万亿" and len(s) > 1 and s[-2].isdigit():
        mult = 10_000 if s[-1] == "万" else 100_000_000
        s = s[:-1]
    if _ARABIC_RE.match(s):
        value = float(s) * mult
    elif all(ch in CN_DIGITS for ch in s):
        try:
            import cn2an

            value = float(cn2an.cn2an(s, "smart")) * mult
        except Exception:  # cn2an rejects malformed numerals (万万, 十十) with various errors
            return None
    else:
        return None
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return int(value) if value == int(value) else round(value, 6)
