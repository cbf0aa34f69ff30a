"""Filling the catalogue from folders: worker processes that read, analyse and store, in turns.

Files are cut into batches (pipeline.file_batches). With one worker, this process reads, analyses
and stores each batch. With several, each worker process (which loads jieba and the classifier
once, when it starts) analyses the batches it is handed alongside the others, then stores each in
its own connection to the catalogue once the batch before it is committed (until then it goes on
to its next batch, see analyse_and_store): the catalogue is
written in the order the files were listed, each document atomically (a savepoint of its own,
committed with its batch, at most store.GROUP_DOCS at a time). That order makes a run
deterministic: one worker or several, and after a crash, running again gives the same catalogue
as a run that was never interrupted. A lock file beside the catalogue keeps a second ingest
waiting until the first is done.
"""

from __future__ import annotations

import fcntl
import gc
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from xuncha.catalogue.schema import CatalogueError
from xuncha.catalogue.store import GROUP_DOCS, Catalogue, file_sha256, file_stat, unindexed_documents
from xuncha.errors import IngestError
from xuncha.pipeline import batches_read_ahead, file_batches, read_ahead


FILES_PER_WORKER = 150  # default pool size: one worker per this many files to read, up to the CPU count
# Files handed out ahead of the batch being stored, per worker: enough that a worker always finds
# its next batch waiting (when the parent stored, 2 workers on 20 MB: x3 left them idle ~20% of the
# run, x96 was fastest), few enough that a stop cancels most of them: also at most
# AHEAD_BYTES_PER_WORKER of files, so big files wait less.
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

    Records, not Documents: rows of plain values, as the catalogue inserts them (see
    xuncha/catalogue/record.py). A failure is a one-line reason. The file's sha256 comes from
    here, in the worker, for files the parent had no need to hash: the reader's hash of the bytes
    it read (a file that failed is hashed again for its error record).
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


# ---- storing, in turns ----------------------------------------------------------------------

# What storing a file did, as it travels back to the parent: (path, status, demoted, orphans, reason).
# status is a StoreOutcome's, or "failed" (reason says why; the writer recorded it in `errors`), or
# "crashed" (its reader process died: the parent records it).
Stored = tuple

# A file as it is handed out: (path, its sha256 if the parent already hashed it, its file_stat).
Task = tuple


def store_results(cat: Catalogue, tasks: list[Task], results: list[tuple]) -> list[Stored]:
    """Store process_files results in order, recording each failure in the catalogue's errors."""
    out = []
    for (path, known_sha, stat), (_, record, reason, sha) in zip(tasks, results):
        sha = known_sha or sha
        if record is not None:
            try:
                outcome = cat.store(record._replace(path=stored_name(path)), sha, None, stat)
            except IngestError as err:  # refused by the catalogue (rolled back)
                reason = err.reason
            else:
                out.append((path, outcome.status, outcome.demoted, outcome.orphans, None))
                continue
        reason = stored_name(reason)
        cat.record_error(stored_name(path), reason, sha)
        out.append((path, "failed", None, [], reason))
    return out


# A worker's share of the pool's turns (set by _init_worker): the catalogue, a condition and the
# number of the next batch to store (TURN_ABANDONED: the parent stopped, store nothing more), a
# barrier that hands each worker exactly one of the final drains, and a flag the parent sets once
# every batch is handed out (see _flush_for_the_end).
_SHARED: tuple | None = None
_FLUSHED_FOR_END = False  # this worker flushed its held index rows after the flag was set
_WRITER: Catalogue | None = None  # this worker's connection to the catalogue, opened on its first turn
_PENDING: deque = deque()  # (seq, tasks, results) analysed here whose turn had not come
# Batches a worker keeps analysed ahead of its turn; with one more it waits. With 1 the workers
# still sat idle 0.9 s per 20 MB of reports, mostly while the other flushed index rows; with 3,
# 0.3 s, and two workers took 2-4% less wall time (in-process runs, alternating). Each held batch
# is at most BATCH_BYTES of files and their analysis; the peak RSS of 20 MB stayed at 210 MB.
MAX_PENDING = 3
TURN_ABANDONED = -1
FLUSH_BARRIER_SECONDS = 60.0


