"""Showing search hits and catalogue figures to people (terminal) and to programs (CSV)."""

from __future__ import annotations

import csv
import sys

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from xuncha.catalogue.search import MARK_CLOSE, MARK_OPEN

CSV_COLUMNS = ("kind", "score", "path", "title", "date", "source", "region", "snippet",
               "category", "domain", "confidence", "name", "value", "unit", "subject")


def _marked(snippet: str) -> str:
    """Snippet with «matched words» shown in bold yellow instead of the markers."""
    text = escape(snippet)
    return text.replace(MARK_OPEN, "[bold yellow]").replace(MARK_CLOSE, "[/bold yellow]")


def print_hits(hits: list[dict], console: Console | None = None) -> None:
    out = console or Console(highlight=False, soft_wrap=True)
    if not hits:
        out.print("no matches", style="dim")
        return
    for n, hit in enumerate(hits, 1):
        head = f"[bold]{n}. {escape(hit.get('title') or '(untitled)')}[/bold]"
        meta = " · ".join(escape(str(x)) for x in (hit.get("date"), hit.get("source") or hit.get("region")) if x)
        extra = ""
        if hit["kind"] == "problems" and hit.get("category"):
            extra = f" [cyan]{escape(hit['category'])} {escape(hit.get('category_name') or '')}" \
                    f"{' / ' + escape(hit['domain']) if hit.get('domain') else ''}[/cyan]"
        out.print(f"{head}{extra}  [dim]{meta}[/dim]")
        out.print(f"   {_marked(hit['snippet'])}")
        reposts = f"  (also at {len(hit['reposts'])} repost(s))" if hit.get("reposts") else ""
        out.print(f"   [dim]{escape(hit['path'])}{reposts}[/dim]")


def write_csv(hits: list[dict], stream=None) -> None:
    writer = csv.DictWriter(stream or sys.stdout, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for hit in hits:
        writer.writerow({k: hit.get(k) for k in CSV_COLUMNS})


def print_stats(stats: dict, console: Console | None = None) -> None:
    out = console or Console(highlight=False)
    out.print(f"[bold]{stats['documents']}[/bold] documents ({stats['duplicates']} reposts) · "
              f"[bold]{stats['problems']}[/bold] problems · {stats['measures']} measures · "
              f"{stats['counts']} counts · {stats['bodies']} bodies · {stats['persons']} persons · "
              f"[bold]{stats['errors']}[/bold] errors")

    def table(title: str, columns: tuple[str, ...], rows) -> None:
        rows = list(rows)
        if not rows:
            return
        t = Table(title=title, title_justify="left", show_edge=False)
        for c in columns:
            t.add_column(c, overflow="fold")
        for r in rows:
            t.add_row(*(escape(str(x)) for x in r))
        out.print(t)

    for key, label in (("documents_by_source", "source"), ("documents_by_region", "region"),
                       ("documents_by_year", "year")):
        table(f"documents by {label}", (label, "documents"), list(stats[key].items())[:15])
    table("problems by domain × category", ("domain", "category", "problems"),
          ((d, c, n) for d, cats in stats["problems_by_domain_category"].items() for c, n in cats.items()))
    table("top measures", ("measure", "documents", "mentions"),
          ((m["name"], m["documents"], m["mentions"]) for m in stats["top_measures"]))
    table("count totals", ("subject", "unit", "total", "mentions"),
          ((c["subject"] or "", c["unit"] or "", _num(c["total"]), c["mentions"]) for c in stats["count_totals"][:20]))


def _num(x) -> str:
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"
