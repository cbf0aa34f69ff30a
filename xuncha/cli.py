"""The `xuncha` command line: a thin layer over the library API.

Machine output (JSON/JSONL) goes to stdout, messages and progress to stderr.
Exit codes: 0 all fine, 1 some inputs failed (the rest were processed), 2 usage error.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import List, Optional

# xuncha does no floating-point linear algebra, but importing numpy started OpenBLAS's helper
# thread, which spun for 0.1 s of CPU on the other core in every command (set before numpy loads;
# a value the user set is kept)
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import typer  # noqa: E402
from rich.console import Console  # noqa: E402

EXIT_CODES = "Exit codes: 0 all fine, 1 some inputs failed (the rest were processed), 2 usage error."

app = typer.Typer(
    name="xuncha",
    help="巡察 xuncha: turn folders of discipline-inspection reports into a searchable catalogue "
    "of problems, measures, counts and bodies, and into 一把手 reminder checklists.\n\n" + EXIT_CODES,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False)


@app.callback()
def _root() -> None:
    """Keeps `xuncha` a group of subcommands even while it has only one."""


def emit_json(obj) -> None:
    """One JSON object per line on stdout (JSONL), Chinese kept readable."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def report_error(message: str) -> None:
    """One line on stderr naming the file and the reason."""
    err.print(f"[red]error[/red]: {message}", soft_wrap=True, markup=True, highlight=False)


def fail_usage(message: str) -> None:
    err.print(f"usage error: {message}", soft_wrap=True, markup=False)
    raise typer.Exit(2)


