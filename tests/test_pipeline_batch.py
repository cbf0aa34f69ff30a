"""extract_batch (stage by stage over several files) must give what extract_file gives per file."""

from __future__ import annotations

from pathlib import Path

import pytest

from xuncha.errors import IngestError
from xuncha.pipeline import BATCH, extract_batch, extract_file, extract_paths, iter_files

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "documents"


def _one_by_one(paths):
    out = []
    for p in paths:
        try:
            out.append(extract_file(p).to_dict())
        except IngestError as err:
            out.append(str(err))
    return out


def test_batch_equals_one_file_at_a_time_and_isolates_bad_files():
    paths = list(iter_files([SAMPLES]))
    assert any("bad" in str(p) for p in paths)  # the truncated PDF is in the batch
    got = [doc.to_dict() if doc is not None else str(err) for doc, err in extract_batch(paths)]
    assert got == _one_by_one(paths)
    assert sum(isinstance(g, str) for g in got) == 1


def test_a_stage_that_raises_fails_only_its_document(tmp_path):
    paths = sorted(p for p in iter_files([SAMPLES / "web"]))[:3]
    assert len(paths) >= 2

    def then(doc):
        if doc.path == str(paths[0]):
            raise RuntimeError("index bug")
        return len(doc.problems)

    results = extract_batch(paths, then=then)
    assert results[0][0] is None and isinstance(results[0][1], RuntimeError)
    assert all(doc is not None and out == len(doc.problems) for doc, out in results[1:])


def test_extract_paths_links_reposts_across_batches(tmp_path):
    """Reposts are linked to originals read in an earlier batch of BATCH files."""
    src = next(SAMPLES.joinpath("web").glob("*.txt"))
    text = src.read_text(encoding="utf-8")
    for i in range(BATCH + 2):
        (tmp_path / f"a{i:02d}.txt").write_text(f"无关的第{i}篇\n\n" + "县纪委监委召开会议，部署谈心谈话工作。" * (i + 3),
                                                 encoding="utf-8")
    (tmp_path / "b_original.txt").write_text(text, encoding="utf-8")
    for i in range(BATCH):
        (tmp_path / f"c{i:02d}.txt").write_text("填充\n\n" + "某镇开展巡察整改工作。" * (i + 2), encoding="utf-8")
    (tmp_path / "d_repost.txt").write_text("转载\n" + text, encoding="utf-8")
    docs = {Path(d.path).name: d for d in extract_paths([tmp_path]) if not isinstance(d, IngestError)}
    assert docs["d_repost.txt"].duplicate_of == str(tmp_path / "b_original.txt")
    assert docs["b_original.txt"].duplicate_of is None


@pytest.mark.parametrize("size", [0, 1])
def test_empty_and_single_batches(size):
    paths = list(iter_files([SAMPLES / "web"]))[:size]
    assert len(extract_batch(paths)) == size


def test_a_document_that_breaks_batch_classification_fails_alone(monkeypatch):
    """Classification scores a batch's findings together; a document that makes it raise is
    then classified alone, so it fails by itself and the others keep their categories."""
    import xuncha.classify as classify

    paths = sorted(p for p in iter_files([SAMPLES / "web"]))[:3]
    expected = _one_by_one(paths)
    real = classify.document_domain

    def broken(doc):
        if doc.path == str(paths[1]):
            raise RuntimeError("domain bug")
        return real(doc)

    monkeypatch.setattr(classify, "document_domain", broken)
    results = extract_batch(paths)
    assert results[1][0] is None and isinstance(results[1][1], RuntimeError)
    got = [doc.to_dict() for doc, _ in (results[0], results[2])]
    assert got == [expected[0], expected[2]]
    assert any(p["category"] for d in got for p in d["problems"])


