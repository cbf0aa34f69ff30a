"""Bracketed names (“两卡一书”, 《廉政提示卡》) found before segmenting and extracting.

jieba cannot hold dictionary words that contain quotes or book-title marks, and a numeral inside
a quoted name (“六个一”) is part of the name, not a count. `bracket_spans` pairs the marks once per
text so that segmentation keeps short names whole and extractors can tell names from speech.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from xuncha.nlp.recent import ByIdentity

# opening mark → closing mark; ASCII " and ' toggle (paired within one line).
PAIRS = {"“": "”", "‘": "’", "《": "》", "「": "」", "『": "』", "〈": "〉", "【": "】", "〔": "〕"}
CLOSERS = {v: k for k, v in PAIRS.items()}
TOGGLES = {'"'}
MARKS_RE = re.compile("[" + re.escape("".join(PAIRS) + "".join(CLOSERS) + "".join(TOGGLES)) + "\n]")
SENTENCE_PUNCT = set("。！？!?；;，,：:\n")
NAME_MAX = 24  # quoted text longer than this, or holding sentence punctuation, is speech
TITLE_MAX = 60  # the same for a title in book-title marks 《…》


class Bracket(NamedTuple):
    """One matched pair of marks: text[start] is the opening mark, text[end - 1] the closing one.

    A named tuple (immutable, like the frozen dataclass it was): a long page has thousands of pairs,
    and a tuple is built several times faster.
    """

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
        return _is_name(text, self.start, self.end, self.open)


def _is_name(text: str, start: int, end: int, open_mark: str) -> bool:
    size = end - start - 2
    if size <= 0 or size > (TITLE_MAX if open_mark == "《" else NAME_MAX):
        return False
    return SENTENCE_PUNCT.isdisjoint(text[start + 1 : end - 1])


SHARED_MIN = 256  # the pairs of the last texts at least this long (documents, not statements) are kept
_shared = ByIdentity()


def bracket_spans(text: str) -> list[Bracket]:
    """All matched bracket pairs in `text` (nested ones included), in order of their opening mark.

    Pairs never span a line break; an unmatched mark is ignored. Linear in len(text). Several
    extractors ask for the pairs of the same document text in turn (segmentation, counts,
    measures; nlp.annotate_many runs each over a batch), so those of the last long texts are kept.
    """
    kept = _shared.get(text)
    if kept is not None:
        return list(kept)
    found = _pairs(text)
    if len(text) >= SHARED_MIN:
        _shared.put(text, tuple(found))
    return found


def _pairs(text: str) -> list[Bracket]:
    found: list[Bracket] = []
    stack: list[tuple[str, int]] = []
    toggle_open: int | None = None
    openers, closers = PAIRS, CLOSERS
    for m in MARKS_RE.finditer(text):  # only the marks and line breaks matter; jump between them
        ch = m.group()
        if ch in openers:
            stack.append((ch, m.start()))
        elif ch in closers:
            if not stack:
                continue
            want = closers[ch]
            top, at = stack[-1]
            if top == want:  # the usual case: it closes the innermost open mark
                stack.pop()
                found.append(Bracket(at, m.start() + 1, want))
                continue
            for depth in range(len(stack) - 2, -1, -1):
                if stack[depth][0] == want:
                    found.append(Bracket(stack[depth][1], m.start() + 1, want))
                    del stack[depth:]
                    break
        elif ch == "\n":
            stack.clear()
            toggle_open = None
        elif toggle_open is None:  # a toggle (")
            toggle_open = m.start()
        else:
            found.append(Bracket(toggle_open, m.start() + 1, ch))
            toggle_open = None
    found.sort()  # by opening mark: each mark opens at most one pair, so starts differ
    return found


def name_spans(text: str, max_len: int | None = None) -> list[tuple[int, int]]:
    """Inner spans of the bracketed names (not speech) in `text`, outermost first.

    `max_len` keeps only names up to that many characters (long document titles are better
    segmented into words than kept whole).
    """
    out = []
    for start, end, open_mark in bracket_spans(text):
        if (max_len is None or end - start - 2 <= max_len) and _is_name(text, start, end, open_mark):
            out.append((start + 1, end - 1))
    return out
