"""Figures about a catalogue: what it holds and what the documents report, in one dict.

Reposts are counted as documents (they are files seen) but not again in any finding, since their
findings are stored once, with the original.
"""

from __future__ import annotations

import sqlite3


def _pairs(conn: sqlite3.Connection, sql: str) -> dict:
    return {(k if k is not None else "?"): v for k, v in conn.execute(sql).fetchall()}


def catalogue_stats(conn: sqlite3.Connection, top: int = 20) -> dict:
    """documents, problems and errors as numbers, then the breakdowns."""
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    by_domain: dict[str, dict[str, int]] = {}
    for domain, category, n in conn.execute(
        "SELECT coalesce(domain, '?'), coalesce(category, '?'), count(*) FROM problems "
        "GROUP BY 1, 2 ORDER BY 1, 2"
    ):
        by_domain.setdefault(domain, {})[category] = n
    return {
        "documents": one("SELECT count(*) FROM documents"),
        "originals": one("SELECT count(*) FROM documents WHERE duplicate_of IS NULL"),
        "duplicates": one("SELECT count(*) FROM documents WHERE duplicate_of IS NOT NULL"),
        "problems": one("SELECT count(*) FROM problems"),
        "measures": one("SELECT count(*) FROM measures"),
        "counts": one("SELECT count(*) FROM counts"),
        "bodies": one("SELECT count(*) FROM bodies"),
        "persons": one("SELECT count(*) FROM persons"),
        "errors": one("SELECT count(*) FROM errors"),
        "documents_by_source": _pairs(conn, "SELECT source, count(*) FROM documents GROUP BY 1 ORDER BY 2 DESC, 1"),
        "documents_by_region": _pairs(conn, "SELECT region, count(*) FROM documents GROUP BY 1 ORDER BY 2 DESC, 1"),
        "documents_by_year": _pairs(conn, "SELECT substr(date, 1, 4), count(*) FROM documents GROUP BY 1 ORDER BY 1"),
        "documents_by_format": _pairs(conn, "SELECT format, count(*) FROM documents GROUP BY 1 ORDER BY 2 DESC, 1"),
        "problems_by_domain_category": by_domain,
        "top_measures": [
            {"name": name, "documents": docs, "mentions": n}
            for name, docs, n in conn.execute(
                "SELECT name, count(DISTINCT doc_id), count(*) FROM measures GROUP BY name "
                "ORDER BY 2 DESC, 3 DESC, name LIMIT ?", (top,))
        ],
        "count_totals": [
            {"subject": subject, "unit": unit, "total": total, "mentions": n, "documents": docs}
            for subject, unit, total, n, docs in conn.execute(
                "SELECT subject, unit, sum(value), count(*), count(DISTINCT doc_id) FROM counts "
                "GROUP BY subject, unit ORDER BY 4 DESC, 3 DESC, 1, 2 LIMIT ?", (top * 5,))
        ],
        "count_totals_by_unit": [
            {"unit": unit, "total": total, "mentions": n}
            for unit, total, n in conn.execute(
                "SELECT unit, sum(value), count(*) FROM counts GROUP BY unit ORDER BY 3 DESC, 1")
        ],
    }
