"""Text normalisation and the feature pieces of the classifier (picklable, module-level).

Statements are compared in simplified script with every digit folded to 0, so 2022年以来3个村
and 2019年以来12個村 look alike; features are character 1–3-grams, jieba words and bigrams, and
one column per category counting that category's cue words from taxonomy.json.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import numpy as np

from xuncha.classify.taxonomy import load_taxonomy

_DIGITS = re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)?")
_SPACE = re.compile(r"\s+")
_PUNCT = re.compile(r"^[\W_]+$")
# Enumerators and report boilerplate before a finding: 一是 / （二） / 3. / 巡察发现，
_LEAD = re.compile(r"^(?:[（(]?[一二三四五六七八九十0-9]{1,3}[)）、.．]|[一二三四五六七八九十]{1,2}是|"
                   r"(?:其)?[一二三四五六七八九十]{1,2}[，,、]|巡[察视](?:组)?(?:还)?发现[，,：:]?|\W)+")
_lock = threading.Lock()
_converter = None


def _t2s(text: str) -> str:
    global _converter
    if _converter is None:
        with _lock:
            if _converter is None:
                import opencc

                _converter = opencc.OpenCC("t2s")
    return _converter.convert(text)


def normal_form(text: str, lead: bool = True) -> str:
    """Simplified script, no whitespace or (if `lead`) leading enumerator, digits folded to a single 0.

    Not memoised: for long texts such as document prefixes, which would only crowd the statements
    out of normalize's cache. lead=False is for a piece that continues a text already normalised.
    """
    text = _SPACE.sub("", _t2s(text or ""))
    if lead:
        text = _LEAD.sub("", text) or text
    return _DIGITS.sub("0", text)


@lru_cache(maxsize=16384)
def normalize(text: str) -> str:
    """normal_form of a statement, memoised: classifying one asks for it three times (features,
    cues, top words)."""
    return normal_form(text)


@lru_cache(maxsize=4096)
def word_tokens(text: str) -> tuple[str, ...]:
    """jieba words of an already normalised text, punctuation dropped (vectorizer analyzer).

    Cached: the explanation (top words) asks again for the words of the text just classified.
    """
    from xuncha.nlp.segment import cut

    return tuple(w for w in cut(text) if not _PUNCT.match(w))


@lru_cache(maxsize=1)
def category_cues() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(category id, its cue words in simplified script) for every category, in taxonomy order."""
    tax = load_taxonomy()
    return tuple((cid, tuple(dict.fromkeys(normalize(c) for c in cat.cues if c))) for cid, cat in tax.categories.items())


@lru_cache(maxsize=1)
def _cue_index() -> tuple[dict[str, list[tuple[int, str]]], dict[str, tuple[int, ...]]]:
    """cue → [(rank, category id)] (rank = position in taxonomy order), and for each two-character
    opening the lengths of the cues that open with it."""
    index: dict[str, list[tuple[int, str]]] = {}
    rank = 0
    for cid, cues in category_cues():
        for c in cues:
            index.setdefault(c, []).append((rank, cid))
            rank += 1
    openings: dict[str, set[int]] = {}
    for c in index:
        openings.setdefault(c[:2], set()).add(len(c))
    return index, {o: tuple(sorted(lengths)) for o, lengths in openings.items()}


def _present_cues(text: str) -> set[str]:
    """The cue words occurring in `text`: at each position, one look-up of the two characters
    there, and only where some cue opens with them a look-up per length of those cues."""
    index, openings = _cue_index()
    found = set()
    for i in range(len(text) - 1):
        lengths = openings.get(text[i : i + 2])
        if lengths:
            for size in lengths:
                piece = text[i : i + size]
                if len(piece) == size and piece in index:
                    found.add(piece)
    return found


@lru_cache(maxsize=8192)
def matched_cues(text: str) -> dict[str, list[str]]:
    """Cue words found in a normalised text, per category id (only categories with a match).

    Memoised (the result is shared: callers must not modify it).
    """
    index, _ = _cue_index()
    hits = [(cid, c) for _, cid, c in sorted((r, cid, c) for c in _present_cues(text) for r, cid in index[c])]
    words = {c for _, c in hits}
    found: dict[str, list[str]] = {}
    for cid, c in hits:
        # a cue inside a longer matched cue says nothing of its own (决策 in 决策部署, 整改 in 整改台账)
        if not any(c != o and c in o for o in words):
            found.setdefault(cid, []).append(c)
    return found


def cue_scores(text: str) -> np.ndarray:
    """Per category, the summed weight of its matched cues (longer cues weigh more)."""
    ids = [cid for cid, _ in category_cues()]
    row = np.zeros(len(ids))
    for cid, hits in matched_cues(text).items():
        row[ids.index(cid)] = sum(min(len(c), 6) ** 0.5 for c in hits)
    return row
