"""The 7-domain 一把手常见问题提醒清单 taxonomy, read from corpora/taxonomy.json (data, not code)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Category:
    id: str
    aspect: str
    name: str
    description: str = ""
    cues: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Taxonomy:
    title: str
    domains: dict[str, str]  # id → Chinese name, in list order
    aspects: dict[str, str]  # id → Chinese name
    categories: dict[str, Category]  # id → Category, in list order

    def category_name(self, cid: str | None) -> str | None:
        return self.categories[cid].name if cid in self.categories else None

    def aspect_of(self, cid: str | None) -> str | None:
        return self.categories[cid].aspect if cid in self.categories else None


@lru_cache(maxsize=1)
def load_taxonomy() -> Taxonomy:
    data = json.loads((resources.files("xuncha.corpora") / "taxonomy.json").read_text(encoding="utf-8"))
    return Taxonomy(
        title=data["title"],
        domains={d["id"]: d["name"] for d in data["domains"]},
        aspects={a["id"]: a["name"] for a in data["aspects"]},
        categories={
            c["id"]: Category(c["id"], c["aspect"], c["name"], c.get("description", ""), tuple(c.get("cues", [])))
            for c in data["categories"]
        },
    )
