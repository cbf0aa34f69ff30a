"""End to end through the CLI: a folder of generated documents in every format is ingested,
searched, turned into a checklist and ingested again; then the reliability promises: SIGKILL at
random moments, bad files, two ingests at once."""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from render_formats import Article, render_docx, render_html, render_pdf, render_text
from xuncha.catalogue.ingest import CatalogueLock
from xuncha.catalogue.search import search
from xuncha.catalogue.store import Catalogue, connect, snapshot
from xuncha.classify.taxonomy import load_taxonomy
from xuncha.document import Document, Problem

PLACES = [("浙江省", "兰溪市"), ("福建省", "三明市"), ("江苏省", "宜兴市"), ("湖南省", "长沙县"),
          ("浙江省", "浦江县"), ("广西壮族自治区", "南宁市"), ("安徽省", "歙县"), ("四川省", "郫都区")]
UNITS = {  # domain → (inspected unit, problems found)
    "party_gov": ("市自然资源和规划局党组", ["理论学习中心组学习流于形式", "违规发放津补贴", "干部轮岗交流制度执行不到位"]),
    "soe": ("市城市发展投资集团党委", ["工程项目招投标不规范，存在围标串标问题", "业务招待费管理失控", "国有资产监管不到位"]),
    "school": ("县第一中学党委", ["学校食堂大宗食材采购不规范", "违规收取教辅资料费", "个别教师违规有偿补课"]),
    "hospital": ("市人民医院党委", ["药品耗材采购管理不规范", "个别医务人员收受患者红包", "医保基金使用不规范"]),
    "village": ("城东村党总支", ["村级财务管理混乱", "低保审核中存在优亲厚友现象", "集体资产发包不规范"]),
    "township": ("城关镇党委", ["惠农补贴发放审核把关不严", "落实安全生产属地责任不到位", "镇党委议事决策不规范"]),
    "mass_org": ("市总工会党组", ["工会经费使用管理不规范", "困难职工帮扶资金发放不及时", "联系服务职工群众机关化倾向依然存在"]),
}
DOMAINS = list(UNITS)
# Pools of sentences so that no two generated reports read alike (ingestion links near-duplicates).
CONTEXT = [
    "本轮巡察是该市换届后开展的第二轮常规巡察，共派出五个巡察组。",
    "此次巡察首次采用提级交叉方式，由市委巡察办统一调度。",
    "巡察前，巡察组与纪检监察、审计、信访等部门召开沟通协调会，全面掌握被巡察单位情况。",
    "按照年度巡察工作计划，今年将实现对市直单位巡察全覆盖。",
    "巡察组还下沉到基层站所，听取一线干部职工的意见建议。",
    "为增强监督实效，巡察组邀请财务审计人员全程参与。",
    "进驻首日，巡察组即在单位公示栏公布了举报电话和邮箱。",
    "巡察期间正值防汛关键期，巡察组坚持监督与服务相结合。",
]
METHOD = [
    "巡察组坚持问题导向，重点查看了近三年的会议纪要和大额资金支出凭证。",
    "通过调阅账目、实地走访和问卷测评相结合的方式，巡察组逐项核实了群众反映的问题。",
    "巡察组对群众反映集中的事项开展了专项核查，对共性问题进行了分类梳理。",
    "巡察组抽查了下属单位的合同台账，并对重点项目开展了现场查看。",
    "针对信访反映的线索，巡察组采取延伸了解等方式核实情况。",
    "巡察组对照权力清单，对关键岗位履职情况进行了逐一比对。",
    "巡察组通过座谈会、个别访谈和随机走访，听取了服务对象的评价。",
    "巡察组以专项检查报告为基础，对整改承诺事项进行了跟踪核对。",
]
FOLLOW = [
    "下一步，市纪委监委将对巡察移交的问题线索优先处置。",
    "市委组织部将把巡察整改情况作为领导班子考核的重要内容。",
    "整改期间，巡察办将采取随机抽查方式检验整改成效。",
    "对整改不到位的，将视情况开展巡察回头看。",
    "巡察整改情况将按规定向党内通报并向社会公开。",
    "巡察办将会同审计部门对整改涉及的资金问题进行跟踪审计。",
    "市委将于年底前组织对整改落实情况进行专项督查。",
    "各被巡察党组织须在规定时间内报送整改进展情况。",
]
FORMATS = ["txt", "gbk", "big5", "html", "docx", "pdf"]


