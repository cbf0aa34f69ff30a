"""Worker pools: a reader process that crashes costs only the file it was reading."""

from __future__ import annotations

import os
from pathlib import Path

import xuncha.catalogue.ingest as ingest_module
import xuncha.pipeline as pipeline
from xuncha.catalogue.store import GROUP_DOCS, Catalogue, connect, indexed_words, snapshot

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "documents" / "web"
_real_process_files = ingest_module.process_files


def _variants(docs: Path, n: int) -> list[str]:
    """n files made from the sample pages, each source's later files near copies of its first."""
    docs.mkdir()
    sources = sorted(SAMPLES.glob("*.txt"))
    for i in range(n):
        text = sources[i % len(sources)].read_text(encoding="utf-8") + f"\n第{i}份材料的补充说明。\n"
        (docs / f"f{i:02d}.txt").write_text(text.replace("。", f"（{i}）。", 1), encoding="utf-8")
    return sorted(str(p) for p in docs.iterdir())


def crashing_process_files(paths):
    """process_files, except that a file named *crash* kills its process as a native crash would."""
    if any("crash" in Path(p).name for p in paths):
        os._exit(139)
    return _real_process_files(paths)


def test_a_crashing_file_fails_alone_and_the_rest_is_stored(tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    paths = _variants(docs, 13)  # several worker tasks, the crash in the middle of one
    os.rename(paths[6], paths[6].replace("f06", "f06_crash"))
    names = sorted(p.name for p in docs.iterdir())
    monkeypatch.setattr(ingest_module, "process_files", crashing_process_files)  # forked workers inherit it
    summary = ingest_module.ingest([docs], tmp_path / "c.db", workers=2, progress=False)
    assert [Path(e.path).name for e in summary.errors] == ["f06_crash.txt"]
    assert "crashed" in summary.errors[0].reason
    conn = connect(tmp_path / "c.db", create=False)
    stored = sorted(Path(p).name for (p,) in conn.execute("SELECT path FROM documents"))
    assert stored == sorted(n for n in names if "crash" not in n)


def test_ingest_collects_garbage_less_often_and_restores_the_setting(tmp_path):
    """The collector's young threshold is raised while ingesting (in process) and given back after,
    also when a file fails; a library caller's own setting survives."""
    import gc

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(next(SAMPLES.glob("*.txt")).read_text(encoding="utf-8"), encoding="utf-8")
    (docs / "b_empty.txt").write_bytes(b"")
    seen = []
    before = gc.get_threshold()
    gc.set_threshold(900, *before[1:])
    try:
        summary = ingest_module.ingest([docs], tmp_path / "c.db", workers=1, progress=False,
                                       on_error=lambda err: seen.append(gc.get_threshold()[0]))
        assert summary.failed == 1 and summary.new == 1
        assert seen == [ingest_module.GC_YOUNG_THRESHOLD]
        assert gc.get_threshold()[0] == 900
    finally:
        gc.set_threshold(*before)


def test_files_handed_out_ahead_are_bounded_by_their_bytes(tmp_path, monkeypatch):
    """Workers get files ahead of the batch being stored, but no more than AHEAD_BYTES_PER_WORKER
    of them each in their hands (big files' results are big), and always at least a task each, so
    that nothing stalls; besides those, each may hold MAX_PENDING analysed batches not stored yet."""
    paths = _variants(tmp_path / "docs", 9)
    submitted = []
    real_size = ingest_module._size
    monkeypatch.setattr(ingest_module, "_size", lambda chunk: submitted.append(chunk) or real_size(chunk))
    monkeypatch.setattr(pipeline, "BATCH", 1)
    held = 2 * ingest_module.MAX_PENDING
    for limit, most in ((1, 2), (1 << 30, 9)):  # tiny: a task per worker; large: the file count decides
        monkeypatch.setattr(ingest_module, "AHEAD_BYTES_PER_WORKER", limit)
        submitted.clear()
        ahead = []
        got = []
        with Catalogue(tmp_path / f"c{limit}.db", group=GROUP_DOCS) as cat:
            for path, status, *_ in ingest_module._stored_batches(paths, 2, cat):
                assert status in ("new", "duplicate")
                got.append(path)
                ahead.append(len(submitted) - len(got) + 1)  # tasks out when this result was taken
        assert got == paths
        assert most <= max(ahead) <= min(most + held, len(paths))


def test_workers_storing_in_turns_make_the_catalogue_one_process_makes(tmp_path, monkeypatch):
    """Each worker stores its own batches, in the files' order: the same documents under the same
    ids, the same reposts linked (originals and copies stored by different workers), and every
    document indexed once the ingest is done (each worker flushed the rows it held)."""
    _variants(tmp_path / "docs", 14)
    monkeypatch.setattr(pipeline, "BATCH", 2)  # many turns, originals and their copies far apart
    seen = []
    for workers in (1, 2):
        db = tmp_path / f"w{workers}.db"
        summary = ingest_module.ingest([tmp_path / "docs"], db, workers=workers, progress=False)
        assert summary.failed == 0 and summary.duplicates >= 5, summary.line()
        conn = connect(db, create=False)
        assert conn.execute("SELECT count(*) FROM fts_unindexed").fetchone()[0] == 0
        ids = conn.execute("SELECT id, path, duplicate_of FROM documents ORDER BY id").fetchall()
        seen.append((summary.line(), [tuple(r) for r in ids], snapshot(conn)))
        conn.close()
    assert seen[0] == seen[1]


def test_a_caller_that_stops_reading_leaves_no_worker_waiting_for_its_turn(tmp_path, monkeypatch):
    """Stopping early (an error, ^C, a consumer that breaks off) while workers wait for their turn
    to store: the pool shuts down, what was stored is a prefix of the files, whole, and the next
    ingest completes it."""
    import threading

    paths = _variants(tmp_path / "docs", 12)
    monkeypatch.setattr(pipeline, "BATCH", 1)
    db = tmp_path / "c.db"
    with Catalogue(db, group=GROUP_DOCS) as cat:
        results = ingest_module._stored_batches(paths, 2, cat)
        assert next(results)[0] == paths[0]
        closer = threading.Thread(target=results.close)
        closer.start()
        closer.join(60)
        assert not closer.is_alive(), "the pool did not shut down"
    conn = connect(db, create=False)
    stored = [p for (p,) in conn.execute("SELECT path FROM documents ORDER BY id")]
    assert stored == paths[:len(stored)] and len(stored) < len(paths)
    summary = ingest_module.ingest([tmp_path / "docs"], db, workers=2, progress=False)
    assert summary.unchanged == len(stored) and summary.failed == 0
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == len(paths)


_real_store_results = ingest_module.store_results


def crashing_store_results(cat, tasks, results):
    """store_results, except that a batch holding a file named *storecrash* kills its process
    halfway through storing, as a crash in a native library would."""
    if any("storecrash" in Path(path).name for path, *_ in tasks):
        _real_store_results(cat, tasks[:1], results[:1])  # (uncommitted: lost with the process)
        os._exit(139)
    return _real_store_results(cat, tasks, results)


def test_a_worker_that_dies_while_storing_loses_only_its_uncommitted_batch(tmp_path, monkeypatch):
    """A worker killed in its turn, halfway through a batch, takes that batch's uncommitted
    documents and the index rows it held with it: the file that kills it is reported alone, every
    other file is stored and findable, and the documents whose index rows died with the worker
    are indexed again from the catalogue when the ingest closes it."""
    paths = _variants(tmp_path / "docs", 12)
    os.rename(paths[7], paths[7].replace("f07", "f07_storecrash"))
    monkeypatch.setattr(pipeline, "BATCH", 2)
    monkeypatch.setattr(ingest_module, "store_results", crashing_store_results)  # forked workers inherit it
    db = tmp_path / "c.db"
    summary = ingest_module.ingest([tmp_path / "docs"], db, workers=2, progress=False)
    assert [Path(e.path).name for e in summary.errors] == ["f07_storecrash.txt"]
    assert "crashed" in summary.errors[0].reason
    conn = connect(db, create=False)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = sorted(Path(p).name for (p,) in conn.execute("SELECT path FROM documents"))
    assert stored == sorted(Path(p).name for p in paths if "f07" not in p)
    assert conn.execute("SELECT count(*) FROM fts_unindexed").fetchone()[0] == 0
    originals = conn.execute("SELECT count(*) FROM documents WHERE duplicate_of IS NULL").fetchone()[0]
    assert len(indexed_words(conn, "documents")) == originals


def test_once_every_batch_is_handed_out_a_worker_flushes_at_its_next_turn(tmp_path, monkeypatch):
    """Once the parent has handed out the last batch, a worker puts the index rows it holds into
    the FTS5 tables at its next turn (while the others still analyse), once: the final drain then
    flushes only what was stored after that, instead of up to FLUSH_DOCS documents per worker,
    one worker after the other with nothing to run beside them."""
    import multiprocessing

    files = sorted(str(p) for p in SAMPLES.iterdir())[:4]  # four distinct pages: two batches of two
    db = tmp_path / "c.db"
    ctx = multiprocessing.get_context()
    cond, turn, ending = ctx.Condition(), ctx.Value("q", 0, lock=False), ctx.Value("b", 0, lock=False)
    monkeypatch.setattr(ingest_module, "_SHARED", (str(db), cond, turn, ctx.Barrier(1), ending))
    monkeypatch.setattr(ingest_module, "_WRITER", None)
    monkeypatch.setattr(ingest_module, "_FLUSHED_FOR_END", False)
    monkeypatch.setattr(ingest_module, "_PENDING", ingest_module.deque())

    def store(seq: int, paths: list[str]) -> None:
        ingest_module._PENDING.append((seq, [(p, None, None) for p in paths], ingest_module.process_files(paths)))
        [(done, outcomes)] = ingest_module._store_ready()
        assert done == seq and [o[1] for o in outcomes] == ["new"] * len(paths)

    def unindexed() -> int:
        return ingest_module._WRITER.conn.execute("SELECT count(*) FROM fts_unindexed").fetchone()[0]

    store(0, files[:1])
    assert unindexed() == 1  # held for a later flush
    ending.value = 1  # the parent handed out the last batch
    store(1, files[1:2])
    assert unindexed() == 0 and not ingest_module._WRITER._held  # both flushed at this turn
    store(2, files[2:])
    assert unindexed() == 2  # once only: what comes after waits for the drain
    ingest_module._WRITER.close()
