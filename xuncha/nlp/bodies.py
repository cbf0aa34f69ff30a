"""Bodies: organisation names as the text writes them (郧西县纪委监委, 县委第二巡察组, 前江街道党工委).

A name is found from its head (纪委监委, 党工委, 巡察办, 局 …, corpora/org_heads.tsv) and grown to
the left over the parts organisation names are made of: division names (corpora/divisions.tsv via
xuncha.ingest.regions), level words (县, 市, 驻委), field words (自然资源, 交通运输), named local units
(前江街道), ordinals (第二) and earlier heads (滨州市委|巡察办). Generic mentions (上级纪委, 各级党委)
are left out. A short form opening with a level word (县纪委) is spelled out in `resolved` with the
place of that level the document names most (郧西县纪委).

Each mention is decided afresh by one written-out function (_decide_at), which asks the
document's word boundaries where a name may begin: from its tokens as annotate gives them, or
from segmenting the text here when there are none.
"""

from __future__ import annotations

import re
from operator import itemgetter
from dataclasses import dataclass
from functools import lru_cache
from collections import Counter

import numpy as np

from xuncha.document import Body
from xuncha.nlp import lexicon
from xuncha.nlp.segment import cut, tag, token_ends

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
    field_lengths: tuple[int, ...] = ()  # distinct lengths, longest first
    level_set: frozenset[str] = frozenset()
    level_lengths: tuple[int, ...] = ()
    place_last: frozenset[str] = frozenset()  # last characters of the words of each kind
    field_last: frozenset[str] = frozenset()
    head_last: frozenset[str] = frozenset()
    unit_last: frozenset[str] = frozenset()
    level_last: frozenset[str] = frozenset()
    any_last: frozenset[str] = frozenset()  # all of the above and the ordinals' last characters
    plain_last: frozenset[str] = frozenset()  # those after which no ordinal or named unit reads on
    field_re: re.Pattern = re.compile(lexicon.NEVER)  # any field word, longest first
    stop_re: re.Pattern = re.compile(lexicon.NEVER)  # any generic modifier, longest first
    stop_end_re: re.Pattern = re.compile(lexicon.NEVER)  # a generic modifier ending where the search ends
    suffixes: frozenset[str] = frozenset()  # every ending of a place, field, head or level word
    head_endings: frozenset[str] = frozenset()  # every ending of a head
    free_heads: frozenset[str] = frozenset()  # heads an own name may stand before (FREE_NAME_KINDS)
    # Cheap first tests that rule most positions out before the look-ups above (same answers):
    stop_first: frozenset[str] = frozenset()  # first characters of the generic modifiers
    stop_last: frozenset[str] = frozenset()  # their last characters
    head_max: int = 0  # the longest head
    units_ending: dict[str, tuple[str, ...]] | None = None  # named units by their last character
    head_kinds: dict[str, tuple[str, tuple[str, ...]]] | None = None  # head → (its kind, the longer
    # heads ending with it, longest first)
    head_gates: dict[str, tuple[str, bool]] | None = None  # head → (its not_before, whether a name part must stand before it)
    head_at_re: re.Pattern = re.compile(lexicon.NEVER)  # head_re as a trie: same matches, fewer steps
    places_by_ending: dict[str, tuple[str, ...]] | None = None  # places by last 3 characters, longest first
    place_end_re: re.Pattern = re.compile(lexicon.NEVER)  # where a place ending in a level character may end


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
    # heads that are no name alone nor after an own name need a name part before them
    needs_part = frozenset(w for w, h in heads.items() if not h.alone and h.kind not in FREE_NAME_KINDS)
    return _Vocab(
        heads=heads,
        head_lengths=tuple(sorted({len(w) for w in heads}, reverse=True)),
        head_re=lexicon.literal_re(heads),
        places=places,
        place_max=max(map(len, places), default=0),
        fields=fields,
        units=units,
        field_lengths=_lengths(fields),
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
        free_heads=frozenset(w for w, h in heads.items() if h.kind in FREE_NAME_KINDS),
        head_endings=frozenset(w[i:] for w in heads for i in range(len(w))),
        stop_first=frozenset(w[0] for w in stop_before if w),
        stop_last=_last_chars(stop_before),
        head_max=max(map(len, heads), default=0),
        units_ending={ch: tuple(u for u in units if u.endswith(ch)) for ch in _last_chars(units)},
        head_kinds={w: (h.kind, tuple(sorted((o for o in heads if len(o) > len(w) and o.endswith(w)),
                                             key=lambda o: (-len(o), o))))
                    for w, h in heads.items()},
        head_gates={w: (h.not_before, w in needs_part) for w, h in heads.items()},
        head_at_re=lexicon.trie_re(heads),
        places_by_ending=_by_ending(places, 3),
        place_end_re=_place_end_re(places),
        any_last=frozenset().union(_last_chars(places), _last_chars(fields), _last_chars(heads),
                                   _last_chars(units), _last_chars(levels), ORDINAL_LAST),
        plain_last=frozenset(ch for ch in (_last_chars(places) | _last_chars(fields) | _last_chars(heads)
                                           | _last_chars(levels))
                             if ch not in ORDINAL_LAST and ch not in _last_chars(units) and not ch.isdigit()),
    )


