"""Measures: the named methods, mechanisms, documents and carriers a report presents.

Candidates are bracketed names (“两卡一书”, 《廉政提示卡》, ‘四张清单’). One becomes a measure when a
cue says so (corpora/measure_cues.tsv): its ending (…清单, …提示卡, …工作法), the word after the
closing mark (“五责”闭环, “三步三清单”工作法), a verb right before it (运用“和平讲廉”), or its shape —
a numbered abbreviation (两卡一书, 六个一, 1统7分2平台). A 《document》 ending in 办法/方案/规定 counts
only if the clause says the unit made it (制定, 出台 …: corpora/measure_verbs.txt). Slogans and national
concepts (两个维护, 关键少数, 回头看) are a stop list, and items listed right beside a measure
(工作提醒卡、廉政监督卡、整改建议书等“两卡一书”) are measures too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from xuncha.document import Measure
from xuncha.nlp import lexicon
from xuncha.nlp.protect import Bracket, bracket_spans
from xuncha.nlp.segment import tag
from xuncha.nlp.sentences import iter_sentence_spans

NUMERAL_RUN = re.compile(r"[一二两三四五六七八九十百千双\d]+")
NATIONAL = ("中共中央", "党中央", "中央", "国务院", "全国人大", "中华人民共和国", "中国共产党")
TRAILING_NOTE = re.compile(r"[（(][^（）()]{1,6}[)）]$")
AFTER_WINDOW = 10
LIST_STOP = set("，,；;。！？!?：:\n“”‘’《》\"")
_LIST_STOPS = re.escape("".join(sorted(LIST_STOP)))
LIST_STOP_RE = re.compile(f"[{_LIST_STOPS}]")
LAST_LIST_STOP_RE = re.compile(f"[{_LIST_STOPS}][^{_LIST_STOPS}]*\\Z")  # the last one before the end
CLAUSE_STOP_RE = re.compile("[，,；;。！？!?\n][^，,；;。！？!?\n]*\\Z")  # the last clause mark before the end
HAN = re.compile(r"[\u4e00-\u9fff]")
DASH_OR_COLON = re.compile(r"[—–－-]{1,2}|[:：]")
NOUN_FLAGS = ("n", "vn", "nz", "l", "j", "x")


@dataclass
class _Vocab:
    end: tuple[tuple[str, str], ...]
    after: tuple[tuple[str, str], ...]
    before: tuple[tuple[str, str], ...]
    stop: frozenset[str]
    verbs: tuple[str, ...]
    end_by_cue: dict[str, str]  # the `end` cues, the first row of each
    end_lengths: dict[str, tuple[int, ...]]  # their lengths by their last character, longest first
    any_after_re: re.Pattern  # any `after` cue: most windows hold none, and then no cue is looked up
    before_words: tuple[str, ...]  # the `before` cues, for one endswith that rules them all out


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    rows = lexicon.table("measure_cues.tsv")

    def where(w: str) -> tuple[tuple[str, str], ...]:
        cues = [(r[0], r[1]) for r in rows if len(r) >= 3 and r[2] == w]
        return tuple(sorted(cues, key=lambda c: -len(c[0])))

    end = where("end")
    by_cue: dict[str, str] = {}
    for cue, kind in end:
        by_cue.setdefault(cue, kind)
    after, before = where("after"), where("before")
    return _Vocab(end, after, before,
                  frozenset(lexicon.words("measure_stoplist.txt")), lexicon.words("measure_verbs.txt"),
                  by_cue, _lengths_by_last(by_cue),
                  # (an empty cue is found in every window)
                  re.compile("") if any(not c for c, _ in after) else lexicon.trie_re(c for c, _ in after),
                  tuple(c for c, _ in before))


def _lengths_by_last(words) -> dict[str, tuple[int, ...]]:
    """The distinct lengths of the words ending in each character, longest first."""
    lengths: dict[str, set[int]] = {}
    for word in words:
        if word:
            lengths.setdefault(word[-1], set()).add(len(word))
    return {last: tuple(sorted(found, reverse=True)) for last, found in lengths.items()}


def _end_kind(name: str, v: _Vocab) -> str | None:
    """The kind the name's longest ending cue gives (a cue of one or two characters needs more before it).
    Only the lengths of the cues ending in the name's last character are tried."""
    if not name:
        return None
    for length in v.end_lengths.get(name[-1], ()):
        if length <= len(name) and (len(name) > length or length >= 3):
            kind = v.end_by_cue.get(name[-length:])
            if kind is not None:
                return kind
    return None


def _after_kind(text: str, pos: int, v: _Vocab) -> str | None:
    """The kind of the first `after` cue (longest first) in the AFTER_WINDOW characters after `pos`,
    up to the first list stop: 机制, 工作法 … right after the closing mark."""
    stop = LIST_STOP_RE.search(text, pos, pos + AFTER_WINDOW)
    end = stop.start() if stop is not None else min(len(text), pos + AFTER_WINDOW)
    if not v.any_after_re.search(text, pos, end):
        return None  # no cue in the window: the usual case, asked in one pass
    window = text[pos:end]
    return next((kind for cue, kind in v.after if cue in window), None)


def _before_kind(text: str, pos: int, v: _Vocab) -> str | None:
    """The kind of the first `before` cue (longest first) written right before `pos`: 运用, 推出 …"""
    if not text.endswith(v.before_words, 0, pos):
        return None
    return next(kind for cue, kind in v.before if text.endswith(cue, 0, pos))


