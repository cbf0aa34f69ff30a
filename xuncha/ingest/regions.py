"""Administrative divisions of China and the region a document is about.

The facts live in `xuncha/corpora/divisions.tsv` (derived from the cpca package's adcodes table by
`benchmarks/derive_divisions.py`). A region is written as the full chain of names from province
down, skipping nothing and adding nothing: "湖北省十堰市郧西县", "天津市和平区", "浙江省".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from collections import Counter
from operator import itemgetter
from functools import lru_cache
from importlib import resources
from typing import NamedTuple


class Division(NamedTuple):
    """One division: `code` is the 6-digit adcode, `parent` the parent's code ('' for a province).
    (Immutable and compared by value; a named tuple because thousands are made at every start.)"""

    code: str
    name: str
    level: str
    parent: str
    short: str


@dataclass
class Divisions:
    """All divisions with lookups.

    - `by_code`: code → Division
    - `by_name`: every full name AND short form → list of Divisions it may mean (郧西县, 郧西 →
      [郧西县]; 和平区 → [天津市和平区, 沈阳市和平区]). Short forms are '' when unsafe and not indexed.
    - `chain(code)`: [province, city, county] Divisions from the top down.
    - `full_name(code)`: the chain's names joined: "湖北省十堰市郧西县".
    - `max_name_len`: length of the longest indexed name (for scanning text).
    """

    by_code: dict[str, Division]
    by_name: dict[str, list[Division]] = field(default_factory=dict)
    max_name_len: int = 0
    # code → its chain, made on first need (region scoring asks for the same few chains many times)
    _chains: dict[str, tuple[Division, ...]] = field(default_factory=dict, repr=False, compare=False)

    def _chain(self, code: str) -> tuple[Division, ...]:
        found = self._chains.get(code)
        if found is None:
            out: list[Division] = []
            walk = code
            while walk and walk in self.by_code:
                div = self.by_code[walk]
                out.append(div)
                walk = div.parent
            found = self._chains[code] = tuple(out[::-1])
        return found

    def chain(self, code: str) -> list[Division]:
        return list(self._chain(code))

    def full_name(self, code: str) -> str:
        return "".join(d.name for d in self._chain(code))

    def is_within(self, code: str, ancestor: str) -> bool:
        return any(d.code == ancestor for d in self._chain(code))


@lru_cache(maxsize=1)
def load_divisions() -> Divisions:
    """Load divisions.tsv once per process. See `Divisions` for the return shape."""
    text = resources.files("xuncha.corpora").joinpath("divisions.tsv").read_text(encoding="utf-8")
    by_code: dict[str, Division] = {}
    by_name: dict[str, list[Division]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 5:
            fields = (fields + [""] * 5)[:5]
        div = Division(*fields)
        code, name, short = div.code, div.name, div.short
        by_code[code] = div
        if name:
            by_name.setdefault(name, []).append(div)
        if short and short != name:
            by_name.setdefault(short, []).append(div)
    return Divisions(by_code=by_code, by_name=by_name, max_name_len=max(map(len, by_name)))


# A short county form (郧西, 江北) is trusted only where a place name is expected: at the start of
# a headline/dateline, before a colon, or directly before an organisation word.
_ORG_AFTER = re.compile(r"(?:[:：\s]|纪委|监委|县委|区委|市委|省委|政府|人大|政协|巡察|公安|检察|法院)")


_SUFFIXES = "省市县区州盟旗"  # the last characters of the division names counted in a body
_SUFFIX_CHAR = re.compile(f"[{_SUFFIXES}]")


@lru_cache(maxsize=1)
def _full_names() -> frozenset[str]:
    """Every division's full name of three or more characters."""
    return frozenset(d.name for d in load_divisions().by_code.values() if len(d.name) > 2)


def _lengths_by(key, names) -> dict[str, list[int]]:
    """key(name) → the distinct lengths of the names with that key, longest first."""
    lengths: dict[str, list[int]] = {}
    for name in sorted(names, key=len, reverse=True):
        found = lengths.setdefault(key(name), [])
        if not found or found[-1] != len(name):
            found.append(len(name))
    return lengths


@lru_cache(maxsize=1)
def _lengths_by_last_three() -> dict[str, list[int]]:
    """Last three characters → the lengths of the full names ending with them, longest first
    (nearly always one: the scan then tests one slice per place where a name can end)."""
    return _lengths_by(lambda name: name[-3:], _full_names())


