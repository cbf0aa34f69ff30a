"""The catalogue store: upsert by path and hash, reposts stored once, errors, schema migration."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from xuncha.catalogue.schema import SCHEMA_VERSION, CatalogueError, finding_ids, migrate, schema_version
from xuncha.catalogue.search import search
from xuncha.catalogue.stats import catalogue_stats
from xuncha.catalogue.store import (Catalogue, connect, effective_near_key, file_sha256, indexed_words, load_document, snapshot,
                                    unindexed_documents)
from xuncha.document import Body, Count, Document, Measure, Person, Problem

ARTICLE = ("县委第二巡察组向县水利局党组反馈巡察情况。巡察组指出，该局党组履行全面从严治党主体责任不到位，"
           "存在违规发放津补贴问题，工程项目招投标管理不规范。巡察期间个别谈话52人次。")


def make_doc(path: str, text: str = ARTICLE, problems=(), **meta) -> Document:
    doc = Document(path=path, sha256=f"sha-{path}-{len(text)}", format="txt", text=text, **meta)
    for sentence, domain, category in problems:
        start = text.find(sentence)
        doc.problems.append(Problem(sentence, start, start + len(sentence), category=category,
                                    aspect=category[0], domain=domain, confidence=0.9))
    return doc


def table_rows(cat: Catalogue, table: str) -> int:
    """Rows of a table; for an FTS5 table, its index rows whether indexed already or still held."""
    if table.startswith("fts_"):
        return cat.count(table) + cat.held_rows(table[4:])
    return cat.count(table)


def indexed_only(cat: Catalogue, table: str) -> int:
    return cat.count(table)


def test_index_rows_wait_and_move_in_batches(tmp_path, monkeypatch):
    """Documents are indexed in batches (FTS5 pays per commit), each stored whole in its own
    transaction and listed as unindexed while the writer holds its index rows; the batch size or a
    close puts them in, and the held rows of a document replaced before that go with it (its
    findings' ids are given again)."""
    import xuncha.catalogue.store as store

    monkeypatch.setattr(store, "FLUSH_DOCS", 3)
    db = tmp_path / "c.db"
    with Catalogue(db) as cat:
        for i in range(2):
            cat.store(make_doc(f"/x/{i}.txt", ARTICLE + "整改" * (i + 1),
                               problems=[("存在违规发放津补贴问题", "party_gov", "B2")]), f"h{i}")
        assert indexed_only(cat, "fts_documents") == 0 and table_rows(cat, "fts_documents") == 2
        assert unindexed_documents(cat.conn) == 2
        # updated while its rows are held: the old rows must not reach the index under reused ids
        cat.store(make_doc("/x/1.txt", ARTICLE + "食堂管理混乱。", problems=[("食堂管理混乱", "party_gov", "B4")]), "h9")
        assert unindexed_documents(cat.conn) == 2 and indexed_only(cat, "fts_problems") == 0
        cat.store(make_doc("/x/2.txt", ARTICLE + "公车私用。", problems=[("公车私用", "party_gov", "B3")]), "h3")
        assert unindexed_documents(cat.conn) == 0 and indexed_only(cat, "fts_documents") == 3  # a third: all in
        assert [h["path"] for h in search(cat.conn, "津补贴", kind="problems")] == ["/x/0.txt"]
        assert [h["path"] for h in search(cat.conn, "食堂", kind="problems")] == ["/x/1.txt"]
        assert [h["path"] for h in search(cat.conn, "公车", kind="problems")] == ["/x/2.txt"]
        cat.store(make_doc("/x/3.txt", ARTICLE + "超标准接待。"), "h4")
        assert unindexed_documents(cat.conn) == 1
    with Catalogue(db) as cat:  # closing indexed the last one
        assert unindexed_documents(cat.conn) == 0 and indexed_only(cat, "fts_documents") == 4
        for kind in ("documents", "problems", "counts", "bodies", "measures"):  # one index row per row
            fts = [r[0] for r in cat.conn.execute(f"SELECT rowid FROM fts_{kind} ORDER BY rowid")]
            assert fts == [r[0] for r in cat.conn.execute(f"SELECT id FROM {kind} ORDER BY id")], kind


def _writer_killed_after(db, opening: str, *statements: str) -> None:
    """Run `cat = <opening % db>` and the statements in a fresh process that then dies at once
    (os._exit: no close, no commit, no flush), with this module's helpers at hand."""
    code = "\n".join(["import os, sys",
                      f"sys.path.insert(0, {os.path.dirname(__file__)!r})",
                      "from test_catalogue import _group_doc, make_doc",
                      "from xuncha.catalogue.store import Catalogue",
                      "cat = " + opening % str(db), *statements, "os._exit(0)"])
    subprocess.run([sys.executable, "-c", code], check=True)


def test_an_interrupted_ingest_leaves_documents_findable(tmp_path):
    """A document stored by a writer that dies before indexing it stays listed as unindexed; the
    next search makes its index rows again from the stored text and findings, the same rows the
    writer would have put in."""
    db = tmp_path / "c.db"
    _writer_killed_after(db, "Catalogue(%r)",
                         "cat.store(make_doc('/x/a.txt', problems=[('存在违规发放津补贴问题', 'party_gov', 'B2')]), 'h1')")
    conn = connect(db, create=False)
    assert unindexed_documents(conn) == 1 and conn.execute("SELECT count(*) FROM fts_documents").fetchone()[0] == 0
    assert [h["path"] for h in search(conn, "津补贴", kind="problems")] == ["/x/a.txt"]
    assert [h["path"] for h in search(conn, "巡察", kind="documents")] == ["/x/a.txt"]
    assert unindexed_documents(conn) == 0
    with Catalogue(tmp_path / "whole.db") as cat:  # the same document stored by a writer that lived
        cat.store(make_doc('/x/a.txt', problems=[('存在违规发放津补贴问题', 'party_gov', 'B2')]), 'h1')
    whole = connect(tmp_path / "whole.db", create=False)
    for kind in ("documents", "problems", "counts", "bodies", "measures"):
        assert indexed_words(conn, kind) == indexed_words(whole, kind), kind
    conn.close()


def test_new_unchanged_updated(tmp_path):
    with Catalogue(tmp_path / "c.db") as cat:
        doc = make_doc("/x/a.txt", problems=[("存在违规发放津补贴问题", "party_gov", "B2")])
        doc.counts.append(Count(52, "人次", False, "个别谈话", "个别谈话52人次", 0, 1))
        doc.bodies.append(Body("县水利局", "agency", 0, 1))
        doc.persons.append(Person("王明", "局长"))
        doc.measures.append(Measure("三张清单", "mechanism", "建立三张清单"))
        assert cat.store(doc, "h1").status == "new"
        assert cat.store(doc, "h1").status == "unchanged"
        assert table_rows(cat, "problems") == 1 and table_rows(cat, "fts_problems") == 1

        changed = make_doc("/x/a.txt", ARTICLE + "整改工作仍需加强。",
                           problems=[("工程项目招投标管理不规范", "party_gov", "B5")])
        assert cat.store(changed, "h2").status == "updated"
        # the old findings and their index rows are gone, not left behind
        assert table_rows(cat, "documents") == 1
        assert [r[0] for r in cat.conn.execute("SELECT category FROM problems")] == ["B5"]
        for t in ("counts", "bodies", "persons", "measures", "fts_counts", "fts_bodies", "fts_measures"):
            assert table_rows(cat, t) == 0, t
        assert table_rows(cat, "fts_problems") == 1 and table_rows(cat, "fts_documents") == 1
        stored = load_document(cat.conn, "/x/a.txt")
        assert stored.text.endswith("整改工作仍需加强。")


def test_repost_stored_once_and_linked(tmp_path):
    with Catalogue(tmp_path / "c.db") as cat:
        original = make_doc("/site1/a.txt", problems=[("存在违规发放津补贴问题", "party_gov", "B2")])
        repost = make_doc("/site2/copy.txt", problems=[("存在违规发放津补贴问题", "party_gov", "B2")])
        assert cat.store(original, "h1").status == "new"
        out = cat.store(repost, "h2")
        assert out.status == "duplicate" and out.duplicate_of == "/site1/a.txt"
        assert table_rows(cat, "documents") == 2
        assert table_rows(cat, "problems") == 1  # findings stored once
        assert table_rows(cat, "fts_documents") == 1
        row = cat.conn.execute("SELECT duplicate_of, text FROM documents WHERE path='/site2/copy.txt'").fetchone()
        assert row["duplicate_of"] == "/site1/a.txt" and row["text"] == ""


def test_repost_found_by_near_key_despite_different_furniture(tmp_path):
    body = ("市委巡察组反馈指出，该局党组落实意识形态工作责任制不到位，干部选拔任用程序不规范，"
            "公务接待存在超标准问题，对上轮巡察反馈问题整改不彻底，部分问题出现反弹。")
    a = make_doc("/a.txt", f"首页 > 新闻\n{body}\n责编：张三")
    b = make_doc("/b.txt", f"某某新闻网 转载\n{body}\n编辑：李四 返回顶部")
    assert effective_near_key(a) == effective_near_key(b)
    assert effective_near_key(make_doc("/c.txt", body.replace("超标准", "违规"))) != effective_near_key(a)


def test_reposts_relinked_when_original_changes(tmp_path):
    other = ("区委巡察组向区卫健局党组反馈巡察情况，指出医院药品采购管理不规范，医疗设备采购论证不充分，"
             "个别医务人员收受红包，科室二次分配不透明，整改工作推进缓慢。")
    with Catalogue(tmp_path / "c.db") as cat:
        cat.store(make_doc("/a.txt"), "h1")
        cat.store(make_doc("/b.txt"), "h2")
        out = cat.store(make_doc("/a.txt", other), "h3")
        # /b.txt no longer repeats /a.txt: its row is removed so ingest reads it again as an original
        assert out.status == "updated" and out.orphans == ["/b.txt"]
        assert cat.known_files() == {"/a.txt": "h3"}
        assert cat.store(make_doc("/b.txt"), "h2").status == "new"


def test_errors_recorded_kept_and_cleared(tmp_path):
    with Catalogue(tmp_path / "c.db") as cat:
        cat.record_error("/x/bad.pdf", "corrupt PDF", "s1")
        first = cat.conn.execute("SELECT time FROM errors").fetchone()[0]
        cat.record_error("/x/bad.pdf", "corrupt PDF", "s1")
        rows = cat.conn.execute("SELECT path, reason, time FROM errors").fetchall()
        assert [(r[0], r[1], r[2]) for r in rows] == [("/x/bad.pdf", "corrupt PDF", first)]
        cat.store(make_doc("/x/bad.pdf"), "s2")  # fixed file: its error goes
        assert table_rows(cat, "errors") == 0


def test_schema_versioned_and_newer_refused(tmp_path):
    path = tmp_path / "c.db"
    conn = connect(path)
    assert schema_version(conn) == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert migrate(conn) == SCHEMA_VERSION  # migrating again is a no-op
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(CatalogueError, match="newer"):
        connect(path)


def test_not_a_database_is_one_line_error(tmp_path):
    bad = tmp_path / "c.db"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(CatalogueError) as info:
        connect(bad)
    assert "\n" not in str(info.value)
    r = subprocess.run([sys.executable, "-m", "xuncha.cli", "stats", "--db", str(bad)], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_snapshot_ignores_rowids(tmp_path):
    docs = [make_doc("/a.txt"), make_doc("/b.txt", ARTICLE.replace("水利局", "交通局").replace("52", "61"))]
    snaps = []
    for name, order in (("1.db", docs), ("2.db", docs[::-1])):
        with Catalogue(tmp_path / name) as cat:
            for d in order:
                cat.store(d, d.path)
            cat.flush_index()
            snaps.append(snapshot(cat.conn))
    assert snaps[0] == snaps[1]


def test_stats_numbers_and_breakdowns(tmp_path):
    db = tmp_path / "c.db"
    with Catalogue(db) as cat:
        d = make_doc("/a.txt", problems=[("存在违规发放津补贴问题", "party_gov", "B2"),
                                         ("工程项目招投标管理不规范", "party_gov", "B5")],
                     date="2023-05-01", region="浙江省兰溪市", source="兰溪市纪委监委")
        d.counts = [Count(52, "人次", False, "个别谈话", "个别谈话52人次", 0, 1),
                    Count(8, "人次", False, "个别谈话", "个别谈话8人次", 0, 1)]
        d.measures = [Measure("三张清单", "mechanism", "建立三张清单")]
        cat.store(d, "h1")
        cat.store(make_doc("/b.txt"), "h2")  # a repost
        cat.record_error("/bad.pdf", "corrupt PDF")
        stats = catalogue_stats(cat.conn)
    assert (stats["documents"], stats["duplicates"], stats["problems"], stats["errors"]) == (2, 1, 2, 1)
    assert stats["problems_by_domain_category"] == {"party_gov": {"B2": 1, "B5": 1}}
    assert stats["documents_by_year"]["2023"] == 1
    assert {"subject": "个别谈话", "unit": "人次", "total": 60.0, "mentions": 2, "documents": 1} in stats["count_totals"]
    assert stats["top_measures"][0]["name"] == "三张清单"
    r = subprocess.run([sys.executable, "-m", "xuncha.cli", "stats", "--db", str(db), "--json"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0
    data = json.loads(r.stdout)
    assert isinstance(data["documents"], int) and data["problems"] == 2 and data["errors"] == 1


def test_stats_missing_catalogue_is_usage_error(tmp_path):
    r = subprocess.run([sys.executable, "-m", "xuncha.cli", "stats", "--db", str(tmp_path / "none.db")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "none.db" in r.stderr and not (tmp_path / "none.db").exists()


def test_moved_folder_is_repointed_not_duplicated(tmp_path):
    from xuncha.catalogue.ingest import ingest

    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    (first / "a.txt").write_text(ARTICLE + "\n", encoding="utf-8")
    (first / "b.txt").write_text(ARTICLE + "\n", encoding="utf-8")  # a repost of a.txt
    db = tmp_path / "c.db"
    s = ingest([first], db, workers=1, progress=False)
    assert (s.new, s.duplicates) == (1, 1)
    first.rename(second)
    s = ingest([second], db, workers=1, progress=False)
    assert (s.new, s.unchanged, s.duplicates) == (0, 2, 0)
    with Catalogue(db) as cat:
        rows = dict(cat.conn.execute("SELECT path, duplicate_of FROM documents").fetchall())
    assert rows == {str(second / "a.txt"): None, str(second / "b.txt"): str(second / "a.txt")}


def test_files_reached_through_links_are_stored_once_under_their_real_path(tmp_path):
    """A link to a file in the same folder, a linked folder and a relative path to the same
    folder all name one file: it is stored once, under its resolved path."""
    from xuncha.catalogue.ingest import ingest

    real = tmp_path / "real"
    real.mkdir()
    (real / "a.txt").write_text(ARTICLE + "\n", encoding="utf-8")
    (real / "also-a.txt").symlink_to(real / "a.txt")
    (tmp_path / "linked").symlink_to(real, target_is_directory=True)
    db = tmp_path / "c.db"
    s = ingest([tmp_path / "linked", real / "a.txt", tmp_path / "real" / ".." / "real"], db,
               workers=1, progress=False)
    assert (s.seen, s.new, s.duplicates) == (1, 1, 0)
    with Catalogue(db) as cat:
        assert [r[0] for r in cat.conn.execute("SELECT path FROM documents")] == [str(real.resolve() / "a.txt")]


def test_migration_steps_run_in_order_and_keep_data(tmp_path, monkeypatch):
    from xuncha.catalogue import schema

    path = tmp_path / "c.db"
    with Catalogue(path) as cat:
        cat.store(make_doc("/a.txt"), "h1")

    def add_note_column(conn):
        conn.execute("ALTER TABLE documents ADD COLUMN note TEXT DEFAULT 'migrated'")

    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, add_note_column])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", len(schema.MIGRATIONS))
    conn = sqlite3.connect(path, isolation_level=None)
    assert schema.migrate(conn) == SCHEMA_VERSION
    assert schema.schema_version(conn) == SCHEMA_VERSION + 1
    assert conn.execute("SELECT path, note FROM documents").fetchall() == [("/a.txt", "migrated")]

    def broken(conn):
        conn.execute("ALTER TABLE documents ADD COLUMN other TEXT")
        raise RuntimeError("step fails half way")

    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, broken])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", len(schema.MIGRATIONS))
    with pytest.raises(RuntimeError):
        schema.migrate(conn)
    # the failed step left neither its column nor a new version behind
    assert schema.schema_version(conn) == SCHEMA_VERSION + 1
    assert "other" not in [r[1] for r in conn.execute("PRAGMA table_info(documents)")]


def test_version_5_rows_waiting_in_fts_pending_are_indexed_by_the_migration(tmp_path, monkeypatch):
    """Schema v5 kept waiting index rows in fts_pending (key = row id × 8 + kind); v6 holds them in
    the writer's memory. A v5 catalogue left with waiting rows has them indexed when migrated."""
    from xuncha.catalogue import schema

    path = tmp_path / "c.db"
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:5])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 5)
    conn = sqlite3.connect(path, isolation_level=None)
    schema.migrate(conn)
    conn.execute("INSERT INTO documents(id, path, file_sha256, text, warnings, ingested_at) "
                 "VALUES (3, '/a.txt', 'h', '巡察 反馈', '[]', 'now')")
    conn.execute("INSERT INTO problems(id, doc_id, text, start, \"end\") VALUES (5, 3, '公车 私用', 0, 4)")
    conn.execute("INSERT INTO fts_pending(key, body) VALUES (24, '巡察 反馈'), (41, '公车 私用')")
    conn.close()
    monkeypatch.undo()
    conn = connect(path, create=False)
    assert schema.schema_version(conn) == SCHEMA_VERSION
    assert indexed_words(conn, "documents") == {3: "巡察 反馈"}
    assert indexed_words(conn, "problems") == {(3 << schema.FINDING_ID_BITS) + 1: "公车 私用"}  # (v7 ids)
    assert "fts_pending" not in [r[0] for r in conn.execute("SELECT name FROM sqlite_master")]
    assert [h["path"] for h in search(conn, "公车", kind="problems")] == ["/a.txt"]