def _numbered(name: str) -> bool:
    """A numbered abbreviation: two or more numeral runs in a short name (两卡一书, 1统7分2平台)."""
    return len(name) <= 7 and len(NUMERAL_RUN.findall(name)) >= 2


def _clause_before(text: str, pos: int) -> str:
    """The up to 40 characters before `pos` back to the last clause mark."""
    lo = max(0, pos - 40)
    last = CLAUSE_STOP_RE.search(text, lo, pos)
    return text[last.start() + 1 if last is not None else lo : pos]


def _classify(text: str, b: Bracket, v: _Vocab) -> str | None:
    """The kind of measure bracket `b` names, or None if it names none."""
    name = b.content(text).strip()
    if not name or name in v.stop or "、" in name or len(name) < 2 or not HAN.search(name):
        return None  # slogans, enumerations, hotlines (“12388”)
    if b.open == "《":
        bare = TRAILING_NOTE.sub("", name)  # (only titles are read without their note)
        if bare.startswith(NATIONAL) or len(bare) < 3:
            return None
        kind = _end_kind(bare, v)
        if kind == "document":
            clause = _clause_before(text, b.start)
            return kind if any(verb in clause for verb in v.verbs) else None
        return kind or _after_kind(text, b.end, v)
    if len(name) > 16:
        return None
    return (_end_kind(name, v) or _after_kind(text, b.end, v) or _before_kind(text, b.start, v)
            or ("mechanism" if _numbered(name) else None))


def extract_measures(text: str) -> list[Measure]:
    """Measures named in `text`, one per distinct name (first mention). Never raises."""
    if not isinstance(text, str) or not text:
        return []
    v = _vocab()
    found: list[tuple[str, str, int, int]] = []
    for b in bracket_spans(text):
        if not b.is_name(text):
            continue
        kind = _classify(text, b, v)
        if kind is None:
            continue
        start, end = b.inner
        found.append((text[start:end], kind, start, end))
        found.extend(_listed_beside(text, b, v))
    found.extend(_numbered_lists(text, v))
    out: list[Measure] = []
    seen: set[str] = set()
    lines: dict[int, list[tuple[int, int]]] = {}  # sentences of each line split so far, by its start
    for name, kind, start, end in sorted(found, key=lambda f: f[2]):
        if name in seen:
            continue
        seen.add(name)
        sent = _sentence_around(text, start, end, lines)
        out.append(Measure(name=name, kind=kind, sentence=text[sent[0] : sent[1]], start=start, end=end))
    return out


def _sentence_around(text: str, start: int, end: int, lines: dict[int, list[tuple[int, int]]]) -> tuple[int, int]:
    """The sentence holding text[start] (sentences.sentence_spans), else (start, end).

    Sentences never cross a line break and each line is split on its own, so only the lines
    holding measures are split (once each, kept in `lines` by their start), not the whole text.
    """
    lo = text.rfind("\n", 0, start) + 1
    spans = lines.get(lo)
    if spans is None:
        hi = text.find("\n", start)
        spans = lines[lo] = list(iter_sentence_spans(text, lo, len(text) if hi < 0 else hi))
    for s, e in spans:
        if s <= start < e:
            return s, e
    return start, end


# A numeral not after another (the look-behind spans it and the character before, so that the
# pattern opens with a character class, which the regex engine scans for fast).
NUMBERED_LIST = re.compile(r"[一二两三四五六七八九十](?<![\d一二两三四五六七八九十].)张[\u4e00-\u9fff]{0,4}?清单")


def _numbered_lists(text: str, v: _Vocab) -> list[tuple[str, str, int, int]]:
    """Numbered lists written without brackets: 建立问题、举措、时限、责任四张清单, 五张责任清单."""
    return [(m.group(0), "list", m.start(), m.end()) for m in NUMBERED_LIST.finditer(text)
            if m.group(0) not in v.stop]


def _listed_beside(text: str, b: Bracket, v: _Vocab) -> list[tuple[str, str, int, int]]:
    """Items enumerated right before (…、…等“X”) or after (“X”——…、…) a measure's brackets."""
    out = []
    pos = b.start
    if pos > 0 and text[pos - 1] == "等":
        pos -= 1
    lo = max(0, pos - 60)
    last = LAST_LIST_STOP_RE.search(text, lo, pos)
    if last is not None:
        lo = last.start() + 1
    if text.find("、", lo, pos) >= 0:
        out.extend(_items(text, lo, pos, v))
    after = b.end
    m = DASH_OR_COLON.match(text, after, after + 2)
    if m:
        stop = LIST_STOP_RE.search(text, m.end(), after + 60)
        hi = stop.start() if stop is not None else min(len(text), after + 60)
        out.extend(_items(text, m.end(), hi, v))
    return out


def _items(text: str, lo: int, hi: int, v: _Vocab) -> list[tuple[str, str, int, int]]:
    out = []
    pos = lo
    for part in text[lo:hi].split("、"):
        end = pos + len(part)
        pos = end + 1
        words = tag(part)
        # keep the trailing run of nouns: 推出工作提醒卡 → 工作提醒卡
        keep = 0
        for word, flag in reversed(words):
            if flag.startswith(NOUN_FLAGS) and word not in v.verbs and word != "等":
                keep += len(word)
            else:
                break
        name = part[len(part) - keep :] if keep else ""
        kind = _end_kind(name, v)
        if kind in ("carrier", "list", "document") and 3 <= len(name) <= 12 and name not in v.stop:
            out.append((name, kind, end - len(name), end))
    return out
