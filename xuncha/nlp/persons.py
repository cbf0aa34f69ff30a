"""Persons: named people with the role written beside them.

Three places name people in these reports: a role right before a name (县委书记余世明, 市交通运输委
党委书记、主任王魁臣), a name right before a few honorific titles (习近平总书记), and bylines —
the author field ingestion found (记者 赵伟伟 刘美芳; 竹溪县纪委监委 李代辛) or a byline left in the
text ((徐丽 孟若冰), (责编:金雨蒙、周恬)). Titles, surnames and byline words are data in corpora/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from operator import attrgetter

from xuncha.document import Person
from xuncha.nlp import lexicon
from xuncha.nlp.bodies import extract_bodies, head_ending_at
from xuncha.nlp.name_hmm import posseg_hmm
from xuncha.nlp.segment import is_word, tag, tokenizer  # (here: an import in a function costs ~0.6 µs a call)

TITLES_AFTER_NAME = ("总书记", "同志")
NOT_IN_GIVEN_NAME = set("副主书记委员长的了和与及在是等、，。：；！？说表示就也向对为从到将被把")
BYLINE_SPLIT = re.compile(r"[\s、，,；;/|：:]+")
PAREN_RE = re.compile(r"[（(]([^（）()\n]{2,40})[)）]")
LINE_RE = re.compile(r"^[ \t]*([^\n]{2,40})$", re.M)
CJK = re.compile(r"^[\u4e00-\u9fff]+$")
ANONYMISED = re.compile(r"[\u4e00-\u9fff]{1,2}某某?")
FORMER = "原前"
ROLE_JOINERS = "、兼"  # 县委常委、纪委书记; 村党支部书记兼村委会主任
NAME_WINDOW = 8  # characters after a title that decide the name written there (_name_in)


@dataclass
class _Vocab:
    titles: tuple[str, ...]
    title_re: re.Pattern
    title_scan_re: re.Pattern  # title_re's matches, found from their second character (_title_scan)
    titles_by_last: dict[str, tuple[tuple[int, ...], frozenset[str]]]  # last character → (lengths, titles)
    surnames: frozenset[str]
    compound: tuple[str, ...]
    compound_first: frozenset[str]  # the first characters of the compound surnames
    after_name: tuple[str, ...]
    bylines: dict[str, str]
    byline_re: re.Pattern
    byline_line_re: re.Pattern  # a line of 2 to 40 characters that opens with a byline word (LINE_RE)
    byline_next_line_re: re.Pattern  # the same after a line break: found by the break, not at every place


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    titles = lexicon.words("person_titles.txt")
    surnames = lexicon.words("surnames.txt")
    bylines = {row[0]: row[1] for row in lexicon.table("person_bylines.tsv")}
    return _Vocab(
        titles=titles,
        title_re=lexicon.trie_re(titles),
        title_scan_re=_title_scan(titles),
        titles_by_last=_by_last_character(titles),
        surnames=frozenset(s for s in surnames if len(s) == 1),
        compound=tuple(s for s in surnames if len(s) == 2),
        compound_first=frozenset(s[0] for s in surnames if len(s) == 2),
        after_name=lexicon.words("person_after_name.txt"),
        bylines=bylines,
        byline_re=lexicon.literal_re(bylines, r"\s*[:：]?\s*"),
        byline_line_re=re.compile(_opening_with(bylines), re.M),
        byline_next_line_re=re.compile(r"\n" + _opening_with(bylines)[1:], re.M),
    )


def _title_scan(titles) -> re.Pattern:
    """A pattern whose matches, those opening at or after the previous one's group 1 end, are
    title_re.finditer's, with the title as group 1.

    The titles' first characters (书, 党, 主, 县 …) are among the commonest of these texts, and at each
    the engine tries the title tree's every branch. This pattern opens with a title's second
    character instead and checks the one before it against the first characters: only the few
    places that pass go back one character and try the tree there (in a look-behind that holds a
    look-ahead, so that group 1 spans the title). A title of one character cannot be found so."""
    words = [w for w in titles if w]
    if not words or min(map(len, words)) < 2:
        return re.compile(f"({lexicon.trie_alternation(words) or lexicon.NEVER})")
    firsts = re.escape("".join(sorted({w[0] for w in words})))
    seconds = re.escape("".join(sorted({w[1] for w in words})))
    return re.compile(f"[{seconds}](?<=[{firsts}].)(?<=(?=({lexicon.trie_alternation(words)}))..)")


def _by_last_character(words) -> dict[str, tuple[tuple[int, ...], frozenset[str]]]:
    """The words by their last character: their distinct lengths (longest first) and the words."""
    grouped: dict[str, set[str]] = {}
    for word in words:
        if word:
            grouped.setdefault(word[-1], set()).add(word)
    return {last: (tuple(sorted({len(w) for w in found}, reverse=True)), frozenset(found))
            for last, found in grouped.items()}


def _opening_with(words) -> str:
    """LINE_RE (^ and a line of 2 to 40 characters) for the lines that open with one of the words."""
    return LINE_RE.pattern.replace("(", f"(?=(?:{lexicon.alternation(words)}))(", 1) if words else "^" + lexicon.NEVER


def _ends_name(text: str, pos: int, v: _Vocab) -> bool:
    """True if a name may end at `pos`: end of text, non-Chinese character or a word that follows names."""
    if pos >= len(text):
        return True
    if not ("\u4e00" <= text[pos] <= "\u9fff"):
        return True
    return text.startswith(v.after_name, pos) or text.startswith(TITLES_AFTER_NAME, pos)


def looks_like_name(name: str, v: _Vocab | None = None) -> bool:
    """A plausible Chinese personal name: surname + one or two characters, not an ordinary word."""
    if v is None or v is _vocab():
        return _plausible_name(name)
    return _looks_like_name(name, v)


@lru_cache(maxsize=1 << 15)
def _plausible_name(name: str) -> bool:
    """looks_like_name with the data's vocabulary, remembered: the same names come back."""
    return _looks_like_name(name, _vocab())


