"""Character-level clean-up shared by every reader: one pass per document, patterns compiled once.

Order matters: widths first (so Ｂａｎ and ２０２２ look like ASCII to later rules), then the
pinyin that some sites inject after each character (監(jiān)督), then traditional → simplified
(OpenCC `tw2s`, which also turns 著力/隨著 into 着力/随着), then garbled runs, then spam names.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from functools import lru_cache

from xuncha.corpora import data_lines
from xuncha.ingest.simplified import _CUTS, _changing, changing_spans, clause_spans

# Full-width ASCII letters/digits and odd spaces → ASCII; zero-width marks → nothing.
_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)}
_WIDTH.update({cp: cp - 0xFEE0 for cp in range(0xFF21, 0xFF3B)})
_WIDTH.update({cp: cp - 0xFEE0 for cp in range(0xFF41, 0xFF5B)})
_WIDTH.update({0x3000: " ", 0x00A0: " ", 0x2002: " ", 0x2003: " ", 0x2009: " ", 0x202F: " ",
               0x200B: None, 0x200C: None, 0x200D: None, 0x2060: None, 0xFEFF: None, 0x00AD: None,
               0x000C: "\n", 0x000B: "\n", 0x2028: "\n", 0x2029: "\n"})
# The same table for re.sub: str.translate looks up every character of a Chinese text in the dict,
# a character class finds the few that change at C speed.
_WIDTH_STR = {chr(cp): "" if to is None else (to if isinstance(to, str) else chr(to)) for cp, to in _WIDTH.items()}
_WIDTH_RE = re.compile("[" + "".join(map(re.escape, _WIDTH_STR)) + "]")

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PY = f"a-zü{_TONED}"
# 監(jiān)督 / 15個(gè): a bracketed lowercase syllable with a tone mark right after a Han character
# (or a digit run ending in a measure word). Real brackets hold Han text, capitals or toneless words.
PINYIN_AFTER_HAN = re.compile(
    rf"(?<=[\u3400-\u9fff])\s?[(（]\s*(?=[{_PY}]*[{_TONED}])[{_PY}]{{1,7}}\s*[)）]")
# Neutral-tone syllables carry no tone mark (們(men), 的(de)); removed only on pages that are
# visibly infected (several toned insertions), where they cannot be real bracketed words.
NEUTRAL_AFTER_HAN = re.compile(
    r"(?<=[\u3400-\u9fff])[(（](?:men|de|le|zi|zhe|me|ma|ne|ba|ge|li|tou|shang|xia|guo|lai|qu|zhao|mo|ya|a|o|er)[)）]")
# Inserted pinyin carries tone marks (neutral syllables go only after several toned ones), so a
# page without any tone mark is left alone at once.
_TONE_MARK = re.compile(f"[{_TONED}]")
# The same syllable whose "(" was eaten by an encoding accident: 序?qū)徟 (part of a garbled run).
ORPHAN_PINYIN = re.compile(rf"\?(?=[{_PY}]*[{_TONED}])[{_PY}]{{1,7}}\)")

_STRONG = re.compile(r"[\ue000-\uf8ff\ufffd\x80-\x9f]|Ã.|Â.|â€.?")
# (the letter first, its Han neighbour checked behind it: Han characters are everywhere, letters are not)
_LONE_LETTER = re.compile(r"[A-Za-z](?<=[\u3400-\u9fff][A-Za-z])(?=[\u3400-\u9fff])")
# Common name characters missing from GB2312; alone they never make a run garbled.
_NAME_CHARS = set("镕喆堃昇珺玥瑄祎赟彧晞琍旻翀曌犇淼焱鑫垚煜琪瑜璟玮")


@lru_cache(maxsize=1)
def _opencc():
    import opencc

    return opencc.OpenCC("tw2s")


@lru_cache(maxsize=1)
def _char_tables():
    """(suspect, rare) boolean tables over all code points. Rare: the Han characters outside GB2312
    (rare in simplified text) and the compatibility ideographs. Suspect: a rare character or one
    that can start a strong sign (_STRONG). A table lookup over a text's code points replaces a
    character class of some 3,500 ranges, which costs more to compile than to use on most runs."""
    import numpy as np

    from xuncha.ingest.encoding import gb2312_chars  # here: plain-text ingestion needs no charset detector

    rare = np.zeros(0x110000, dtype=bool)
    rare[0x3400:0xA000] = True
    common = np.frombuffer("".join(gb2312_chars(87) | _NAME_CHARS).encode("utf-32-le"), dtype="<u4")
    rare[common[(common >= 0x3400) & (common < 0xA000)]] = False
    rare[0xF900:0xFB00] = True
    suspect = rare.copy()
    suspect[0xE000:0xF900] = True
    suspect[0x80:0xA0] = True
    suspect[[0xFFFD, 0xC3, 0xC2, 0xE2]] = True
    return suspect, rare


def _code_points(text: str):
    """The text's code points (one per str index) as a numpy array."""
    import numpy as np

    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