@lru_cache(maxsize=1)
def _name_ends() -> re.Pattern:
    """A 省市县区州盟旗 right after a character that comes second to last in some full name ending
    with it: the only places a full name can end (a third of the others go untried)."""
    before = sorted({name[-2] for name in _full_names() if _SUFFIX_CHAR.fullmatch(name[-1])})
    # (the suffix first, its neighbour checked behind it: a pattern that opens with the suffix
    # character lets the search skip to the next one at C speed)
    return re.compile(_SUFFIX_CHAR.pattern + "(?<=[" + "".join(map(re.escape, before)) + "].)")


@lru_cache(maxsize=1)
def _names_by_start() -> dict[str, list[int]]:
    """First two characters → the lengths of the indexed names (full or short) starting with them,
    longest first: a scan position then tries only lengths some name has."""
    return _lengths_by(lambda name: name[:2], [name for name in load_divisions().by_name if len(name) > 1])


def _scan(text: str, *, full_only: bool) -> list[tuple[int, int, str]]:
    """Leftmost-longest division names in `text` as (start, end, name).

    Full names are found from their last character (省市县区州盟旗), so a long body costs a few
    dictionary look-ups per such character instead of one regex with six thousand alternatives;
    only the lengths of names that end with the same three characters (or, for short forms, start
    with the same two) are tried.
    Two-character full names (城区, 矿区, 赵县) are ordinary words too often to count.
    """
    names = load_divisions().by_name
    found: list[tuple[int, int, str]] = []
    if full_only:
        full = _full_names()
        ending = _lengths_by_last_three().get
        for m in _name_ends().finditer(text):
            end = m.end()
            tail = text[end - 3:end]
            for length in ending(tail, ()):
                if length == 3:  # the three characters are a full name themselves (the last length tried)
                    found.append((end - 3, end, tail))
                elif length <= end and text[end - length:end] in full:
                    found.append((end - length, end, text[end - length:end]))
                else:
                    continue
                break
    else:
        lengths_starting = _names_by_start()
        i = 0
        while i < len(text):
            for length in lengths_starting.get(text[i:i + 2], ()):
                if length > len(text) - i:
                    continue
                cand = text[i:i + length]
                if cand in names and (length > 2 or any(d.name != cand for d in names[cand])):
                    found.append((i, i + length, cand))
                    i += length - 1
                    break
            i += 1
    # By start, the longer first: both loops find names in increasing order of end (and of start),
    # so reversed and stably sorted on the start alone puts the longer of two that share a start first.
    found.reverse()
    found.sort(key=itemgetter(0))
    out: list[tuple[int, int, str]] = []
    for item in found:
        if out and item[0] < out[-1][1]:
            continue
        out.append(item)
    return out


@lru_cache(maxsize=1)
def _name_end_table():
    """`_name_ends` as flags over UTF-16 code units: 1 for 省市县区州盟旗, 2 for a character that comes
    second to last in some full name ending with one of them."""
    import numpy as np

    table = np.zeros(0x10000, dtype=np.uint8)
    table[[ord(c) for c in _SUFFIXES]] |= 1
    table[[ord(name[-2]) for name in _full_names() if _SUFFIX_CHAR.fullmatch(name[-1])]] |= 2
    return table, np.uint8(1)  # (a numpy scalar operand: a Python int costs more than the operation)


def _name_end_positions(text: str) -> list[int]:
    """The ends of `_name_ends()` matches, in order: found over the text's code units at once
    (they are its positions unless it holds an astral character; then by the pattern)."""
    import numpy as np

    units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype="<u2")
    if len(units) != len(text):
        return [m.end() for m in _name_ends().finditer(text)]
    table, one = _name_end_table()
    flags = table.take(units)
    # (the flags and-ed are 0 or 1: read as booleans, whose nonzero takes a fifth of the time)
    return (((flags[1:] & one) & (flags[:-1] >> one)).view(bool).nonzero()[0] + 2).tolist()


@lru_cache(maxsize=1)
def _tails_split() -> tuple[frozenset[str], dict[str, list[int]]]:
    """(the three-character tails that are a full name and end no longer one, the other tails →
    the lengths of the full names ending with them, longest first)."""
    alone, longer = set(), {}
    for tail, lengths in _lengths_by_last_three().items():
        if lengths == [3]:
            alone.add(tail)
        else:
            longer[tail] = lengths
    return frozenset(alone), longer