def test_batches_keep_the_order_and_stop_at_their_file_count_or_bytes(tmp_path, monkeypatch):
    """file_batches cuts a folder into batches of at most BATCH files and BATCH_BYTES bytes; a file
    larger than that goes alone, and a file that vanished (its reader will say so) weighs nothing."""
    import xuncha.pipeline as pipeline

    sizes = [300, 300, 500, 2000, 100, 100, 100, 100, 100]
    paths = []
    for i, size in enumerate(sizes):
        path = tmp_path / f"f{i}.txt"
        path.write_text("字" * (size // 3), encoding="utf-8")
        paths.append(path)
    paths.insert(5, tmp_path / "gone.txt")
    monkeypatch.setattr(pipeline, "BATCH", 3)
    monkeypatch.setattr(pipeline, "BATCH_BYTES", 1000)
    batches = list(pipeline.file_batches(paths))
    assert [p for b in batches for p in b] == paths
    names = [[p.name for p in b] for b in batches]
    assert names == [["f0.txt", "f1.txt"], ["f2.txt"], ["f3.txt"], ["f4.txt", "gone.txt", "f5.txt"],
                     ["f6.txt", "f7.txt", "f8.txt"]]


def test_each_batch_is_handed_out_after_the_next_one_is_read_ahead(tmp_path, monkeypatch):
    """batches_read_ahead gives file_batches' batches, and before handing out a batch it asks for
    the next batch's files to be read ahead (the disk works while the batch is analysed)."""
    import xuncha.pipeline as pipeline

    paths = []
    for i in range(7):
        path = tmp_path / f"f{i}.txt"
        path.write_text("巡察" * (i + 1), encoding="utf-8")
        paths.append(path)
    monkeypatch.setattr(pipeline, "BATCH", 3)
    events = []
    monkeypatch.setattr(pipeline, "read_ahead", lambda batch: events.append(("ahead", [p.name for p in batch])))
    for batch in pipeline.batches_read_ahead(paths):
        events.append(("batch", [p.name for p in batch]))
    assert [names for kind, names in events if kind == "batch"] == [
        [p.name for p in b] for b in pipeline.file_batches(paths)]
    assert events == [("ahead", ["f3.txt", "f4.txt", "f5.txt"]), ("batch", ["f0.txt", "f1.txt", "f2.txt"]),
                      ("ahead", ["f6.txt"]), ("batch", ["f3.txt", "f4.txt", "f5.txt"]),
                      ("batch", ["f6.txt"])]


def test_reading_ahead_leaves_bad_paths_to_their_readers(tmp_path):
    """A vanished file, a folder or an unreadable file among those read ahead raises nothing there:
    each is reported by its reader, with its reason, and the others are read."""
    from xuncha.pipeline import read_ahead

    good = tmp_path / "good.txt"
    good.write_text("县委巡察组进驻县林业局开展常规巡察。", encoding="utf-8")
    locked = tmp_path / "locked.txt"
    locked.write_text("巡察", encoding="utf-8")
    locked.chmod(0)
    paths = [tmp_path / "gone.txt", tmp_path, locked, good]
    try:
        read_ahead(paths)
        results = list(extract_paths([tmp_path / "gone.txt", good]))
    finally:
        locked.chmod(0o644)
    assert isinstance(results[0], IngestError) and "gone.txt" in str(results[0])
    assert not isinstance(results[1], IngestError) and "林业局" in results[1].text


def test_reading_a_batch_step_by_step_gives_each_file_as_read_alone(tmp_path):
    """read_documents (decode all, clean all, key all) gives what read_document gives per file, and
    a bad file's error in its place: the samples in every format, an empty file and a vanished one."""
    from xuncha.ingest import read_document, read_documents

    (tmp_path / "empty.txt").write_bytes(b"")
    paths = [*iter_files([SAMPLES]), tmp_path / "empty.txt", tmp_path / "gone.txt"]

    def alone(path):
        try:
            return read_document(path).to_dict()
        except IngestError as err:
            return str(err)

    got = [str(d) if isinstance(d, IngestError) else d.to_dict() for d in read_documents(paths)]
    assert got == [alone(p) for p in paths]
    assert sum(isinstance(g, str) for g in got) == 3  # the truncated PDF, the empty and the gone file
    assert all(isinstance(g, str) or g["near_key"] for g in got)