def _place_end_re(places) -> re.Pattern:
    """A level character that ends some place, after two characters that can stand third and
    second to last in such a place (the others are ruled out in C). The character comes first in
    the pattern, so that the search skips to it at C speed."""
    ending = [p for p in places if p[-1] in LEVEL_CHARS]
    if not ending:
        return re.compile(lexicon.NEVER)
    ends, second, third = ({p[i] for p in ending} for i in (-1, -2, -3))
    def chars(found):
        return "".join(re.escape(ch) for ch in sorted(found))
    return re.compile(f"[{chars(ends)}](?<=[{chars(third)}][{chars(second)}].)")


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
    """The longest name part ending at `pos`: (its start, its type), or None.

    It is decided on the few characters before `pos` that _part_window names, once per distinct
    such ending (_element_ending: organisation names recur across documents).
    """
    if pos <= 0:
        return None
    found = _element_ending(text[_part_window(text, pos, text[pos - 1], v)[1] : pos], prev)
    return None if found is None else (pos + found[0], found[1])


@lru_cache(maxsize=1 << 16)
def _element_ending(window: str, prev: str | None) -> tuple[int, str] | None:
    """_element_before at the end of `window`, its start given relative to that end (≤ 0).

    Equal for every window that holds the characters _part_window names: within them lies the
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


def _part_window(text: str, pos: int, last: str, v: _Vocab) -> tuple[int, int]:
    """(the first position whose character decides the name part ending at `pos`, where the window
    _element_ending is given starts), for pos > 0 and `last` = text[pos - 1].

    Its word look-ups can only succeed within the longest ending of text[:pos] that ends some
    place, field, head or level word (one character more shows that no longer word fits); an
    ordinal reads 4 characters, a named unit the unit and the two characters of its name.

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
    for unit in v.units_ending.get(last, ()):
        if pos >= len(unit) and text.startswith(unit, pos - len(unit)):  # (its name read on)
            window_from = 0
            if pos - len(unit) - 2 < first:
                first = pos - len(unit) - 2
    if not window_from:
        window_from = first if first > 0 else 0
    return first, window_from


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
PLACING_PARTS = ("place", "level")  # before 委 they make a party committee (县委)


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


Bounds = bytes  # one byte per position of a text and its end: 1 where a word of its segmentation starts


def _token_bounds(text: str, tokens: list[str] | None) -> Bounds | None:
    """Where the words of `tokens` start in `text` (and where it ends), or None without tokens or
    when their lengths do not add up to the text's. Summed and marked in numpy: a few positions
    per name are asked about, and a text has hundreds of thousands of words."""
    if not tokens or not isinstance(tokens, list):
        return None
    try:
        ends = token_ends(tokens)
    except TypeError:  # not a list of strings
        return None
    if ends[-1] != len(text):
        return None
    marks = np.zeros(len(text) + 1, dtype=np.uint8)
    marks[0] = 1
    marks[ends] = 1
    return marks.tobytes()


def _own_bounds(text: str) -> Bounds:
    """_token_bounds of the text segmented here with `cut`, as doc_tokens segments it (none where
    the segmenter refuses the text: lone surrogates)."""
    try:
        bounds = _token_bounds(text, cut(text))
    except UnicodeError:
        bounds = None
    return bounds or bytes(len(text) + 1)