def _looks_like_name(name: str, v: _Vocab) -> bool:
    if not (2 <= len(name) <= 4) or not CJK.match(name):
        return False
    if name.startswith(v.compound):
        given = name[2:]
        if not 1 <= len(given) <= 2:
            return False
    elif name[0] in v.surnames and len(name) <= 3:
        given = name[1:]
    else:
        return False
    if set(given) & NOT_IN_GIVEN_NAME:
        return False
    tags = tag(name)
    if len(tags) == 1 and not tags[0][1].startswith("nr") and len(name) >= 2 and tags[0][1] not in ("x", "eng"):
        if is_word(name):
            return False  # an ordinary word that happens to start with a surname (党组, 高度)
    return True


def _surname_at(text: str, pos: int, v: _Vocab) -> bool:
    """True if a surname (single or compound) starts at `pos`: the cheap test before tagging."""
    return pos < len(text) and (text[pos] in v.surnames or text.startswith(v.compound, pos))


HAN_ONLY = re.compile(r"[\u4e00-\u9fd5]+")  # the characters jieba's tagger segments as one block
# jieba.posseg tags each block of these characters on its own (its re_han_internal), so the first
# (last) word of a piece comes from the piece's first (last) block alone.
_BLOCK = "[\u4e00-\u9fd5a-zA-Z0-9+#&._]+"
FIRST_BLOCK = re.compile(_BLOCK)
LAST_BLOCK = re.compile(_BLOCK + r"\Z")


def _tag_names(piece: str, first: bool) -> list[tuple[str, str]] | tuple[tuple[str, str], ...]:
    """Tagged words of the piece whose first (or last) one is the word the statistical name model
    (hmm=True) gives there, the only one the callers look at.

    That word comes from the piece's first (last) block of characters jieba.posseg tags together.
    The model only regroups runs of single characters that the dictionary route leaves, each run on
    its own; a word of two or more characters on that route comes out as it is, with its dictionary
    tag. So the edge word is the route's when that is such a word, and otherwise, in a block of
    Chinese characters only, comes from the model run over the edge run of single characters alone
    (name_hmm.PossegHMM.block_edge); the rest is tagged whole with the model.
    """
    block = FIRST_BLOCK.match(piece) if first else LAST_BLOCK.search(piece)
    text = block.group() if block else ""
    if HAN_ONLY.fullmatch(text):
        plain = tag(text)
        if len(plain[0 if first else -1][0]) >= 2:
            return plain
    edge = _block_edge(text, first) if text else None
    return [edge] if edge is not None else tag(piece, hmm=True)


@lru_cache(maxsize=1 << 15)
def _block_edge(block: str, first: bool) -> tuple[str, str] | None:
    """name_hmm.PossegHMM.block_edge with the replaying engine (None with the reference engine),
    remembered: blocks recur in windows that differ further on (任职超过21年；, 和职工个别谈话6)."""
    engine = tokenizer()
    hmm = posseg_hmm() if engine.name == "rjieba" else None  # the replaying engine's model
    return hmm.block_edge(block, tag, engine.has_word, first) if hmm is not None else None


