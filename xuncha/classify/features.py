"""Text normalisation and the feature pieces of the classifier (picklable, module-level).

Statements are compared in simplified script with every digit folded to 0, so 2022年以来3个村
and 2019年以来12個村 look alike; features are character 1–3-grams, jieba words and bigrams, and
one column per category counting that category's cue words from taxonomy.json.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from functools import lru_cache
from itertools import chain, compress

import numpy as np

from xuncha.classify.taxonomy import load_taxonomy
from xuncha.ingest.simplified import changing_characters, changing_spans

# [d][d]* rather than [d]+: a pattern opening with a single class is scanned for it at C speed
# (re skips to the next digit), one opening with a repeat is tried at every position (3x slower)
_DIGITS = re.compile(r"[0-9０-９][0-9０-９]*(?:[.．][0-9０-９]+)?")
_PUNCT = re.compile(r"^[\W_]+$")
# Enumerators and report boilerplate before a finding: 一是 / （二） / 3. / 巡察发现，
_LEAD = re.compile(r"^(?:[（(]?[一二三四五六七八九十0-9]{1,3}[)）、.．]|[一二三四五六七八九十]{1,2}是|"
                   r"(?:其)?[一二三四五六七八九十]{1,2}[，,、]|巡[察视](?:组)?(?:还)?发现[，,：:]?|\W)+")
_lock = threading.Lock()
_converter = None


def _convert(text: str) -> str:
    """OpenCC t2s over the whole of `text`."""
    global _converter
    if _converter is None:
        with _lock:
            if _converter is None:
                import opencc

                _converter = opencc.OpenCC("t2s")
    return _converter.convert(text)


def _t2s(text: str) -> str:
    """OpenCC t2s of `text`, run only over the clauses that hold a character it may change: the
    same result as converting the whole text (statements and page prefixes are nearly all
    simplified already), at a tenth of the cost. The clauses are the ingest's for tw2s
    (`ingest.simplified.changing_spans`): tests/test_classify_fast_path.py checks that its list of
    changing characters covers t2s on the installed OpenCC too."""
    if len(text) <= SHORT_TEXT and _unchanging(text):
        return text
    spans = changing_spans(text)
    if spans is None:
        return _convert(text)
    if not spans:
        return text
    out: list[str] = []
    done = 0  # text[:done] is in `out`
    for start, end in spans:
        out += (text[done:start], _convert(text[start:end]))
        done = end
    out.append(text[done:])
    return "".join(out)


SHORT_TEXT = 32  # up to this length a set test beats changing_spans' array work (unit names, titles)


def _unchanging(text: str) -> bool:
    """True when `text` holds none of the characters changing_spans looks for, nor a NUL (which
    changing_spans sends to a whole-text conversion): t2s leaves it as it is. False when the list
    of changing characters does not fit the installed OpenCC (then changing_spans decides)."""
    chars = changing_characters()
    return bool(chars) and "\0" not in text and chars.isdisjoint(text)


def normal_form(text: str, lead: bool = True) -> str:
    """Simplified script, no whitespace or (if `lead`) leading enumerator, digits folded to a single 0.

    Not memoised: for long texts such as document prefixes, which would only crowd the statements
    out of normalize's cache. lead=False is for a piece that continues a text already normalised.
    """
    return _after_t2s(_t2s(text or ""), lead)


def _after_t2s(text: str, lead: bool = True) -> str:
    """normal_form of a text already in simplified script."""
    text = "".join(text.split())  # str.split's white space is the regex's \s
    if lead:
        text = _LEAD.sub("", text) or text
    return _DIGITS.sub("0", text)


NORMAL_CACHE = 16384  # statements whose normal form is remembered
_normal: dict[str, str] = {}


def normalize(text: str) -> str:
    """normal_form of a statement, memoised: classifying one asks for it several times (features,
    domain, explanation), and findings recur across documents."""
    norm = _normal.get(text)
    if norm is None:
        norm = _remember(text, normal_form(text))
    return norm


def _remember(text: str, norm: str) -> str:
    if len(_normal) >= NORMAL_CACHE:
        _normal.clear()
    _normal[text] = norm
    return norm


def normalize_many(texts: Sequence[str]) -> list[str]:
    """normalize of each text; those not remembered go to OpenCC in one call, joined by newlines,
    which no conversion rule holds or spans, so each comes back as it would alone (the call costs
    more than a statement's conversion). The forms are returned from this call's own table: the
    memory may be emptied while the new ones go in, and asking it again would convert them anew."""
    distinct = dict.fromkeys(texts)
    found = {t: norm for t in distinct if (norm := _normal.get(t)) is not None}
    new = [t for t in distinct if t not in found]
    joined = "\n".join(new)
    if len(new) > 1 and joined.count("\n") == len(new) - 1:
        simple = _t2s(joined).split("\n")
        if len(simple) == len(new):
            for text, s in zip(new, simple):
                found[text] = _remember(text, _after_t2s(s))
    for text in new:
        if text not in found:
            found[text] = normalize(text)
    return list(map(found.__getitem__, texts))


@lru_cache(maxsize=4096)
def word_tokens(text: str) -> tuple[str, ...]:
    """jieba words of an already normalised text, punctuation dropped (vectorizer analyzer).

    Cached: the explanation (top words) asks again for the words of the text just classified.
    """
    from xuncha.nlp.segment import cut

    words = cut(text)
    return tuple(compress(words, [code >= WORD for code in map(_WORD_CODES.__getitem__, words)]))


def word_rows(texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """word_tokens of many normalised texts, flat, and the index of the text each word is of
    (a text's words together and in order)."""
    words, rows, _ = word_rows_by(texts, _WORD_CODES)
    return words, rows


BREAK, PUNCTUATION, WORD = -3, -2, -1  # word codes: a line break, a punctuation word, any other word


class WordCodes(dict):
    """word → its code: BREAK for the line break, PUNCTUATION for punctuation only (_PUNCT), else
    `vocabulary`'s column for it (WORD without a vocabulary or for a word it lacks). Remembered:
    a few thousand words make up most text, and one look-up gives both what word_tokens drops
    and what the word's feature column is."""

    def __init__(self, vocabulary: dict[str, int] | None = None):
        super().__init__()
        self._vocabulary = vocabulary or {}

    def __missing__(self, word: str) -> int:
        if len(self) > 1 << 17:
            self.clear()
        code = self[word] = BREAK if word == "\n" else PUNCTUATION if _PUNCT.match(word) \
            else self._vocabulary.get(word, WORD)
        return code


_WORD_CODES = WordCodes()


def word_rows_by(texts: Sequence[str], codes: WordCodes,
                 words: bool = True) -> tuple[list[str] | None, np.ndarray, np.ndarray]:
    """word_rows (the words None unless `words`), and each word's code in `codes` (its
    vocabulary column, or WORD).

    The texts are segmented in one call, joined by line breaks: the engine joins nothing to a
    line break and returns each as a word of its own, and `cut` pairs no quote or bracket across
    one, so every text's words come out as it alone gives them (checked by counting the breaks),
    without a call and a filter per text; one pass over the words' codes finds the breaks, the
    punctuation dropped and the columns. A batch where some text holds white space goes one text
    at a time.
    """
    from xuncha.nlp.segment import cut

    some = [i for i, t in enumerate(texts) if t]  # an empty text has no words
    joined = "\n".join([texts[i] for i in some])
    flat = cut(joined) if len(some) > 1 and len(joined.split()) == len(some) else []
    code = np.fromiter(map(codes.__getitem__, flat), dtype=np.int64, count=len(flat))
    breaks = code == BREAK
    if len(flat) and np.count_nonzero(breaks) == len(some) - 1:
        keep = code >= WORD  # a line break is no word
        rows = np.array(some, dtype=np.int64)[np.cumsum(breaks)[keep]]
        return list(compress(flat, keep.tolist())) if words else None, rows, code[keep]
    alone = [word_tokens(t) for t in texts]
    rows = np.repeat(np.arange(len(texts)), np.fromiter(map(len, alone), np.int64, len(alone)))
    flat = list(chain.from_iterable(alone))
    return flat if words else None, rows, np.fromiter(map(codes.__getitem__, flat), np.int64, len(flat))


@lru_cache(maxsize=1)
def category_cues() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(category id, its cue words in simplified script) for every category, in taxonomy order."""
    tax = load_taxonomy()
    return tuple((cid, tuple(dict.fromkeys(normalize(c) for c in cat.cues if c))) for cid, cat in tax.categories.items())


@lru_cache(maxsize=1)
def _cue_index() -> dict[str, tuple[tuple[int, int, float], ...]]:
    """cue → ((rank, category column, weight), ...): rank is the cue's position in taxonomy order,
    the column its category's in category_cues(), the weight its say (longer cues weigh more)."""
    index: dict[str, list[tuple[int, int, float]]] = {}
    rank = 0
    for col, (_, cues) in enumerate(category_cues()):
        for c in cues:
            index.setdefault(c, []).append((rank, col, min(len(c), 6) ** 0.5))
            rank += 1
    return {c: tuple(v) for c, v in index.items()}


def _code_points(text: str) -> np.ndarray:
    """The text's code points: positions index it as Python does (one element per character)."""
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)


@lru_cache(maxsize=1)
def _cue_openings() -> tuple[np.ndarray, np.ndarray, dict[int, tuple[int, ...]]]:
    """Where cues open: a table by code point, true for the first character of some cue (the last
    entry false, for every code point beyond); the sorted keys of the cues' first two characters
    (first << 21 | second); and per key the lengths of the cues opening with it."""
    lengths: dict[int, set[int]] = {}
    for c in _cue_index():
        lengths.setdefault(ord(c[0]) << 21 | ord(c[1]), set()).add(len(c))
    firsts = [k >> 21 for k in lengths]
    table = np.zeros(max(firsts) + 2, dtype=bool)
    table[firsts] = True
    return table, np.array(sorted(lengths), dtype=np.int64), {k: tuple(sorted(v)) for k, v in lengths.items()}


def _cues_at(text: str) -> tuple[list[int], list[str]]:
    """(positions, cues) of every cue occurrence in `text`, in position order. Where a cue's first
    two characters stand is found for all positions at once (a table of first characters, then a
    binary search over the openings' keys); only there is each length of those cues looked up."""
    if len(text) < 2:
        return [], []
    table, openings, lengths = _cue_openings()
    cps = _code_points(text)
    starts = np.flatnonzero(table.take(cps[:-1], mode="clip"))
    keys = cps[starts] << 21 | cps[starts + 1]
    at = np.minimum(np.searchsorted(openings, keys), len(openings) - 1)
    known = openings[at] == keys
    index = _cue_index()
    positions, cues = [], []
    for p, key in zip(starts[known].tolist(), keys[known].tolist()):
        for size in lengths[key]:
            piece = text[p : p + size]
            if piece in index:  # a piece cut short by the end is a shorter cue, found anyway
                positions.append(p)
                cues.append(piece)
    return positions, cues


def _present_cues(text: str) -> set[str]:
    """The cue words occurring in `text`."""
    return set(_cues_at(text)[1])


def _outermost(found: set[str]) -> list[str]:
    """The cues not inside another one found: a cue inside a longer matched cue says nothing of
    its own (决策 in 决策部署, 整改 in 整改台账)."""
    return [c for c in found if not any(c != o and c in o for o in found)]


def _ranked_hits(found: set[str] | frozenset[str]) -> list[tuple[int, int, float, str]]:
    """(rank, category column, weight, cue) of the outermost cues, in taxonomy order."""
    index = _cue_index()
    return sorted((rank, col, weight, c) for c in _outermost(found) for rank, col, weight in index[c])


def _cue_row(found: frozenset[str]) -> np.ndarray:
    """cue_scores of a text in which `found` are the cues present."""
    row = np.zeros(len(category_cues()))
    for _, col, weight, _ in _ranked_hits(found):
        row[col] += weight  # summed in taxonomy order, from 0
    return row


CUE_ROWS = 4096  # rows of cue scores remembered, by the cues found (texts share their few cues)
_cue_rows: dict[str, np.ndarray] = {}


def _cue_row_of(cues: list[str]) -> np.ndarray:
    """_cue_row of the cues found in a text (in the order found), remembered under the cues
    joined in one string: a string key and an array are no objects the garbage collector tracks,
    where an lru_cache entry of a frozenset is three, kept for the whole process."""
    key = "\0".join(cues)
    row = _cue_rows.get(key)
    if row is None:
        if len(_cue_rows) >= CUE_ROWS:
            _cue_rows.clear()
        row = _cue_rows[key] = _cue_row(frozenset(cues))
    return row


@lru_cache(maxsize=8192)
def matched_cues(text: str) -> dict[str, list[str]]:
    """Cue words found in a normalised text, per category id (only categories with a match).

    Memoised (the result is shared: callers must not modify it).
    """
    ids = [cid for cid, _ in category_cues()]
    found: dict[str, list[str]] = {}
    for _, col, _, c in _ranked_hits(_present_cues(text)):
        found.setdefault(ids[col], []).append(c)
    return found


def cue_rows(texts: Sequence[str]) -> np.ndarray:
    """cue_scores of many normalised texts at once: one search over all of them (parted by NUL,
    which no cue holds); rows in the texts' order."""
    out = np.zeros((len(texts), len(category_cues())))
    if not texts:
        return out
    positions, cues = _cues_at("\0".join(texts))
    starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]])
    found: dict[int, list[str]] = {}
    for row, c in zip(np.searchsorted(starts, positions, side="right").tolist(), cues):
        found.setdefault(row - 1, []).append(c)
    if found:
        out[list(found)] = [_cue_row_of(present) for present in found.values()]
    return out


def cue_scores(text: str) -> np.ndarray:
    """Per category, the summed weight of its matched cues (longer cues weigh more)."""
    return cue_rows([text])[0]