@lru_cache(maxsize=1 << 16)
def _boundary_at(piece: str, offset: int) -> bool:
    """True if a word starts (or ends) `offset` characters into `piece` segmented on its own
    (False where the segmenter refuses the piece: lone surrogates)."""
    pos = 0
    try:
        words = cut(piece)
    except UnicodeError:
        return False
    for word in words:
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
    `tokens` (the document's segmentation, xuncha.nlp.segment.doc_tokens) give the word boundaries
    a name may begin on besides those of a short piece around it segmented on its own (_decide_at);
    without them (or when their lengths do not add up to the text's) the text is segmented here
    with `cut`, as doc_tokens would, so the findings are the same with or without them.
    """
    if not isinstance(text, str) or not text:
        return []
    v = _vocab()
    bounds = _token_bounds(text, tokens) or _own_bounds(text)
    found: list[tuple[int, int, str]] = []
    gates, any_last, n = v.head_gates, v.any_last, len(text)
    # Right to left: a mention whose name would start at or after the start of a name found
    # further right lies inside that name (which ends later), and _drop_contained would drop it,
    # so its decision stops as soon as that is sure (`floor`).
    floor = n
    for m in reversed(list(v.head_at_re.finditer(text))):
        hs, he = m.span()
        head = m.group()
        not_before, needs_part = gates[head]
        if he < n and text[he] in not_before:
            continue
        if needs_part and (hs == 0 or (text[hs - 1] not in any_last and not text[hs - 1].isdigit())):
            continue  # a head that needs a name part before it, and no part (not any_last) ends here
        decided = _decide_at(text, hs, he, head, v, bounds, floor)
        if decided is not None:
            found.append((decided[0], he, decided[1]))
            if decided[0] < floor:
                floor = decided[0]
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
        out.append(Body(name, kind, start, end, resolved))
    return out


def _decide_at(text: str, hs: int, he: int, head: str, v: _Vocab, bounds: Bounds,
               floor: int | None = None) -> tuple[int, str] | None:
    """(start, kind) of the body whose last head is text[hs:he], or None if the mention names none.

    `head` is the longest head at hs (as extract_bodies finds them), `bounds` where the document's
    words start (_token_bounds). The name grows to the left over its parts (_element_before; an own
    name before an enterprise, school or hospital head, _free_name_before; fields joined by 和/与),
    12 parts and MAX_NAME characters at most, and stops after a level word. A left end no name
    opens with is trimmed (_valid). The start must then lie on a word boundary, of the document's
    words or of a 10-character piece around it segmented alone (each segmentation now and then
    glues a level character to a place: 北镇市县|纪委, 呼伦贝尔市县|人民医院), else it moves off the
    word it half covers (组织|乡镇纪委, 乡|镇纪委); a level character glued to 该/本/驻 is fine.
    Generic mentions are dropped (_generic). The kind is that of the longest head the name ends
    with, and a place or level right before 委 makes it a party committee (县委).
    Given `floor`, None as soon as the start is sure to be at or after it: the steps after the
    growth only move the start to the right. Written out in one function: it runs for every mention.
    """
    pos = hs
    prev = "head"
    types = [prev]  # right to left while growing
    heads_only = True
    held = 1  # len(types)
    lowest = hs - MAX_NAME if hs > MAX_NAME else 0  # growth stops at the text's start or MAX_NAME back
    plain_last, suffixes, element_ending = v.plain_last, v.suffixes, _element_ending
    while pos > lowest and held < 12:
        last = text[pos - 1]
        # the part ending here (_element_before written out): decided on the longest ending of the
        # text that can still end a word (_part_window, whose usual case is written out here)
        if last in plain_last:  # (an ending itself)
            k = 2
            while k <= pos and text[pos - k : pos] in suffixes:
                k += 1
            found = element_ending(text[pos - k + 1 : pos], prev)
        elif last in v.any_last or last.isdigit():
            found = element_ending(text[_part_window(text, pos, last, v)[1] : pos], prev)
        else:
            found = None
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
    if floor is not None and pos >= floor:
        return None  # inside a name found further right (see extract_bodies)
    # the part before the last head decides 县委 (party) against 纪委
    placed = held > 1 and types[1] in PLACING_PARTS
    start = pos
    if prev not in OPENING_PARTS:
        types.reverse()
        start = _valid(text, start, types, v)
        if start is None or start >= he:
            return None
    while start:  # on a word boundary, the document's asked first
        before = text[start - 1]
        if before in "该本驻" or not ("\u4e00" <= before <= "\u9fff") or bounds[start]:
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
        if start >= he:
            return None
    if (start and text[start - 1] in v.stop_last or text[start] in v.stop_first) and _generic(text, start, v):
        return None
    if start > hs:  # (the start moved into the head)
        tail = he - v.head_max
        return start, _kind_of(text[start if start > tail else tail : he], placed)
    # the longest head the name ends with: this head or a longer one ending with it
    kind, longer = v.head_kinds[head]
    for word in longer:
        if len(word) <= he - start and text.startswith(word, he - len(word)):
            return start, v.head_kinds[word][0]  # (ends with more than 委)
    return start, "party" if placed and head == "委" else kind


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
