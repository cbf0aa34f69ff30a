"""Bodies: organisation names as the text writes them (郧西县纪委监委, 县委第二巡察组, 前江街道党工委).

A name is found from its head (纪委监委, 党工委, 巡察办, 局 …, corpora/org_heads.tsv) and grown to
the left over the parts organisation names are made of: division names (corpora/divisions.tsv via
xuncha.ingest.regions), level words (县, 市, 驻委), field words (自然资源, 交通运输), named local units
(前江街道), ordinals (第二) and earlier heads (滨州市委|巡察办). Generic mentions (上级纪委, 各级党委)
are left out. A short form opening with a level word (县纪委) is spelled out in `resolved` with the
place of that level the document names most (郧西县纪委).

With the document's tokens (as annotate gives them) each mention is decided afresh by one
written-out function (_decide_at); without them a fresh decision segments pieces of text, so
decisions are remembered under the characters they read (_decide_mention).
"""

from __future__ import annotations

import re
from operator import itemgetter
from dataclasses import dataclass
from functools import lru_cache
from bisect import bisect_left
from itertools import accumulate
from collections import Counter

from xuncha.document import Body
from xuncha.nlp import lexicon
from xuncha.nlp.segment import cut, tag

LEVEL_CHARS = "省市县区州旗盟"
LEVEL_RE = re.compile(f"[{LEVEL_CHARS}]")
ORDINAL_RE = re.compile(r"第[一二三四五六七八九十\d]{1,3}$")
ORDINAL_LAST = frozenset("一二三四五六七八九十")
ORDINAL_AT = re.compile(r"第[一二三四五六七八九十\d]{1,3}")
CONNECTORS = ("和", "与")
MAX_NAME = 40  # characters before the last head; no organisation name is longer
NAME_STOP_CHARS = set("全各该本每我其此这那在对向和与及的等了是从到为将被由于或并且把让给跟同就都也还又再已曾")
BAD_NAME_FLAGS = ("v", "d", "p", "c", "r", "m", "a", "u", "q")


@dataclass(frozen=True)
class Head:
    word: str
    kind: str
    alone: bool
    not_before: str