def _init_worker(db: str | None = None, cond=None, turn=None, barrier=None, ending=None) -> None:
    """Tie the worker's life to the parent's, load the segmenter and models once, collect garbage
    less often (see GC_YOUNG_THRESHOLD), and keep the pool's turn-taking objects."""
    global _SHARED, _WRITER, _FLUSHED_FOR_END
    _SHARED, _WRITER, _FLUSHED_FOR_END = (db, cond, turn, barrier, ending), None, False
    _PENDING.clear()
    _collect_less_often()  # for the worker's whole life
    try:  # Linux: die with the parent, so a killed ingest leaves no orphans behind
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass
    _warm_up()


def analyse_and_store(seq: int, tasks: list[Task]) -> list[tuple[int, list[Stored]]]:
    """A worker's task: analyse batch `seq` alongside the other workers, and store it in this
    worker's own connection once batch seq-1 is committed; returns (seq, outcomes) of the batches
    it stored, this one or earlier ones.

    Storing in turns keeps the files' order (a run stays deterministic, see the module docstring),
    and nothing but these small outcomes travels between processes: a writer in the parent took
    the analysed documents as pickles, and unpickling them and storing them on a third process
    cost two workers 15-20% more CPU than one process (see benchmarks/HISTORY.md, the eighth round).
    A batch whose turn has not come when it is analysed is kept (up to MAX_PENDING of them) and
    stored when the worker next looks, before or after its next analysis: the worker goes on
    working instead of waiting while another stores and flushes index rows."""
    out = _store_ready()
    _PENDING.append((seq, tasks, process_files([task[0] for task in tasks])))
    return out + _store_ready(wait_for_first=len(_PENDING) > MAX_PENDING)


def _store_ready(wait_for_first: bool = False, wait_for_all: bool = False) -> list[tuple[int, list[Stored]]]:
    """Store the pending batches whose turn has come, in order; waiting for the first one's turn
    or for every one's, if asked."""
    global _WRITER
    db, cond, turn, _, ending = _SHARED
    out = []
    while _PENDING:
        seq = _PENDING[0][0]
        with cond:
            if turn.value != seq and not (wait_for_first or wait_for_all):
                break
            cond.wait_for(lambda: turn.value in (seq, TURN_ABANDONED))
            if turn.value == TURN_ABANDONED:
                _PENDING.clear()
                break
        seq, tasks, results = _PENDING.popleft()
        wait_for_first = False
        try:
            if _WRITER is None:
                _WRITER = Catalogue(db, group=GROUP_DOCS, shared=True)
            _WRITER.catch_up()
            try:
                out.append((seq, store_results(_WRITER, tasks, results)))
            finally:
                _WRITER.commit()
            _flush_for_the_end(ending)
        finally:
            with cond:
                if turn.value == seq:
                    turn.value = seq + 1
                cond.notify_all()
    return out


def _flush_for_the_end(ending) -> None:
    """Once every batch is handed out, put this worker's held index rows into the FTS5 tables at
    its next turn, while the others still analyse their last batches; once only, since small
    flushes set off FTS5 merges. Left to the final drains, the rows of up to FLUSH_DOCS documents
    per worker were flushed one worker after the other with nothing to run beside them: on 20 MB
    the last analysis to the return took 0.31 s, now 0.14-0.17 s."""
    global _FLUSHED_FOR_END
    if ending is not None and ending.value and not _FLUSHED_FOR_END:
        _FLUSHED_FOR_END = True
        _WRITER.flush_index()


def drain_worker() -> list[tuple[int, list[Stored]]]:
    """A worker's last task: store the batches it still holds (waiting for their turns), put the
    index rows it holds into the FTS5 tables, then wait until every worker has taken one of these
    tasks (so that none takes two)."""
    import threading

    out = _store_ready(wait_for_all=True)
    _, cond, _, barrier, _ = _SHARED
    if _WRITER is not None:
        with cond:  # one flush at a time (SQLite would make the other wait anyway)
            _WRITER.flush_index()
    try:
        barrier.wait(FLUSH_BARRIER_SECONDS)
    except threading.BrokenBarrierError:
        pass  # a worker missing: the parent indexes what it left when it closes the catalogue
    return out


# ---- parent side ---------------------------------------------------------------------------

