"""The shape of a reminder list: domains → aspects → categories → items, each item with its sources.

Writers (DOCX, Markdown, JSON) only read this structure, so every output says the same thing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Source:
    """A document an item was found in."""

    title: str | None
    date: str | None
    file: str  # file name, for the reader
    path: str  # full path, for tracing back


@dataclass
class Statement:
    """One problem statement as found (a document's problem, or a labelled corpus line)."""

    text: str
    domain: str | None
    category: str
    source: Source | None = None
    unit: str | None = None  # the unit (region / publisher) it was reported for


@dataclass
class Item:
    """Near-duplicate statements merged: one wording to check against, its variants as 表现情形."""

    statement: str
    variants: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    documents: int = 0
    units: int = 0
    occurrences: int = 0


@dataclass
class CategorySection:
    id: str
    name: str
    items: list[Item] = field(default_factory=list)


@dataclass
class AspectSection:
    id: str
    name: str
    categories: list[CategorySection] = field(default_factory=list)


@dataclass
class DomainSection:
    id: str | None  # None: problems whose domain was not decided (they apply to every domain)
    name: str
    aspects: list[AspectSection] = field(default_factory=list)


@dataclass
class Checklist:
    title: str
    origin: str  # "catalogue <file>" or "builtin corpus"
    generated: str
    domains: list[DomainSection] = field(default_factory=list)
    statement_count: int = 0
    document_count: int = 0
    unclassified: int = 0  # problems left out because they have no category

    @property
    def item_count(self) -> int:
        return sum(len(c.items) for d in self.domains for a in d.aspects for c in a.categories)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["item_count"] = self.item_count
        return data