@dataclass
class _Vocab:
    heads: dict[str, Head]
    head_lengths: tuple[int, ...]  # distinct lengths of head words, longest first
    head_re: re.Pattern
    places: frozenset[str]
    place_max: int
    fields: frozenset[str]
    units: dict[str, str]
    # Derived for look-ups by length instead of scans over the lists (same answers, fewer steps).
    place_lengths: tuple[int, ...] = ()  # distinct lengths, longest first
    field_lengths: tuple[int, ...] = ()
    lookback: int = 0  # characters before a position that decide the name part ending there
    level_set: frozenset[str] = frozenset()
    level_lengths: tuple[int, ...] = ()
    place_last: frozenset[str] = frozenset()  # last characters of the words of each kind
    field_last: frozenset[str] = frozenset()
    head_last: frozenset[str] = frozenset()
    unit_last: frozenset[str] = frozenset()
    level_last: frozenset[str] = frozenset()
    any_last: frozenset[str] = frozenset()  # all of the above and the ordinals' last characters
    field_re: re.Pattern = re.compile(lexicon.NEVER)  # any field word, longest first
    stop_re: re.Pattern = re.compile(lexicon.NEVER)  # any generic modifier, longest first
    stop_end_re: re.Pattern = re.compile(lexicon.NEVER)  # a generic modifier ending where the search ends
    # For remembering decisions under the context they read (_reads_before, _reads_after):
    suffixes: frozenset[str] = frozenset()  # every ending of a place, field, head or level word
    prefixes: frozenset[str] = frozenset()  # every beginning of a head, field or generic modifier
    forward_max: int = 0  # the longest head, field or modifier
    head_endings: frozenset[str] = frozenset()  # every ending of a head
    needs_part: frozenset[str] = frozenset()  # heads that are no name alone nor after an own name
    free_heads: frozenset[str] = frozenset()  # heads an own name may stand before (FREE_NAME_KINDS)
    # Cheap first tests that rule most positions out before the look-ups above (same answers):
    word_bigrams: frozenset[str] = frozenset()  # two characters in a row in a head, field or modifier
    stop_first: frozenset[str] = frozenset()  # first characters of the generic modifiers
    stop_last: frozenset[str] = frozenset()  # their last characters
    head_max: int = 0  # the longest head
    units_ending: dict[str, tuple[str, ...]] | None = None  # named units by their last character
    head_gates: dict[str, tuple[str, bool]] | None = None  # head → (its not_before, in needs_part)
    head_at_re: re.Pattern = re.compile(lexicon.NEVER)  # head_re as a trie: same matches, fewer steps
    places_by_ending: dict[str, tuple[str, ...]] | None = None  # places by last 3 characters, longest first
    place_end_re: re.Pattern = re.compile(lexicon.NEVER)  # a level character that ends some place


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    heads = {}
    for row in lexicon.table("org_heads.tsv"):
        word, kind, alone, not_before = (list(row) + ["", "", "", ""])[:4]
        heads[word] = Head(word, kind, alone == "yes", not_before)
    places = frozenset(_division_names())
    fields = frozenset(lexicon.words("org_fields.txt"))
    levels = lexicon.words("org_levels.txt")
    units = {row[0]: row[1] for row in lexicon.table("org_named_units.tsv")}
    stop_before = lexicon.words("org_stop_before.txt")
    needs_part = frozenset(w for w, h in heads.items() if not h.alone and h.kind not in FREE_NAME_KINDS)
    lookback = max([4, *map(len, heads), *map(len, places), *map(len, fields), *map(len, levels),
                    *(len(u) + 2 for u in units)])
    return _Vocab(
        heads=heads,
        head_lengths=tuple(sorted({len(w) for w in heads}, reverse=True)),
        head_re=lexicon.literal_re(heads),
        places=places,
        place_max=max(map(len, places), default=0),
        fields=fields,
        units=units,
        place_lengths=_lengths(places),
        field_lengths=_lengths(fields),
        lookback=lookback,
        level_set=frozenset(levels),
        level_lengths=_lengths(levels),
        place_last=_last_chars(places),
        field_last=_last_chars(fields),
        head_last=_last_chars(heads),
        unit_last=_last_chars(units),
        level_last=_last_chars(levels),
        field_re=lexicon.literal_re(fields),
        stop_re=lexicon.literal_re(stop_before),
        stop_end_re=lexicon.literal_re(stop_before, r"\Z"),
        suffixes=frozenset(w[i:] for w in (*places, *fields, *heads, *levels) for i in range(len(w))),
        prefixes=frozenset(w[:i] for w in (*heads, *fields, *stop_before) for i in range(1, len(w) + 1)),
        needs_part=needs_part,
        free_heads=frozenset(w for w, h in heads.items() if h.kind in FREE_NAME_KINDS),
        head_endings=frozenset(w[i:] for w in heads for i in range(len(w))),
        forward_max=max(map(len, (*heads, *fields, *stop_before)), default=0),
        word_bigrams=frozenset(w[i : i + 2] for w in (*heads, *fields, *stop_before) for i in range(len(w) - 1)),
        stop_first=frozenset(w[0] for w in stop_before if w),
        stop_last=_last_chars(stop_before),
        head_max=max(map(len, heads), default=0),
        units_ending={ch: tuple(u for u in units if u.endswith(ch)) for ch in _last_chars(units)},
        head_gates={w: (h.not_before, w in needs_part) for w, h in heads.items()},
        head_at_re=lexicon.trie_re(heads),
        places_by_ending=_by_ending(places, 3),
        place_end_re=re.compile(f"[{''.join(sorted(set(LEVEL_CHARS) & _last_chars(places)))}]"
                                if set(LEVEL_CHARS) & _last_chars(places) else lexicon.NEVER),
        any_last=frozenset().union(_last_chars(places), _last_chars(fields), _last_chars(heads),
                                   _last_chars(units), _last_chars(levels), ORDINAL_LAST),
    )


def _by_ending(words, size: int) -> dict[str, tuple[str, ...]]:
    """Words of `size` characters or more filed under their last `size` characters, longest first."""
    filed: dict[str, list[str]] = {}
    for word in sorted(words, key=lambda w: (-len(w), w)):
        if len(word) >= size:
            filed.setdefault(word[-size:], []).append(word)
    return {ending: tuple(found) for ending, found in filed.items()}


def _last_chars(words) -> frozenset[str]:
    return frozenset(w[-1] for w in words if w)


def _lengths(words) -> tuple[int, ...]:
    return tuple(sorted({len(w) for w in words if w}, reverse=True))


def _division_names() -> set[str]:
    """Full division names of three or more characters (郧西县, 宁波市, 江北区, 湖北省)."""
    try:
        from xuncha.ingest.regions import load_divisions

        divisions = load_divisions()
        return {d.name for d in divisions.by_code.values() if len(d.name) >= 3}
    except Exception:  # divisions data missing: bodies still found, without place prefixes
        return set()


