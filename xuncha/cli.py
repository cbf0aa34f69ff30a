"""The `xuncha` command line: a thin layer over the library API.

Machine output (JSON/JSONL) goes to stdout, messages and progress to stderr.
Exit codes: 0 all fine, 1 some inputs failed (the rest were processed), 2 usage error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console

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
    out = Console(highlight=False)
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


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
