"""Filling the catalogue from folders: many reader processes, one writer.

Worker processes read and analyse files (each loads jieba and the classifier once, when it
starts) and segment the text for the index; the parent alone writes, in the order the files were
listed, each document atomically: a savepoint of its own, committed with the documents stored
since the writer last waited for results (at most store.GROUP_DOCS). That order makes a run
deterministic: after a crash, running again gives the same catalogue as a run that was never
interrupted. A lock file beside the catalogue keeps a second ingest waiting until the first is done.
"""

from __future__ import annotations

import fcntl
import gc
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from xuncha.catalogue.schema import CatalogueError
from xuncha.catalogue.store import GROUP_DOCS, Catalogue, file_sha256, file_stat, unindexed_documents
from xuncha.errors import IngestError
from xuncha.pipeline import batches_read_ahead, file_batches, read_ahead


FILES_PER_WORKER = 150  # default pool size: one worker per this many files to read, up to the CPU count
# Files handed out ahead of the one being stored, per worker: enough that workers keep going while
# the writer meets a slow commit or indexes its batch (2 workers, 20 MB: x3 left them idle ~20% of
# the run; x8 took 16.8–19.1 s, x32 14.8–16.5 s; since the writer holds 256 documents' index rows,
# x96 took 9.6–10.1 s against x32's 10.2–11.8 s on reports, 7.6–7.7 s against 8.3–8.4 s on news,
# and x64 or x192 no less), few enough that waiting results stay small: also at most
# AHEAD_BYTES_PER_WORKER of files (their results take a few times that), so big files wait less.
AHEAD_PER_WORKER = 96
AHEAD_BYTES_PER_WORKER = 16 << 20


@dataclass
class IngestSummary:
    seen: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    failed: int = 0
    errors: list[IngestError] = field(default_factory=list)

    def line(self) -> str:
        return (f"seen {self.seen} · new {self.new} · updated {self.updated} · unchanged {self.unchanged} · "
                f"duplicates {self.duplicates} · failed {self.failed}")


_LOCKED_HERE: set[str] = set()  # lock files this process holds (see ingest_running)