def _element_before(text: str, pos: int, v: _Vocab, prev: str | None) -> tuple[int, str] | None:
    """The longest name part ending at `pos`: (its start, its type), or None."""
    return _part_before(text, pos, v, prev)[0]


def _part_before(text: str, pos: int, v: _Vocab, prev: str | None) -> tuple[tuple[int, str] | None, int]:
    """_element_before, and the first position whose character decided it (_reads_before).

    It depends only on the characters from there to `pos` (usually one to three), so it is
    decided once per distinct such ending (organisation names recur across documents).
    """
    first = _reads_before(text, pos, v)
    found = _element_ending(text[max(0, first) : pos], prev)
    return (None if found is None else (pos + found[0], found[1])), first


@lru_cache(maxsize=1 << 16)
def _element_ending(window: str, prev: str | None) -> tuple[int, str] | None:
    """_element_before at the end of `window`, its start given relative to that end (≤ 0).

    Equal for every window that holds the characters _reads_before names: within them lies the
    longest ending that can still end a word, so a longer window adds no word ending at its end.
    """
    v = _vocab()
    pos = len(window)
    best = _element_at(window, pos, v, prev)
    return None if best is None else (best[0] - pos, best[1])


def _element_at(text: str, pos: int, v: _Vocab, prev: str | None) -> tuple[int, str] | None:
    if pos == 0:
        return None
    last = text[pos - 1]  # each kind of part ends in a known character: test that before the words
    best: tuple[int, str] | None = None
    if last in v.place_last:  # the longest place of three or more characters ending here
        for place in v.places_by_ending.get(text[pos - 3 : pos] if pos >= 3 else "", ()):
            if len(place) <= pos and text.startswith(place, pos - len(place)):
                best = (pos - len(place), "place")
                break
    if prev in (None, "head", "field", "ordinal", "unit"):
        if last in v.field_last:
            for length in v.field_lengths:
                if length <= pos and text[pos - length : pos] in v.fields:
                    if best is None or pos - length < best[0]:
                        best = (pos - length, "field")
                    break
        if last in v.head_last:
            for length in v.head_lengths:  # the longest head ending here starts earliest
                if length <= pos and text[pos - length : pos] in v.heads:
                    if best is None or pos - length < best[0]:
                        best = (pos - length, "head")
                    break
        if last in ORDINAL_LAST or last.isdigit():
            m = ORDINAL_RE.search(text, max(0, pos - 4), pos)
            if m and m.end() == pos and (best is None or m.start() < best[0]):
                best = (m.start(), "ordinal")
        if last in v.unit_last:
            unit = _named_unit_before(text, pos, v)
            if unit is not None and (best is None or unit < best[0]):
                best = (unit, "unit")
    if (best is None or best[1] == "field") and last in v.level_last:
        for length in v.level_lengths:  # the longest level word ending here
            if length <= pos and text[pos - length : pos] in v.level_set:
                if best is None or pos - length < best[0]:
                    best = (pos - length, "level")
                break
    return best


def _named_unit_before(text: str, pos: int, v: _Vocab) -> int | None:
    """Start of a named local unit ending at `pos` (前江街道, 羊尾镇, 桃园村), or None."""
    for unit in v.units:
        start = pos - len(unit) - 2
        if start < 0 or not text.startswith(unit, pos - len(unit)):
            continue
        name = text[start : pos - len(unit)]
        if not all("\u4e00" <= ch <= "\u9fff" for ch in name) or set(name) & NAME_STOP_CHARS:
            continue
        if any(ch in LEVEL_CHARS for ch in name):
            continue
        tags = tag(name)
        if len(tags) == 1 and tags[0][1].startswith(BAD_NAME_FLAGS):
            continue
        return start
    return None


