"""Word lists and tables kept as data in `xuncha/corpora/`, read once per process.

Every extractor takes its vocabulary from here, so widening coverage means editing a data file,
not code. Lines starting with # are comments; blank lines are skipped.
"""

from __future__ import annotations

import re
from functools import lru_cache

from xuncha.corpora import data_lines


def _read(name: str) -> list[str]:
    # Lines unstripped: a table row may start or end with an empty cell.
    return data_lines(name, strip=False, missing_ok=True)


@lru_cache(maxsize=None)
def words(name: str) -> tuple[str, ...]:
    """One entry per line, longest first (so alternations built from them prefer long matches)."""
    items = {line.strip() for line in _read(name)}
    return tuple(sorted(items, key=lambda w: (-len(w), w)))


@lru_cache(maxsize=None)
def table(name: str) -> tuple[tuple[str, ...], ...]:
    """Tab-separated rows (missing trailing cells are empty strings), in file order."""
    rows = []
    for line in _read(name):
        cells = tuple(cell.strip() for cell in line.split("\t"))
        rows.append(cells)
    return tuple(rows)


def alternation(items) -> str:
    """A regex alternation of literal words, longest first."""
    ordered = sorted(set(items), key=lambda w: (-len(w), w))
    return "|".join(re.escape(w) for w in ordered if w)


NEVER = "(?!)"  # a pattern that matches nowhere


def trie_alternation(items) -> str:
    """`alternation(items)` as a tree of shared prefixes (纪(?:委(?:监委)?|工委)…): at each position
    the same match, the longest word there, but the engine tries each next character once instead
    of every word that shares the opening (~1.5× faster on long word lists). A word that is a
    prefix of another makes the rest optional (greedy, so longest first); siblings differ in their
    first character, so at most one of them can match. "" when there are no words."""
    tree: dict = {}
    for word in items:
        if word:
            node = tree
            for ch in word:
                node = node.setdefault(ch, {})
            node[""] = {}

    def branch(node: dict) -> str:
        kids = [re.escape(ch) + branch(sub) for ch, sub in sorted(node.items()) if ch]
        if not kids:
            return ""
        body = kids[0] if len(kids) == 1 else "(?:" + "|".join(kids) + ")"
        return f"(?:{body})?" if "" in node else body

    return branch(tree)


def trie_re(items, suffix: str = "") -> re.Pattern:
    """literal_re's matches (the longest word at the leftmost place), compiled from the prefix
    tree (trie_alternation): for long word lists scanned over every text."""
    tree = trie_alternation(items)
    return re.compile(f"(?:{tree}){suffix}" if tree else NEVER)


def literal_re(items, suffix: str = "") -> re.Pattern:
    """Any of the literal words (longest first, so each match is the longest word there), then
    `suffix`; with no words, a pattern that never matches (an empty alternation would match everywhere)."""
    words = alternation(items)
    return re.compile(f"(?:{words}){suffix}" if words else NEVER)
