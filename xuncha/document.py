"""The records that flow through the pipeline.

One `Document` is made by ingestion (text + metadata), filled by the extractors (counts, bodies,
persons, measures, problems) and by the classifier (each problem's category and domain), then
stored in the catalogue. Extractor records are small, typed and carry character spans into
`Document.text`, so every finding can be traced back to the words that state it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any


@dataclass
class Count:
    """A quantity that counts work done or things: 谈心谈话15人次 → 15 人次, subject 谈心谈话."""

    value: float | int
    unit: str
    approx: bool
    subject: str | None
    surface: str
    start: int
    end: int


@dataclass
class Body:
    """An organisation named in the text (郧西县纪委监委, 县纪委), with its kind.

    `resolved` spells out a short form (县纪委 → 郧西县纪委) when the document names the place.
    """

    name: str
    kind: str
    start: int
    end: int
    resolved: str | None = None


@dataclass
class Person:
    """A named person with the role written beside them (县委书记余世明, 记者汤鸿鸽)."""

    name: str
    role: str | None
    start: int = -1
    end: int = -1


@dataclass
class Measure:
    """A named method, mechanism, document or carrier the report presents (“两卡一书”)."""

    name: str
    kind: str
    sentence: str
    start: int = -1
    end: int = -1


@dataclass
class Problem:
    """A clause stating a problem found; the classifier fills category and domain."""

    text: str
    start: int
    end: int
    category: str | None = None
    category_name: str | None = None
    aspect: str | None = None
    domain: str | None = None
    confidence: float | None = None


@dataclass
class Document:
    """One source document, from its bytes to everything found in it."""

    path: str
    sha256: str = ""
    format: str = ""
    title: str | None = None
    date: str | None = None
    source: str | None = None
    author: str | None = None
    region: str | None = None
    # Credit lines the page carried outside the article (责编：…, 编辑：…): people, not body text.
    credits: list[str] = field(default_factory=list)
    text: str = ""
    warnings: list[str] = field(default_factory=list)
    duplicate_of: str | None = None
    near_key: str | None = None
    counts: list[Count] = field(default_factory=list)
    bodies: list[Body] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Shared working state, never serialised: the segmentation of `text`, made once and reused by
    # extractors, classifier and search index.
    tokens: list[str] | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of `xuncha extract --json` (working state left out)."""
        data = asdict(replace(self, tokens=None))  # asdict would deep-copy thousands of tokens
        del data["tokens"]
        return data
