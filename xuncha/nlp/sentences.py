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
    return list(iter_sentence_spans(text))


def iter_sentence_spans(text: str, lo: int = 0, hi: int | None = None):
    """sentence_spans of text[lo:hi], as offsets into `text`, without copying the piece (measures
    split only the lines that hold one)."""
    n = len(text) if hi is None else hi
    search, space = MARKS_RE.search, str.isspace
    depth = 0
    start = i = lo
    while i < n:
        m = search(text, i, n)  # other characters change nothing: jump to the next mark
        if m is None:
            break
        i = m.start()
        ch = text[i]
        if ch in OPENERS:
            depth += 1
            i += 1
            continue
        if ch in CLOSERS:
            depth = max(0, depth - 1)
            i += 1
            continue
        if ch == "\n":
            begin, end = start, i
            start, depth = i + 1, 0
            i += 1
        else:  # an ender, with the enders and closing marks right after it
            j = i + 1
            while j < n and (text[j] in ENDERS or text[j] in CLOSERS):
                if text[j] in CLOSERS:
                    depth = max(0, depth - 1)
                j += 1
            i = j
            if depth:
                continue
            begin, end = start, j
            start = j
        while begin < end and space(text[begin]):  # (_add, inline)
            begin += 1
        while end > begin and space(text[end - 1]):
            end -= 1
        if end > begin:
            yield begin, end
    begin, end = start, n
    while begin < end and space(text[begin]):
        begin += 1
    while end > begin and space(text[end - 1]):
        end -= 1
    if end > begin:
        yield begin, end


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    """Append text[start:end] without its surrounding whitespace, unless nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def sentences(text: str) -> list[str]:
    """The sentences of `text` as strings."""
    return [text[s:e] for s, e in sentence_spans(text)]