def _grow_reach(text: str, hs: int, he: int, v: _Vocab) -> tuple[int, list[str], int]:
    """Extend the name whose last head is text[hs:he] to the left: (start, element types, and the
    first position whose character decided them: the parts' _reads_before, and _free_name_reach).
    (_part_before is written out in the loop.)
    """
    pos = reach = hs
    prev = "head"
    types = [prev]  # right to left while growing
    heads_only = True
    any_last, free_heads, element_ending = v.any_last, v.free_heads, _element_ending
    while pos > 0 and len(types) < 12 and hs - pos < MAX_NAME:
        last = text[pos - 1]
        digit = last.isdigit()
        if last in any_last or digit:
            first, window_from = _part_window(text, pos, last, v)
            found = element_ending(text[window_from:pos], prev)
            el = None if found is None else (pos + found[0], found[1])
            if first < reach:
                reach = first
        else:  # no part ends in this character (_reads_before reads just it)
            el = None
            if pos - 1 < reach:
                reach = pos - 1
        if el is None and heads_only and _head_at(text, pos, v) in free_heads:
            reach = min(reach, _free_name_reach(text, pos, v))
            el = _free_name_before(text, pos, v)
        if el is None:
            if prev == "field" and last in CONNECTORS:
                el2, first = _part_before(text, pos - 1, v, "head")
                reach = min(reach, first)
                if el2 is not None and el2[1] == "field":
                    pos = el2[0]
                    types.append("field")
                    continue
            break
        pos, prev = el
        types.append(prev)
        if prev != "head":
            heads_only = False
        if prev == "level":
            break
    types.reverse()
    return pos, types, reach


def _reads_before(text: str, pos: int, v: _Vocab) -> int:
    """The first position whose character decides _element_before(text, pos, …).

    Its word look-ups can only succeed within the longest ending of text[:pos] that ends some
    place, field, head or level word (one character more shows that no longer word fits); an
    ordinal reads 4 characters, a named unit the unit and the two characters of its name.
    """
    if pos <= 0:  # nothing before the text's start, which ties the decision to it
        return min(pos, 0) - 1
    return _part_window(text, pos, text[pos - 1], v)[0]


def _part_window(text: str, pos: int, last: str, v: _Vocab) -> tuple[int, int]:
    """(_reads_before(text, pos), where the window _element_ending is given starts), for pos > 0
    and `last` = text[pos - 1].

    The part found is the same without the character that ended the chain of endings (no word
    ends with it and what follows): leaving it out of the window lets 开|郧西县 and ，|郧西县 share
    _element_ending's cache entry. Ordinals and named units read on, so they keep it.
    """
    k = 1
    while k <= pos and text[pos - k : pos] in v.suffixes:
        k += 1
    first = pos - k
    window_from = first + 1
    if last in ORDINAL_LAST or last.isdigit():
        window_from = 0
        if pos - 4 < first:
            first = pos - 4
    units = v.units_ending.get(last)
    if units:
        window_from = 0
        for unit in units:
            if text.startswith(unit, pos - len(unit)) and pos - len(unit) - 2 < first:
                first = pos - len(unit) - 2
    if not window_from:
        window_from = first if first > 0 else 0
    return first, window_from


def _reads_after(text: str, lo: int, he: int, v: _Vocab) -> int:
    """The end of what _decide reads past the head when the name starts at `lo` or later.

    It reads forward only in the word matches made at the name's positions (heads, fields and
    generic modifiers, and 第 ordinals): each reads as far as a word could still begin there,
    one character more.
    """
    end = he + 1  # the remembered context holds one character past the head anyway
    prefixes, n = v.prefixes, len(text)
    first = max(lo, he - v.forward_max - 1)
    if he < n and text[he - 1 : he + 1] not in v.word_bigrams:
        # no word begun before he goes on past it (it would hold these two characters): only 第 reads on
        ordinal = text.rfind("第", first, he)
        return end if ordinal < 0 or ordinal + 4 <= end else ordinal + 4
    for s in range(first, he):
        if text[s] == "第":
            end = max(end, s + 4)
        if text[s : he + 1] not in prefixes:
            continue  # a word begun here is decided by he + 1 (the prefixes are closed under shortening)
        k = he + 2 - s
        while s + k <= n and text[s : s + k] in prefixes:
            k += 1
        end = max(end, s + k)
    return end


def _free_name_reach(text: str, pos: int, v: _Vocab) -> int:
    """The first position _free_name_before(text, pos, v) may read (its head is read forward)."""
    head = _head_at(text, pos, v)
    if head is None or v.heads[head].kind not in FREE_NAME_KINDS:
        return pos
    return min(pos - 4, *(_reads_before(text, pos - n, v) for n in (4, 3, 2)))


FREE_NAME_KINDS = ("enterprise", "school", "hospital")


