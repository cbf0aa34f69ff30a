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
    if raw.isascii() and raw.isdigit() and len(raw) <= 15:
        return int(raw)  # plain digits (most counts): what float() gives below, exact up to 15 digits
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
        plain = _plain_chinese(s)
        if plain is not None:
            value = float(plain) * mult
        else:
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



DIGIT_VALUES = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
PLACES = ((1000, "千"), (100, "百"), (10, "十"))
ZEROS = "零〇"


def _plain_chinese(s: str) -> int | None:
    """The value of a common Chinese numeral (两, 十三, 二十, 三百, 一百零五, 二〇二三, 三万五千), or None
    when it takes cn2an's rules (亿, shortened 一百一 and 两万三, odd forms).

    cn2an costs ~0.1 s to import and ~40 µs a call, and these forms are nearly all the numerals in
    reports; the answers are cn2an's "smart" ones (tests/test_nlp_counts.py compares every string
    of up to three numeral characters, every number below 10 000 and numbers of ten thousands).
    """
    if len(s) <= 4 and all(ch in DIGIT_VALUES for ch in s):
        return int("".join(str(DIGIT_VALUES[ch]) for ch in s))  # digit by digit: 二〇二三, 一二
    if "万" in s:
        return _with_wan(s)
    return _below_10000(s)


def _with_wan(s: str) -> int | None:
    """X万 and X万Y with X a written number below 10 000 and Y nothing, a number of thousands
    (三万五千) or 零 and a number below a thousand (一万零五百); shortened forms (两万三) are left."""
    high, _, low = s.partition("万")
    upper = _below_10000(high)
    if upper is None or "万" in low:
        return None
    if not low:
        return upper * 10_000
    if low[0] == "零":  # cn2an reads no 〇 here
        lower = _below_10000(low[1:])
        ok = lower is not None and lower < 1000
    else:
        lower = _below_10000(low)
        ok = lower is not None and lower >= 1000
    return upper * 10_000 + lower if ok else None


def _below_10000(s: str) -> int | None:
    """A number below 10 000 written with places (三百, 一千零五, 十三), or None."""
    value, i, n = 0, 0, len(s)
    last = 0  # the lowest place written so far
    zero = False  # a 零 stands for the places skipped since `last`
    for place, unit in PLACES:
        if last and not zero and i < n and s[i] in ZEROS:
            zero = True
            i += 1
            if last // 10 == place:  # 零 must skip at least this place
                continue
        if i + 1 < n and s[i] in DIGIT_VALUES and s[i] not in ZEROS and s[i + 1] == unit:
            if zero and last // 10 == place:
                return None
            value += DIGIT_VALUES[s[i]] * place
            i += 2
        elif place == 10 and i == 0 and i < n and s[i] == unit:
            value += 10  # 十, 十三
            i += 1
        else:
            continue
        last, zero = place, False
    if i < n and s[i] in DIGIT_VALUES and s[i] not in ZEROS:
        if last > 10 and not zero:
            return None  # 一百一, 三千二: shortened forms, cn2an's reading
        value += DIGIT_VALUES[s[i]]
        i += 1
        zero = False
    if i != n or zero or not value:
        return None
    return value