@app.command(epilog=EXIT_CODES)
def extract(
    paths: List[Path] = typer.Argument(..., help="Files or folders (walked recursively)."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per document per line (JSONL)."),
) -> None:
    """Read documents and print their clean text, metadata and findings."""
    from xuncha.errors import IngestError
    from xuncha.pipeline import extract_paths

    for p in paths:
        if not p.exists():
            fail_usage(f"{p}: no such file or directory")
    failed = 0
    for result in extract_paths(paths):
        if isinstance(result, IngestError):
            failed += 1
            report_error(str(result))
            continue
        if as_json:
            emit_json(result.to_dict())
        else:
            print_summary(result)
    raise typer.Exit(1 if failed else 0)


def print_summary(doc) -> None:
    """A readable summary of one document for people (the JSON carries everything)."""
    out = Console(highlight=False, soft_wrap=True)
    dup = f"  (repost of {doc.duplicate_of})" if doc.duplicate_of else ""
    out.print(f"[bold]{doc.title or '(untitled)'}[/bold]  {doc.path}{dup}", markup=True)
    meta = [f"date {doc.date or '?'}", f"source {doc.source or '?'}", f"region {doc.region or '?'}",
            f"{len(doc.text)} chars"]
    out.print("  " + " · ".join(meta), markup=False)
    for label, items, show in (
        ("measures", doc.measures, lambda m: m.name),
        ("counts", doc.counts, lambda c: c.surface),
        ("bodies", doc.bodies, lambda b: b.name),
        ("persons", doc.persons, lambda p: f"{p.name}({p.role})" if p.role else p.name),
        ("problems", doc.problems, lambda p: f"{p.text}[{p.category or '?'}]"),
    ):
        if items:
            shown = "、".join(dict.fromkeys(show(i) for i in items))
            out.print(f"  {label}: {shown}", markup=False, soft_wrap=True)
    for w in doc.warnings:
        out.print(f"  warning: {w}", markup=False, style="yellow")


@app.command(epilog=EXIT_CODES)
def ingest(
    paths: List[Path] = typer.Argument(..., help="Files or folders (walked recursively)."),
    db: Path = typer.Option(Path("catalogue.db"), "--db", help="Catalogue file (created if missing)."),
    workers: Optional[int] = typer.Option(None, "--workers", min=1,
                                          help="Reader processes (default: sized to the batch, up to the CPU count)."),
    wait: float = typer.Option(600.0, "--wait", min=0, help="Seconds to wait for another ingest into --db."),
) -> None:
    """Store documents in the catalogue; unchanged files are skipped, changed ones replaced.

    Exit 2 also when another ingest holds the catalogue for longer than --wait seconds.
    """
    from xuncha.catalogue.ingest import ingest as run_ingest
    from xuncha.errors import XunchaError

    for p in paths:
        if not p.exists():
            fail_usage(f"{p}: no such file or directory")
    try:
        summary = run_ingest(paths, db, workers=workers, wait=wait, progress=True,
                             on_wait=lambda: err.print(f"waiting for another ingest into {db} to finish…"))
    except XunchaError as e:
        report_error(str(e))
        raise typer.Exit(2)
    for e in summary.errors:
        report_error(str(e))
    err.print(summary.line(), markup=False)
    raise typer.Exit(1 if summary.failed else 0)


@app.command(epilog=EXIT_CODES)
def search(
    query: str = typer.Argument(..., help='Words (segmented like the documents), "phrases", AND/OR/NOT, ( ).'),
    db: Path = typer.Option(Path("catalogue.db"), "--db", help="Catalogue file."),
    kind: str = typer.Option("documents", "--kind", help="documents | problems | measures | counts | bodies"),
    domain: Optional[str] = typer.Option(None, "--domain", help="Domain id or name (party_gov, 国有企业...)."),
    category: Optional[str] = typer.Option(None, "--category", help="Category id or name (B2, 中央八项规定精神...)."),
    region: Optional[str] = typer.Option(None, "--region", help="Region or source containing this text."),
    since: Optional[str] = typer.Option(None, "--since", help="Documents dated on or after YYYY[-MM[-DD]]."),
    until: Optional[str] = typer.Option(None, "--until", help="Documents dated on or before YYYY[-MM[-DD]]."),
    limit: int = typer.Option(20, "--limit", min=1, help="Most hits to show."),
    as_json: bool = typer.Option(False, "--json", help="One hit per line (JSONL)."),
    as_csv: bool = typer.Option(False, "--csv", help="Hits as CSV."),
) -> None:
    """Full-text search of the catalogue, best matches (bm25) first."""
    from xuncha.catalogue.render import print_hits, write_csv
    from xuncha.catalogue.search import search as run_search
    from xuncha.catalogue.store import connect
    from xuncha.errors import XunchaError

    if as_json and as_csv:
        fail_usage("choose one of --json and --csv")
    try:
        conn = connect(db, create=False)
        hits = run_search(conn, query, kind=kind, domain=domain, category=category, region=region,
                          since=since, until=until, limit=limit)
    except XunchaError as e:
        fail_usage(str(e))
    if hits and hits[0]["ranked"] < hits[0]["matches"]:
        err.print(f"note: {hits[0]['matches']} documents or findings contain these words; the "
                  f"{hits[0]['ranked']} most recently stored were ranked (add words to narrow the query)",
                  markup=False)
    if as_json:
        for hit in hits:
            emit_json(hit)
    elif as_csv:
        write_csv(hits)
    else:
        print_hits(hits)


@app.command(epilog=EXIT_CODES)
def checklist(
    out: Path = typer.Option(..., "--out", help="Output file: .docx, .md or .json."),
    db: Path = typer.Option(Path("catalogue.db"), "--db", help="Catalogue file."),
    domain: List[str] = typer.Option([], "--domain", help="Only these domains (repeatable)."),
    category: List[str] = typer.Option([], "--category", help="Only these categories (repeatable)."),
    builtin: bool = typer.Option(False, "--builtin", help="Build from the bundled labelled statements instead."),
) -> None:
    """Write a 一把手常见问题提醒清单 for 对照检查 from the catalogue's problems."""
    from xuncha.checklist import build_checklist, write_checklist
    from xuncha.errors import XunchaError

    if out.suffix.lower() not in (".docx", ".md", ".json"):
        fail_usage(f"{out}: --out must end in .docx, .md or .json")
    try:
        result = build_checklist(None if builtin else db, domains=domain, categories=category)
        write_checklist(result, out)
    except XunchaError as e:
        fail_usage(str(e))
    except OSError as e:
        report_error(f"{out}: cannot write: {e.strerror or e}")
        raise typer.Exit(1)
    err.print(f"{out}: {result.item_count} items in {len(result.domains)} domain(s) "
              f"from {result.statement_count} problem statements", markup=False)
    if not result.item_count and not builtin:
        err.print(f"note: the catalogue has no classified problems ({result.unclassified} unclassified); "
                  "`--builtin` lists the bundled labelled statements", markup=False)


@app.command(epilog=EXIT_CODES)
def stats(
    db: Path = typer.Option(Path("catalogue.db"), "--db", help="Catalogue file."),
    as_json: bool = typer.Option(False, "--json", help="All figures as one JSON object."),
) -> None:
    """What the catalogue holds: documents, problems, errors and their breakdowns."""
    from xuncha.catalogue.render import print_stats
    from xuncha.catalogue.stats import catalogue_stats
    from xuncha.catalogue.store import connect
    from xuncha.errors import XunchaError

    try:
        figures = catalogue_stats(connect(db, create=False))
    except XunchaError as e:
        fail_usage(str(e))
    if as_json:
        emit_json(figures)
    else:
        print_stats(figures)


@app.command(epilog=EXIT_CODES)
def classify(
    texts: Optional[List[str]] = typer.Argument(None, help="Problem statements; none = read stdin, one per line "
                                                "(a line may be JSON {\"text\": ..., \"unit\": ...})."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per input line (JSONL), in input order."),
    unit: Optional[str] = typer.Option(None, "--unit", help="The inspected unit (县人民医院, 某某村...), for the domain."),
) -> None:
    """Classify problem statements into the 一把手 checklist categories and domains."""
    from xuncha.classify import classify_lines

    if texts:
        lines, batch = iter(texts), 256
    else:
        import io

        # undecodable bytes become U+FFFD rather than stopping the stream; a BOM is dropped
        lines = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", errors="replace")
        batch = 1 if sys.stdin.isatty() else 256
    out = Console(highlight=False, soft_wrap=True)
    for row in classify_lines(lines, unit=unit, batch_size=batch):
        if as_json:
            emit_json(row)
        elif row["category"] is None:
            out.print("", markup=False)
        else:
            out.print(f"{row['category']:<3} {row['confidence']:.2f}  {row['domain']:<9}  "
                      f"{row['category_name']}  |  {row['text']}", markup=False)
        sys.stdout.flush()


@app.command(epilog=EXIT_CODES)
def train(
    data: Optional[List[Path]] = typer.Option(None, "--data", help="Your labelled statements (JSONL lines "
                                              '{"text", "category", "domain"?}); repeatable.'),
) -> None:
    """Rebuild the classifier on the built-in corpus plus your own labelled statements."""
    from xuncha.classify import CorpusError, train as train_model

    for p in data or []:
        if not p.is_file():
            fail_usage(f"{p}: no such file")
    try:
        with err.status("training the classifier…"):
            path = train_model(data or [])
    except CorpusError as e:
        fail_usage(str(e))
    err.print(f"model written to {path}", markup=False, highlight=False)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