def _body_names(text: str) -> Counter:
    """How often each full name occurs in `text`, taken leftmost-longest: the names of
    `_scan(text, full_only=True)`, counted in one pass. Names are found in increasing order of their
    end. One that starts at or after the end of the last kept name is kept (the common case); else
    a name that starts no later than the names kept before it contains them (they give way to it),
    and one that starts inside the last kept name is skipped, as the leftmost-longest rule does."""
    full = _full_names()
    alone, longer = _tails_split()
    longer_lengths = longer.get
    starts: list[int] = []
    ends: list[int] = []
    names: list[str] = []
    last_end = 0
    for end in _name_end_positions(text):
        tail = text[end - 3:end]
        if tail in alone:
            start, name = end - 3, tail
        else:
            for length in longer_lengths(tail, ()):  # the longest name ending here, if any
                if length == 3 or (length <= end and text[end - length:end] in full):
                    break
            else:
                continue
            start = end - length
            name = text[start:end]
        if start < last_end:
            while starts and starts[-1] >= start:
                starts.pop(), ends.pop(), names.pop()
            if ends and ends[-1] > start:
                last_end = ends[-1]
                continue
        starts.append(start), ends.append(end), names.append(name)
        last_end = end
    return Counter(names)


@lru_cache(maxsize=None)
def _name_reading(name: str) -> tuple[list[Division], bool]:
    """(the divisions `name` may mean, whether it is only a short county form): the same for every
    mention of the name, so worked out once per process."""
    cands = load_divisions().by_name[name]
    is_full = any(c.name == name for c in cands)
    return cands, not is_full and all(c.level == "county" for c in cands)


def _mentions(text: str, *, trust_short: bool) -> list[list[Division]]:
    found: list[list[Division]] = []
    for start, end, name in _scan(text, full_only=not trust_short):
        cands, short_county = _name_reading(name)
        if short_county:
            after = text[end:end + 2]
            at_start = start == 0 or text[start - 1] in " \t:：(（【[“\"·"
            if not (at_start or _ORG_AFTER.match(after)):
                continue
        found.append(cands)
    return found


@lru_cache(maxsize=4096)
def _header_mentions(text: str) -> tuple[list[Division], ...]:
    """`_mentions(text, trust_short=True)`, remembered: a site's source and byline lines come back
    on every page it publishes."""
    return tuple(_mentions(text, trust_short=True))


def _score(candidates: list[list[Division]], cover: float = 0.6) -> str | None:
    """The deepest division that contains at least `cover` of the mentions.

    Each ambiguous mention (和平区: Tianjin or Shenyang?) is first resolved to the reading that the
    other mentions support most; then sibling mentions (和平区, 河西区, 南开区) lift the answer to
    their common parent (天津市) instead of picking one of them.
    """
    return _score_groups(_grouped(candidates), cover)


def _grouped(candidates: list[list[Division]]) -> list[tuple[tuple[str, ...], int]]:
    """(codes of the readings, number of mentions) per distinct mention: a name mentioned again is
    the same list of readings (the one `Divisions.by_name` holds), so it is weighed once, times its
    count."""
    counts: dict[int, list] = {}
    for cands in candidates:
        entry = counts.get(id(cands))
        if entry is None:
            counts[id(cands)] = [cands, 1]
        else:
            entry[1] += 1
    return [(tuple(c.code for c in cands), n) for cands, n in counts.values()]


@lru_cache(maxsize=1)
def _reading_codes_of_names() -> dict[str, tuple[str, ...]]:
    """Full name → the codes of the divisions it may mean, in `Divisions.by_name` order."""
    by_name = load_divisions().by_name
    return {name: tuple(c.code for c in by_name[name]) for name in _full_names()}


def _codes_up(code: str) -> tuple[str, ...]:
    """The codes of a division's chain, province first (scoring walks them for every mention)."""
    return _all_codes_up()[code]


@lru_cache(maxsize=1)
def _all_codes_up() -> dict[str, tuple[str, ...]]:
    """Every division's chain of codes, made from the parent links at once, parents first."""
    by_code = load_divisions().by_code
    chains: dict[str, tuple[str, ...]] = {}

    def up(code: str) -> tuple[str, ...]:
        found = chains.get(code)
        if found is None:
            parent = by_code[code].parent
            found = chains[code] = (up(parent) if parent in by_code else ()) + (code,)
        return found

    for code in by_code:
        up(code)
    return chains


