"""Counts: quantities of work done or things (谈心谈话15人次, 集体约谈2次33人, 4000余册, 1-2名).

Units, the words that turn a number into a duration (15个工作日) and the names that merely
contain numerals (三重一大, “六个一”) are data in corpora/. What is left out on purpose: dates,
times, years, durations, ordinals (第四轮), percentages, scores, phone numbers, numerals inside
names, and 一 used as an article (一名县委常委).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from functools import lru_cache
from itertools import accumulate

from xuncha.document import Count
from xuncha.nlp import lexicon
from xuncha.nlp.numbers import CN_DIGITS, parse_number
from xuncha.nlp.protect import CLOSERS, PAIRS, SENTENCE_PUNCT, SHARED_MIN, TOGGLES, bracket_spans
from xuncha.nlp.segment import boundaries, cut, tokenizer  # (here: an import in a function costs ~0.6 µs a call)

APPROX_BEFORE = ("将近", "接近", "大约", "超过", "近", "约", "逾", "超")
APPROX_AFTER = ("余", "多")
VAGUE_BEFORE = "数几上成好若"
VAGUE_BEFORE_WORDS = tuple(VAGUE_BEFORE)
ORDINAL_LIST = re.compile(r"第[\d一二三四五六七八九十]{1,3}[、,，和及至到\-－]$")
MAX_DIGITS = 9
NON_DIGIT = re.compile(r"\D")
RANK_OR_SHARE_BEFORE = ("前", "后", "百分之", "千分之", "万分之")
RATE_AFTER = ("%", "％", "‰", "/", "／")  # (one str.startswith for all)
NUMBERED_LIST_AFTER = re.compile(r"[\u4e00-\u9fff]{0,4}?清单")  # a longer bare digit string is a phone, ID or serial number
SENTENCE_PUNCT_RE = re.compile("[" + re.escape("".join(sorted(SENTENCE_PUNCT))) + "]")  # quoted speech, not a name
OPENING_MARK_RE = re.compile("[" + re.escape("".join(sorted(set(PAIRS) | TOGGLES))) + "]")
CLOSING_MARK_RE = re.compile("[" + re.escape("".join(sorted(set(CLOSERS) | TOGGLES))) + "]")
NOUN_FLAGS = ("n", "vn", "j", "nz", "nt", "nr", "ns", "l")


@lru_cache(maxsize=None)
def _pattern() -> re.Pattern:
    unit_words = [row[0] for row in lexicon.table("count_units.tsv") if row[0]]
    units = lexicon.alternation(unit_words)
    # the characters a unit opens with, tested once before the units are tried one by one
    unit_guard = f"(?=[{re.escape(''.join(sorted({u[0] for u in unit_words})))}])" if unit_words else ""
    # Repetitions are bounded so that a pathological input (a million digits) stays linear.
    arabic = r"\d{1,3}(?:[,，]\d{3}){1,5}(?:\.\d{1,6})?|\d{1,3}(?: \d{3}){1,5}(?![\d.])|\d{1,15}(?:\.\d{1,6})?"
    number = rf"(?:{arabic})(?:万(?!元))?|[{CN_DIGITS}]{{1,12}}"
    count = (
        rf"(?<![\d.\-－:：/A-Za-z_])"
        rf"(?P<pre>{'|'.join(APPROX_BEFORE)})?"
        rf"(?P<num>{number})"
        rf"(?:\s*(?P<dash>[-－—–~～至到])\s*(?P<num2>{number}))?"
        rf"(?P<post>{'|'.join(APPROX_AFTER)})?"
        rf"[ \u00a0]?{unit_guard}(?P<unit>{units})"
    )
    # Every count opens with a digit, a Chinese numeral or an approximation word. A pattern that
    # opens with a character class lets the engine skip to those characters in one tight loop
    # (a look-ahead on them would be tried at every place): so the match takes that character,
    # and a look-behind steps back over it to find the count in a look-ahead, the groups spanning
    # the count. The match itself is that one character: the count ends with the unit, and the
    # counts found inside one taken are skipped (_extract).
    first = f"[\\d{re.escape(''.join(sorted(set(CN_DIGITS) | {w[0] for w in APPROX_BEFORE})))}]"
    return re.compile(rf"{first}(?<=(?={count}){first})")


def count_spans(text: str):
    """(start, end, match) of each count the pattern finds, in order, as a plain finditer of the
    count itself would give them (no count inside another)."""
    last_end = 0
    for m in _pattern().finditer(text):
        if m.start() >= last_end:
            last_end = m.end("unit")
            yield m.start(), last_end, m


@lru_cache(maxsize=None)
def _noncount_after() -> re.Pattern:
    """The words after a number that make it a duration or rate (corpora/noncount_after.txt)."""
    return lexicon.literal_re(lexicon.words("noncount_after.txt"))


@lru_cache(maxsize=None)
def _units_opening_noncount() -> frozenset[str]:
    """The units a word of noncount_after.txt can start with (个 → 个月, 次 → 次方): after any other
    unit, that list need not be searched."""
    after = lexicon.words("noncount_after.txt")
    units = (row[0] for row in lexicon.table("count_units.tsv"))
    return frozenset(u for u in units if any(w.startswith(u) or u.startswith(w) for w in after))


@lru_cache(maxsize=None)
def _numeral_names() -> frozenset[str]:
    """The set phrases whose numerals are no counts (corpora/numeral_names.txt and the measures'
    stoplist): 三重一大, 两学一做, 四个意识."""
    names = set(lexicon.words("numeral_names.txt")) | set(lexicon.words("measure_stoplist.txt"))
    return frozenset(n for n in names if any(ch.isdigit() or ch in CN_DIGITS for ch in n))


@lru_cache(maxsize=None)
def _name_pattern() -> re.Pattern:
    return lexicon.literal_re(_numeral_names())


@lru_cache(maxsize=None)
def _name_parts() -> frozenset[str]:
    """Every piece of text a set phrase can hold: a match that is none of them lies in no phrase."""
    return frozenset(name[i:j] for name in _numeral_names()
                     for i in range(len(name)) for j in range(i + 1, len(name) + 1))


class _Masks:
    """`masks.cover(start, end)`: True if the numerals in [start, end) belong to a name, a set
    phrase (三重一大) or a short bracketed name (a bracket's is_name with at most 12 characters
    inside), asked with starts that never decrease (the matches in order).

    A set phrase can hold the span only if the span's text is part of one, and a bracket only
    with an opening mark at most 13 characters before the span and a closing one at most 13 after
    its start: the text's set phrases are found only when a match could lie in one, and the
    bracket pairs only of the lines where a match could lie in them (most counts cannot). Pairs
    never span a line break and their pairing starts afresh on each line, so a line's pairs are
    the same read from the line alone."""

    def __init__(self, text: str):
        self.text = text
        self.names: _Spans | None = None  # the set phrases found in the text, when first needed
        self.lines: dict[int, list[tuple[int, int]]] = {}  # line start → its bracketed names

    def cover(self, start: int, end: int) -> bool:
        text = self.text
        if text[start:end] in _name_parts():
            if self.names is None:
                self.names = _Spans(m.span() for m in _name_pattern().finditer(text))  # scanned as far as asked
            if self.names.cover(start, end):
                return True
        if not (CLOSING_MARK_RE.search(text, end, start + 13) and OPENING_MARK_RE.search(text, max(0, end - 13), start)):
            return False  # no bracket can hold the span
        lo = text.rfind("\n", 0, start) + 1
        names = self.lines.get(lo)
        if names is None:
            hi = text.find("\n", end)
            names = self.lines[lo] = _bracketed_names(text, lo, len(text) if hi < 0 else hi)
        return any(s <= start and end <= e for s, e in names)


def _bracketed_names(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """The inner spans (in `text`) of the short bracketed names on the line text[lo:hi]: a
    bracket's is_name with at most 12 characters inside, tested on the offsets first."""
    line = text[lo:hi]
    # a line as long as a document would take the place of the document's pairs kept in protect
    pairs = bracket_spans(line) if len(line) < SHARED_MIN else [
        b for b in bracket_spans(text) if lo <= b.start and b.end <= hi]
    shift = 0 if len(line) >= SHARED_MIN else lo
    return [(shift + b.start + 1, shift + b.end - 1) for b in pairs
            if 3 <= b.end - b.start <= 14 and not SENTENCE_PUNCT_RE.search(text, shift + b.start + 1, shift + b.end - 1)]