def test_version_2_catalogue_migrated_without_the_unneeded_problem_indexes(tmp_path):
    """A catalogue written by the v2 schema opens, loses problems_doc and problems_class, and keeps
    answering: stored findings, search by domain, stats by domain and category, look-ups by document."""
    from xuncha.catalogue import schema

    from xuncha.catalogue.tokens import index_text

    path = tmp_path / "v2.db"
    conn = sqlite3.connect(path, isolation_level=None)  # the rows a v2 xuncha wrote, by hand
    for step in schema.MIGRATIONS[:2]:
        step(conn)
    conn.execute("PRAGMA user_version = 2")
    doc = make_doc("/v2/a.txt", problems=[("存在违规发放津补贴问题", "party_gov", "B2")])
    index = index_text(doc)
    conn.execute("INSERT INTO documents(id, path, file_sha256, text, ingested_at) VALUES (1, ?, 'h1', ?, 'then')",
                 (doc.path, doc.text))
    p = doc.problems[0]
    conn.execute('INSERT INTO problems(id, doc_id, text, start, "end", category, aspect, domain) '
                 "VALUES (1, 1, ?, ?, ?, 'B2', 'B', 'party_gov')", (p.text, p.start, p.end))
    conn.execute("INSERT INTO fts_documents(rowid, body) VALUES (1, ?)", (index.document,))
    conn.execute("INSERT INTO fts_problems(rowid, body) VALUES (1, ?)", (index.problems[0],))
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"problems_doc", "problems_class"} <= indexes
    conn.close()
    with Catalogue(path) as cat:
        assert schema_version(cat.conn) == SCHEMA_VERSION >= 3
        indexes = {r[0] for r in cat.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert not {"problems_doc", "problems_class", "problems_doc_class"} & indexes  # (the last gone in v8)
        assert cat.known_stats() == {"/v2/a.txt": None}  # stored before sizes and times were kept
        assert [h["path"] for h in search(cat.conn, "津补贴", kind="problems", domain="party_gov")] == ["/v2/a.txt"]
        assert catalogue_stats(cat.conn)["problems"] == 1
        # documents filtered by their problems' domain or category read each one's id range
        assert [h["path"] for h in search(cat.conn, "津补贴", domain="party_gov")] == ["/v2/a.txt"]
        assert [h["path"] for h in search(cat.conn, "津补贴", category="B2")] == ["/v2/a.txt"]
        assert search(cat.conn, "津补贴", domain="hospital") == []
        lo, hi = finding_ids(1)
        plan = " ".join(str(tuple(r)) for r in cat.conn.execute(
            "EXPLAIN QUERY PLAN SELECT 1 FROM problems p WHERE p.id BETWEEN ? AND ? AND p.domain = ?",
            (lo, hi, "party_gov")))
        assert "INTEGER PRIMARY KEY" in plan and "SCAN" not in plan
        cat.store(make_doc("/v2/b.txt", text=ARTICLE + "另查明，食堂管理混乱。",
                           problems=[("食堂管理混乱", "party_gov", "B4")]), "h2")
        assert load_document(cat.conn, "/v2/a.txt").problems[0].text == "存在违规发放津补贴问题"


def test_earlier_copy_becomes_the_original(tmp_path):
    with Catalogue(tmp_path / "c.db") as cat:
        later = make_doc("/a/repost.txt", date="2023-04-19", problems=[("存在违规发放津补贴问题", "party_gov", "B2")])
        first = make_doc("/b/original.txt", date="2023-04-18", problems=[("存在违规发放津补贴问题", "party_gov", "B2")])
        third = make_doc("/c/another.txt", date="2023-05-01")
        assert cat.store(later, "h1").status == "new"
        out = cat.store(first, "h2")
        assert out.status == "new" and out.demoted == "/a/repost.txt"
        assert cat.store(third, "h3").duplicate_of == "/b/original.txt"
        rows = dict(cat.conn.execute("SELECT path, duplicate_of FROM documents").fetchall())
        assert rows == {"/a/repost.txt": "/b/original.txt", "/b/original.txt": None, "/c/another.txt": "/b/original.txt"}
        assert table_rows(cat, "problems") == 1 and table_rows(cat, "fts_problems") == 1
        assert table_rows(cat, "fts_documents") == 1
        doc_of_problem = cat.conn.execute("SELECT d.path FROM problems p JOIN documents d ON d.id = p.doc_id").fetchone()
        assert doc_of_problem[0] == "/b/original.txt"


def test_repost_with_edits_linked_through_simhash(tmp_path):
    from xuncha.ingest.dedup import near_key

    body = ("市委第二巡察组向市水务集团党委反馈巡察情况。巡察组指出，集团党委落实全面从严治党主体责任不到位，"
            "工程项目招投标不规范，存在围标串标问题；业务招待费管理失控，超标准接待问题突出；"
            "选人用人不规范，违规提拔任用干部；对上轮巡察指出的问题整改不彻底。巡察期间个别谈话72人次，"
            "抽查工程项目19个，查阅合同1300余份，受理信访件21件，发现问题线索4件。集团党委书记表示诚恳接受。")
    edited = body.replace("集团党委书记表示诚恳接受。", "集团党委书记表示将以此为契机抓好整改。") + "（来源：市纪委监委网站）"
    other = ("县委第一巡察组向县教育局党组反馈巡察情况，指出学校食堂大宗食材采购不规范，违规收取教辅资料费，"
             "个别教师违规有偿补课，学校基建项目管理不严，工程变更签证随意，干部队伍结构老化。")
    docs = [make_doc(p, t) for p, t in (("/a.txt", body), ("/b.txt", edited), ("/c.txt", other))]
    for d in docs:
        d.near_key = near_key(d.text)
    assert docs[0].near_key != docs[1].near_key  # not equal keys: the link needs the distance check
    with Catalogue(tmp_path / "c.db") as cat:
        assert cat.store(docs[0], "h1").status == "new"
        out = cat.store(docs[1], "h2")
        assert (out.status, out.duplicate_of) == ("duplicate", "/a.txt")
        assert cat.store(docs[2], "h3").status == "new"


def test_file_names_that_are_not_utf8(tmp_path):
    from xuncha.catalogue.ingest import ingest

    folder = tmp_path / "docs"
    folder.mkdir()
    odd = os.path.join(os.fsencode(folder), b"report-\xff\xfe.txt")
    with open(odd, "wb") as fh:
        fh.write(ARTICLE.encode("utf-8"))
    with open(os.path.join(os.fsencode(folder), b"empty-\xff.txt"), "wb"):
        pass
    db = tmp_path / "c.db"
    s = ingest([folder], db, workers=1, progress=False)
    assert (s.new, s.failed) == (1, 1)
    assert ingest([folder], db, workers=1, progress=False).unchanged == 1
    with Catalogue(db) as cat:
        assert [r[0] for r in cat.conn.execute("SELECT path FROM documents")] == [str(folder / "report-\\xff\\xfe.txt")]
        assert [r[0] for r in cat.conn.execute("SELECT path FROM errors")] == [str(folder / "empty-\\xff.txt")]


def test_repost_found_through_band_index_among_many_documents(tmp_path):
    """The repost check compares texts with the nearest SimHash keys only, and still links a lightly edited repost."""
    from xuncha.catalogue.store import Catalogue
    from xuncha.ingest import document_from_text

    article = ("某县纪委监委推动“一把手”监督落细落实\n\n2023年05月12日 来源：某县纪委监委\n\n"
               "今年以来，某县纪委监委聚焦“关键少数”，对全县32名乡镇党委书记开展谈心谈话，督促其履行第一责任人职责。"
               "针对巡察发现的理论学习流于形式、“三重一大”事项集体决策执行不严格等问题，县纪委监委建立问题、"
               "任务、责任三张清单，逐项销号管理，推动整改落实到位。截至目前，已督促整改问题46个，约谈干部19人次。\n")
    with Catalogue(tmp_path / "c.db") as cat:
        for i in range(60):  # unrelated documents the repost must not be linked to
            other = document_from_text(
                f"第{i}篇无关报道\n\n2022年01月{i % 28 + 1:02d}日\n\n" + "".join(
                    f"{chr(0x4e00 + (i * 97 + k * 31) % 20000)}{chr(0x4e00 + (i * 13 + k * 7) % 20000)}，"
                    for k in range(80)) + "。\n", path=f"/x/other{i}.txt")
            cat.store(other)
        first = document_from_text(article, path="/a/original.txt")
        assert cat.store(first).status == "new"
        repost = document_from_text("转载\n" + article.replace("2023年05月12日", "2023年05月14日"),
                                    path="/b/repost.txt")
        outcome = cat.store(repost)
        assert outcome.status == "duplicate" and outcome.duplicate_of == "/a/original.txt"
        from xuncha.catalogue.store import MAX_CONFIRM
        from xuncha.ingest.dedup import NEAR_BITS

        assert len(cat._simhash_index().nearest(repost.near_key, 2 * NEAR_BITS, MAX_CONFIRM)) <= MAX_CONFIRM


def test_repost_outside_the_run_survives_its_original_changing(tmp_path):
    """Ingest A/ and B/ (B holds a repost of A's article), then change A's file and re-ingest A/
    only: the repost in B is read again as a document of its own, not silently dropped."""
    from xuncha.catalogue.ingest import ingest

    a, b = tmp_path / "A", tmp_path / "B"
    a.mkdir()
    b.mkdir()
    (a / "a.txt").write_text(ARTICLE + "\n", encoding="utf-8")
    (b / "b.txt").write_text("转载\n\n" + ARTICLE + "\n", encoding="utf-8")
    db = tmp_path / "c.db"
    s = ingest([a, b], db, workers=1, progress=False)
    assert (s.new, s.duplicates) == (1, 1)
    (a / "a.txt").write_text("县委第三巡察组向县教育局党组反馈巡察情况，指出该局校园安全管理责任落实不到位。\n",
                             encoding="utf-8")
    s = ingest([a], db, workers=1, progress=False)
    assert s.failed == 0
    with Catalogue(db) as cat:
        rows = dict(cat.conn.execute("SELECT path, duplicate_of FROM documents").fetchall())
        text_b = cat.conn.execute("SELECT text FROM documents WHERE path = ?", (str(b / "b.txt"),)).fetchone()[0]
    assert rows == {str(a / "a.txt"): None, str(b / "b.txt"): None}
    assert "水利局" in text_b


def test_unchanged_files_skipped_by_size_and_time_without_reading(tmp_path, monkeypatch):
    """A second ingest tells unchanged files by (size, mtime) alone; a touched file is read once
    more and found unchanged; an edited file of the same size is stored anew."""
    from xuncha.catalogue import ingest as ingest_module

    folder = tmp_path / "docs"
    folder.mkdir()
    a, b = folder / "a.txt", folder / "b.txt"
    a.write_text(ARTICLE + "\n", encoding="utf-8")
    b.write_text("县委第三巡察组向县教育局党组反馈巡察情况，指出该局校园安全管理责任落实不到位。\n", encoding="utf-8")
    past = 1_600_000_000_000_000_000
    for f in (a, b):
        os.utime(f, ns=(past, past))
    db = tmp_path / "c.db"
    assert ingest_module.ingest([folder], db, workers=1, progress=False).new == 2

    hashed: list[str] = []
    real_sha = ingest_module.file_sha256
    monkeypatch.setattr(ingest_module, "file_sha256", lambda p: hashed.append(os.path.basename(p)) or real_sha(p))
    s = ingest_module.ingest([folder], db, workers=1, progress=False)
    assert (s.unchanged, hashed) == (2, [])

    os.utime(a, ns=(past + 10**9, past + 10**9))  # touched, same bytes
    s = ingest_module.ingest([folder], db, workers=1, progress=False)
    assert (s.unchanged, s.updated, hashed) == (2, 0, ["a.txt"])
    s = ingest_module.ingest([folder], db, workers=1, progress=False)
    assert (s.unchanged, hashed) == (2, ["a.txt"])  # its new time was recorded

    b.write_text(b.read_text(encoding="utf-8").replace("校园", "食堂"), encoding="utf-8")  # same size
    os.utime(b, ns=(past + 2 * 10**9, past + 2 * 10**9))
    s = ingest_module.ingest([folder], db, workers=1, progress=False)
    assert (s.unchanged, s.updated) == (1, 1)
    with Catalogue(db) as cat:
        assert "食堂" in load_document(cat.conn, str(b.resolve())).text
        fresh = folder / "fresh.txt"  # written just now: its time is not trusted yet
        fresh.write_text(ARTICLE.replace("水利局", "民政局") + "\n", encoding="utf-8")
    s = ingest_module.ingest([folder], db, workers=1, progress=False)
    with Catalogue(db) as cat:
        assert cat.known_stats()[str(fresh.resolve())] is None


def test_a_record_from_a_worker_stores_what_its_document_stores(tmp_path):
    """Ingest workers store Records (plain rows, the index text and the shingles they made), not
    Documents: storing either must give the same catalogue, reposts included, also a Record
    without its shingles (the writer makes them again when needed)."""
    from pathlib import Path

    from xuncha.catalogue.ingest import process_files
    from xuncha.pipeline import extract_file, iter_files

    root = Path(__file__).resolve().parents[1] / "samples" / "documents"
    paths = [str(p) for p in iter_files([root]) if "bad" not in Path(p).parts]
    results = process_files(paths)
    assert [path for path, *_ in results] == paths
    assert all(record is not None for _, record, *_ in results), [reason for _, _, reason, _ in results if reason]
    assert [sha for *_, sha in results] == [file_sha256(path) for path in paths]
    snaps = []
    with Catalogue(tmp_path / "records.db") as cat:
        outcomes = [cat.store(record, "sha-" + path) for path, record, *_ in results]
        cat.flush_index()
        snaps.append(snapshot(cat.conn))
    assert any(o.demoted or o.status == "duplicate" for o in outcomes)  # the samples hold a repost
    with Catalogue(tmp_path / "lean.db") as cat:  # without the shingle hashes
        lean = [record._replace(shingles=None) for _, record, *_ in results]
        assert [cat.store(record, "sha-" + record.path) for record in lean] == outcomes
        cat.flush_index()
        snaps.append(snapshot(cat.conn))
    with Catalogue(tmp_path / "documents.db") as cat:
        for path in paths:
            doc = extract_file(path)
            doc.path = path
            assert cat.store(doc, "sha-" + path) == outcomes.pop(0)
        cat.flush_index()
        snaps.append(snapshot(cat.conn))
    assert snaps[0] == snaps[1] == snaps[2]


def test_shared_writers_find_each_others_originals_and_flush_only_their_own_rows(tmp_path):
    """Two writers taking turns on one catalogue (the ingest's workers): an original one of them
    stored after the other loaded its SimHash index is still found by the other (catch_up), and
    each flush indexes only the flushing writer's documents. Together they make the catalogue one
    writer makes from the same files in the same order."""
    from pathlib import Path

    from xuncha.catalogue.ingest import process_files
    from xuncha.catalogue.store import GROUP_DOCS

    web = sorted((Path(__file__).resolve().parents[1] / "samples" / "documents" / "web").glob("*.txt"))
    text = web[0].read_text(encoding="utf-8")
    files = {"other.txt": web[1].read_text(encoding="utf-8"), "original.txt": text,
             "copy.txt": text.replace("。", "（转载）。", 1) + "\n编辑：本站\n"}
    for name, body in files.items():
        (tmp_path / name).write_text(body, encoding="utf-8")
    other, original, copy = [record for _, record, *_ in process_files([str(tmp_path / n) for n in files])]
    assert original.near_key != copy.near_key  # found as a near-duplicate, not by an equal key
    db = tmp_path / "shared.db"
    one, two = Catalogue(db, group=GROUP_DOCS, shared=True), Catalogue(db, group=GROUP_DOCS, shared=True)
    try:
        assert two.store(other).status == "new"  # (loads two's SimHash index)
        two.commit()
        one.catch_up()
        assert one.store(original).status == "new"
        one.commit()
        two.catch_up()
        outcome = two.store(copy)
        two.commit()
        assert (outcome.status, outcome.duplicate_of) == ("duplicate", original.path)
        unindexed = lambda: [r[0] for r in one.conn.execute("SELECT doc_id FROM fts_unindexed ORDER BY doc_id")]  # noqa: E731
        both = unindexed()
        assert len(both) == 2
        one.flush_index()
        assert unindexed() == [both[0]]  # two's document waits for two's rows
        two.flush_index()
        assert unindexed() == []
        shared = snapshot(one.conn)
    finally:
        one.close()
        two.close()
    with Catalogue(tmp_path / "single.db") as cat:
        for record in (other, original, copy):
            cat.store(record)
        cat.flush_index()
        assert snapshot(cat.conn) == shared


def _sample_records():
    from pathlib import Path

    from xuncha.catalogue.ingest import process_files
    from xuncha.pipeline import iter_files

    root = Path(__file__).resolve().parents[1] / "samples" / "documents"
    paths = [str(p) for p in iter_files([root]) if "bad" not in Path(p).parts]
    return [record for _, record, *_ in process_files(paths)]


def _all_words(conn) -> dict[str, list[str]]:
    from xuncha.catalogue.schema import FTS_KINDS

    return {kind: sorted(indexed_words(conn, kind).values()) for kind in FTS_KINDS}


def test_replaced_documents_leave_no_index_words_behind(tmp_path):
    """The FTS5 tables keep no bodies, so a replaced document's rows are deleted with the words the
    store makes again from its stored text and findings. Had any word differed from those indexed,
    it would stay in the index: after every sample is replaced, the index must hold exactly what a
    catalogue of the replacements holds."""
    records = _sample_records()
    replacements = [make_doc(r.path, f"第{i}号通知：县委巡察组进驻乡镇开展常规巡察。", problems=()) for i, r in enumerate(records)]
    with Catalogue(tmp_path / "a.db") as cat:
        outcomes = [cat.store(r, f"h{i}") for i, r in enumerate(records)]
        assert any(o.status == "duplicate" or o.demoted for o in outcomes)  # reposts hold no rows of their own
        cat.flush_index()
        assert len(indexed_words(cat.conn, "problems")) > 20
        for i, doc in enumerate(replacements[: len(records) // 2]):  # indexed ones...
            assert cat.store(doc, f"new{i}").status in ("updated", "duplicate")
        first = len(records) // 2
        cat.store(make_doc("/other.txt", ARTICLE), "o")  # ...and held ones, after another flush
        cat.flush_index()
        for i, doc in enumerate(replacements[first:], start=first):
            assert cat.store(doc, f"new{i}").status in ("updated", "duplicate")
    with Catalogue(tmp_path / "b.db") as cat:
        for i, doc in enumerate(replacements):
            cat.store(doc, f"new{i}")
        cat.store(make_doc("/other.txt", ARTICLE), "o")
    a, b = connect(tmp_path / "a.db", create=False), connect(tmp_path / "b.db", create=False)
    assert _all_words(a) == _all_words(b)
    assert a.execute("SELECT count(*) FROM fts_problems").fetchone()[0] == b.execute(
        "SELECT count(*) FROM fts_problems").fetchone()[0]


def test_a_catalogue_indexed_by_another_segmentation_is_indexed_again(tmp_path):
    """The catalogue names the segmentation its index words came from; a writer with another one
    (an upgrade, a new user dictionary) empties the FTS5 tables and indexes every original again."""
    records = _sample_records()
    with Catalogue(tmp_path / "c.db") as cat:
        assert not cat.reindexing
        for i, r in enumerate(records):
            cat.store(r, f"h{i}")
    conn = connect(tmp_path / "c.db", create=False)
    before = _all_words(conn)
    assert before["documents"] and before["problems"]
    conn.execute("UPDATE catalogue_meta SET value = 'another' WHERE key = 'index_form'")
    conn.close()
    with Catalogue(tmp_path / "c.db") as cat:
        assert cat.reindexing
        originals = cat.conn.execute("SELECT count(*) FROM documents WHERE duplicate_of IS NULL").fetchone()[0]
        assert unindexed_documents(cat.conn) == originals and not indexed_words(cat.conn, "documents")
    conn = connect(tmp_path / "c.db", create=False)
    assert unindexed_documents(conn) == 0 and _all_words(conn) == before
    assert search(conn, "巡察", kind="documents")


def test_version_6_catalogue_gets_findings_numbered_by_document(tmp_path, monkeypatch):
    """v7 numbers findings by document (no doc_id index per table) and keeps no FTS bodies. A v6
    catalogue keeps its findings in their order, under new ids, with their index rows."""
    from xuncha.catalogue import schema

    path = tmp_path / "c.db"
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:6])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 6)
    conn = sqlite3.connect(path, isolation_level=None)
    schema.migrate(conn)
    for doc_id, path_ in ((2, "/a.txt"), (7, "/b.txt")):
        conn.execute("INSERT INTO documents(id, path, file_sha256, text, warnings, ingested_at) "
                     "VALUES (?, ?, 'h', '巡察 反馈', '[]', 'now')", (doc_id, path_))
        conn.execute("INSERT INTO fts_documents(rowid, body) VALUES (?, '巡察 反馈')", (doc_id,))
    problems = [(4, 7, "公车 私用"), (5, 2, "超标准 接待"), (9, 7, "违规 发放 津补贴")]
    for pid, doc_id, text in problems:
        conn.execute('INSERT INTO problems(id, doc_id, text, start, "end") VALUES (?, ?, ?, 0, 4)', (pid, doc_id, text))
        conn.execute("INSERT INTO fts_problems(rowid, body) VALUES (?, ?)", (pid, text))
    conn.execute("INSERT INTO persons(id, doc_id, name) VALUES (3, 7, '王明')")
    conn.close()
    monkeypatch.undo()
    conn = connect(path, create=False)
    assert schema.schema_version(conn) == SCHEMA_VERSION >= 7
    first = schema.finding_ids
    assert [tuple(r) for r in conn.execute("SELECT id, doc_id, text FROM problems ORDER BY id")] == [
        (first(2)[0], 2, "超标准 接待"), (first(7)[0], 7, "公车 私用"), (first(7)[0] + 1, 7, "违规 发放 津补贴")]
    assert indexed_words(conn, "problems") == {first(2)[0]: "超标准 接待", first(7)[0]: "公车 私用",
                                               first(7)[0] + 1: "违规 发放 津补贴"}
    assert [tuple(r) for r in conn.execute("SELECT id, doc_id, name FROM persons")] == [(first(7)[0], 7, "王明")]
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert not {"counts_doc", "bodies_doc", "persons_doc", "measures_doc"} & indexes
    assert "problems_doc_class" not in indexes  # (gone in v8: search reads a document's id range)
    assert [h["path"] for h in search(conn, "公车", kind="problems")] == ["/b.txt"]
    assert [p.text for p in load_document(conn, "/b.txt").problems] == ["公车 私用", "违规 发放 津补贴"]
    conn.close()


