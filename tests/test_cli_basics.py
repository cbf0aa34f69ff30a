"""The CLI contract shared by every command: exit codes and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys


def run(*args, input=None):
    return subprocess.run([sys.executable, "-m", "xuncha.cli", *args], capture_output=True, text=True,
                          input=input, timeout=300)


def test_missing_path_is_usage_error(tmp_path):
    r = run("extract", str(tmp_path / "nope.txt"))
    assert r.returncode == 2
    assert "nope.txt" in r.stderr


def test_bad_file_reported_and_batch_goes_on(tmp_path):
    (tmp_path / "a_empty.txt").write_bytes(b"")
    (tmp_path / "b_good.txt").write_text("县纪委监委开展谈心谈话15人次。\n", encoding="utf-8")
    r = run("extract", str(tmp_path), "--json")
    assert r.returncode == 1
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert [d["path"].rsplit("/", 1)[-1] for d in lines] == ["b_good.txt"]
    err_lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(err_lines) == 1 and "a_empty.txt" in err_lines[0]
    for key in ("path", "sha256", "format", "title", "date", "source", "author", "region", "text",
                "warnings", "duplicate_of", "counts", "bodies", "persons", "measures", "problems"):
        assert key in lines[0]


def test_ingest_into_a_pipe_writes_error_lines_and_the_summary_only(tmp_path):
    """Without a terminal (a log file, a pipe, cron) no progress bar is drawn, so stderr holds the
    one-line errors and the summary and nothing else, not even the blank line a bar leaves."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a_empty.txt").write_bytes(b"")
    (docs / "b_good.txt").write_text("县纪委监委开展谈心谈话15人次，发现问题落实不到位。\n", encoding="utf-8")
    r = run("ingest", str(docs), "--db", str(tmp_path / "c.db"), "--workers", "1")
    assert r.returncode == 1
    lines = r.stderr.splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith("error: ") and "a_empty.txt" in lines[0] and "empty file" in lines[0]
    assert lines[1].startswith("seen 2") and "failed 1" in lines[1]


def test_help_documents_exit_codes():
    r = run("--help")
    assert r.returncode == 0
    assert "Exit codes" in r.stdout