class _Spans:
    """`spans.cover(start, end)`: True if [start, end) lies within one of the spans (given in
    order of their starts, read only as far as asked), asked with starts that never decrease:
    the spans opening at or before the start are taken in once, keeping the furthest end."""

    def __init__(self, spans: Iterable[tuple[int, int]]):
        self._spans = iter(spans)
        self._next = next(self._spans, None)
        self.reach = -1

    def cover(self, start: int, end: int) -> bool:
        following, reach = self._next, self.reach
        while following is not None and following[0] <= start:
            if following[1] > reach:
                reach = following[1]
            following = next(self._spans, None)
        self._next, self.reach = following, reach
        return end <= reach


class _WordStarts:
    """`starts.at(start, end)`: True if the segmentation has a word boundary where the numeral
    text[start:end] starts (not 三番|五次).

    The document's tokens, when given, are added up into offsets once, on the first question (only
    Chinese numerals ask). Tokens whose lengths do not add up to the text are not its segmentation:
    then, as without tokens, the numeral's surroundings are segmented."""

    def __init__(self, text: str, tokens: list[str] | None):
        self.text = text
        self.tokens = tokens
        self.offsets: list[int] | None = None

    def at(self, start: int, end: int) -> bool:
        offsets = self.offsets
        if offsets is None:
            offsets = self.offsets = self._offsets()
        if offsets:
            i = bisect_left(offsets, start)
            return i < len(offsets) and offsets[i] == start
        text = self.text
        lo = max(0, start - 6)
        hi = min(len(text), end + 6)
        return start - lo in boundaries(cut(text[lo:hi]))

    def _offsets(self) -> list[int]:
        """Where the tokens' words start or end, or [] if they are no segmentation of the text."""
        tokens = self.tokens
        if tokens is None:
            return []
        if not tokens:
            return [0]  # (no words: only the start is a boundary)
        offsets = list(accumulate(map(len, tokens), initial=0))
        return offsets if offsets[-1] == len(self.text) else []