def test_an_ingest_indexes_again_a_catalogue_of_another_segmentation(tmp_path):
    """`xuncha ingest` into a catalogue indexed by another segmentation indexes its documents again
    before it reads anything (with its own progress bar), and the catalogue stays searchable."""
    from pathlib import Path

    from xuncha.catalogue.ingest import ingest

    root = Path(__file__).resolve().parents[1] / "samples" / "documents"
    good = [p for p in root.iterdir() if p.name != "bad"]
    db = tmp_path / "c.db"
    ingest(good, db, workers=1, progress=False)
    conn = connect(db, create=False)
    before = _all_words(conn)
    conn.execute("UPDATE catalogue_meta SET value = 'another' WHERE key = 'index_form'")
    conn.close()
    summary = ingest(good, db, workers=1, progress=False)
    assert summary.new == 0 and summary.unchanged == summary.seen
    conn = connect(db, create=False)
    assert unindexed_documents(conn) == 0 and _all_words(conn) == before


def test_a_document_with_more_findings_than_its_id_range_fails_alone(tmp_path, monkeypatch):
    """Findings are numbered inside their document's id range; a document with more of one kind
    is refused as that file's error (its transaction rolled back) and the ingest goes on."""
    from pathlib import Path

    import xuncha.catalogue.store as store
    from xuncha.catalogue.ingest import ingest

    root = Path(__file__).resolve().parents[1] / "samples" / "documents"
    good = [p for p in root.iterdir() if p.name != "bad"]
    small = tmp_path / "small.txt"  # few findings: stored
    small.write_text("县委巡察组进驻县林业局开展常规巡察，为期一个月。\n", encoding="utf-8")
    monkeypatch.setattr(store, "MAX_FINDINGS", 3)  # (a real range holds 1,048,575)
    summary = ingest([*good, small], tmp_path / "c.db", workers=1, progress=False)
    refused = [e for e in summary.errors if "more than the catalogue keeps (3)" in e.reason]
    assert refused and summary.failed == len(refused) and summary.new + summary.duplicates > 0
    conn = connect(tmp_path / "c.db", create=False)
    stored = {p for (p,) in conn.execute("SELECT path FROM documents")}
    assert str(small) in stored and not stored & {e.path for e in refused}
    assert {p for (p,) in conn.execute("SELECT path FROM errors")} == {e.path for e in refused}
    for kind in ("problems", "counts", "bodies", "measures", "persons"):  # nothing of a refused one is left
        assert conn.execute(f"SELECT count(*) FROM {kind}").fetchone()[0] <= 3 * len(stored), kind
    assert unindexed_documents(conn) == 0


