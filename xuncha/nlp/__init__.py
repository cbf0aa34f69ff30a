"""Segmentation and extraction (measures, counts, bodies, persons, problem statements).

Each extractor is a pure function of the text (xuncha.nlp.counts.extract_counts, bodies.extract_bodies,
persons.extract_persons, measures.extract_measures, problems.extract_problems) returning records whose
spans index the text; `annotate` runs them all on a Document.
"""

from __future__ import annotations

from xuncha.document import Document

SHARED_SEGMENTATION_MAX = 300_000  # characters


def annotate(doc: Document) -> Document:
    """Fill doc.counts, bodies, persons, measures and problems from doc.text (and doc.author/region).

    Problems get text and span only; the classifier fills their category and domain. An extractor
    bug never loses the document: it is recorded in doc.warnings and the other fields are still filled.
    """
    annotate_many([doc])
    return doc


def annotate_many(docs: list[Document]) -> None:
    """annotate for several documents, one extractor at a time over all of them: each extractor's
    tables stay warm in the CPU caches while it runs (the same findings as one by one)."""
    from xuncha.nlp.bodies import extract_bodies
    from xuncha.nlp.counts import extract_counts
    from xuncha.nlp.measures import extract_measures
    from xuncha.nlp.persons import extract_persons
    from xuncha.nlp.problems import extract_problems

    from xuncha.nlp.segment import doc_tokens

    texts = [doc.text or "" for doc in docs]
    # One segmentation per document, cached on it for the classifier and the search index too;
    # giant texts are left to the extractors' local look-ups (segmenting them would dominate).
    tokens = [doc_tokens(doc) if len(text) <= SHARED_SEGMENTATION_MAX else doc.tokens
              for doc, text in zip(docs, texts)]
    for doc, text, words in zip(docs, texts, tokens):
        doc.bodies = _safe(doc, "bodies", extract_bodies, text, doc.region, words)
    for doc, text, words in zip(docs, texts, tokens):
        doc.counts = _safe(doc, "counts", extract_counts, text, words)
    for doc, text in zip(docs, texts):
        doc.persons = _safe(doc, "persons", extract_persons, text, _byline(doc), doc.bodies)
    for doc, text in zip(docs, texts):
        doc.measures = _safe(doc, "measures", extract_measures, text)
    for doc, text in zip(docs, texts):
        doc.problems = _safe(doc, "problems", extract_problems, text)


def _byline(doc: Document) -> str | None:
    """The byline plus the page's credit lines (责编：…) that ingestion kept outside the text."""
    credits = [c.strip(" ()（）[]【】") for c in doc.credits]
    return " ".join(filter(None, [doc.author, *credits])) or None


def _safe(doc: Document, field: str, func, *args) -> list:
    try:
        return func(*args)
    except Exception as err:  # the extractors are tested never to raise; this is the last guard
        doc.warnings.append(f"{field} extraction failed: {type(err).__name__}: {err}")
        return []