def _is_noncount(text: str, start: int, end: int, pre, num: str, num2, unit: str, starts: _WordStarts) -> bool:
    """True if the match text[start:end] is a date, duration, ordinal, rank, rate, phone number or
    part of a name (`pre`, `num`, `num2`, `unit`: its groups, read once by the caller).

    The characters around are tested in place (str.find/endswith/startswith with bounds) rather
    than sliced out: most matches are counts, which pass every test."""
    lo = start - 4 if start > 4 else 0  # the four characters before the match
    reach = start - 8 if start > 8 else 0
    if text.find("第", reach, start) >= 0:
        before = text[lo:start]
        if before.endswith("第") or before.rstrip().endswith("第") or ORDINAL_LIST.search(text, reach, start):
            return True  # ordinal: 第四轮, 第2期, 第三、四轮
    if text.endswith(RANK_OR_SHARE_BEFORE, lo, start):
        if unit in ("名", "位") or not text.endswith(("前", "后"), lo, start):
            return True  # rank: 排名前3名; share: 百分之三十
    if unit in _units_opening_noncount() and _noncount_after().match(text, end - len(unit)):  # (the unit closes the match)
        return True  # duration or rate: 15个工作日, 3个月, 2个百分点
    if unit == "张" and NUMBERED_LIST_AFTER.match(text, end):
        return True  # the name of a set of lists: 四张清单, 五张责任清单
    if text.startswith(RATE_AFTER, end):
        return True  # percentage or rate: 95%, 500元/人
    if num[0] in CN_DIGITS:
        if text.endswith(VAGUE_BEFORE_WORDS, lo, start):
            return True  # 数十人, 上百人, 几十家: no number is stated
        if num == "一" and not num2:
            return True  # article, not a count: 一名县委常委
        if end < len(text) and text[end] in CN_DIGITS:
            return True  # a numbered name: 六个一, 四个一
        if not starts.at(start + len(pre) if pre else start, end):
            return True  # inside an idiom or word: 三番五次, 一次性
    elif len(num) > MAX_DIGITS and len(NON_DIGIT.sub("", num)) > MAX_DIGITS:
        return True
    return False