def _free_name_before(text: str, pos: int, v: _Vocab) -> tuple[int, str] | None:
    """An own name (2–4 characters) before an enterprise, school or hospital head, when a place or
    level opens it: 县|城投|集团有限公司, 市|实验|小学. Returns (start, "field") or None."""
    head = _head_at(text, pos, v)
    if head is None or head not in v.free_heads:
        return None
    # the name's characters must all be Chinese and none a stop character: count how many
    # before pos are, then try the lengths that fit (a name of 4 holds the one of 3 …)
    fit = 0
    while fit < 4 and fit < pos:
        ch = text[pos - fit - 1]
        if not ("\u4e00" <= ch <= "\u9fff") or ch in NAME_STOP_CHARS:
            break
        fit += 1
    any_last = v.any_last
    for length in (4, 3, 2):
        if length > fit:
            continue
        start = pos - length
        if start == 0 or (text[start - 1] not in any_last and not text[start - 1].isdigit()):
            continue  # no name part ends there (_element_at would find none)
        opener = _element_before(text, start, v, None)
        if opener is not None and opener[1] in ("place", "level"):
            return start, "field"
    return None


OPENING_PARTS = frozenset(("place", "level", "unit", "field"))  # parts a name may open with


def _valid(text: str, start: int, types: list[str], v: _Vocab) -> int | None:
    """Trim the name's left end until it is a real name; returns the new start or None."""
    while types:
        first = types[0]
        if first in OPENING_PARTS:
            return start
        if first == "head":
            word = _head_at(text, start, v)
            if word is not None and v.heads[word].alone:
                return start
            start += len(word) if word else 1
        else:
            start = _skip_ordinal(text, start)
        types = types[1:]
    return None


def _word_aligned(text: str, start: int, end: int, v: _Vocab, bounds: Bounds | None = None) -> int | None:
    """Move the start off a word the name only half covers (组织|乡镇纪委, 乡|镇纪委).

    The name must begin at a word boundary of the segmented surroundings; a level character
    glued to 该/本 (该县纪委) is fine. Otherwise the first element is dropped and the rest checked.
    The boundaries are those of a 10-character piece around the start segmented alone and, when
    given, the document's own segmentation (`bounds`, _token_bounds): a boundary in either will do
    (each segmentation now and then glues a level character to a place: 北镇市县|纪委, 南岸区区|纪委,
    呼伦贝尔市县|人民医院), and the document's, asked first, spares segmenting the piece.
    """
    while start is not None and start < end:
        if start == 0 or text[start - 1] in "该本驻" or not ("\u4e00" <= text[start - 1] <= "\u9fff"):
            return start
        if bounds is not None and bounds[bisect_left(bounds, start)] == start:
            return start
        lo = max(0, start - 4)
        if _boundary_at(text[lo : min(end, start + 6)], start - lo):
            return start
        nxt = start + 1  # drop one character and look again (进驻|市交通运输委 → 市交通运输委)
        if _head_at(text, nxt, v):
            return _valid(text, nxt, ["head"], v)
        start = nxt
    return None


Bounds = list  # where the words of a text's segmentation start, in order, and where the text ends


def _token_bounds(text: str, tokens: list[str] | None) -> Bounds | None:
    """Where the words of `tokens` start in `text` (a sorted list: cheaper to build than a set, and
    only a few positions are asked about, by bisection), or None without tokens or
    when their lengths do not add up to the text's."""
    if not tokens or not isinstance(tokens, list):
        return None
    try:
        bounds = list(accumulate(map(len, tokens), initial=0))
    except TypeError:  # not a list of strings
        return None
    return bounds if bounds[-1] == len(text) else None


@lru_cache(maxsize=1 << 16)
def _boundary_at(piece: str, offset: int) -> bool:
    """True if a word starts (or ends) `offset` characters into `piece` segmented on its own."""
    pos = 0
    for word in cut(piece):
        if pos >= offset:
            break
        pos += len(word)
    return pos == offset


def _head_at(text: str, start: int, v: _Vocab) -> str | None:
    m = v.head_at_re.match(text, start)
    return m.group(0) if m else None


def _skip_ordinal(text: str, start: int) -> int:
    m = ORDINAL_AT.match(text, start)
    return m.end() if m else start + 1


def _kind(text: str, start: int, end: int, types: list[str], v: _Vocab) -> str:
    return _kind_of(text[start if start > end - v.head_max else end - v.head_max : end],
                    len(types) >= 2 and types[-2] in ("place", "level"))


@lru_cache(maxsize=1 << 12)
def _kind_of(tail: str, placed: bool) -> str:
    """The kind of a name ending with `tail` (its last head_max characters), `placed` when a place or
    level stands right before its last head."""
    word = _head_ending(tail)
    if word is None:
        return "government"
    if word == "委" and placed:
        return "party"  # 县委, 和平区委
    return _vocab().heads[word].kind