def article(i: int) -> tuple[Article, dict]:
    """The i-th generated report and the facts planted in it."""
    province, city = PLACES[i % len(PLACES)]
    domain = DOMAINS[i % len(DOMAINS)]
    unit, problems = UNITS[domain]
    year, month, day = 2021 + i % 3, 1 + i % 12, 1 + (i * 7) % 28
    talk = 30 + i * 7
    paras = [
        f"近日，{city}委第{'一二三四五'[i % 5]}巡察组向{city}{unit}反馈巡察情况。巡察组进驻期间共开展个别谈话{talk}人次，"
        f"受理信访举报{10 + i}件，发现问题线索{1 + i % 4}件。",
        f"巡察组指出，{unit}存在以下问题：一是{problems[0]}；二是{problems[1]}；三是{problems[2]}。",
        f"{city}委巡察办要求，被巡察党组织要落实整改主体责任，建立问题、任务、责任三张清单，"
        f"在两个月内报送整改报告。",
        CONTEXT[i % 8] + METHOD[(i * 3 + i // 8) % 8] + FOLLOW[(i * 5 + i // 4) % 8],
    ]
    if i % 3 == 0:
        paras.append(f"{city}纪委监委对该单位主要负责人进行了约谈，督促其履行第一责任人职责。")
    title = f"{city}委巡察组向{unit}反馈巡察情况（第{i + 1}号）"
    facts = {"domain": domain, "yuetan": i % 3 == 0, "date": f"{year}-{month:02d}-{day:02d}", "city": city,
             "problems": problems}
    return Article(title, paras, date=facts["date"], source=f"{province}{city}纪委监委"), facts


def render(i: int, folder: Path) -> tuple[Path, dict]:
    art, facts = article(i)
    fmt = FORMATS[i % len(FORMATS)]
    base = folder / f"doc{i:02d}"
    if fmt == "txt":
        path = base.with_suffix(".txt")
        page = ["首页 | 工作动态 | 巡察工作 | 廉政教育", "当前位置：首页 > 巡察工作", "", art.title, art.meta_line, "",
                *art.paragraphs, "", "（责任编辑：王敏）", "【返回顶部】【打印】【关闭】", "版权所有 纪检监察网"]
        path.write_text("\n".join(page) + "\n", encoding="utf-8")
    elif fmt == "gbk":
        path = render_text(art, base.with_suffix(".txt"), "gbk")
    elif fmt == "big5":
        path = render_text(art, base.with_suffix(".txt"), "big5")
    elif fmt == "html":
        path = render_html(art, base.with_suffix(".html"))
    elif fmt == "docx":
        path = render_docx(art, base.with_suffix(".docx"))
    else:
        path = render_pdf(art, base.with_suffix(".pdf"))
    facts["format"] = fmt
    return path, facts


def make_corpus(folder: Path, n: int) -> dict[str, dict]:
    """n documents cycling through every format, plus one repost of document 0 on another site."""
    folder.mkdir(parents=True, exist_ok=True)
    facts = {}
    for i in range(n):
        path, f = render(i, folder)
        facts[path.name] = f
    art, f = article(0)
    repost = folder / "zz_repost_of_doc00.txt"
    repost.write_text("\n".join(["转载 · 某某新闻网 > 地方新闻", art.title, f"{art.date} 来源：某某新闻网", "",
                                 *art.paragraphs, "", "编辑：李华", "分享到：微信 微博"]) + "\n", encoding="utf-8")
    facts[repost.name] = {**f, "repost": True}
    return facts


def xuncha(*args, timeout=300, **kw):
    return subprocess.run([sys.executable, "-m", "xuncha.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, **kw)


def search_names(db, *args) -> list[str]:
    """File names of the hits of `xuncha search ARGS --json` (all of them)."""
    r = xuncha("search", *args, "--db", db, "--json", "--limit", 100)
    assert r.returncode == 0, r.stderr
    return sorted(Path(json.loads(x)["path"]).name for x in r.stdout.splitlines())


def found(conn, query, **filters) -> list[str]:
    """The same through the library (each CLI call pays the segmenter's start-up)."""
    return sorted(Path(h["path"]).name for h in search(conn, query, limit=100, **filters))


def test_ingest_search_checklist_reingest(tmp_path):
    docs = tmp_path / "docs"
    facts = make_corpus(docs, 12)
    db = tmp_path / "c.db"
    r = xuncha("ingest", docs, "--db", db, "--workers", 2)
    assert r.returncode == 0, r.stderr
    assert "seen 13" in r.stderr and "new 12" in r.stderr and "duplicates 1" in r.stderr and "failed 0" in r.stderr

    stats = json.loads(xuncha("stats", "--db", db, "--json").stdout)
    assert (stats["documents"], stats["duplicates"], stats["errors"]) == (13, 1, 0)
    assert set(stats["documents_by_format"]) >= {"txt", "html", "docx", "pdf"}

    # two-character terms, in every format (Big5 text is stored in simplified script)
    conn = connect(db, create=False)
    originals = {name for name, f in facts.items() if not f.get("repost")}
    assert search_names(db, "巡察") == sorted(originals)
    want_yuetan = sorted(name for name, f in facts.items() if f["yuetan"] and not f.get("repost"))
    assert found(conn, "约谈") == want_yuetan
    assert {facts[n]["format"] for n in want_yuetan} >= {"txt", "html"}
    assert found(conn, "低保") == sorted(n for n in originals if facts[n]["domain"] == "village")

    # filters agree with what the catalogue holds
    dates = {Path(p).name: d for p, d in conn.execute("SELECT path, date FROM documents WHERE duplicate_of IS NULL")}
    assert sum(1 for d in dates.values() if d) >= 8, dates  # metadata found dates in most formats
    since = search_names(db, "巡察", "--since", "2022-06")
    assert since == sorted(n for n, d in dates.items() if d and d[:7] >= "2022-06") and 0 < len(since) < 12
    until = found(conn, "巡察", until="2021")
    assert until == sorted(n for n, d in dates.items() if d and d[:4] <= "2021") and 0 < len(until) < 12
    regions = {Path(p).name: f"{r or ''} {s or ''}" for p, r, s in
               conn.execute("SELECT path, region, source FROM documents WHERE duplicate_of IS NULL")}
    in_sanming = found(conn, "巡察", region="三明")
    assert in_sanming == sorted(n for n, r in regions.items() if "三明" in r) and in_sanming
    for domain in {d for (d,) in conn.execute("SELECT DISTINCT domain FROM problems WHERE domain IS NOT NULL")}:
        hits = found(conn, "巡察", domain=domain)
        with_domain = {Path(p).name for (p,) in conn.execute(
            "SELECT DISTINCT d.path FROM problems p JOIN documents d ON d.id = p.doc_id WHERE p.domain = ?", (domain,))}
        assert set(hits) == with_domain

    # re-ingest changes nothing
    before = snapshot(conn)
    r = xuncha("ingest", docs, "--db", db, "--workers", 2)
    assert r.returncode == 0 and "unchanged 13" in r.stderr and "new 0" in r.stderr, r.stderr
    assert snapshot(conn) == before

    # checklist from the catalogue: with hand-classified problems added through the store API,
    # the DOCX has a heading for every domain present and the items themselves
    with Catalogue(db) as cat:
        text = "；".join(p for d in ("soe", "hospital") for p in UNITS[d][1])
        extra = Document(path=str(tmp_path / "manual.txt"), sha256="manual", title="人工标注的问题", date="2023-01-01",
                         text=text)
        for d, cid in (("soe", "B5"), ("hospital", "B4")):
            for p in UNITS[d][1][:2]:
                extra.problems.append(Problem(p, text.find(p), text.find(p) + len(p), category=cid, domain=d))
        cat.store(extra)
    out = tmp_path / "list.docx"
    r = xuncha("checklist", "--db", db, "--out", out)
    assert r.returncode == 0, r.stderr
    d = docx.Document(str(out))
    paras = [p.text for p in d.paragraphs]
    tax = load_taxonomy()
    present = [tax.domains[x] for x in tax.domains
               if conn.execute("SELECT 1 FROM problems WHERE domain = ? AND category IS NOT NULL", (x,)).fetchone()]
    headings = [p.text.split("、", 1)[1] for p in d.paragraphs if p.style.name == "Heading 1"]
    assert headings[: len(present)] == present and {"国有企业", "公立医院"} <= set(headings)
    cells = " ".join(c.text for t in d.tables for row in t.rows for c in row.cells)
    assert "业务招待费管理失控" in cells and "个别医务人员收受患者红包" in cells and "□ 不存在" in cells
    rfonts = d.paragraphs[0].runs[0]._r.rPr.find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) and paras[0] == tax.title
    conn.close()


def _count_docs(db: Path) -> int:
    try:
        c = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return c.execute("SELECT count(*) FROM documents").fetchone()[0]
        finally:
            c.close()
    except sqlite3.Error:
        return -1


def _children(pid: int) -> list[int]:
    try:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
        return [int(x) for x in out.split()]
    except OSError:
        return []


def test_sigkill_then_rerun_gives_same_catalogue(tmp_path):
    docs = tmp_path / "docs"
    n = 120
    make_corpus(docs, n)  # enough that an ingest lasts long enough to be killed part-way (40 took ~1 s)
    ref = tmp_path / "ref.db"
    assert xuncha("ingest", docs, "--db", ref, "--workers", 2).returncode == 0
    db = tmp_path / "killed.db"
    rng = random.Random()
    kills = []
    for attempt in range(3):
        # kill after a random number of stored documents (or at a random early moment)
        target = max(_count_docs(db), 0) + rng.randint(1, 6) if attempt else None
        delay = rng.uniform(0.2, 1.0)
        proc = subprocess.Popen([sys.executable, "-m", "xuncha.cli", "ingest", str(docs), "--db", str(db),
                                 "--workers", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        start = time.monotonic()
        while proc.poll() is None and time.monotonic() - start < 120:
            if (target is None and time.monotonic() - start >= delay) or (target and _count_docs(db) >= target):
                workers = _children(proc.pid)
                proc.send_signal(signal.SIGKILL)
                kills.append((target, round(time.monotonic() - start, 2), _count_docs(db)))
                break
            time.sleep(0.02)
        proc.wait(timeout=60)
        for w in workers if proc.returncode == -signal.SIGKILL else []:
            for _ in range(100):  # workers die with the parent (no orphans holding files)
                if not Path(f"/proc/{w}").exists() or "Z" in Path(f"/proc/{w}/stat").read_text().split()[2]:
                    break
                time.sleep(0.05)
            else:
                pytest.fail(f"worker {w} outlived the killed ingest")
    assert len(kills) >= 2, kills  # the ingest really was killed (it can outrun a late target once)
    r = xuncha("ingest", docs, "--db", db, "--workers", 2)
    assert r.returncode == 0, (kills, r.stderr)
    a, b = connect(ref, create=False), connect(db, create=False)
    assert a.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert b.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert snapshot(b) == snapshot(a), kills
    paths = [p for (p,) in b.execute("SELECT path FROM documents")]
    assert len(paths) == len(set(paths)) == n + 1


def test_bad_files_recorded_good_files_stored(tmp_path):
    docs = tmp_path / "docs"
    make_corpus(docs, 6)
    (docs / "empty.txt").write_bytes(b"")
    rng = random.Random(1)
    (docs / "binary.txt").write_bytes(bytes(rng.randrange(256) for _ in range(4000)))
    pdf = next(docs.glob("*.pdf")).read_bytes()
    (docs / "truncated.pdf").write_bytes(pdf[: len(pdf) // 3])
    (docs / "broken.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    (docs / "renamed.pdf").write_text("这是一段普通文字，不是PDF文件。\n", encoding="utf-8")
    db = tmp_path / "c.db"
    r = xuncha("ingest", docs, "--db", db, "--workers", 2)
    assert r.returncode == 1
    conn = connect(db, create=False)
    errors = {Path(p).name: reason for p, reason in conn.execute("SELECT path, reason FROM errors")}
    assert set(errors) == {"empty.txt", "binary.txt", "truncated.pdf", "broken.docx", "renamed.pdf"}
    assert all(reason and "\n" not in reason for reason in errors.values())
    stored = {Path(p).name for (p,) in conn.execute("SELECT path FROM documents")}
    assert stored == {p.name for p in docs.iterdir()} - set(errors)
    for name in errors:  # one line each on stderr, no traceback
        assert sum(name in line for line in r.stderr.splitlines()) == 1
    assert "Traceback" not in r.stderr and "failed 5" in r.stderr
    # fixing a file clears its error on the next run
    (docs / "empty.txt").write_text("县委巡察组反馈指出，该局存在违规发放津补贴问题。\n", encoding="utf-8")
    r = xuncha("ingest", docs, "--db", db, "--workers", 1)
    assert r.returncode == 1 and "failed 4" in r.stderr and "new 1" in r.stderr
    assert "empty.txt" not in {Path(p).name for (p,) in conn.execute("SELECT path FROM errors")}


def test_second_ingest_waits_or_fails_cleanly(tmp_path):
    docs = tmp_path / "docs"
    make_corpus(docs, 6)
    db = tmp_path / "c.db"
    # while another ingest holds the catalogue: --wait 0 fails at once with one line, nothing written
    with CatalogueLock(db, wait=0):
        r = xuncha("ingest", docs, "--db", db, "--wait", 0)
        assert r.returncode == 2 and "another ingest" in r.stderr and "Traceback" not in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
        assert not db.exists() or _count_docs(db) <= 0
    # two real ingests started together: the second waits, then finds everything stored
    procs = [subprocess.Popen([sys.executable, "-m", "xuncha.cli", "ingest", str(docs), "--db", str(db),
                               "--workers", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    summaries = sorted(err.strip().splitlines()[-1] for _, err in results)
    assert any("new 6" in s for s in summaries) and any("unchanged 7" in s for s in summaries), summaries
    conn = connect(db, create=False)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert tuple(conn.execute("SELECT count(*), count(DISTINCT path) FROM documents").fetchone()) == (7, 7)