def _name_at(text: str, pos: int, v: _Vocab) -> str | None:
    """The name starting at `pos`, or None.

    The statistical tagger decides first: a name it tags nr is taken (张建国|通报), and a word it
    knows starting here is no name (常务|会, 任期|内, 高度重视). Only when it sees single
    characters do the rules choose three or two characters before a word that follows names.
    """
    if not _surname_at(text, pos, v):
        return None  # every name found below passes looks_like_name, which needs a surname first
    anonymised = ANONYMISED.match(text, pos)
    if anonymised:
        return anonymised.group(0)  # 张某某, 李某: the people of disciplinary notices
    window = _tag_names(text[pos : pos + 8], first=True)
    if not window:
        return None
    first, flag = window[0]
    if flag.startswith("nr") and 2 <= len(first) <= 4:
        return first if looks_like_name(first, v) else None
    if len(first) >= 2:
        return None
    for length in (3, 2, 4):
        cand = text[pos : pos + length]
        if len(cand) == length and looks_like_name(cand, v) and _ends_name(text, pos + length, v):
            return cand
    return None


@lru_cache(maxsize=1 << 15)
def _name_in(window: str) -> str | None:
    """_name_at the start of `window`, remembered across documents (titles are followed by the
    same names again and again). _name_at tags the first 8 characters and reads no further (a
    name of four, then a word of up to three that follows names): NAME_WINDOW holds just them,
    so that a name followed by different words past those is one entry."""
    return _name_at(window, 0, _vocab())


def _name_before(text: str, pos: int, v: _Vocab) -> tuple[int, str] | None:
    """The name ending at `pos` (习近平|总书记): the tagger's name if it sees one, else three or two characters."""
    if not any(_surname_at(text, start, v) for start in range(max(0, pos - 4), pos - 1)):
        return None  # a name of two to four characters ending here must open with a surname
    window = _tag_names(text[max(0, pos - 6) : pos], first=False)
    if window and window[-1][1].startswith("nr") and looks_like_name(window[-1][0], v):
        return pos - len(window[-1][0]), window[-1][0]
    for length in (3, 2):
        start = pos - length
        if start < 0:
            continue
        cand = text[start:pos]
        if looks_like_name(cand, v):
            return start, cand
    return None


def _titles_ending_at(text: str, end: int, v: _Vocab) -> list[str]:
    """The titles written right before `end`, longest first, looked up by length among those
    ending in the character there (never past the text's start)."""
    found = v.titles_by_last.get(text[end - 1]) if end > 0 else None
    if found is None:
        return []
    lengths, titles = found
    return [title for n in lengths if n <= end and (title := text[end - n : end]) in titles]


def _role_before(text: str, pos: int, v: _Vocab, body_ends) -> int:
    """Start of the role ending at `pos`: titles, each optionally after an organisation, joined by 、."""
    start = pos
    while True:
        ending = _titles_ending_at(text, start, v)
        if not ending:
            return start
        # prefer the title that leaves a whole organisation before it: 宣州区纪委|书记, not 宣州区|纪委书记
        title = ending[0] if len(ending) == 1 else next(
            (t for t in ending if body_ends.start_of(start - len(t)) is not None), ending[0])
        start -= len(title)
        if start > 0 and text[start - 1] in FORMER:
            start -= 1  # 原副局长
        organisation = body_ends.start_of(start)
        if organisation is not None:
            start = organisation
        else:
            head = head_ending_at(text, start)
            if head is not None:
                start = head  # 巡察组组长, 党组书记
        if start > 0 and text[start - 1] in ROLE_JOINERS:
            if _titles_ending_at(text, start - 1, v):
                start -= 1
                continue
        return start


def extract_persons(text: str, author: str | None = None, bodies=None) -> list[Person]:
    """People named in `text` and in the `author` byline, one per name. Never raises.

    `bodies` (from extract_bodies) lets roles include the organisation (市交通运输委党委书记).
    """
    if not isinstance(text, str):
        text = ""
    v = _vocab()
    found: list[Person] = []
    if bodies is None:
        bodies = extract_bodies(text) if text else []
    body_ends = _body_ends(text, bodies)
    surnames, compound, compound_first = v.surnames, v.compound, v.compound_first
    last = 0  # the end of the last title taken: the titles found inside it are not title_re's
    for m in v.title_scan_re.finditer(text):
        begin, end = m.span(1)
        if begin < last:
            continue
        last = end
        at = end + 1 if text[end : end + 1] in (" ", "\u3000") else end  # 记者 张三
        first = text[at : at + 1]
        if first in surnames or (first in compound_first and text.startswith(compound, at)):  # as _surname_at
            name = _name_in(text[at : at + NAME_WINDOW])
        else:
            name = None  # _name_at finds no name without a surname
        if name is not None:
            role_start = _role_before(text, end, v, body_ends)
            found.append(Person(name=name, role=text[role_start:end], start=at, end=at + len(name)))
        elif (title := text[begin:end]) in TITLES_AFTER_NAME:
            before = _name_before(text, begin, v)
            if before is not None:
                start, name = before
                role = None if title == "同志" else title  # 同志 names a person, not a role
                found.append(Person(name=name, role=role, start=start, end=begin))
    found.extend(_text_bylines(text, v))
    if author:
        found.extend(_author_byline(author, text, v))
    return _dedupe(found)