@lru_cache(maxsize=1)
def _spam_rules() -> tuple[list[str], list[tuple[list[str], re.Pattern]]]:
    names = sorted({n.lower() for n in data_lines("spam_names.txt")}, key=len, reverse=True)
    rules = []
    for line in data_lines("spam_patterns.txt"):
        triggers, _, pattern = line.partition("\t")
        rules.append((triggers.split("|"), re.compile(pattern.strip(), re.IGNORECASE)))
    return names, rules


@lru_cache(maxsize=1)
def _spam_sniffers() -> tuple[re.Pattern, re.Pattern]:
    """One literal alternation of all spam names and one of all rule triggers: a single scan says
    whether a text holds any of them (most hold none) before each is looked for on its own."""
    names, rules = _spam_rules()
    triggers = {t for words, _ in rules for t in words}  # an empty trigger matches every text, as `in` does
    alternation = lambda words: re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))) or "(?!)")  # noqa: E731
    return alternation(names), alternation(triggers)


@lru_cache(maxsize=256)
def _names_re(names: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(map(re.escape, names)), re.IGNORECASE)


# Inside numbers, full-width ．％－／ are part of the number: 12．5万元 → 12.5万元, 30％ → 30%.
_NUMBER_MARKS = re.compile(r"(?<=\d)[．％－／](?=\d)|(?<=\d)％")
_NUMBER_ASCII = {"．": ".", "％": "%", "－": "-", "／": "/"}


def unify_width(text: str) -> str:
    # NUL bytes carry nothing in a text, and OpenCC (a C library) stops reading at the first one
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = _WIDTH_RE.sub(lambda m: _WIDTH_STR[m.group()], text)
    if any(mark in text for mark in _NUMBER_ASCII):
        text = _NUMBER_MARKS.sub(lambda m: _NUMBER_ASCII[m.group(0)], text)
    return text


def strip_pinyin(text: str) -> str:
    """Remove pinyin wrongly inserted after characters; keep 党委(党组), (汤鸿鸽), (试行)."""
    if not _TONE_MARK.search(text):
        return text
    text, n = PINYIN_AFTER_HAN.subn("", text)
    if n >= 3:
        text = NEUTRAL_AFTER_HAN.sub("", text)
    return text


_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN1_MOJIBAKE = re.compile(r"[\u00c0-\u00ff][\u0080-\u00ff\u2018-\u203a\u0152-\u0192]")


# Real Chinese text fails the GBK → UTF-8 round trip within its first characters.
_MOJIBAKE_PROBE = 256