def _head_ending(tail: str) -> str | None:
    """The longest head `tail` ends with (a name's last head_max characters decide it), or None.
    (Remembered through _kind_of.)"""
    v = _vocab()
    word, k, n = None, 1, len(tail)
    while k <= n and tail[n - k :] in v.head_endings:
        if tail[n - k :] in v.heads:
            word = tail[n - k :]
        k += 1
    return word


def _generic(text: str, start: int, v: _Vocab) -> bool:
    """True if a modifier right before the name makes it generic (上级纪委, 各级党委, 全县纪委)."""
    # a modifier's first or last character must stand there before its regex is tried
    if start > 0 and text[start - 1] in v.stop_last and v.stop_end_re.search(text, max(0, start - 5), start):
        return True
    if text[start : start + 1] not in v.stop_first:
        return False
    # the longest field and the longest modifier written at the start (alternations: longest first)
    field = v.field_re.match(text, start)
    stop = v.stop_re.match(text, start)
    return stop is not None and (field is None or len(stop.group()) >= len(field.group()))


def extract_bodies(text: str, region: str | None = None, tokens: list[str] | None = None) -> list[Body]:
    """Organisation names in `text`, one record per distinct name (first mention). Never raises.

    `region` (ingestion's "湖北省十堰市郧西县") helps resolve short forms when the text names no place.
    `tokens` (the document's segmentation, xuncha.nlp.segment.doc_tokens) add the word boundaries
    a name may begin on to those of a short piece around it segmented on its own (_word_aligned),
    and spare most of those segmentations; without them (or when their lengths do not add up to
    the text's) only the pieces count, as before.
    """
    if not isinstance(text, str) or not text:
        return []
    v = _vocab()
    bounds = _token_bounds(text, tokens)
    found: list[tuple[int, int, str]] = []
    before = MAX_NAME + 2 * v.lookback + 10  # see _decide_window
    after = v.head_lengths[0] if v.head_lengths else 1
    gates, any_last, n = v.head_gates, v.any_last, len(text)
    for m in v.head_at_re.finditer(text):
        hs, he = m.span()
        head = m.group()
        not_before, needs_part = gates[head]
        if he < n and text[he] in not_before:
            continue
        if needs_part and (hs == 0 or (text[hs - 1] not in any_last and not text[hs - 1].isdigit())):
            continue  # a head that needs a name part before it, and no part (not any_last) ends here
        if bounds is None:
            decided = _decide_mention(text, hs, he, before, after)
        else:
            decided = _decide_at(text, hs, he, head, v, bounds)
        if decided is not None:
            found.append((decided[0], he, decided[1]))
    found = _drop_contained(found)
    out: list[Body] = []
    seen: set[str] = set()
    places = None
    for start, end, kind in found:
        name = text[start:end]
        if name in seen or len(name) < 2:
            continue
        seen.add(name)
        resolved = None
        if name[0] in LEVEL_CHARS:
            if places is None:
                places = _places_named(text, v, region)
            place = places.get(name[0])
            if place:
                resolved = place + name[1:]
        out.append(Body(name=name, kind=kind, start=start, end=end, resolved=resolved))
    return out


