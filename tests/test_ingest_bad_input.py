"""Every kind of bad input gives one IngestError with a clear one-line reason, and a batch goes on."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from render_formats import Article, render_docx, render_pdf
from xuncha.errors import IngestError
from xuncha.ingest import read_document

ARTICLE = Article(
    title="某县纪委监委扎实推进同级监督",
    date="2023-04-12",
    source="某县纪委监委网站",
    paragraphs=[
        "今年以来，某县纪委监委聚焦“一把手”和领导班子监督，开展廉政谈话46人次，督促整改问题18个。",
        "县纪委监委结合巡察反馈问题，对12家单位开展专项检查，发现制度执行不严格等问题23个，"
        "已全部移交相关单位整改。" * 3,
        "下一步，该县将持续深化同级监督，推动全面从严治党向纵深发展。",
    ],
)


def reason(path: Path) -> str:
    with pytest.raises(IngestError) as info:
        read_document(path)
    err = info.value
    assert str(err).startswith(str(path)) and "\n" not in str(err)
    return err.reason


def test_empty_and_whitespace_files(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b" \r\n\t\n")
    assert "empty" in reason(tmp_path / "empty.txt")
    assert "empty" in reason(tmp_path / "blank.txt")


def test_binary_junk_named_txt(tmp_path):
    junk = tmp_path / "junk.txt"
    junk.write_bytes(os.urandom(20000))
    assert "binary" in reason(junk)


def test_image_named_txt_is_named(tmp_path):
    png = tmp_path / "photo.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(500))
    assert "PNG" in reason(png)


def test_truncated_pdf(tmp_path):
    full = render_pdf(ARTICLE, tmp_path / "full.pdf")
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    assert "corrupt PDF" in reason(cut)


def test_garbage_after_pdf_header(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\n" + os.urandom(3000) + b"\n%%EOF\n")
    assert "corrupt PDF" in reason(bad)


def test_encrypted_pdf(tmp_path):
    locked = render_pdf(ARTICLE, tmp_path / "locked.pdf", encrypt="s3cret")
    assert "encrypted PDF" in reason(locked)


def test_pdf_without_text_layer(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path))
    for _ in range(2):  # two "scanned" pages: only shapes, no text objects
        c.rect(50, 50, 400, 600, fill=1)
        c.showPage()
    c.save()
    assert reason(path) == "no extractable text (scanned PDF?)"


def test_broken_docx_zip(tmp_path):
    good = render_docx(ARTICLE, tmp_path / "good.docx")
    broken = tmp_path / "broken.docx"
    broken.write_bytes(good.read_bytes()[:3000])
    assert "corrupt DOCX" in reason(broken)


def test_zip_that_is_not_a_word_document(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("notes.txt", "hello")
    path = tmp_path / "notes.docx"
    path.write_bytes(buf.getvalue())
    assert "corrupt DOCX" in reason(path)


def test_file_over_size_limit(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:  # 50 MB of plausible text
        line = ("今年以来，县纪委监委开展谈心谈话15人次。" * 20 + "\n").encode("utf-8")
        while fh.tell() < 50 * 1024 * 1024:
            fh.write(line * 100)
    assert "too large" in reason(big)


def test_size_limit_can_be_raised(tmp_path, monkeypatch):
    path = tmp_path / "mid.txt"
    path.write_text(ARTICLE.title + "\n\n" + "\n".join(ARTICLE.paragraphs) * 40, encoding="utf-8")
    monkeypatch.setenv("XUNCHA_MAX_FILE_MB", "0.01")
    assert "too large" in reason(path)
    monkeypatch.setenv("XUNCHA_MAX_FILE_MB", "5")
    assert read_document(path).title == ARTICLE.title


def test_mixed_encodings(tmp_path):
    path = tmp_path / "mixed.txt"
    first = "\n".join(ARTICLE.paragraphs[:2]).encode("utf-8")
    second = "\n".join(ARTICLE.paragraphs[1:]).encode("gb18030")
    path.write_bytes(ARTICLE.title.encode("utf-8") + b"\n" + first + b"\n" + second)
    assert "mixed text encodings" in reason(path)


@pytest.mark.parametrize("name", ["sheet.xlsx", "slides.pptx", "old.doc", "data.csv", "clip.mp4"])
def test_unsupported_types(tmp_path, name):
    path = tmp_path / name
    path.write_bytes("县纪委监委开展谈心谈话。".encode("utf-8"))
    assert "unsupported" in reason(path) or "not a" in reason(path)


def test_text_renamed_pdf(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_text("\n".join([ARTICLE.title, *ARTICLE.paragraphs]), encoding="utf-8")
    assert "not a PDF" in reason(path)


def test_pdf_named_txt_is_read_as_pdf(tmp_path):
    pdf = render_pdf(ARTICLE, tmp_path / "a.pdf")
    disguised = tmp_path / "a.txt"
    disguised.write_bytes(pdf.read_bytes())
    doc = read_document(disguised)
    assert doc.format == "pdf" and doc.title == ARTICLE.title
    assert "46人次" in doc.text


def test_only_furniture_is_an_error(tmp_path):
    path = tmp_path / "nav.txt"
    path.write_text("首页 | 要闻 | 工作动态 | 审查调查\n返回顶部\n版权所有 © 清风网\n", encoding="utf-8")
    assert "no article text" in reason(path)


def test_extract_folder_reports_each_bad_file_and_outputs_good_ones(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a_empty.txt").write_bytes(b"")
    (folder / "b_junk.txt").write_bytes(os.urandom(5000))
    (folder / "c_fake.pdf").write_text("这不是PDF文件，只是改了扩展名的文本。", encoding="utf-8")
    (folder / "d_sheet.xlsx").write_bytes(b"PK\x03\x04broken")
    render_pdf(ARTICLE, folder / "e_good.pdf")
    render_docx(ARTICLE, folder / "f_good.docx")
    (folder / "g_good.txt").write_text("\n".join([ARTICLE.title, *ARTICLE.paragraphs]), encoding="gb18030")
    r = subprocess.run([sys.executable, "-m", "xuncha.cli", "extract", str(folder), "--json"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 1
    docs = [json.loads(line) for line in r.stdout.splitlines()]
    assert sorted(Path(d["path"]).name for d in docs) == ["e_good.pdf", "f_good.docx", "g_good.txt"]
    assert all(d["title"] == ARTICLE.title for d in docs)
    # The same article in three formats is one article: the later two link to the first.
    assert [d["duplicate_of"] is None for d in docs] == [True, False, False]
    errors = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(errors) == 4
    for name in ("a_empty.txt", "b_junk.txt", "c_fake.pdf", "d_sheet.xlsx"):
        assert sum(name in line for line in errors) == 1


def test_utf8_with_one_damaged_line_is_read_with_a_warning(tmp_path):
    path = tmp_path / "damaged.txt"
    good = "\n".join([ARTICLE.title, *ARTICLE.paragraphs * 4]).encode("utf-8")
    path.write_bytes(good + "\n（完）".encode("utf-8")[:-1] + b"\n")  # last character cut mid-byte
    doc = read_document(path)
    assert doc.title == ARTICLE.title and "46人次" in doc.text
    assert any("not valid UTF-8" in w for w in doc.warnings)


def test_short_legacy_texts_get_the_right_codec(tmp_path):
    """Statistical detectors mix up GBK and Big5 on short texts; common-character scoring does not."""
    from xuncha.ingest.encoding import decode_text

    simplified = "县纪委监委召开警示教育大会，通报了5起典型案例。"
    traditional = "縣紀委監委召開警示教育大會，通報了5起典型案例。"
    assert decode_text(simplified.encode("gbk"), "a.txt") == (simplified, "gb18030")
    assert decode_text(traditional.encode("big5"), "b.txt") == (traditional, "big5")
    assert decode_text(traditional.encode("gb18030"), "c.txt") == (traditional, "gb18030")
