"""The fitted category model reduced to plain arrays, so that classifying needs no scikit-learn.

Why: importing scikit-learn and unpickling its pipeline costs about two seconds in every process
(and every ingest worker), and its transforms validate each call, which cost more than the
arithmetic for a document's few dozen findings. The model is a union of TF-IDF blocks (character
1–3-grams, words and word bigrams, cue columns) feeding a linear SVM calibrated per fold with
sigmoids; all of it is vocabularies, idf vectors and weight matrices. `LinearScorer.from_pipeline`
copies them out of the fitted pipeline; `model_proba` computes the same probabilities as the
pipeline's predict_proba (a test compares them to 1e-9) with one gather and one sum per batch.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from itertools import chain, compress, repeat

import numpy as np

from xuncha.classify import features

# Cue words decide where the model hesitates: below this top probability, when the matched cue
# words all belong to one category, that category's share is raised by CUE_BLEND. Cross-validation
# showed blending everywhere costs accuracy (the model already sees the cues as features).
CUE_DECISIVE_BELOW = 0.4
CUE_BLEND = 0.5
KNOWN_ROWS = 1 << 15  # distinct statements whose probabilities a scorer remembers (about 12 MB)

_WHITE_SPACES = re.compile(r"\s\s+")  # as scikit-learn's char analyzer folds them


def _gram_key(gram: str) -> int:
    """A character n-gram of up to three characters as one integer: 21 bits per code point."""
    key = 0
    for ch in gram:
        key = (key << 21) | ord(ch)
    return key


CHUNK = 4096  # weight rows gathered at once (4096 × 39 floats: 1.2 MB, within a core's cache)
_local = threading.local()
_memory_lock = threading.Lock()


def _buffer(width: int) -> np.ndarray:
    """This thread's gather buffer of CHUNK rows."""
    buffer = getattr(_local, "buffer", None)
    if buffer is None or buffer.shape[1] != width:
        buffer = _local.buffer = np.empty((CHUNK, width))
    return buffer


def _changes(values: np.ndarray) -> np.ndarray:
    """True where a non-empty array's value differs from the one before (and at the first)."""
    flags = np.empty(len(values), dtype=bool)
    flags[0] = True
    np.not_equal(values[1:], values[:-1], out=flags[1:])
    return flags


class UnsupportedModel(ValueError):
    """The fitted pipeline is not the union → calibrated linear SVM this scorer knows."""