def _decide_at(text: str, hs: int, he: int, head: str, v: _Vocab, bounds: Bounds) -> tuple[int, str] | None:
    """_decide with the document's word boundaries, for a mention whose `head` is the longest head
    at hs (as extract_bodies finds them), written out in one function: it runs for every mention.

    The same steps as _decide_reach (_grow_reach, _valid, _word_aligned, _generic, _kind) without
    tracking what they read, which only remembering a decision needs.
    """
    pos = hs
    prev = "head"
    types = [prev]  # right to left while growing
    heads_only = True
    held = 1  # len(types)
    any_last, element_ending = v.any_last, _element_ending
    while pos > 0 and held < 12 and hs - pos < MAX_NAME:
        last = text[pos - 1]
        if last in any_last or last.isdigit():
            # the part ending here, decided on the characters _reads_before names (as in _grow_reach)
            found = element_ending(text[_part_window(text, pos, last, v)[1]:pos], prev)
            if found is not None:
                pos += found[0]
                prev = found[1]
                types.append(prev)
                held += 1
                if prev != "head":
                    heads_only = False
                    if prev == "level":
                        break
                continue
        if heads_only and (head if pos == hs else _head_at(text, pos, v)) in v.free_heads:
            named = _free_name_before(text, pos, v)
            if named is not None:
                pos, prev = named
                types.append(prev)
                held += 1
                heads_only = False
                continue
        if prev == "field" and last in CONNECTORS:  # 住房|和|城乡建设局: a field joined to the one after it
            joined = _element_before(text, pos - 1, v, "head")
            if joined is not None and joined[1] == "field":
                pos = joined[0]
                types.append("field")
                held += 1
                continue
        break
    # the part before the last head decides 县委 (party) against 纪委 (_kind)
    placed = held > 1 and types[1] in ("place", "level")
    start = pos
    if prev not in OPENING_PARTS:
        types.reverse()
        start = _valid(text, start, types, v)
        if start is None:
            return None
    while start < he:  # _word_aligned, the document's boundaries asked first
        if start == 0:
            break
        before = text[start - 1]
        if before in "该本驻" or not ("\u4e00" <= before <= "\u9fff") or bounds[bisect_left(bounds, start)] == start:
            break
        lo = start - 4 if start > 4 else 0
        if _boundary_at(text[lo : he if he < start + 6 else start + 6], start - lo):
            break
        start += 1  # drop one character and look again
        if _head_at(text, start, v):
            start = _valid(text, start, ["head"], v)
            if start is None:
                return None
            break
    else:
        return None
    if ((start and text[start - 1] in v.stop_last) or text[start : start + 1] in v.stop_first) and _generic(text, start, v):
        return None
    if start > hs:  # (the start moved into the head)
        tail = he - v.head_max
        return start, _kind_of(text[start if start > tail else tail : he], placed)
    # _kind: the longest head the name ends with is this head or a longer one ending with it
    word, k, endings = head, len(head) + 1, v.head_endings
    while k <= he - start and text[he - k : he] in endings:
        if text[he - k : he] in v.heads:
            word = text[he - k : he]
        k += 1
    return start, "party" if word == "委" and placed else v.heads[word].kind

def _decide_window(window: str, hs: int, he: int) -> tuple[int, str] | None:
    """_decide on the characters around one mention.

    The window holds everything _decide reads: growth stops MAX_NAME characters before the head,
    the last part and the checks around it (_element_before, _word_aligned, _generic) look at most
    2 × lookback + 10 characters further back, and heads read forward at most one head's length.
    So the answer equals _decide on the whole text.
    """
    return _decide(window, hs, he, _vocab())


NEAR_BEFORE, NEAR_AFTER = 6, 1  # the context every remembered decision is filed under
ENTRIES_MAX = 8  # decisions remembered per near context (their wider contexts differ)
DECISIONS_MAX = 1 << 15  # near contexts remembered, then forgotten all at once
_decisions: dict[str | tuple[str, int, int], list[tuple[int, int, str, int, tuple[int, str] | None]]] = {}


def _decide_mention(text: str, hs: int, he: int, before: int, after: int) -> tuple[int, str] | None:
    """_decide for the mention text[hs:he], remembered with just the context it read.

    Names recur in and across documents, but the `before` characters _decide may read rarely
    repeat; the few it did read usually do. _decide_reach tells the first and last positions
    whose characters decided the answer, so the answer holds wherever those characters stand
    around an equal head: it is filed under the head with NEAR_BEFORE/NEAR_AFTER characters
    around it, with the exact context it needs, compared on look-up. `before` is how far back
    _decide may read (_decide_window); the context is never wider than `after` past the head.
    (Used without the document's tokens, where a fresh decision segments pieces of text.)
    """
    if hs >= NEAR_BEFORE and he + NEAR_AFTER <= len(text):
        near = text[hs - NEAR_BEFORE : he + NEAR_AFTER]  # the head's place in it follows from its length
    else:  # at an end of the text: the head's place is part of the key
        lo0 = hs - NEAR_BEFORE if hs > NEAR_BEFORE else 0
        near = (text[lo0 : he + NEAR_AFTER], hs - lo0, he - lo0)
    entries = _decisions.get(near)
    if entries:
        for left, right, context, hs_in, found in entries:
            lo = hs - left if hs >= left else 0
            if hs - lo == hs_in and text[lo : he + right] == context:
                return None if found is None else (found[0] + lo, found[1])
    # _decide on the whole text reads no more than its window (_decide_window), so no window is cut
    found, first, last = _decide_reach(text, hs, he, _vocab())
    left = hs - first if hs - first > NEAR_BEFORE else NEAR_BEFORE
    right = last - he if last - he > NEAR_AFTER else NEAR_AFTER
    if right > after:
        right = after
    clo = hs - left if hs > left else 0
    if entries is None:
        if len(_decisions) >= DECISIONS_MAX:
            _decisions.clear()
        entries = _decisions[near] = []
    elif len(entries) >= ENTRIES_MAX:
        del entries[0]
    entries.append((left, right, text[clo : he + right], hs - clo,
                    None if found is None else (found[0] - clo, found[1])))
    return found


