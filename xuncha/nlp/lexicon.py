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


def literal_re(items, suffix: str = "") -> re.Pattern:
    """Any of the literal words (longest first, so each match is the longest word there), then
    `suffix`; with no words, a pattern that never matches (an empty alternation would match everywhere)."""
    words = alternation(items)
    return re.compile(f"(?:{words}){suffix}" if words else NEVER)
