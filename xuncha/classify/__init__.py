"""Problem classification into the 7-domain 一把手常见问题提醒清单 taxonomy.

`classify(text, unit)` gives one statement its category (A1…D1), aspect and domain;
`classify_lines` streams many; `classify_document` fills a Document's problems; `train` rebuilds
the model with the user's own labelled statements.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path

import numpy as np

from xuncha.classify.corpus import CorpusError, load_statements
from xuncha.classify.domains import UNKNOWN, DomainGuess, document_domain, text_domain, unit_domain
from xuncha.classify.taxonomy import load_taxonomy
from xuncha.document import Document

__all__ = ["classify", "classify_many", "classify_lines", "classify_document", "classify_documents", "train", "load_statements",
           "CorpusError"]


def _empty(text: str = "") -> dict:
    return {"text": text, "category": None, "category_name": None, "aspect": None, "confidence": None,
            "domain": None, "domain_confidence": None, "alternatives": [], "cues": []}


def _domain(text: str, unit: str | None, context: DomainGuess | None = None) -> DomainGuess:
    """The unit given, else the document's unit (named or from its bodies), else the statement's
    own words, else the document's general wording, else unknown."""
    own = unit_domain(unit) if unit else None  # (most findings name no unit)
    if context is not None and context.source == "text":
        return own or text_domain(text) or context
    return own or context or text_domain(text) or DomainGuess(UNKNOWN, 0.0)


def classify_many(items: Sequence[tuple[str, str | None]], context: DomainGuess | None = None,
                  explain: bool = True) -> list[dict]:
    """Classify (text, unit) pairs in one batch; results in the same order.

    `explain=False` leaves "cues" and "alternatives" empty: the words behind a decision and the
    runners-up are for people reading one result, not for the catalogue, which does not store them.
    """
    return _classify_batch(items, [context] * len(items), explain)


def _classify_batch(items: Sequence[tuple[str, str | None]], contexts: Sequence[DomainGuess | None],
                    explain: bool) -> list[dict]:
    """classify_many with each item's own document context (several documents in one pass)."""
    from xuncha.classify import features
    from xuncha.classify.model import get_scorer

    results: list[dict | None] = [None] * len(items)
    todo = [i for i, (t, _) in enumerate(items) if t and t.strip()]
    wanted = set(todo)
    for i, (t, _) in enumerate(items):
        if i not in wanted:
            results[i] = _empty(t.strip() if t else "")
    if todo:
        tax = load_taxonomy()
        model = get_scorer()
        proba = model.predict_proba([items[i][0] for i in todo])
        for row, i in zip(proba, todo):
            text, unit = items[i][0].strip(), items[i][1]
            order = row.argsort()[::-1]
            best = model.classes[order[0]]
            cues = []
            if explain:
                matched = features.matched_cues(features.normalize(text))
                cues = list(dict.fromkeys(matched.get(best, []) + model.top_words(text, best)))[:6]
            dom = _domain(text, unit, contexts[i])
            results[i] = {
                "text": text,
                "category": best,
                "category_name": tax.category_name(best),
                "aspect": tax.aspect_of(best),
                "confidence": round(float(row[order[0]]), 4),
                "domain": dom.domain,
                "domain_confidence": round(dom.confidence, 4),
                "alternatives": [{"category": model.classes[j], "confidence": round(float(row[j]), 4)}
                                 for j in order[1:4]] if explain else [],
                "cues": cues,
            }
    return results  # type: ignore[return-value]


def classify(text: str, unit: str | None = None) -> dict:
    """One statement → {"text","category","category_name","aspect","confidence","domain",
    "domain_confidence","alternatives","cues"}; an empty text gives category None."""
    return classify_many([(text or "", unit)])[0]