class CatalogueLock:
    """An exclusive POSIX lock on `<db>.lock`, released by the kernel if the holder dies.

    POSIX (lockf) locks belong to the process, so worker processes forked later do not keep a
    killed ingest's lock alive.
    """

    def __init__(self, db: Path, wait: float, on_wait: Callable[[], None] | None = None):
        self.path = Path(str(db) + ".lock")
        self.wait = wait
        self.on_wait = on_wait
        self.fd: int | None = None

    def __enter__(self) -> "CatalogueLock":
        try:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as err:
            raise CatalogueError(f"{self.path}: cannot create the catalogue lock: {err.strerror or err}") from None
        deadline = time.monotonic() + self.wait
        told = False
        while True:
            try:
                fcntl.lockf(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                _LOCKED_HERE.add(os.path.abspath(self.path))
                return self
            except OSError:
                if time.monotonic() >= deadline:
                    os.close(self.fd)
                    self.fd = None
                    raise CatalogueError(f"{self.path.with_suffix('')}: another ingest is writing to this "
                                         f"catalogue (waited {self.wait:g} s); try again when it has finished")
                if not told and self.on_wait:
                    self.on_wait()
                    told = True
                time.sleep(0.2)

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            _LOCKED_HERE.discard(os.path.abspath(self.path))
            fcntl.lockf(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


def ingest_running(conn) -> bool:
    """Whether an ingest holds the lock of the catalogue open on `conn` (this process's or another's).

    Probed without waiting and without creating the lock file. A process's POSIX locks on a file
    all go when it closes any descriptor of that file, so one this process holds is known from
    _LOCKED_HERE instead of being probed."""
    path = next((row[2] for row in conn.execute("PRAGMA database_list") if row[1] == "main"), "")
    if not path:
        return False  # an in-memory or temporary catalogue: no ingest can hold it
    lock = os.path.abspath(path + ".lock")
    if lock in _LOCKED_HERE:
        return True
    try:
        fd = os.open(lock, os.O_RDWR)
    except OSError:
        return False  # no lock file: no ingest has run here
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


# ---- worker side ---------------------------------------------------------------------------

# Allocations between young-generation collections of the cyclic garbage collector while ingesting
# (Python's default is 700). Analysis allocates many small objects and makes few cycles, so the
# default spent 0.7 s of a 26 s run (20 MB, one process) walking young objects. A batch of 32
# documents keeps 50,000-100,000 objects alive at once: with 50,000 the collector still ran 54 times
# over 20 MB of reports (0.16-0.23 s), with 100,000 twice (0.05 s).
GC_YOUNG_THRESHOLD = 100_000


def _collect_less_often() -> tuple[int, ...]:
    """Raise the garbage collector's young-generation threshold; returns the thresholds before."""
    saved = gc.get_threshold()
    gc.set_threshold(max(GC_YOUNG_THRESHOLD, saved[0]), *saved[1:])
    return saved


@contextmanager
def _fewer_collections():
    """_collect_less_often while the block runs, the caller's setting restored afterwards."""
    saved = _collect_less_often()
    try:
        yield
    finally:
        gc.set_threshold(*saved)


def _init_worker() -> None:
    """Tie the worker's life to the parent's, load the segmenter and models once, and collect
    garbage less often (see GC_YOUNG_THRESHOLD)."""
    _collect_less_often()  # for the worker's whole life
    try:  # Linux: die with the parent, so a killed ingest leaves no orphans behind
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass
    _warm_up()


def _warm_up() -> None:
    """Load the segmenter, dictionaries and models by analysing one sentence."""
    try:
        from xuncha.pipeline import extract_text

        extract_text("县委书记王建国主持会议，县纪委监委巡察组开展谈心谈话15人次，发现问题落实不到位。")
    except Exception:
        pass  # a warm-up failure will show up, with its file, on the first real document


def process_files(paths: list[str]) -> list[tuple]:
    """Read, analyse and segment files for the index (pipeline.extract_batch, stage by stage):
    per file (path, record.Record, None, sha256 of its bytes) or (path, None, reason, sha256 or None).

    Records, not Documents, travel back: plain tuples unpickle in the writer five times faster
    (see xuncha/catalogue/record.py). A failure travels as a plain reason string: exceptions
    with extra constructor arguments (IngestError) do not survive pickling between processes.
    The file's sha256 comes from here, in parallel, for files the parent had no need to hash: the
    reader's hash of the bytes it read (a file that failed is hashed again for its error record).
    """
    from xuncha.catalogue.record import to_record
    from xuncha.catalogue.store import _is_simhash, effective_near_key
    from xuncha.catalogue.tokens import index_text
    from xuncha.ingest.dedup import shingles
    from xuncha.pipeline import as_ingest_error, extract_batch

    out = []
    for path, (doc, index) in zip(paths, extract_batch(paths, then=index_text)):
        if doc is not None and doc.sha256:
            sha = doc.sha256  # (the reader hashed the file's bytes as it read them)
        else:
            try:
                sha = file_sha256(path)
            except OSError as err:
                sha, doc, index = None, None, IngestError(path, f"cannot read: {err.strerror or err}")
        if doc is None:
            err = as_ingest_error(path, index)
            out.append((path, None, " ".join(str(err.reason).split()), sha))
            continue
        doc.path = path
        key = effective_near_key(doc)
        # the shingles reading made for a SimHash key (still cached): the writer confirms
        # near-duplicate candidates on them
        found = shingles(doc.text).hashes if _is_simhash(key) else None
        out.append((path, to_record(doc, index, key, found), None, sha))
    return out


def process_files_in_worker(paths: list[str]) -> list[tuple]:
    """process_files for a worker process: the Records travel without their shingle hashes (8
    bytes per character, 44% of a pickled result), which the writer needs only to confirm a
    near-duplicate candidate (9% of the documents of 20 MB of news, 27% of reports) and then makes
    again from the text (0.14 ms). In one process they are at hand and are kept."""
    return [(path, record._replace(shingles=None) if record is not None else None, reason, sha)
            for path, record, reason, sha in process_files(paths)]


# ---- parent side ---------------------------------------------------------------------------

def stored_name(path: str) -> str:
    """The path as the catalogue keeps it: a file name that is not valid UTF-8 (bytes from another
    system's encoding) is written with backslash escapes, \\xff, instead of failing the batch."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _ordered_results(paths: list[str], workers: int, idle: Callable[[], None] | None = None,
                     wait: Callable[[], None] | None = None):
    """Yield process_files results in the order of `paths`, a bounded window ahead. `wait` is
    called before the writer waits for results (the catalogue commits what it has stored). Once
    every task is handed out, `idle` is called whenever the next result is not ready yet: the
    writer indexes what it holds while the workers finish, instead of after them, alone.

    A worker that dies (a crash inside a native library) breaks the whole pool, and every task
    in flight fails with it, so no task can be blamed from that alone: those files are read
    again one at a time by a single worker, where a crash names its file. Only that file is
    reported as failed; the pool then starts again for the rest.
    """
    if workers <= 1:
        for chunk in batches_read_ahead(paths):
            if wait is not None:
                wait()
            yield from process_files(chunk)
        return
    # worker tasks are the batches of one process: 2 workers on 20 MB took 15.0–16.6 s with
    # tasks of 4 files, 13.0–14.4 s with 16 (less pickling and hand-out, warmer caches per stage)
    todo = deque(file_batches(paths))
    if todo and multiprocessing.get_start_method() == "fork":
        # forked workers inherit what the parent loaded instead of each loading it again: on 20 MB
        # with 2 workers, 0.4-2.3 s less CPU in the workers (news and reports)
        _warm_up()
    while todo:
        suspects: list[str] = []
        with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker) as pool:
            window: deque = deque()
            files = ahead = 0  # files and bytes in the window
            while todo or window:
                while todo and (len(window) < workers or (
                        files < workers * AHEAD_PER_WORKER and ahead < workers * AHEAD_BYTES_PER_WORKER)):
                    chunk = todo.popleft()
                    read_ahead(chunk)  # (the worker finds the bytes in memory)
                    size = _size(chunk)
                    files += len(chunk)
                    ahead += size
                    window.append((chunk, pool.submit(process_files_in_worker, chunk), size))
                chunk, fut, size = window.popleft()
                files -= len(chunk)
                ahead -= size
                if not fut.done():
                    if wait is not None:
                        wait()
                    if idle is not None and not todo:
                        idle()
                try:
                    yield from fut.result()
                except BrokenProcessPool:
                    suspects = chunk + [p for c, *_ in window for p in c]
                    break
        yield from _one_at_a_time(suspects, wait)


def _size(paths: list[str]) -> int:
    """Bytes of the files (a file that cannot be read counts nothing: its reader reports it)."""
    total = 0
    for path in paths:
        try:
            total += os.path.getsize(path)
        except OSError:
            pass
    return total


def _one_at_a_time(paths: list[str], wait: Callable[[], None] | None = None):
    """process_files for each file alone in a one-worker pool, so that a crash is that file's."""
    queue = deque(paths)
    while queue:
        with ProcessPoolExecutor(max_workers=1, initializer=_init_worker) as pool:
            while queue:
                p = queue.popleft()
                if wait is not None:
                    wait()
                try:
                    yield from pool.submit(process_files_in_worker, [p]).result()
                except BrokenProcessPool:
                    yield p, None, "the reader process crashed on this file", None
                    break  # a fresh pool for the rest


def ingest(
    inputs: Iterable[str | os.PathLike],
    db: str | os.PathLike,
    *,
    workers: int | None = None,
    wait: float = 600.0,
    progress: bool = True,
    on_error: Callable[[IngestError], None] | None = None,
    on_wait: Callable[[], None] | None = None,
) -> IngestSummary:
    """Store every file under `inputs` into the catalogue at `db`; see the module docstring.

    `workers=None` sizes the pool to the work (in-process for small batches, up to the CPU count).
    """
    from xuncha.pipeline import iter_files

    db = Path(db)
    auto_workers = workers is None
    workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
    summary = IngestSummary()
    files = [str(Path(p).resolve()) for p in iter_files(inputs)]
    files = list(dict.fromkeys(files))  # the same file named twice is one file
    summary.seen = len(files)
    real = {stored_name(p): p for p in files}  # catalogue name → path on disk

    def failed(err: IngestError, cat: Catalogue, sha: str | None) -> None:
        err = IngestError(stored_name(err.path), stored_name(err.reason))
        summary.failed += 1
        summary.errors.append(err)
        cat.record_error(err.path, err.reason, sha)
        if on_error:
            on_error(err)

    with CatalogueLock(db, wait, on_wait), Catalogue(db, group=GROUP_DOCS) as cat, _fewer_collections():
        if cat.reindexing:  # indexed by another segmentation (see store.check_index_form)
            with _progress(progress, unindexed_documents(cat.conn), "index again") as advance:
                cat.flush_index(advance)
        known = cat.known_files()
        known_stats = cat.known_stats()
        # stored files that are gone from their path, by content: a moved file is re-pointed, not re-read
        gone: dict[str, list[str]] = {}
        for old_path, sha in sorted(known.items()):
            if not os.path.exists(old_path):
                gone.setdefault(sha, []).append(old_path)
        shas: dict[str, str] = {}
        stats: dict[str, tuple[int, int] | None] = {}
        jobs: list[str] = []
        for path in files:
            name = stored_name(path)
            try:
                stats[path] = file_stat(path)
                if stats[path] is not None and known_stats.get(name) == stats[path]:
                    summary.unchanged += 1  # same size and time as when stored: not read again
                    continue
                if name not in known and not gone:
                    jobs.append(path)  # certainly new: its reader hashes it, in parallel
                    continue
                shas[path] = file_sha256(path)
            except OSError as err:
                failed(IngestError(name, f"cannot read: {err.strerror or err}"), cat, None)
                continue
            if known.get(name) == shas[path]:
                summary.unchanged += 1
                if stats[path] != known_stats.get(name):
                    cat.record_stat(name, stats[path])
            elif name not in known and gone.get(shas[path]):
                cat.rename(gone[shas[path]].pop(0), name, stats[path])
                summary.unchanged += 1
            else:
                jobs.append(path)

        if auto_workers:
            # each worker pays seconds of start-up (segmenter, classifier), so small batches are read
            # in this process; bigger ones get one more worker per FILES_PER_WORKER files
            workers = min(workers, 1 + len(jobs) // FILES_PER_WORKER)
        stored_new: set[str] = set()
        with _progress(progress, len(jobs)) as advance:
            while jobs:
                orphans: list[str] = []
                results = _ordered_results(jobs, min(workers, len(jobs)), idle=cat.flush_index, wait=cat.commit)
                for path, record, reason, sha in results:
                    sha = shas.get(path) or sha
                    if record is None:
                        failed(IngestError(stored_name(path), reason), cat, sha)
                    else:
                        try:
                            outcome = cat.store(record._replace(path=stored_name(path)), sha, None, stats.get(path))
                        except IngestError as err:  # refused by the catalogue (rolled back)
                            failed(err, cat, sha)
                            advance()
                            continue
                        if outcome.status == "unchanged":
                            summary.unchanged += 1
                        elif outcome.status == "duplicate":
                            summary.duplicates += 1
                        else:
                            setattr(summary, outcome.status, getattr(summary, outcome.status) + 1)
                            if outcome.status == "new":
                                stored_new.add(stored_name(path))
                        if outcome.demoted:  # an original stored earlier is now counted as a repost
                            summary.duplicates += 1
                            if outcome.demoted in stored_new:
                                stored_new.discard(outcome.demoted)
                                summary.new -= 1
                        orphans.extend(outcome.orphans)
                    advance()
                # Reposts whose original changed are read again, as documents in their own right,
                # also when they lie outside this run's folders (else they would silently vanish).
                jobs = []
                for name in dict.fromkeys(orphans):
                    path = real.get(name) or (name if os.path.isfile(name) else None)
                    if path is None:
                        continue  # gone from disk: nothing left to store
                    try:
                        stats[path] = file_stat(path)
                        shas[path] = file_sha256(path)
                    except OSError as err:
                        failed(IngestError(name, f"cannot read: {err.strerror or err}"), cat, None)
                        continue
                    real.setdefault(name, path)
                    jobs.append(path)
    return summary


class _progress:
    """A rich progress bar on stderr (a no-op when disabled or when there is nothing to do).

    It is redrawn from this thread, at most REDRAWS_PER_SECOND times, as documents are stored:
    rich's own refresh thread made every ingest about 25% slower (20 MB, one worker: 44 s
    against 33 s), though it wakes only ten times a second.
    """

    REDRAWS_PER_SECOND = 8

    def __init__(self, enabled: bool, total: int, label: str = "ingest"):
        self.enabled = enabled and total > 0
        self.total = total
        self.label = label

    def __enter__(self):
        if not self.enabled:
            return lambda steps=1: None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(TextColumn(self.label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                            console=Console(stderr=True), transient=True, auto_refresh=False)
        self.bar.start()
        task = self.bar.add_task("ingest", total=self.total)
        gap = 1.0 / self.REDRAWS_PER_SECOND
        next_redraw = 0.0

        def advance(steps: int = 1) -> None:
            nonlocal next_redraw
            self.bar.advance(task, steps)
            if (now := time.monotonic()) >= next_redraw:
                next_redraw = now + gap
                self.bar.refresh()

        return advance

    def __exit__(self, *exc) -> None:
        if self.enabled:
            self.bar.stop()