def _may_be_utf8_read_as_gbk(text: str) -> bool:
    """False when the start of the text already fails the round trip, so the whole text would:
    gb18030 encodes character by character, and a decoding error before the probe's last bytes
    (which may cut a character) is an error of the whole text too."""
    if len(text) <= _MOJIBAKE_PROBE:
        return True
    try:
        codecs.utf_8_decode(text[:_MOJIBAKE_PROBE].encode("gb18030"), "strict", False)
    except (UnicodeEncodeError, UnicodeDecodeError):
        return False
    return True


def repair_mojibake(text: str, warnings: list[str]) -> str:
    """Undo a whole-page wrong decoding: UTF-8 bytes read as GBK (浜烘皯缃) or as Latin-1/cp1252
    (äººæ°‘). The round trip is strict, so real Chinese text (which cannot survive it) is never
    touched; pages garbled only in places are left to `remove_garbled`."""
    if _CJK.search(text):
        if not _may_be_utf8_read_as_gbk(text):
            return text
        try:
            fixed = text.encode("gb18030").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return text
        if fixed != text and _CJK.search(fixed):
            warnings.append("mojibake repaired: the page was UTF-8 read as GBK")
            return fixed
        return text
    if len(_LATIN1_MOJIBAKE.findall(text)) >= 3:
        for codec in ("cp1252", "latin-1"):
            try:
                fixed = text.encode(codec).decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
            if _CJK.search(fixed):
                warnings.append(f"mojibake repaired: the page was UTF-8 read as {codec}")
                return fixed
    return text


def to_simplified(text: str) -> str:
    """OpenCC tw2s, run only over the clauses it can change (`simplified.changing_spans`): the same
    result as converting the whole text, without the converter's cost on simplified pages."""
    spans = changing_spans(text)
    return _opencc().convert(text) if spans is None else _convert_spans(text, spans)