GROUP_TEXTS = {
    "/g/a.txt": "县委第二巡察组进驻县水利局，发现工程款拨付审核不严的问题，已督促整改。",
    "/g/b.txt": "市纪委监委通报三起违规收送礼品礼金典型案例，要求各级党组织引以为戒。",
    "/g/bad.txt": "镇党委召开专题会议，查找到村级财务公开不及时、集体资产登记不全的问题。",
    "/g/c.txt": "区委巡察办组织业务培训，讲解巡察底稿规范，参训干部共计四十二人。",
}


def _group_doc(path: str) -> Document:
    text = GROUP_TEXTS[path]
    clauses = [c for c in text.rstrip("。").split("，") if c][:2]
    return make_doc(path, text, problems=[(c, "party_gov", "B2") for c in clauses])


def _stored(db) -> dict[str, int]:
    """path → its problems, as another connection sees the catalogue."""
    conn = connect(db, create=False)
    try:
        return {p: conn.execute("SELECT count(*) FROM problems WHERE doc_id = ?", (i,)).fetchone()[0]
                for i, p in conn.execute("SELECT id, path FROM documents")}
    finally:
        conn.close()


def test_a_group_commits_together_and_a_failing_document_leaves_no_trace(tmp_path, monkeypatch):
    """The ingest's writer commits documents in groups (each under its own savepoint): other
    connections see them once committed, and a document refused inside a group is rolled back
    whole while the group's other documents stay."""
    import xuncha.catalogue.store as store
    from xuncha.errors import IngestError

    db = tmp_path / "c.db"
    with Catalogue(db, group=8) as cat:
        cat.store(_group_doc("/g/a.txt"), "ha")
        cat.store(_group_doc("/g/b.txt"), "hb")
        assert _stored(db) == {}  # not committed yet
        monkeypatch.setattr(store, "MAX_FINDINGS", 1)  # the next document has two problems: refused
        with pytest.raises(IngestError):
            cat.store(_group_doc("/g/bad.txt"), "hbad")
        monkeypatch.setattr(store, "MAX_FINDINGS", 1 << 20)
        cat.store(_group_doc("/g/c.txt"), "hc")
        cat.commit()
        assert _stored(db) == {"/g/a.txt": 2, "/g/b.txt": 2, "/g/c.txt": 2}
    conn = connect(db, create=False)
    assert conn.execute("SELECT count(*) FROM problems").fetchone()[0] == 6  # none of the refused one's
    assert unindexed_documents(conn) == 0
    assert [h["path"] for h in search(conn, "四十二人", kind="documents")] == ["/g/c.txt"]
    assert search(conn, "集体资产", kind="documents") == []


