"""The words the search index stores and the words a query is made of, from one segmenter.

Both sides use `xuncha.nlp.segment.cut`, so a term is found when it is segmented the same way in
the query and in the text. Longer words are indexed together with the dictionary words inside
them (as jieba's search mode does: 巡察组 also indexes 巡察), so a two-character query still
finds the longer compounds that contain it. No trigrams: they can't match two-character terms.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache

from xuncha.document import Document
from xuncha.nlp.protect import MARKS_RE, name_spans
from xuncha.nlp.segment import PLACEHOLDER, PROTECT_MAX, cut, doc_tokens, is_word, token_ends

# A token is indexable when it holds a letter, digit or CJK character (punctuation is not).
_WORDY = re.compile(r"[\w\u3400-\u9fff\uf900-\ufaff]")


def is_wordy(token: str) -> bool:
    return bool(_WORDY.search(token))


@lru_cache(maxsize=200_000)
def _expand(token: str) -> tuple[str, ...]:
    """A token as indexed: the dictionary words of two and three characters inside it, then itself
    (nothing for punctuation). Cached: a corpus repeats the same words over and over."""
    token = token.strip()
    if not token or not is_wordy(token):
        return ()
    found = []
    for size in (2, 3):
        if len(token) > size:
            for i in range(len(token) - size + 1):
                piece = token[i : i + size]
                if is_word(piece):
                    found.append(piece)
    found.append(token)
    return tuple(found)


class _IndexedTokens(dict):
    """token → its index words joined by spaces ("" for punctuation), filled on first sight.

    A dict looked up through `map(INDEXED.__getitem__, tokens)` costs a quarter of an lru_cache
    call per token, and a document has thousands of tokens. Emptied when it outgrows LIMIT."""

    LIMIT = 200_000

    def __missing__(self, token: str) -> str:
        if len(self) >= self.LIMIT:
            self.clear()
        value = self[token] = " ".join(_expand(token))
        return value


INDEXED = _IndexedTokens()
_indexed = INDEXED.__getitem__


def _joined(indexed) -> str:
    """The index form from the tokens' `_indexed` strings. Lowered once for the whole text
    (the same as per word: spaces end the context that lowering a final Σ looks at)."""
    return " ".join(filter(None, indexed)).lower()


SHORT_TEXT = 40  # index forms of texts up to this long are remembered (organ names, counts recur)


def fts_text(text: str | None, tokens: list[str] | None = None) -> str:
    """The space-joined index form of `text` (or of its ready-made tokens)."""
    if tokens is None:
        text = text or ""
        if len(text) <= SHORT_TEXT:
            return _short_fts_text(text)
        tokens = cut(text)
    return _joined(map(_indexed, tokens))


@lru_cache(maxsize=100_000)
def _short_fts_text(text: str) -> str:
    return _joined(map(_indexed, cut(text)))


class SpanTokens:
    """A document's tokens looked up by character span, so a finding that quotes the text is
    indexed from the document's segmentation instead of being segmented again.

    Segmenting a span that starts and ends on word boundaries of the whole text gives the same
    words as the whole text gives there (jieba's best path through both boundaries is also the
    best path between them), unless quotes or brackets are involved: `cut` keeps a quoted short
    name whole, and which marks pair up depends on the text around. A span holding marks is
    looked up only when the names `cut` keeps whole in it alone are those it keeps there in the
    whole text (a sentence around “两卡一书”); other such spans, and spans that cut through a word,
    are segmented on their own (tests/test_search.py checks the equality).
    """

    def __init__(self, text: str, tokens: list[str]):
        import numpy as np

        self.text = text
        offsets = np.zeros(len(tokens) + 1, dtype=np.int64)
        offsets[1:] = token_ends(tokens)  # (as bodies had them: kept by segment)
        self.offsets = offsets if offsets[-1] == len(text) else offsets[:1]  # (not this text's: no span)
        # the marks `cut` pairs up around names
        self.marks = np.array([m.start() for m in MARKS_RE.finditer(text)], dtype=np.int64)
        self.names: list[tuple[int, int]] | None = None  # inner spans of the names `cut` keeps whole

    def find(self, quoted: str, start: int, end: int) -> tuple[int, int] | None:
        """Token range [i, j) that makes up `quoted`, if it is text[start:end] on word boundaries
        and free of quotes and brackets; else None (then `quoted` must be segmented alone)."""
        return self.find_all([(quoted, start, end)])[0]

    def find_all(self, spans: list[tuple[str, int, int]]) -> list[tuple[int, int] | None]:
        """`find` for many spans at once (boundaries and marks looked up in one vectorised pass)."""
        import numpy as np

        if not spans:
            return []
        n, offsets = len(spans), self.offsets
        starts = np.fromiter((s for _, s, _ in spans), dtype=np.int64, count=n)
        ends = np.fromiter((e for _, _, e in spans), dtype=np.int64, count=n)
        first = np.searchsorted(offsets, starts)
        last = np.searchsorted(offsets, ends)
        ok = (starts >= 0) & (starts < ends) & (ends <= offsets[-1])
        ok &= offsets[np.minimum(first, len(offsets) - 1)] == starts
        ok &= offsets[np.minimum(last, len(offsets) - 1)] == ends
        marked = np.searchsorted(self.marks, ends) != np.searchsorted(self.marks, starts)
        found: list[tuple[int, int] | None] = [None] * n
        text, first, last = self.text, first.tolist(), last.tolist()
        for k in np.flatnonzero(ok).tolist():
            quoted, start, end = spans[k]
            if text[start:end] == quoted and (not marked[k] or self._same_names(quoted, start, end)):
                found[k] = first[k], last[k]
        return found

    def _same_names(self, quoted: str, start: int, end: int) -> bool:
        """True if `cut` keeps the same bracketed names whole in text[start:end] alone as in the
        whole text (then the engine's words between them are the same too)."""
        if PLACEHOLDER in self.text:  # `cut` takes another way around names then
            return False
        if self.names is None:
            self.names = name_spans(self.text, max_len=PROTECT_MAX)
        lo = bisect_left(self.names, (start, start))
        inside = []
        for a, b in self.names[lo:]:
            if a >= end:
                break
            if b > end:
                return False
            inside.append((a - start, b - start))
        return inside == name_spans(quoted, max_len=PROTECT_MAX)


def _sentence_span(text: str, measure) -> tuple[str, int, int] | None:
    """(sentence, start, end) of the sentence a measure was found in, where `text` holds it around
    the measure's start (as extract_measures takes it); None when it does not."""
    sentence = measure.sentence
    if not sentence or not measure.name or measure.start is None or measure.start < 0:
        return None
    lo = max(0, measure.start + 1 - len(sentence))
    at = text.find(sentence, lo, measure.start + len(sentence))
    return (sentence, at, at + len(sentence)) if at >= 0 else None


def _measure_text(measure, sentence_words: str | None) -> str:
    """A measure's index form: its name's words, then its sentence's (those given, when the
    sentence was looked up in the document's words). The same as segmenting "name sentence" in
    one piece when neither part holds a mark that could pair with one in the other (the engine
    never joins words across a space)."""
    if sentence_words is None or MARKS_RE.search(measure.name):
        return fts_text(f"{measure.name} {measure.sentence or ''}")
    return " ".join(filter(None, (fts_text(measure.name), sentence_words)))


@lru_cache(maxsize=1)
def index_form() -> str:
    """A short hash of what turns a text into index words: this module, the segmenter's code and
    engine, and the user dictionary. The catalogue keeps it (store.INDEX_FORM_KEY): its FTS5
    tables keep no bodies, so a row is deleted with the words `index_text` makes again, which must
    be the words it was indexed with."""
    from importlib import resources
    from pathlib import Path

    from xuncha.classify.corpus import files_digest
    from xuncha.nlp.segment import engine_tag

    here = Path(__file__).resolve().parent.parent
    code = [here / "catalogue" / "tokens.py", here / "nlp" / "segment.py", here / "nlp" / "protect.py"]
    return files_digest([*code, Path(str(resources.files("xuncha.corpora") / "userdict.txt"))],
                        salt=engine_tag())


def normalise_query(text: str) -> str:
    """A query in the documents' form: half-width digits and letters, simplified script (約談 → 约谈)."""
    from xuncha.ingest.normalize import to_simplified, unify_width

    return to_simplified(unify_width(text))


def query_words(text: str) -> list[str]:
    """The indexable words of a piece of a user's query, segmented like the documents."""
    return [t.strip().lower() for t in cut(normalise_query(text)) if t.strip() and is_wordy(t)]


@dataclass
class IndexText:
    """The FTS bodies of one document and of each of its findings, in the findings' order."""

    document: str = ""
    problems: list[str] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)
    counts: list[str] = field(default_factory=list)
    bodies: list[str] = field(default_factory=list)


