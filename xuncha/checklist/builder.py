"""Building a reminder list from the catalogue's problems, or from the bundled labelled corpus.

Problems are taken from original documents only (reposts carry none), grouped by the taxonomy's
domain → aspect → category order, and merged into items within each category.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from xuncha.catalogue.search import SearchUsageError, resolve_category, resolve_domain
from xuncha.catalogue.store import connect
from xuncha.checklist.merge import merge_statements
from xuncha.checklist.model import AspectSection, CategorySection, Checklist, DomainSection, Source, Statement
from xuncha.classify.taxonomy import load_taxonomy
from xuncha.errors import XunchaError

GENERAL_DOMAIN = "通用（各领域）"  # heading for problems the classifier gave no domain


class ChecklistError(XunchaError):
    """A checklist that cannot be built (no catalogue, bad filter, unreadable corpus)."""


def statements_from_catalogue(db: str | os.PathLike) -> tuple[list[Statement], int, int]:
    """The catalogue's classified problems, with their documents; also #docs and #unclassified."""
    conn = connect(db, create=False)
    try:
        rows = conn.execute(
            "SELECT p.text, p.domain, p.category, d.path, d.title, d.date, d.region, d.source "
            "FROM problems p JOIN documents d ON d.id = p.doc_id ORDER BY d.path, p.id"
        ).fetchall()
        docs = conn.execute("SELECT count(*) FROM documents WHERE duplicate_of IS NULL").fetchone()[0]
    finally:
        conn.close()
    out, unclassified = [], 0
    for r in rows:
        if not r["category"]:
            unclassified += 1
            continue
        src = Source(r["title"], r["date"], Path(r["path"]).name, r["path"])
        unit = r["region"] or r["source"] or str(Path(r["path"]).parent)
        out.append(Statement(r["text"], r["domain"], r["category"], src, unit))
    return out, docs, unclassified


def builtin_statements() -> list[Statement]:
    """The labelled corpus (xuncha.classify.corpus.load_statements)."""
    from xuncha.classify.corpus import load_statements

    try:
        records = load_statements()
    except Exception as err:
        raise ChecklistError(f"cannot read the labelled corpus: {err}") from None
    return [Statement(r["text"], r.get("domain"), r["category"]) for r in records if r.get("category")]


def group(statements: list[Statement], title: str, origin: str, document_count: int = 0,
          unclassified: int = 0) -> Checklist:
    """Arrange statements as domain → aspect → category sections with merged items."""
    tax = load_taxonomy()
    buckets: dict[tuple[str | None, str], list[Statement]] = {}
    for st in statements:
        if st.category in tax.categories:
            domain = st.domain if st.domain in tax.domains else None
            buckets.setdefault((domain, st.category), []).append(st)
    checklist = Checklist(title=title, origin=origin, generated=date.today().isoformat(),
                          statement_count=sum(len(v) for v in buckets.values()),
                          document_count=document_count, unclassified=unclassified)
    for domain_id in [*tax.domains, None]:
        section = DomainSection(domain_id, tax.domains.get(domain_id, GENERAL_DOMAIN))
        for aspect_id, aspect_name in tax.aspects.items():
            aspect = AspectSection(aspect_id, aspect_name)
            for cid, cat in tax.categories.items():
                if cat.aspect == aspect_id and (domain_id, cid) in buckets:
                    aspect.categories.append(CategorySection(cid, cat.name, merge_statements(buckets[(domain_id, cid)])))
            if aspect.categories:
                section.aspects.append(aspect)
        if section.aspects:
            checklist.domains.append(section)
    return checklist


def build_checklist(db: str | os.PathLike | None, domains: list[str] = (), categories: list[str] = ()) -> Checklist:
    """The checklist for a catalogue (or, with db=None, for the bundled corpus), filtered."""
    try:
        want_domains = {resolve_domain(d) for d in domains}
        want_categories = {resolve_category(c) for c in categories}
    except SearchUsageError as err:
        raise ChecklistError(str(err)) from None
    tax = load_taxonomy()
    if db is None:
        statements, docs, unclassified = builtin_statements(), 0, 0
        origin = "内置标注语料"
    else:
        if not Path(db).exists():
            raise ChecklistError(f"{db}: no such catalogue (run `xuncha ingest` first, or use --builtin)")
        statements, docs, unclassified = statements_from_catalogue(db)
        origin = f"目录库 {Path(db).name}"
    if want_domains:
        statements = [s for s in statements if s.domain in want_domains]
    if want_categories:
        statements = [s for s in statements if s.category in want_categories]
    title = tax.title
    if len(want_domains) == 1:
        title = f"{tax.domains[next(iter(want_domains))]}{tax.title}"
    return group(statements, title, origin, docs, unclassified)
