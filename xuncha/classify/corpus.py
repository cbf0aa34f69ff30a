"""The labelled problem statements (corpora/statements/*.jsonl) and users' own labelled files.

One JSON object per line: {"text": ..., "domain": <domain id>, "category": <category id>}. The
classifier trains on them and `xuncha checklist --builtin` lists them, so both read them here.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from xuncha.classify.taxonomy import load_taxonomy


class CorpusError(ValueError):
    """A labelled file that cannot be used; str() is one line naming the file, line and reason."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def statement_files() -> list[Path]:
    """The shipped statement files, sorted by name (one file per category)."""
    folder = resources.files("xuncha.corpora") / "statements"
    if not folder.is_dir():
        return []
    return sorted((Path(str(p)) for p in folder.iterdir() if p.name.endswith(".jsonl")), key=lambda p: p.name)


def read_jsonl(path: str | os.PathLike, require_domain: bool = True) -> list[dict]:
    """Records {"text","domain","category"} of one labelled file, checked against the taxonomy.

    Raises CorpusError on a line that is not a JSON object with a known category (and domain,
    when required); blank lines are skipped.
    """
    tax = load_taxonomy()
    records = []
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise CorpusError(str(path), f"cannot read: {err}") from None
    for no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            raise CorpusError(f"{path}:{no}", f"not JSON ({err.msg})") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str) or not obj["text"].strip():
            raise CorpusError(f"{path}:{no}", 'expected an object with a non-empty "text"')
        category = obj.get("category")
        if category not in tax.categories:
            raise CorpusError(f"{path}:{no}", f"unknown category {category!r}")
        domain = obj.get("domain")
        if domain not in tax.domains and (require_domain or domain is not None):
            raise CorpusError(f"{path}:{no}", f"unknown domain {domain!r}")
        records.append({"text": obj["text"].strip(), "domain": domain, "category": category})
    return records


def load_statements() -> list[dict]:
    """Every shipped labelled statement, as {"text","domain","category"}, in file order."""
    records: list[dict] = []
    for path in statement_files():
        records.extend(read_jsonl(path))
    return records


def files_digest(paths: Iterable[str | os.PathLike], salt: str = "") -> str:
    """A short hash of file names and contents, so derived models are rebuilt when data changes."""
    h = hashlib.sha256(salt.encode())
    for p in paths:
        p = Path(p)
        h.update(p.name.encode() + b"\0")
        h.update(p.read_bytes() if p.is_file() else b"<missing>")
        h.update(b"\0")
    return h.hexdigest()[:16]