def stored_name(path: str) -> str:
    """The path as the catalogue keeps it: a file name that is not valid UTF-8 (bytes from another
    system's encoding) is written with backslash escapes, \\xff, instead of failing the batch."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _stored_batches(paths: list[str], workers: int, cat: Catalogue, info: dict[str, tuple] | None = None):
    """Analyse and store `paths`, yielding a Stored per file in their order. `info` gives a path's
    (sha256 the parent made, file_stat).

    One worker: this process reads a batch and stores it with `cat` (committing before it reads
    the next). Several: a pool of processes that each analyse batches and store them in turns
    (analyse_and_store), then store what they still hold and flush their index rows
    (drain_worker); `cat` is left untouched. Outcomes come back with whichever task stored their
    batch and are yielded in the files' order.

    A worker that dies (a crash inside a native library) breaks the whole pool, and every task
    in flight fails with it, so no task can be blamed from that alone: those files are read
    again one at a time by a single worker, where a crash names its file. Only that file is
    reported as failed ("crashed"); the pool then starts again for the rest. (A batch committed
    just before the pool broke, whose outcome was lost with it, is found unchanged when read
    again, and counted so.)
    """
    info = info or {}
    tasks = lambda chunk: [(path, *info.get(path, (None, None))) for path in chunk]  # noqa: E731
    if workers <= 1:
        for chunk in batches_read_ahead(paths):
            cat.commit()
            yield from store_results(cat, tasks(chunk), process_files(chunk))
        return
    cat.commit()  # (the workers write now)
    # worker tasks are the batches of one process: 2 workers on 20 MB took 15.0–16.6 s with
    # tasks of 4 files, 13.0–14.4 s with 16 (less hand-out, warmer caches per stage)
    todo = deque(file_batches(paths))
    if todo and multiprocessing.get_start_method() == "fork":
        # forked workers inherit what the parent loaded instead of each loading it again: on 20 MB
        # with 2 workers, 0.4-2.3 s less CPU in the workers (news and reports)
        _warm_up()
    while todo:
        suspects: list[str] = []
        with _turn_pool(workers, cat.path) as (pool, ending):
            batches: list[list[str]] = []  # this pool's batches, by number
            running: dict = {}  # future → (files, bytes) of a task not returned yet
            got: dict[int, list[Stored]] = {}  # outcomes of stored batches, until their order comes
            files = ahead = done = 0  # files and bytes in workers' hands, batches yielded
            draining = broken = False
            while done < len(batches) or todo:
                while todo and (len(running) < workers or (
                        files < workers * AHEAD_PER_WORKER and ahead < workers * AHEAD_BYTES_PER_WORKER)):
                    chunk = todo.popleft()
                    read_ahead(chunk)  # (the worker finds the bytes in memory)
                    size = _size(chunk)
                    files += len(chunk)
                    ahead += size
                    running[pool.submit(analyse_and_store, len(batches), tasks(chunk))] = (len(chunk), size)
                    batches.append(chunk)
                if not todo and not draining:  # each worker stores what it still holds, and flushes
                    ending.value = 1  # (a worker flushes at its next turn: see _flush_for_the_end)
                    running.update((pool.submit(drain_worker), (0, 0)) for _ in range(workers))
                    draining = True
                if not running:  # (cannot happen: every batch is stored by its task or its worker's drain)
                    raise RuntimeError(f"ingest workers lost batch {done} of {len(batches)}")
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for fut in finished:
                    n, size = running.pop(fut)
                    files -= n
                    ahead -= size
                    try:
                        got.update(fut.result())
                    except BrokenProcessPool:
                        broken = True
                while done in got:
                    yield from got.pop(done)
                    done += 1
                if broken:
                    for seq in sorted(got):  # stored, though an earlier batch was lost
                        yield from got[seq]
                    suspects = [p for seq in range(done, len(batches)) if seq not in got for p in batches[seq]]
                    break
            else:
                for fut in running:  # the drains still flushing or waiting for each other
                    try:
                        fut.result()
                    except BrokenProcessPool:
                        pass  # (what a dead worker held is indexed when the parent closes the catalogue)
        yield from _one_at_a_time(suspects, cat.path, tasks)


def _size(paths: list[str]) -> int:
    """Bytes of the files (a file that cannot be read counts nothing: its reader reports it)."""
    total = 0
    for path in paths:
        try:
            total += os.path.getsize(path)
        except OSError:
            pass
    return total


def _one_at_a_time(paths: list[str], db: Path, tasks: Callable[[list[str]], list[Task]]):
    """analyse_and_store for each file alone in a one-worker pool, so that a crash is that file's."""
    queue = deque(paths)
    while queue:
        with _turn_pool(1, db) as (pool, _):
            seq = 0
            while queue:
                p = queue.popleft()
                try:  # (alone, a worker's batch always has its turn: it is stored at once)
                    for _, outcomes in pool.submit(analyse_and_store, seq, tasks([p])).result():
                        yield from outcomes
                except BrokenProcessPool:
                    yield p, "crashed", None, [], "the reader process crashed on this file"
                    break  # a fresh pool for the rest
                seq += 1
            else:
                try:
                    pool.submit(drain_worker).result()
                except BrokenProcessPool:
                    pass


