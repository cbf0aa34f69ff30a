"""Bracketed names (“两卡一书”, 《廉政提示卡》) found before segmenting and extracting.

jieba cannot hold dictionary words that contain quotes or book-title marks, and a numeral inside
a quoted name (“六个一”) is part of the name, not a count. `bracket_spans` pairs the marks once per
text so that segmentation keeps short names whole and extractors can tell names from speech.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# opening mark → closing mark; ASCII " and ' toggle (paired within one line).
PAIRS = {"“": "”", "‘": "’", "《": "》", "「": "」", "『": "』", "〈": "〉", "【": "】", "〔": "〕"}
CLOSERS = {v: k for k, v in PAIRS.items()}
TOGGLES = {'"'}
MARKS_RE = re.compile("[" + re.escape("".join(PAIRS) + "".join(CLOSERS) + "".join(TOGGLES)) + "\n]")
SENTENCE_PUNCT = set("。！？!?；;，,：:\n")
NAME_MAX = 24  # quoted text longer than this, or holding sentence punctuation, is speech


@dataclass(frozen=True)
class Bracket:
    """One matched pair of marks: text[start] is the opening mark, text[end - 1] the closing one."""

    start: int
    end: int
    open: str

    @property
    def inner(self) -> tuple[int, int]:
        return self.start + 1, self.end - 1

    def content(self, text: str) -> str:
        return text[self.start + 1 : self.end - 1]

    def is_name(self, text: str) -> bool:
        """Short and without sentence punctuation: a name or term rather than quoted speech."""
        inner = self.content(text)
        if not inner or len(inner) > (60 if self.open == "《" else NAME_MAX):
            return False
        return SENTENCE_PUNCT.isdisjoint(inner)


SHARED_MIN = 2000  # the pairs of the last text at least this long are kept for the next caller
_last: tuple[str, tuple[Bracket, ...]] | None = None


def bracket_spans(text: str) -> list[Bracket]:
    """All matched bracket pairs in `text` (nested ones included), in order of their opening mark.

    Pairs never span a line break; an unmatched mark is ignored. Linear in len(text). Several
    extractors ask for the pairs of the same document text in turn, so the last long one is kept.
    """
    global _last
    last = _last
    if last is not None and last[0] is text:
        return list(last[1])
    found = _pairs(text)
    if len(text) >= SHARED_MIN:
        _last = (text, tuple(found))
    return found


def _pairs(text: str) -> list[Bracket]:
    found: list[Bracket] = []
    stack: list[tuple[str, int]] = []
    toggle_open: int | None = None
    for m in MARKS_RE.finditer(text):  # only the marks and line breaks matter; jump between them
        i, ch = m.start(), m.group()
        if ch == "\n":
            stack.clear()
            toggle_open = None
        elif ch in PAIRS:
            stack.append((ch, i))
        elif ch in CLOSERS:
            want = CLOSERS[ch]
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == want:
                    found.append(Bracket(stack[depth][1], i + 1, want))
                    del stack[depth:]
                    break
        elif ch in TOGGLES:
            if toggle_open is None:
                toggle_open = i
            else:
                found.append(Bracket(toggle_open, i + 1, ch))
                toggle_open = None
    found.sort(key=lambda b: (b.start, -b.end))
    return found


def name_spans(text: str, max_len: int | None = None) -> list[tuple[int, int]]:
    """Inner spans of the bracketed names (not speech) in `text`, outermost first.

    `max_len` keeps only names up to that many characters (long document titles are better
    segmented into words than kept whole).
    """
    return [b.inner for b in bracket_spans(text)
            if b.is_name(text) and (max_len is None or b.end - b.start - 2 <= max_len)]