def index_text(doc: Document) -> IndexText:
    """Segment a document and its findings for the index (done in the worker processes)."""
    title = fts_text(doc.title) if doc.title else ""
    tokens = doc_tokens(doc)
    indexed = list(map(_indexed, tokens))
    body = _joined(indexed)
    # where each token's index words start in `body` (those of a punctuation token are empty): a
    # finding quoting the document on word boundaries is then a slice of it
    import numpy as np

    starts = np.zeros(len(indexed) + 1, dtype=np.int64)
    sizes = np.fromiter(map(len, indexed), dtype=np.int64, count=len(indexed))
    np.cumsum(sizes + (sizes > 0), out=starts[1:])
    sliceable = int(starts[-1]) - 1 == len(body) or not indexed  # lowering kept every character's place

    def quoted(text: str, found: tuple[int, int] | None) -> str:
        """A finding quoting the document: its words from the document's, when they are the same."""
        if found is None:
            return fts_text(text)
        i, j = found
        if sliceable:
            begin, end = int(starts[i]), int(starts[j])
            return body[begin:end - 1] if end > begin else ""
        return _joined(indexed[i:j])

    quotes = [(p.text, p.start, p.end) for p in doc.problems]
    sentences = [_sentence_span(doc.text, m) for m in doc.measures]
    spans = SpanTokens(doc.text, tokens).find_all(quotes + [span for span in sentences if span])
    problems = [quoted(p.text, found) for p, found in zip(doc.problems, spans)]
    in_text = iter(spans[len(quotes):])
    return IndexText(
        document=f"{title} {body}".strip(),
        problems=problems,
        measures=[_measure_text(m, sentence and quoted(sentence[0], next(in_text)))
                  for m, sentence in zip(doc.measures, sentences)],
        counts=[fts_text(" ".join(filter(None, (c.surface, c.subject, c.unit)))) for c in doc.counts],
        bodies=[fts_text(" ".join(filter(None, (b.name, b.resolved)))) for b in doc.bodies],
    )