def _decide(text: str, hs: int, he: int, v: _Vocab) -> tuple[int, str] | None:
    """(start, kind) of the body whose last head is text[hs:he], or None if it names no body."""
    return _decide_reach(text, hs, he, v)[0]


def _decide_reach(text: str, hs: int, he: int, v: _Vocab,
                  bounds: Bounds | None = None) -> tuple[tuple[int, str] | None, int, int]:
    """_decide's answer, and the first position and the end of the characters that decided it.

    Before: growth's look-backs, and what _word_aligned and _generic read before the start they
    are given (_aligned_reach, _generic_reach: the later checks only move the start to the right).
    After: _reads_after from where growth stopped. With `bounds` (the document's word boundaries,
    _word_aligned) it is the plain form of _decide_at.
    """
    start, types, first = _grow_reach(text, hs, he, v)
    last = _reads_after(text, start, he, v)
    if types[0] not in OPENING_PARTS:  # (a name opening with one of these is valid as it stands)
        start = _valid(text, start, types, v)
    if start is None:
        return None, first, last
    reach = _aligned_reach(text, start)
    if reach < first:
        first = reach
    start = _word_aligned(text, start, he, v, bounds)
    if start is None:
        return None, first, last
    reach = _generic_reach(text, start, v)
    if reach < first:
        first = reach
    if _generic(text, start, v):
        return None, first, last
    return (start, _kind(text, start, he, types, v)), first, last


def _aligned_reach(text: str, start: int) -> int:
    """The first position _word_aligned(text, start, …) reads before `start`: the character before
    it, or the four its segmented piece begins with (later starts it tries lie to the right).
    At the text's start it is -1, so that the remembered context is tied to the text's start."""
    if start == 0:
        return -1
    before = text[start - 1]
    if before in "该本驻" or not ("\u4e00" <= before <= "\u9fff"):
        return start - 1
    return start - 4


def _generic_reach(text: str, start: int, v: _Vocab) -> int:
    """The first position _generic(text, start, v) reads before `start`: the character before it,
    or the five its modifier search looks at when that character can end a modifier."""
    if start > 0 and text[start - 1] in v.stop_last:
        return start - 5
    return start - 1


def head_ending_at(text: str, pos: int, min_len: int = 2) -> int | None:
    """Start of the longest organisation head (巡察组, 党组, 纪委) ending at `pos`, or None.

    Used for roles whose organisation is only a head (巡察组组长, 党组书记).
    """
    v = _vocab()
    for length in v.head_lengths:  # the longest head ending here starts earliest
        if min_len <= length <= pos and text[pos - length : pos] in v.heads:
            return pos - length
    return None


def _drop_contained(found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Keep the longest of overlapping mentions (滨州市委巡察办 over 滨州市委)."""
    found.sort(key=itemgetter(1), reverse=True)  # by start, the longest first (two stable sorts by
    found.sort(key=itemgetter(0))  # C key functions: every mention ends elsewhere, so no ties)
    out: list[tuple[int, int, str]] = []
    for item in found:
        while out and item[0] <= out[-1][0] < item[1] and out[-1][1] <= item[1]:
            out.pop()
        if out and out[-1][0] <= item[0] and item[1] <= out[-1][1]:
            continue
        out.append(item)
    return out


def _places_named(text: str, v: _Vocab, region: str | None) -> dict[str, str]:
    """For each level character, the division of that level the text names most (县 → 郧西县)."""
    named: list[str] = []
    by_ending, add = v.places_by_ending, named.append
    for m in v.place_end_re.finditer(text):  # (a level character that ends no place starts no name)
        end = m.end()
        for place in by_ending.get(text[end - 3 : end], ()):  # the longest place ending here
            if text.startswith(place, end - len(place)):
                add(place)
                break
    # the most named place of each level, the first named among equals (as Counter.most_common):
    # a Counter keeps the places in the order they are first named
    places: dict[str, str] = {}
    most: dict[str, int] = {}
    for name, count in Counter(named).items():
        if count > most.get(name[-1], 0):
            most[name[-1]] = count
            places[name[-1]] = name
    if region:
        for length in range(min(v.place_max, len(region)), 2, -1):
            for i in range(0, len(region) - length + 1):
                name = region[i : i + length]
                if name in v.places:
                    places.setdefault(name[-1], name)
    return places