def _value(pre, num: str, num2, post) -> tuple[int | float | None, bool]:
    """The value (the upper bound of a range) and whether the text gives it as approximate."""
    first = parse_number(num)
    if num2:
        second = parse_number(num2)
        if first is None or second is None:
            return None, False
        return max(first, second), True
    return first, bool(pre or post)  # 近, 约, 超过 … / 余, 多


def _round(value: float) -> int | float:
    value = round(value, 6)
    return int(value) if value == int(value) else value


def extract_counts(text: str, tokens: list[str] | None = None) -> list[Count]:
    """Every count in `text`, in order, with text[c.start:c.end] == c.surface. Never raises.

    `tokens`: the text's segmentation if already made (Document.tokens), shared instead of
    segmenting around each Chinese numeral again.
    """
    if not isinstance(text, str) or not text:
        return []
    return _extract(text, tokens)


def _extract(text: str, tokens: list[str] | None) -> list[Count]:
    masks = None
    name_parts, closing_mark = _name_parts(), CLOSING_MARK_RE.search
    next_close = -1  # the first closing mark at or after the last match's end (len(text): none)
    starts = _WordStarts(text, tokens)
    out: list[Count] = []
    chains: list[list[Count]] = []  # counts written back to back share a subject: 集体约谈2次33人
    for start, end, m in count_spans(text):  # opening with pre (or num), closing with the unit
        pre, num, _, num2, post, unit = m.groups()
        num_start = start + len(pre) if pre else start
        # masks.cover's own first tests, asked here: most counts are in no name and no bracket.
        # (A closing mark within 13 characters of the numeral: the next one after the match,
        # searched again only once the matches have passed it.)
        if next_close < end:
            close = closing_mark(text, end)
            next_close = close.start() if close is not None else len(text)
        if text[num_start:end] in name_parts or next_close < num_start + 13:
            if masks is None:
                masks = _Masks(text)
            if masks.cover(num_start, end):
                continue
        if _is_noncount(text, start, end, pre, num, num2, unit, starts):
            continue
        if num2:
            value, approx = _value(pre, num, num2, post)
            if value is None:
                continue
        else:  # (_value without a range)
            value = parse_number(num)
            if value is None:
                continue
            approx = bool(pre or post)
        if unit == "元" and num.endswith("万") and isinstance(value, (int, float)):
            unit, value = "万元", _round(value / 10_000)  # 3万多元 → 3 万元, like 3万元
        count = Count(value, unit, approx, None, text[start:end], start, end)  # value, unit, approx, subject, surface, start, end
        if out and out[-1].end == start:
            chains[-1].append(count)
        else:
            chains.append([count])
        out.append(count)
    for chain in chains:
        end, begin = chain[-1].end, chain[0].start
        subject = None
        if end < len(text) and text[end] not in CLAUSE_STOP:  # else the clause ends at the count: nothing after
            subject = _subject_after(text, end)
        if not subject and begin and text[begin - 1] not in CLAUSE_STOP:  # else nothing before
            subject = _subject_before(text, begin)
        for count in chain:
            count.subject = subject
    return out