def _score_groups(groups: list[tuple[tuple[str, ...], int]], cover: float = 0.6) -> str | None:
    """`_score` over (codes of the readings, count) groups. Supports are sums of 1/k (k readings of a
    name), so they are exact multiples of small fractions: a tie stays a tie, whatever order they are
    added in."""
    up = _all_codes_up().__getitem__  # (`_codes_up` without its two calls: scoring walks chains often)
    if not groups:
        return None
    support: dict[str, float] = {}  # made when the first ambiguous name needs it (most pages have none)

    def strength(code: str, own_weight: float) -> float:
        """Support from the OTHER mentions for reading `code` (its own mention left out)."""
        chain = up(code)
        return sum(support.get(a, 0.0) for a in chain) - own_weight * len(chain)

    mentioned: dict[str, int] = {}  # resolved reading → mentions (plain dicts: Counter's misses cost a call)
    total = 0
    for cands, n in groups:
        if len(cands) > 1:
            if not support:
                for readings, times in groups:
                    weight = times / len(readings)
                    for c in readings:
                        for a in up(c):
                            support[a] = support.get(a, 0.0) + weight
            w = 1.0 / len(cands)
            ranked = sorted(cands, key=lambda c: strength(c, w), reverse=True)
            if strength(ranked[0], w) - strength(ranked[1], w) < 1e-9:
                continue  # 江北 alone: Ningbo or Chongqing? Nothing else says, so it says nothing.
            code = ranked[0]
        else:
            code = cands[0]
        mentioned[code] = mentioned.get(code, 0) + n
        total += n
    if not total:
        return None
    # A mention agrees with a node when it is the node, one of its descendants (the node is in
    # the mention's chain) or one of its ancestors (the mention is in the node's chain); both hold
    # only when they are the same. Counted per node from the chains instead of per pair.
    below: dict[str, int] = {}  # node → mentions at or under it
    for code, times in mentioned.items():
        for a in up(code):
            below[a] = below.get(a, 0) + times
    need = cover * total
    # Mentions above a node are at most all the mentions at shallower levels: nodes that cannot
    # reach `need` even with all of them are passed over without adding up their chains.
    deepest = max(len(up(code)) for code in mentioned)
    shallower = [0] * (deepest + 1)  # [k]: mentions at depth k or above (a province is depth 1)
    for code, times in mentioned.items():
        for depth in range(len(up(code)), deepest + 1):
            shallower[depth] += times
    best = None
    said = mentioned.get
    for node, under in below.items():
        chain = up(node)
        if under + shallower[len(chain) - 1] < need:
            continue
        agreeing = under + sum(said(a, 0) for a in chain) - said(node, 0)
        if agreeing >= need and (best is None or (len(chain), agreeing, node) > best):
            best = (len(chain), agreeing, node)
    return best[2] if best else None


def find_region(*texts: str | None, body: str | None = None) -> str | None:
    """The most specific division named by headline/source/dateline/byline `texts`, else by `body`.

    Positional texts are trusted places (short forms such as 郧西 or 竹溪 at a headline's start count);
    `body` only contributes full names (…县/…区/…市) and is used to confirm or, when the header names
    nothing, to find the place most mentioned. Returns e.g. "湖北省十堰市郧西县" or None.
    """
    divs = load_divisions()
    head: list[list[Division]] = []
    for t in texts:
        if t:
            head.extend(_header_mentions(t))
    # The body's mentions are full names (never a short form needing context), counted per name.
    names = _body_names(body[:3000]) if body else Counter()
    codes_of = _reading_codes_of_names().__getitem__
    if head:
        # Narrow ambiguous header mentions (江北 → 宁波 or 重庆?) with everything else named.
        consistent = _consistent_with(head)
        code = _score_groups(_grouped(head) + [(codes_of(name), n) for name, n in names.items()
                                               if consistent(name)])
    elif names:
        code = _score_groups([(codes_of(name), n) for name, n in names.items()])
    else:
        return None
    return divs.full_name(code) if code else None


def _consistent_with(head: list[list[Division]]):
    """A test of whether some reading of a full name lies within, or contains, some reading of the
    header's mentions. The names that pass are gathered per reading code once per process (from
    the indexes code → names read as it, code → names read as it or under it), so a page costs a
    union of a few sets at most and each body name one lookup."""
    codes = {a.code for h in head for a in h}
    if len(codes) == 1:
        return _names_consistent_with(codes.pop()).__contains__
    return frozenset().union(*map(_names_consistent_with, codes)).__contains__


@lru_cache(maxsize=None)
def _names_consistent_with(code: str) -> frozenset[str]:
    """The full names one of whose readings is `code`, one of its ancestors, or lies under it."""
    read_as, read_under = _full_names_by_code()
    return frozenset().union(*(read_as.get(a, ()) for a in _codes_up(code)), read_under.get(code, ()))


@lru_cache(maxsize=1)
def _full_names_by_code() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(code → the full names one of whose readings it is, code → the full names one of whose
    readings has it on its chain, i.e. is it or lies under it). A name reads as a division when it
    is the division's name or short form (`Divisions.by_name`)."""
    full = _full_names()
    chains = _all_codes_up()
    read_as: dict[str, set[str]] = {}
    read_under: dict[str, set[str]] = {}
    for code, div in load_divisions().by_code.items():
        for name in (div.name, div.short) if div.short != div.name else (div.name,):
            if name in full:
                read_as.setdefault(code, set()).add(name)
                for a in chains[code]:
                    read_under.setdefault(a, set()).add(name)
    return read_as, read_under