class LinearScorer:
    """Vocabularies, idf weights and the calibrated folds' linear models of one fitted pipeline."""

    def __init__(self, *, classes: list[str], char_vocab: dict[str, int], char_idf: np.ndarray,
                 word_vocab: dict[str, int], word_idf: np.ndarray,
                 weights: np.ndarray, intercepts: np.ndarray, sig_a: np.ndarray, sig_b: np.ndarray,
                 n_folds: int):
        self.classes = classes
        self.char_idf = char_idf
        self.word_vocab = word_vocab
        self.word_idf = word_idf
        # rows: char features, word features, cue columns (block weights folded in);
        # columns: fold-major, class-minor (fold f, class c → f * n_classes + c)
        self.weights = weights
        self.intercepts = intercepts
        self.sig_a = sig_a
        self.sig_b = sig_b
        self.n_folds = n_folds
        cue_order = [cid for cid, _ in features.category_cues()]
        self._cue_cols = [cue_order.index(c) for c in classes]
        # the character vocabulary kept only as sorted integer keys (see _char_columns)
        keys = np.array([_gram_key(g) for g in char_vocab], dtype=np.int64)
        order = np.argsort(keys)
        self._char_keys = keys[order]
        self._char_cols = np.fromiter(char_vocab.values(), dtype=np.int64, count=len(char_vocab))[order]
        self._bigram_lookup()  # saved with the scorer: building it costs every process ~7 ms

    # ---- building -------------------------------------------------------------------------

    @classmethod
    def from_pipeline(cls, pipeline) -> "LinearScorer":
        """Copy the arrays out of a fitted Pipeline([("features", union), ("clf", calibrated SVM)])."""
        union = pipeline.named_steps["features"]
        clf = pipeline.named_steps["clf"]
        blocks = dict(union.transformer_list)
        if [name for name, _ in union.transformer_list] != ["chars", "words", "cues"]:
            raise UnsupportedModel("feature blocks are not chars, words, cues")
        chars, words = blocks["chars"], blocks["words"]
        for vec, analyzer in ((chars, "char"), (words, None)):
            if (analyzer and vec.analyzer != analyzer) or not vec.sublinear_tf or vec.norm != "l2" \
                    or not vec.use_idf or vec.binary:
                raise UnsupportedModel("a TF-IDF block has settings this scorer does not reproduce")
        if chars.ngram_range != (1, 3) or words.ngram_range != (1, 2) or words.lowercase \
                or words.tokenizer is not features.word_tokens or chars.strip_accents or words.stop_words:
            raise UnsupportedModel("a TF-IDF block has an analyzer this scorer does not reproduce")
        folds = getattr(clf, "calibrated_classifiers_", [])
        if getattr(clf, "method", "") != "sigmoid" or not folds:
            raise UnsupportedModel("the classifier is not a fitted, sigmoid-calibrated one")
        classes = [str(c) for c in clf.classes_]
        for fold in folds:
            if fold.estimator.coef_.shape[0] != len(classes) or len(fold.calibrators) != len(classes):
                raise UnsupportedModel("a fold is not one-vs-rest over every class")
        bw = union.transformer_weights or {}
        n_chars, n_words = len(chars.vocabulary_), len(words.vocabulary_)
        scale = np.concatenate([np.full(n_chars, bw.get("chars", 1.0)), np.full(n_words, bw.get("words", 1.0)),
                                np.full(len(features.category_cues()), bw.get("cues", 1.0))])
        weights = np.hstack([fold.estimator.coef_.T for fold in folds]) * scale[:, None]
        return cls(
            classes=classes,
            char_vocab=dict(chars.vocabulary_), char_idf=np.asarray(chars.idf_, dtype=np.float64),
            word_vocab=dict(words.vocabulary_), word_idf=np.asarray(words.idf_, dtype=np.float64),
            weights=np.ascontiguousarray(weights),
            intercepts=np.concatenate([fold.estimator.intercept_ for fold in folds]),
            sig_a=np.array([c.a_ for fold in folds for c in fold.calibrators]),
            sig_b=np.array([c.b_ for fold in folds for c in fold.calibrators]),
            n_folds=len(folds),
        )

    # ---- features ---------------------------------------------------------------------------

    @staticmethod
    def _tfidf(rows: np.ndarray, cols: np.ndarray, n: int, idf: np.ndarray):
        """One block's sparse rows for a batch of n texts, from each n-gram's (row, column or -1
        when unknown): (row, column, l2-normalised sublinear tf·idf), sorted by row then column."""
        known = cols >= 0
        keys, counts = np.unique(rows[known] * len(idf) + cols[known], return_counts=True)
        rows, cols = np.divmod(keys, len(idf))
        val = (np.log(counts) + 1.0) * idf[cols]
        norms = np.sqrt(np.bincount(rows, weights=val * val, minlength=n))
        return rows, cols, val / norms[rows]

    def _block_decision(self, rows: np.ndarray, cols: np.ndarray, n: int, idf: np.ndarray,
                        offset: int) -> np.ndarray:
        """Each text's summed weights of one block: its tf·idf row times the block's weight rows."""
        rows, cols, val = self._tfidf(rows, cols, n, idf)
        return self._weighted_rows(rows, cols + offset, val, n)

    def _weighted_rows(self, rows: np.ndarray, cols: np.ndarray, val: np.ndarray, n: int) -> np.ndarray:
        """Per text, Σ val · weight row of col over its entries (sorted by row), summed in entry
        order: a text's sum does not depend on the other texts of the batch.

        The weight rows are gathered CHUNK entries at a time into one reused buffer that stays in
        the CPU cache (a whole batch's gather is megabytes), each chunk ending where a text does.
        """
        out = np.zeros((n, self.weights.shape[1]))
        if not len(rows):
            return out
        starts = np.flatnonzero(_changes(rows))
        # chunk bounds: the text start at or before every CHUNK-th entry, and the end (sorted, so
        # repeats are dropped by comparing neighbours: a bare np.unique imports numpy.ma, ~10 ms)
        cuts = np.append(starts[np.searchsorted(starts, np.arange(0, len(rows), CHUNK), side="right") - 1], len(rows))
        cuts = cuts[_changes(cuts)]
        buffer = _buffer(self.weights.shape[1])
        first = 0
        for lo, hi in zip(cuts[:-1].tolist(), cuts[1:].tolist()):
            part = buffer[: hi - lo] if hi - lo <= len(buffer) else np.empty((hi - lo, buffer.shape[1]))
            # mode="clip" (the columns are all valid): with the default "raise", take writes into
            # `out` through a buffer of its own, four times slower
            np.take(self.weights, cols[lo:hi], axis=0, out=part, mode="clip")
            part *= val[lo:hi, None]
            last = np.searchsorted(starts, hi)
            out[rows[starts[first:last]]] = np.add.reduceat(part, starts[first:last] - lo, axis=0)
            first = last
        return out

    def _char_columns(self, norm: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(row, column or -1) of every character 1–3-gram of the texts, as scikit-learn's char
        analyzer makes them (lower case, runs of white space as one space): all texts in one
        array of code points, n-grams as integer keys, looked up by binary search."""
        # NUL parts the texts: no key holds it, so no n-gram spans two. Lowered and folded all at
        # once, as each alone (NUL is no white space, and ends the context of a final Σ)
        joined = _WHITE_SPACES.sub(" ", "\0".join(norm).lower())
        cps = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        if joined.count("\0") == len(norm) - 1:  # only the parting NULs: they count the rows
            row_of = np.cumsum(cps == 0)
        else:  # a text holds a NUL of its own: rows from each text's length as analysed
            sizes = [len(_WHITE_SPACES.sub(" ", t.lower())) + 1 for t in norm]
            row_of = np.repeat(np.arange(len(norm)), sizes)[: len(cps)]
        rows, keys = [], []
        for size in (1, 2, 3):
            grams = cps[: max(len(cps) - size + 1, 0)].copy()
            inside = grams != 0
            for k in range(1, size):
                nxt = cps[k : k + len(grams)]
                grams = (grams << 21) | nxt
                inside &= nxt != 0
            rows.append(row_of[: len(grams)][inside])
            keys.append(grams[inside])
        rows_all, keys_all = np.concatenate(rows), np.concatenate(keys)
        # each distinct n-gram searched once, in order (a batch repeats its common characters)
        distinct, which = np.unique(keys_all, return_inverse=True)
        at = np.minimum(np.searchsorted(self._char_keys, distinct), len(self._char_keys) - 1)
        cols = np.where(self._char_keys[at] == distinct, self._char_cols[at], -1)
        return rows_all, cols[which]

    def _word_columns(self, norm: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(row, column or -1) of every word and word bigram of the texts.

        Words are looked up in one C-level pass; a bigram is the pair of its words' columns as
        one integer, found by binary search: no "a b" string is built per bigram.
        """
        bigrams = self._bigram_lookup()
        if bigrams is None or any(" " in t for t in norm):  # a word with a space would blur "a b"
            return self._word_columns_by_string(norm)
        bigram_keys, bigram_cols = bigrams
        _, rows, cols = features.word_rows_by(norm, self._word_codes(), words=False)
        first, second = cols[:-1], cols[1:]
        pairs = (rows[1:] == rows[:-1]) & (first >= 0) & (second >= 0)
        keys = first[pairs] * len(self.word_vocab) + second[pairs]
        at = np.minimum(np.searchsorted(bigram_keys, keys), len(bigram_keys) - 1)
        found = np.where(bigram_keys[at] == keys, bigram_cols[at], -1) if len(bigram_keys) else np.full(len(keys), -1)
        return np.concatenate([rows, rows[1:][pairs]]), np.concatenate([cols, found])

    def _word_codes(self) -> features.WordCodes:
        """word → its column (or features.WORD / PUNCTUATION / BREAK), remembered per process."""
        if "_codes" not in self.__dict__:
            self._codes = features.WordCodes(self.word_vocab)
        return self._codes

    def _bigram_lookup(self) -> tuple[np.ndarray, np.ndarray] | None:
        """The vocabulary's bigrams "a b" as sorted keys column(a) · n + column(b), and their
        columns; built with the scorer (or on first use by one saved without it). None when some entry is not one word or a pair of words
        that are entries themselves (then _word_columns looks up the strings)."""
        if "_bigrams" not in self.__dict__:
            vocab = self.word_vocab
            is_bigram = [" " in g for g in vocab]
            bigrams = list(compress(vocab, is_bigram))
            # all bigrams' words in one split: a, b, a, b... (only if each is two words, no newline)
            joined = "\n".join(bigrams)
            words = joined.replace(" ", "\n").split("\n") if joined.count("\n") == len(bigrams) - 1 else []
            firsts = list(map(vocab.get, words[0::2]))
            seconds = list(map(vocab.get, words[1::2]))
            if len(words) != 2 * len(bigrams) or None in firsts or None in seconds:
                self._bigrams = None
            else:
                keys = np.array(firsts, dtype=np.int64) * len(vocab) + np.array(seconds, dtype=np.int64)
                order = np.argsort(keys)
                cols = np.fromiter(compress(vocab.values(), is_bigram), np.int64, len(bigrams))
                self._bigrams = keys[order], cols[order]
        return self._bigrams

    def _word_columns_by_string(self, norm: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """_word_columns looking up each word and "a b" bigram string (any vocabulary)."""
        grams = [self.word_grams(t) for t in norm]
        flat = list(chain.from_iterable(grams))
        cols = np.fromiter(map(self.word_vocab.get, flat, repeat(-1, len(flat))), np.int64, len(flat))
        return np.repeat(np.arange(len(norm)), [len(g) for g in grams]), cols

    @staticmethod
    def word_grams(text: str) -> list[str]:
        tokens = features.word_tokens(text)
        return [*tokens, *(f"{a} {b}" for a, b in zip(tokens, tokens[1:]))]

    # ---- scoring ----------------------------------------------------------------------------

    def model_proba(self, norm: Sequence[str]) -> np.ndarray:
        """The pipeline's predict_proba for normalised texts (features.normalize)."""
        return self._model_proba(norm)[0]

    def _model_proba(self, norm: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(model_proba, the texts' cue scores, which predict_proba needs again)."""
        n, n_chars, n_words = len(norm), len(self.char_idf), len(self.word_idf)
        decision = self._block_decision(*self._char_columns(norm), n, self.char_idf, 0)
        decision += self._block_decision(*self._word_columns(norm), n, self.word_idf, n_chars)
        cue_raw = features.cue_rows(norm)
        # the cue columns as a third sparse block (a text names a cue or two): a matrix product
        # would sum a row in an order that depends on the batch's size
        rows, cols = np.nonzero(cue_raw)
        decision += self._weighted_rows(rows, cols + n_chars + n_words, np.log1p(cue_raw[rows, cols]), n)
        decision += self.intercepts
        proba = 1.0 / (1.0 + np.exp(self.sig_a * decision + self.sig_b))
        proba = proba.reshape(len(norm), self.n_folds, len(self.classes))
        denom = proba.sum(axis=2, keepdims=True)
        proba = np.divide(proba, denom, out=np.full_like(proba, 1.0 / len(self.classes)), where=denom != 0)
        proba[(proba > 1.0) & (proba <= 1.0 + 1e-5)] = 1.0  # as CalibratedClassifierCV, per fold
        return proba.mean(axis=1), cue_raw

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Rows of class probabilities (columns in self.classes) for raw texts.

        Cue words are decisive only where the model hesitates (top probability below
        CUE_DECISIVE_BELOW) and all matched cues name one category.

        Each distinct normalised text is scored once per scorer: findings recur across documents
        (reposts, boilerplate), and a text's row does not depend on the others in its batch.
        """
        norm = features.normalize_many(texts)
        with _memory_lock:  # threads sharing the scorer must not fill or empty the store at once
            known, store = self._known()
            if len(norm) > len(store):  # more than can be remembered: score the distinct texts only
                distinct = list(dict.fromkeys(norm))
                at = {t: i for i, t in enumerate(distinct)}
                return self._scored(distinct)[[at[t] for t in norm]]
            if len(known) + len(norm) > len(store):
                known.clear()
            todo = list(dict.fromkeys(t for t in norm if t not in known))
            if todo:
                start = len(known)
                store[start : start + len(todo)] = self._scored(todo)
                known.update(zip(todo, range(start, start + len(todo))))
            return store[list(map(known.__getitem__, norm))]

    def _scored(self, norm: Sequence[str]) -> np.ndarray:
        """predict_proba of distinct normalised texts, computed."""
        proba, cue_raw = self._model_proba(norm)
        scores = cue_raw[:, self._cue_cols]
        hesitant = (proba.max(axis=1) < CUE_DECISIVE_BELOW) & (np.count_nonzero(scores, axis=1) == 1)
        proba[hesitant] = (1 - CUE_BLEND) * proba[hesitant] + CUE_BLEND * (scores[hesitant] > 0)
        return proba

    def _known(self) -> tuple[dict[str, int], np.ndarray]:
        """(normalised text → its row in the store, the store of predict_proba rows): KNOWN_ROWS
        rows, forgotten all at once when full (not pickled: see __getstate__)."""
        if "_rows" not in self.__dict__:
            self._rows = {}, np.empty((KNOWN_ROWS, len(self.classes)))
        return self._rows

    def __getstate__(self) -> dict:
        # the remembered rows are the process's own
        return {k: v for k, v in self.__dict__.items() if k not in ("_rows", "_codes")}

    def top_words(self, text: str, category: str, k: int = 4) -> list[str]:
        """The words of `text` that speak most for `category` (for explanations): its word
        features weighted by the folds' mean coefficient for that category."""
        c = self.classes.index(category)
        n_chars = len(self.char_idf)
        scored = []
        for w in dict.fromkeys(features.word_tokens(features.normalize(text))):
            j = self.word_vocab.get(w)
            if j is not None and len(w) > 1:
                weight = self.weights[n_chars + j, c :: len(self.classes)].mean()
                scored.append((weight, w))
        return [w for s, w in sorted(scored, reverse=True)[:k] if s > 0]