CLAUSE_STOP = set("，,；;。！？!?：:\n、（）()")
_STOPS = re.escape("".join(sorted(CLAUSE_STOP)))
CLAUSE_STOP_RE = re.compile(f"[{_STOPS}]")
LAST_CLAUSE_STOP_RE = re.compile(f"[{_STOPS}][^{_STOPS}]*\\Z")  # the last one before the end
CLOSING_QUOTES = frozenset(("”", "’", "》", '"', "」"))
OPENING_QUOTES = frozenset(("“", "‘", "《", '"', "「"))
OPEN_QUOTES = {"“": "”", "‘": "’", "《": "》", '"': '"', "「": "」"}


def _subject_after(text: str, end: int) -> str | None:
    """The noun the unit classifies: 7名|副市长, 20名|“一把手”, 两任|主要领导."""
    if end < len(text) and text[end] in OPEN_QUOTES:
        close = text.find(OPEN_QUOTES[text[end]], end + 1, end + 14)
        return (text[end + 1 : close] or None) if close > end else None
    clause_end = CLAUSE_STOP_RE.search(text, end, end + 12)
    stop = clause_end.start() if clause_end else min(len(text), end + 12)
    return _nouns_opening(text[end:stop]) if stop > end else None


def _subject_before(text: str, begin: int) -> str | None:
    """The work counted, written before the number: 谈心谈话|15人次, 发放“两卡一书”|24份, 约谈|2次."""
    lo = max(0, begin - 16)
    last_stop = LAST_CLAUSE_STOP_RE.search(text, lo, begin)
    if last_stop:
        lo = last_stop.start() + 1
    return _words_closing(text[lo:begin]) if begin > lo else None


@lru_cache(maxsize=1 << 14)
def _nouns_opening(piece: str) -> str | None:
    """The nouns that open a piece of clause (after a count), remembered by the piece: the same
    units and subjects recur (名|干部, 次|谈话), whatever comes before the count or after the clause."""
    words: list[str] = []
    for word, flag in tokenizer().tag(piece):  # (segment.tag without its memory: the piece's answer is remembered here)
        if word == "的" and not words:
            continue
        if (flag.startswith(NOUN_FLAGS) or (flag == "b" and not words)) and not _is_number(word):
            words.append(word)
        else:
            break
    if all(len(w) == 1 for w in words):
        return None  # single characters after a unit are rarely the thing counted
    return "".join(words)


@lru_cache(maxsize=1 << 14)
def _words_closing(piece: str) -> str | None:
    """The quoted name, nouns or verb that close a piece of clause (before a count), remembered
    by the piece (谈心谈话, 约谈 and the like open many counts)."""
    words: list[str] = []
    quoted = False
    for word, flag in reversed(tokenizer().tag(piece)):  # (segment.tag without its memory, as above)
        if word in CLOSING_QUOTES:
            quoted = True
            continue
        if word in OPENING_QUOTES:  # (an ASCII " is taken as closing first)
            break
        if quoted or (flag.startswith(NOUN_FLAGS) and not _is_number(word)):
            words.insert(0, word)
        else:
            if not words and flag.startswith("v"):
                words.insert(0, word)
            break
    if len(words) > 1 and len(words[-1]) >= 4:
        words = words[-1:]  # 领导班子谈心谈话 → 谈心谈话
    return "".join(words) or None


def _is_number(word: str) -> bool:
    """True if every character is a digit (str.isdigit), a Chinese numeral, . or ,."""
    rest = word.translate(NUMERAL_MARKS)
    return bool(word) and (not rest or rest.isdigit())


NUMERAL_MARKS = str.maketrans(dict.fromkeys(CN_DIGITS + ".,"))  # deleted before the isdigit test
