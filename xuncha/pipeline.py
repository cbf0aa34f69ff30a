"""The pipeline in one place: file → Document (ingest) → findings (nlp) → categories (classify).

Everything user-facing (CLI, catalogue ingest, benchmarks) goes through these functions, so a
document is read, segmented and analysed the same way wherever it comes from.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from xuncha.document import Document
from xuncha.errors import IngestError


def iter_files(paths: Iterable[str | os.PathLike]) -> Iterator[Path]:
    """Yield files under each path (directories walked recursively, sorted, hidden names skipped)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield Path(root) / name
        else:
            yield path


def analyse(doc: Document) -> Document:
    """Fill a Document's findings: extraction first, then problem classification."""
    from xuncha.classify import classify_document
    from xuncha.nlp import annotate

    annotate(doc)
    classify_document(doc)
    return doc


def extract_file(path: str | os.PathLike) -> Document:
    """Read one file and analyse it. Raises IngestError with a one-line reason if it can't be read."""
    from xuncha.ingest import read_document

    return analyse(read_document(path))


def extract_text(text: str, path: str = "<text>") -> Document:
    """Clean and analyse a text given as a string (a page saved as text, or a bare report)."""
    from xuncha.ingest import document_from_text

    return analyse(document_from_text(text, path=path))


def extract_paths(paths: Iterable[str | os.PathLike]) -> Iterator[Document | IngestError]:
    """Extract every file under `paths`; a bad file yields its IngestError and the batch goes on.

    Reposts are linked here: a document whose near-duplicate key was seen earlier in the same
    batch gets `duplicate_of` set to the first one's path.
    """
    from xuncha.ingest.dedup import DuplicateIndex

    seen = DuplicateIndex()
    for path in iter_files(paths):
        try:
            doc = extract_file(path)
        except IngestError as err:
            yield err
            continue
        except Exception as err:  # a reader bug must not stop the batch either
            yield IngestError(str(path), f"unexpected error: {type(err).__name__}: {err}")
            continue
        doc.duplicate_of = seen.check(doc)
        yield doc