@contextmanager
def _turn_pool(workers: int, db: Path):
    """A ProcessPoolExecutor whose workers store in turns (analyse_and_store), with the counter of
    turns they share; yields the pool and the flag to set once every batch is handed out (see
    _flush_for_the_end). Left early (an error, ^C, a crash, a caller that stopped reading), it tells
    the workers to store nothing more (a worker waiting for a turn that will not come gives up)
    and cancels the tasks not yet handed out."""
    ctx = multiprocessing.get_context()
    cond, turn, ending = ctx.Condition(), ctx.Value("q", 0, lock=False), ctx.Value("b", 0, lock=False)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                               initargs=(str(db), cond, turn, ctx.Barrier(workers), ending))
    try:
        yield pool, ending
    except BaseException:
        if cond.acquire(timeout=5):  # (a worker killed while holding it never lets go)
            turn.value = TURN_ABANDONED
            cond.notify_all()
            cond.release()
        else:
            turn.value = TURN_ABANDONED
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


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
    from xuncha.pipeline import resolved_files

    db = Path(db)
    auto_workers = workers is None
    workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
    summary = IngestSummary()
    files = list(dict.fromkeys(resolved_files(inputs)))  # the same file named twice is one file
    summary.seen = len(files)
    real = {stored_name(p): p for p in files}  # catalogue name → path on disk

    def failed(err: IngestError, cat: Catalogue | None, sha: str | None = None) -> None:
        """Count and report a failed file; record it in `errors` unless its writer did (cat None)."""
        err = IngestError(stored_name(err.path), stored_name(err.reason))
        summary.failed += 1
        summary.errors.append(err)
        if cat is not None:
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
                info = {path: (shas.get(path), stats.get(path)) for path in jobs}
                for path, status, demoted, orphaned, reason in _stored_batches(
                        jobs, min(workers, len(jobs)), cat, info):
                    if status == "failed":  # (its writer recorded it)
                        failed(IngestError(path, reason), None)
                    elif status == "crashed":
                        failed(IngestError(path, reason), cat, shas.get(path))
                    elif status == "unchanged":
                        summary.unchanged += 1
                    elif status == "duplicate":
                        summary.duplicates += 1
                    else:
                        setattr(summary, status, getattr(summary, status) + 1)
                        if status == "new":
                            stored_new.add(stored_name(path))
                    if demoted:  # an original stored earlier is now counted as a repost
                        summary.duplicates += 1
                        if demoted in stored_new:
                            stored_new.discard(demoted)
                            summary.new -= 1
                    orphans.extend(orphaned)
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
    """A rich progress bar on stderr (a no-op when disabled, when there is nothing to do, or when
    stderr is not a terminal: a log file or a pipe gets the error lines and the summary only, not
    the blank line a finished bar leaves behind).

    It is redrawn from this thread, at most REDRAWS_PER_SECOND times, as documents are stored:
    rich's own refresh thread made every ingest about 25% slower (20 MB, one worker: 44 s
    against 33 s), though it wakes only ten times a second.
    """

    REDRAWS_PER_SECOND = 8

    def __init__(self, enabled: bool, total: int, label: str = "ingest"):
        self.total = total
        self.label = label
        self.bar = None
        self.console = None  # stderr's console, when a bar is drawn there
        if enabled and total > 0:
            from rich.console import Console

            console = Console(stderr=True)
            if console.is_terminal:
                self.console = console

    def __enter__(self):
        if self.console is None:
            return lambda steps=1: None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(TextColumn(self.label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                            console=self.console, transient=True, auto_refresh=False)
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
        if self.bar is not None:
            self.bar.stop()
