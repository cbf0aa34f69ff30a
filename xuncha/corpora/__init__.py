"""Data files shipped with xuncha (word lists, tables, patterns, labelled statements).

`data_lines(name)` is the one reader of the line-based files: one entry per line, blank lines and
lines starting with # (after indentation) skipped, so every list follows the same comment rules.
"""

from __future__ import annotations

from importlib import resources


def data_lines(name: str, *, strip: bool = True, missing_ok: bool = False) -> list[str]:
    """The entries of `xuncha/corpora/<name>`, in file order.

    strip=False keeps each line's outer whitespace, for tab-separated tables whose first or last
    cell may be empty. missing_ok=True gives [] for a file that isn't there instead of raising."""
    path = resources.files(__name__) / name
    if missing_ok and not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ln.strip() if strip else ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