def _convert_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with the clauses at `spans` converted, all in one call: joined by line breaks, which
    no phrase holds and which convert to themselves (simplified.py), so the converted text splits
    back at them. The very same text when nothing changes (什么, 覆盖: a changing character that stays)."""
    if not spans:
        return text
    joined = "\n".join(text[start:end] for start, end in spans)
    converted = _opencc().convert(joined)
    if converted == joined:
        return text
    pieces = iter(converted.split("\n"))
    out, last = [], 0
    for start, end in spans:
        out += (text[last:start], "\n".join(next(pieces) for _ in range(text.count("\n", start, end) + 1)))
        last = end
    out.append(text[last:])
    return "".join(out)


def find_garbled(text: str) -> list[tuple[int, int]]:
    """Spans of mojibake runs: private-use/replacement characters, pinyin that lost its bracket,
    characters outside GB2312, stray Latin letters wedged between Han characters.

    A run needs one strong sign or two weak ones within a few characters, so a single rare
    name character (王镕) or "A股" is never flagged.
    """
    signs: list[tuple[int, int, int]] = []  # (start, end, weight)
    suspects, rare = _char_tables()
    points = _code_points(text)
    suspect = bool(suspects.take(points).any())  # (take: a fraction of indexing's cost)
    for m in _STRONG.finditer(text) if suspect else ():
        signs.append((m.start(), m.end(), 2))
    for m in ORPHAN_PINYIN.finditer(text) if "?" in text else ():
        signs.append((m.start(), m.end(), 2))
    for m in _LONE_LETTER.finditer(text):
        signs.append((m.start(), m.end(), 1))
    for at in rare.take(points).nonzero()[0].tolist() if suspect else ():
        signs.append((at, at + 1, 1))
    signs.sort()
    runs: list[tuple[int, int]] = []
    cur: list[int] | None = None  # [start, end, weight]
    for start, end, weight in signs:
        if cur and start - cur[1] <= 4:
            cur[1] = max(cur[1], end)
            cur[2] += weight
        else:
            if cur and cur[2] >= 2:
                runs.append((cur[0], cur[1]))
            cur = [start, end, weight]
    if cur and cur[2] >= 2:
        runs.append((cur[0], cur[1]))
    return runs


def remove_garbled(text: str, warnings: list[str]) -> str:
    """Cut mojibake runs out of the text and say so in `warnings` (never silently)."""
    runs = find_garbled(text)
    if not runs:
        return text
    out, last = [], 0
    for start, end in runs:
        before = text[max(last, start - 12):start].replace("\n", " ")
        warnings.append(f"garbled text removed after “{before.strip()}”: {text[start:end]!r}")
        out.append(text[last:start])
        last = end
    out.append(text[last:])
    return "".join(out)


@lru_cache(maxsize=1)
def _spam_keys() -> frozenset[str] | None:
    """Words one of which occurs, as it is (not lower-cased), in every text holding a spam name or a
    rule trigger: the triggers, and each name's longest run of Han characters and digits, which
    lower-casing never makes or changes. None when some name has no such run or a trigger is empty
    (nothing could rule a text out, so every text is looked at in full)."""
    names, rules = _spam_rules()
    keys = {t for words, _ in rules for t in words}
    for name in names:
        runs = _CASELESS_RUN.findall(name)
        if not runs:
            return None
        keys.add(max(runs, key=len))
    return None if "" in keys else frozenset(keys)


@lru_cache(maxsize=1)
def _spam_probe() -> re.Pattern | None:
    """The spam keys as one prefix-tree pattern, matching wherever a spam name or a rule trigger
    could (None: no keys, see `_spam_keys`)."""
    from xuncha.nlp.lexicon import trie_re

    keys = _spam_keys()
    return None if keys is None else trie_re(keys)


@lru_cache(maxsize=1)
def _spam_pairs_usable() -> bool:
    """Whether every spam key has two characters that the census tables can flag."""
    keys = _spam_keys()
    return keys is not None and all(len(k) >= 2 and k[0] <= "\uffff" and k[1] <= "\uffff" for k in keys)


_CASELESS_RUN = re.compile(r"[\u3400-\u9fff0-9]+")


def strip_spam(text: str) -> str:
    """Cut injected gambling/casino names. One probe over the text first, so a clean document never
    lower-cases its text or pays for a regex over the spam vocabulary."""
    probe = _spam_probe()
    if probe is not None and not probe.search(text):
        return text
    names, rules = _spam_rules()
    any_name, any_trigger = _spam_sniffers()
    low = text.lower()
    hits = tuple(n for n in names if n in low) if any_name.search(low) else ()
    if any_trigger.search(text):
        for triggers, pattern in rules:
            if any(t in text for t in triggers):
                text = pattern.sub("", text)
    if hits:
        text = _names_re(hits).sub("", text)
    return text


# Which steps a text needs, from one look at its characters (`_census`): each step below leaves a
# text holding none of its characters exactly as it is, so it is skipped on such a text.
_NEEDS_WIDTH = 1  # \r, NUL, full-width or odd-space characters, full-width number marks (unify_width)
_NEEDS_PINYIN = 2  # tone-marked letters (strip_pinyin)
_NEEDS_SIMPLIFIED = 4  # characters tw2s can change (to_simplified)
_NEEDS_GARBLED = 8  # suspect characters, "?" and ASCII letters (find_garbled's signs)
_CLAUSE_MARK = 16  # where a tw2s clause can be cut (simplified._CUTS), to find the changing clauses
_OPENS_SPAM = 32  # the first character of a spam key (`_spam_keys`)
_SECOND_IN_SPAM = 64  # the second character of a spam key: strip_spam is needed only where these two
#                       stand together and a key starts there (`_may_hold_spam`)


@lru_cache(maxsize=1)
def _census_table():
    """Step flags over UTF-16 code units. Surrogates (astral characters, lone surrogates) flag every
    step, so a text holding one takes every step as it always did."""
    import numpy as np

    table = np.zeros(0x10000, dtype=np.uint8)
    for chars, flag in (("\r\x00" + "".join(_WIDTH_STR) + "".join(_NUMBER_ASCII), _NEEDS_WIDTH),
                        (_TONED, _NEEDS_PINYIN),
                        ("?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", _NEEDS_GARBLED)):
        table[[ord(c) for c in chars]] |= flag
    changing = _changing()
    if changing is None:  # the whole text is converted, whatever it holds
        table |= _NEEDS_SIMPLIFIED
    else:
        table[changing[:0x10000]] |= _NEEDS_SIMPLIFIED
    table[_char_tables()[0][:0x10000]] |= _NEEDS_GARBLED
    table[[ord(c) for c in _CUTS]] |= _CLAUSE_MARK
    if _spam_pairs_usable():
        table[[ord(k[0]) for k in _spam_keys()]] |= _OPENS_SPAM
        table[[ord(k[1]) for k in _spam_keys()]] |= _SECOND_IN_SPAM
    table[0xD800:0xE000] = 0xFF & ~_CLAUSE_MARK  # (a lone surrogate is a changing character, not a mark)
    return table


def _census(text: str):
    """(the step flags of all the text's characters or-ed, each UTF-16 code unit's flags)."""
    import numpy as np

    flags = _census_table().take(np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype="<u2"))
    return (int(np.bitwise_or.reduce(flags)) if len(flags) else 0), flags


def _simplified(text: str, flags) -> str:
    """`to_simplified(text)`, its changing characters and clause marks read off the census flags
    (code units are string positions unless the text holds an astral character)."""
    import numpy as np

    if len(flags) != len(text) or _changing() is None or "\x00" in text:
        return to_simplified(text)
    # (numpy scalars: a Python int operand costs more than the operation; nonzero over booleans
    # takes a fifth of its time over bytes)
    hits = (flags & np.uint8(_NEEDS_SIMPLIFIED)).astype(bool).nonzero()[0]
    cuts = (flags & np.uint8(_CLAUSE_MARK)).astype(bool).nonzero()[0]
    return _convert_spans(text, clause_spans(hits, cuts, len(text)))


def _may_hold_spam(text: str, needs: int, flags) -> bool:
    """False when no spam key starts anywhere in the text, so strip_spam would leave it as it is:
    keys are tried (anchored) only where a key's first character stands before some key's second
    character, places read off the census flags (a few per page)."""
    import numpy as np

    if not _spam_pairs_usable() or len(flags) != len(text):  # (astral characters: units aren't positions)
        return True
    if not needs & _OPENS_SPAM:
        return False
    # (flags shifted by one put the first-character bit where the second-character bit is)
    at = ((flags[:-1] << np.uint8(1)) & flags[1:] & np.uint8(_SECOND_IN_SPAM)).astype(bool).nonzero()[0]
    match = _spam_probe().match
    return any(match(text, start) for start in at.tolist())


def normalize_text(text: str, warnings: list[str]) -> str:
    """Full character-level normalisation of a page's text (lines kept). Steps a text has no
    character for are skipped (`_census`); the flags are taken again after a step that changed it."""
    text = repair_mojibake(text, warnings)
    needs, flags = _census(text)
    if needs & _NEEDS_WIDTH:
        text = unify_width(text)
        needs, flags = _census(text)
    composed = unicodedata.normalize("NFC", text)
    if composed is not text:
        text, (needs, flags) = composed, _census(composed)
    if needs & _NEEDS_PINYIN:
        stripped = strip_pinyin(text)
        if stripped is not text:
            text, (needs, flags) = stripped, _census(stripped)
    if needs & _NEEDS_SIMPLIFIED:
        converted = _simplified(text, flags)
        if converted is not text:
            text, (needs, flags) = converted, _census(converted)
    if needs & _NEEDS_GARBLED:
        cleaned = remove_garbled(text, warnings)
        if cleaned is not text:
            text, (needs, flags) = cleaned, _census(cleaned)
    return strip_spam(text) if _may_hold_spam(text, needs, flags) else text