def _parse_line(line: str) -> tuple[str, str | None]:
    """A plain statement, or a JSON object {"text": ..., "unit": ...} naming the inspected unit."""
    line = line.rstrip("\r\n")
    stripped = line.strip()
    if stripped.startswith("{"):
        try:
            obj = json.loads(stripped)
        except ValueError:
            obj = None
        if isinstance(obj, dict) and isinstance(obj.get("text", ""), str):
            unit = obj.get("unit")
            return obj.get("text") or "", unit if isinstance(unit, str) else None
    return stripped, None


def classify_lines(lines: Iterable[str], unit: str | None = None, batch_size: int = 256) -> Iterator[dict]:
    """One result per input line, in input order, reading at most `batch_size` lines ahead.

    `unit` is the default inspected unit for lines that do not name their own.
    """
    it = iter(lines)
    while True:
        chunk = list(islice(it, max(1, batch_size)))
        if not chunk:
            return
        items = []
        for line in chunk:
            text, own_unit = _parse_line(line)
            items.append((text, own_unit or unit))
        yield from classify_many(items)


def classify_document(doc: Document) -> Document:
    """Give each of doc.problems a category, aspect, domain and confidence.

    The domain is that of the unit the document is about (see domains.document_domain), else
    what each statement's own words say, else "unknown".
    """
    classify_documents([doc])
    return doc


def classify_documents(docs: Sequence[Document]) -> None:
    """classify_document for several documents, their findings scored in one pass: the model's
    array work has a fixed cost per call that a document's dozen findings do not repay.

    The fields a finding stores are set straight from the probabilities (classify's result
    dicts, with runners-up and cues, are for people reading one result)."""
    problems = []
    contexts: list[DomainGuess | None] = []
    # the document's domain where it decides every finding's (a unit or bodies found); None
    # where each finding's own words come first (see _domain)
    decided: list[str | None] = []
    for doc in docs:
        if doc.problems:
            context = document_domain(doc)
            problems.extend(doc.problems)
            contexts.extend([context] * len(doc.problems))
            own_words_first = context is None or context.source == "text"
            decided.extend([None if own_words_first else context.domain] * len(doc.problems))
    texts = [p.text.strip() if p.text else "" for p in problems]
    todo = [i for i, t in enumerate(texts) if t]
    for i, t in enumerate(texts):
        if not t:
            p = problems[i]
            p.category = p.category_name = p.aspect = p.domain = p.confidence = None
    if not todo:
        return
    from xuncha.classify.model import get_scorer

    scorer = get_scorer()
    proba = scorer.predict_proba([problems[i].text for i in todo])
    labels = _labels(scorer.classes)
    best = _best_columns(proba)
    tops = proba[np.arange(len(best)), best].tolist()  # each row's top probability, as a float
    for i, label, top in zip(todo, map(labels.__getitem__, best.tolist()), tops):
        problem = problems[i]
        problem.category, problem.category_name, problem.aspect = label
        problem.confidence = round(top, 4)
        problem.domain = decided[i] or _domain(texts[i], None, contexts[i]).domain


def _labels(classes: Sequence[str]) -> list[tuple[str, str | None, str | None]]:
    """(category, its name, its aspect) per model column."""
    tax = load_taxonomy()
    return [(c, tax.category_name(c), tax.aspect_of(c)) for c in classes]


def _best_columns(proba):
    """Per row, the column classify reports: the top probability; among equal top ones, the one
    the row's argsort puts last (argmax would take the first)."""
    best = proba.argmax(axis=1)
    tied = (proba == proba[range(len(proba)), best][:, None]).sum(axis=1) > 1
    for i in tied.nonzero()[0].tolist():
        best[i] = proba[i].argsort()[::-1][0]
    return best


def train(extra_data_paths: Iterable[str | os.PathLike] = ()) -> Path:
    """Rebuild the model on the corpus plus the user's labelled JSONL files; returns its path.

    Raises CorpusError (one line: file:line: reason) for a file that cannot be used.
    """
    from xuncha.classify.model import build

    return build(list(extra_data_paths))
