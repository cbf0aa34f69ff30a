"""The pipeline in one place: file → Document (ingest) → findings (nlp) → categories (classify).

Everything user-facing (CLI, catalogue ingest, benchmarks) goes through these functions, so a
document is read, segmented and analysed the same way wherever it comes from.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
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


def resolved_files(paths: Iterable[str | os.PathLike]) -> Iterator[str]:
    """iter_files, each file named by its absolute path with symbolic links resolved: the name the
    catalogue keeps, so that a file reached twice (a link, an input given twice) is one file.

    Each input is resolved once, and below it only the files that are links: resolving every file
    on its own looked up each component of its path again (2,536 files: 50-55 ms against 18)."""
    for raw in paths:
        root = Path(raw).resolve()
        for path in iter_files([root]):
            yield str(path.resolve() if path.is_symlink() else path)


def _analysis_stages() -> tuple[tuple[Callable[[Document], object], Callable[[list[Document]], object] | None], ...]:
    """The analysis of a read Document, in order: extraction first, then problem classification.
    Each stage as (one document, several documents at once or None)."""
    from xuncha.classify import classify_document, classify_documents
    from xuncha.nlp import annotate, annotate_many

    return (annotate, annotate_many), (classify_document, classify_documents)


def analyse(doc: Document) -> Document:
    """Fill a Document's findings (see _analysis_stages)."""
    for stage, _ in _analysis_stages():
        stage(doc)
    return doc


def extract_file(path: str | os.PathLike) -> Document:
    """Read one file and analyse it. Raises IngestError with a one-line reason if it can't be read."""
    from xuncha.ingest import read_document

    return analyse(read_document(path))


# Files analysed stage by stage in one go (extract_batch). Each stage then runs over the batch
# with its dictionaries, tables and model weights warm in the CPU caches, and the classifier's
# array work is shared by more findings: 20 MB in one process took 4-7% less CPU with 32 files
# than with 16 (reports 17.6 -> 16.7 s, news 14.8 -> 13.6 s, medians of three); 64 or more gave
# no more. A batch also stops at BATCH_BYTES of files, so that a folder of large files does not
# hold dozens of long texts and their tokens in memory at once.
BATCH = 32
BATCH_BYTES = 2 << 20


def file_batches(paths: Iterable[str | os.PathLike]) -> Iterator[list]:
    """`paths` in order, cut into batches of at most BATCH files and, unless one file alone is
    larger, BATCH_BYTES bytes. A file that cannot be stat'ed weighs nothing here: its reader
    reports it."""
    size, max_bytes = BATCH, BATCH_BYTES
    batch: list = []
    total = 0
    for path in paths:
        try:
            weight = os.path.getsize(path)
        except OSError:
            weight = 0
        if batch and (len(batch) == size or total + weight > max_bytes):
            yield batch
            batch, total = [], 0
        batch.append(path)
        total += weight
    if batch:
        yield batch


def read_ahead(paths: Iterable[str | os.PathLike]) -> None:
    """Ask the kernel to start reading these files into memory (posix_fadvise WILLNEED) and
    return at once, so that their bytes are there when their batch is read: the disk works while
    the batch before is analysed. (Reading 2,500 files of 10 KB from a cold cache took 0.3 s of a
    15 s ingest here; on a network share or a spinning disk, far more.) A no-op where the call
    does not exist; a file that cannot be opened is left to its reader to report."""
    advise = getattr(os, "posix_fadvise", None)
    if advise is None:
        return
    for path in paths:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            advise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
        except OSError:
            pass
        finally:
            os.close(fd)


def batches_read_ahead(paths: Iterable[str | os.PathLike]) -> Iterator[list]:
    """file_batches, with the files of the next batch read ahead (read_ahead) before each batch
    is handed out."""
    batches = file_batches(paths)
    batch = next(batches, None)
    while batch is not None:
        following = next(batches, None)
        if following is not None:
            read_ahead(following)
        yield batch
        batch = following


def extract_batch(paths: Sequence[str | os.PathLike], *,
                  then: Callable[[Document], object] | None = None) -> list[tuple[Document | None, object]]:
    """extract_file for several files, one stage at a time: read all, annotate all, classify all
    (then `then(doc)` for each, e.g. its index text), and within reading and annotating one step
    or extractor at a time (ingest.read_documents, nlp.annotate_many). The results are the same;
    it is faster (about 15% over 16 files, against one file at a time) because each stage's
    dictionaries and model weights stay in the CPU caches while it runs over the batch, instead
    of being evicted by the other stages for every document.

    One (Document, then's result) per path in order; a file that fails at any stage gives
    (None, IngestError or the unexpected exception) and the others go on.
    """
    from xuncha.ingest import read_documents

    results: list[list] = [[None, None] for _ in paths]

    def run(stage: Callable[[Document], object], index: int, doc: Document) -> object:
        try:
            return stage(doc)
        except Exception as err:  # IngestError from reading, or a bug in one stage
            results[index] = [None, err]
            return None

    for i, doc in enumerate(read_documents(paths)):
        if isinstance(doc, BaseException):
            results[i] = [None, doc]
        else:
            results[i][0] = doc
    for stage, together in _analysis_stages():
        alive = [(i, doc) for i, (doc, _) in enumerate(results) if doc is not None]
        if together is not None and len(alive) > 1:
            try:
                together([doc for _, doc in alive])
                continue
            except Exception:
                pass  # one document broke the batch: take them one by one to fail only that one
        for i, doc in alive:
            run(stage, i, doc)
    if then is not None:
        for i, (doc, _) in enumerate(results):
            if doc is not None:
                out = run(then, i, doc)
                if results[i][0] is not None:
                    results[i][1] = out
    return [tuple(r) for r in results]


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
    for batch in batches_read_ahead(iter_files(paths)):
        yield from _linked(batch, seen)


def _linked(paths: list[Path], seen) -> Iterator[Document | IngestError]:
    """The documents of one batch (or their errors), each checked against the reposts index."""
    for path, (doc, err) in zip(paths, extract_batch(paths) if paths else []):
        if doc is None:
            yield as_ingest_error(path, err)
            continue
        doc.duplicate_of = seen.check(doc)
        yield doc


def as_ingest_error(path: str | os.PathLike, err: BaseException) -> IngestError:
    """An IngestError as is; any other exception (a reader or extractor bug, which must not stop
    the batch) as an IngestError naming the file."""
    if isinstance(err, IngestError):
        return err
    return IngestError(str(path), f"unexpected error: {type(err).__name__}: {err}")