def _body_ends(text: str, bodies) -> "_BodyEnds":
    """end → start of every mention of each body name (roles may use any mention)."""
    return _BodyEnds(text, bodies)


class _BodyEnds:
    """`start_of(end)`: the start of the body name written right before `end` (the longest),
    worked out for the few positions roles ask about instead of finding every mention of every
    body in the text."""

    def __init__(self, text: str, bodies):
        self.text = text
        self.bodies = bodies
        self.by_last: dict[str, list[str]] | None = None  # made when a role first asks
        self.known: dict[int, int | None] = {}

    def _names_by_last(self) -> dict[str, list[str]]:
        """The body names by their last character, longest first."""
        by_last: dict[str, list[str]] = {}
        try:
            names = set(map(attrgetter("name"), self.bodies or []))
        except AttributeError:  # something else than Body records: those without a name count for none
            names = {getattr(body, "name", "") for body in self.bodies or []}
        for name in sorted(names, key=len, reverse=True):  # (names of one length: one matches at most)
            if name:
                by_last.setdefault(name[-1], []).append(name)
        return by_last

    def start_of(self, end: int) -> int | None:
        """Where the longest body name written right before `end` starts, or None."""
        if end not in self.known:
            found = None
            if self.by_last is None:
                self.by_last = self._names_by_last()
            if 0 < end <= len(self.text):
                for name in self.by_last.get(self.text[end - 1], ()):
                    if self.text.endswith(name, 0, end):
                        found = end - len(name)
                        break
            self.known[end] = found
        return self.known[end]


def parse_byline(line: str, v: _Vocab | None = None) -> list[tuple[str, str]]:
    """(name, role) pairs in a byline: 记者 赵伟伟 刘美芳; 竹溪县纪委监委 李代辛; 责编:金雨蒙、周恬.

    Names after a role word take that role; names after an organisation are its correspondents
    (通讯员); a bare list of names is the reporters'. Returns [] if anything else is in the line.
    """
    v = v or _vocab()
    role = "记者"
    pairs: list[tuple[str, str]] = []
    for part in (p for p in BYLINE_SPLIT.split(line.strip()) if p):
        if part in v.bylines:
            role = v.bylines[part]
            continue
        lead = v.byline_re.match(part)
        if lead and lead.end() < len(part):
            role = v.bylines[lead.group(0).rstrip(" ：:")]
            part = part[lead.end() :]
        if looks_like_name(part, v):
            pairs.append((part, role))
        elif _is_org(part):
            role = "通讯员"
        else:
            return []
    return pairs


def _is_org(part: str) -> bool:
    bodies = extract_bodies(part)
    return bool(bodies) and bodies[-1].end == len(part)


def _author_byline(author: str, text: str, v: _Vocab) -> list[Person]:
    out = []
    for name, role in parse_byline(author, v):
        i = text.find(name)
        out.append(Person(name=name, role=role, start=i, end=i + len(name) if i >= 0 else -1))
    return out


def _text_bylines(text: str, v: _Vocab) -> list[Person]:
    """Bylines left in the text: (记者 X), (X Y) closing a paragraph or after 电, 通讯员 X."""
    out: list[Person] = []
    for m in PAREN_RE.finditer(text):
        start, end = m.span()
        tail = text[end : end + 2]
        closing = not tail.strip() or tail[0] == "\n" or (tail[0] in "。." and (len(tail) < 2 or tail[1] == "\n"))
        if not (closing or text[max(0, start - 1) : start] == "电"  # closing a paragraph, or a dateline
                or v.byline_re.match(text, m.start(1), m.end(1))):  # or opening with a role (its match on the inner text)
            continue
        inner = m.group(1)
        pos = m.start(1)
        for name, role in parse_byline(inner, v):
            i = text.find(name, pos, m.end())
            out.append(Person(name=name, role=role, start=i, end=i + len(name) if i >= 0 else -1))
    first_line = v.byline_line_re.match(text)
    lines = v.byline_next_line_re.finditer(text)  # (LINE_RE.finditer, jumping from line break to line break)
    for m in (chain((first_line,), lines) if first_line else lines):  # a line that opens with 记者, 通讯员 …
        line = m.group(1)
        for name, role in parse_byline(line, v):
            i = text.find(name, m.start(1), m.end())
            out.append(Person(name=name, role=role, start=i, end=i + len(name) if i >= 0 else -1))
    return out


def _dedupe(found: list[Person]) -> list[Person]:
    out: dict[str, Person] = {}
    for p in found:
        if p.start < 0:
            p.start = p.end = -1
        if p.name not in out:
            out[p.name] = p
        elif not out[p.name].role and p.role:
            out[p.name] = p
    return list(out.values())