def test_a_writer_killed_inside_a_group_leaves_the_committed_documents_whole(tmp_path):
    """Killed with a group open, the writer leaves what it committed, whole and findable, and
    nothing of the documents after (no half-written document, no index row without a document)."""
    db = tmp_path / "c.db"
    _writer_killed_after(db, "Catalogue(%r, group=8)",
                         "cat.store(_group_doc('/g/a.txt'), 'ha')",
                         "cat.store(_group_doc('/g/b.txt'), 'hb')",
                         "cat.commit()",
                         "cat.store(_group_doc('/g/c.txt'), 'hc')")
    assert _stored(db) == {"/g/a.txt": 2, "/g/b.txt": 2}
    conn = connect(db, create=False)
    assert conn.execute("SELECT count(*) FROM problems").fetchone()[0] == 4
    assert [h["path"] for h in search(conn, "工程款", kind="problems")] == ["/g/a.txt"]
    assert search(conn, "四十二人", kind="documents") == []
    assert unindexed_documents(conn) == 0


def test_a_group_whose_commit_fails_is_reported_not_lost_silently(tmp_path):
    """If the last commit fails (a full disk), closing the writer raises: the documents stored
    in that group are not in the catalogue, and the caller must hear of it."""
    db = tmp_path / "c.db"
    cat = Catalogue(db, group=8)
    cat.store(_group_doc("/g/a.txt"), "ha")
    cat.commit()
    cat.store(_group_doc("/g/b.txt"), "hb")
    real = cat.conn

    class FullDisk:
        def execute(self, sql, *args):
            if sql == "COMMIT":
                raise sqlite3.OperationalError("database or disk is full")
            return real.execute(sql, *args)

        def __getattr__(self, name):
            return getattr(real, name)

    cat.conn = FullDisk()
    with pytest.raises(CatalogueError, match=r"cannot commit the last 1 document\(s\) stored \(database or disk is full\)"):
        cat.close()
    assert _stored(db) == {"/g/a.txt": 2}
