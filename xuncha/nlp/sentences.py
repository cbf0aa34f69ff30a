"""Sentence and clause splitting with character spans, respecting Chinese quotation marks.

A full stop inside quoted speech does not end the sentence around it (“…要敢于发现问题。”他说),
but a line break always does, so one unbalanced quote cannot swallow the rest of a document.
"""

from __future__ import annotations

import re

ENDERS = set("。！？!?…")
OPENERS = set("“‘「『《（(【")
CLOSERS = set("”’」』》）)】")
MARKS_RE = re.compile("[" + re.escape("".join(sorted(ENDERS | OPENERS | CLOSERS))) + "\n]")
CLAUSE_PUNCT = "，,；;。！？!?：:\n…"
CLAUSE_RE = re.compile(f"[^{CLAUSE_PUNCT}]+")  # a clause: a run of characters between clause punctuation
CLAUSE_PUNCT_RE = re.compile(f"[{CLAUSE_PUNCT}]")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, whitespace trimmed; text[start:end] is the sentence."""
    spans: list[tuple[int, int]] = []
    depth = 0
    start = 0
    n = len(text)
    i = 0
    while i < n:
        m = MARKS_RE.search(text, i)  # other characters change nothing: jump to the next mark
        if m is None:
            break
        i = m.start()
        ch = text[i]
        if ch == "\n":
            _add(text, start, i, spans)
            start, depth = i + 1, 0
        elif ch in OPENERS:
            depth += 1
        elif ch in CLOSERS:
            depth = max(0, depth - 1)
        elif ch in ENDERS:
            j = i + 1
            while j < n and (text[j] in ENDERS or text[j] in CLOSERS):
                if text[j] in CLOSERS:
                    depth = max(0, depth - 1)
                j += 1
            if depth == 0:
                _add(text, start, j, spans)
                start = j
            i = j
            continue
        i += 1
    _add(text, start, n, spans)
    return spans


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def sentences(text: str) -> list[str]:
    """The sentences of `text` as strings."""
    return [text[s:e] for s, e in sentence_spans(text)]
