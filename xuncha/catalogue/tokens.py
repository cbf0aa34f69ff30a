"""The words the search index stores and the words a query is made of, from one segmenter.

Both sides use `xuncha.nlp.segment.cut`, so a term is found when it is segmented the same way in
the query and in the text. Longer words are indexed together with the dictionary words inside
them (as jieba's search mode does: 巡察组 also indexes 巡察), so a two-character query still
finds the longer compounds that contain it. No trigrams: they can't match two-character terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from xuncha.document import Document
from xuncha.nlp.segment import cut, doc_tokens, is_word

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


def index_tokens(tokens: list[str]) -> list[str]:
    """Tokens as stored in the index: each word preceded by the dictionary words inside it."""
    out: list[str] = []
    for tok in tokens:
        out.extend(_expand(tok))
    return out


def fts_text(text: str | None, tokens: list[str] | None = None) -> str:
    """The space-joined index form of `text` (or of its ready-made tokens)."""
    if tokens is None:
        tokens = cut(text or "")
    return " ".join(index_tokens(tokens)).lower()


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
    body = fts_text(None, doc_tokens(doc))
    return IndexText(
        document=f"{title} {body}".strip(),
        problems=[fts_text(p.text) for p in doc.problems],
        measures=[fts_text(f"{m.name} {m.sentence or ''}") for m in doc.measures],
        counts=[fts_text(" ".join(filter(None, (c.surface, c.subject, c.unit)))) for c in doc.counts],
        bodies=[fts_text(" ".join(filter(None, (b.name, b.resolved)))) for b in doc.bodies],
    )
