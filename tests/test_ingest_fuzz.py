"""Odd input never raises anything but IngestError (property tests)."""

from __future__ import annotations


from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xuncha.errors import IngestError
from xuncha.ingest import document_from_text, read_document

PIECES = ["监(jiān)督", "（", "）", "(", ")", "来源：", "发布时间：2022年05月20日", "责编：", "返回顶部", "|", "\n",
          "　", "２０２２", "县纪委监委", "郧西", "江北:", "?qū)", "\ue309", "(完)", "(汤鸿鸽)", "新华社北京3月5日电（记者",
          "澳门新葡京", "。", "，", "本报讯", "第 1 页", "关于", "的通报", "2023年13月45日", "http://x.cn", "\x00", "\ufffd"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=30)), max_size=40))
def test_text_never_raises_other_errors(parts):
    try:
        doc = document_from_text("".join(parts))
    except IngestError:
        return
    assert isinstance(doc.text, str) and doc.text.strip()
    assert doc.date is None or len(doc.date) == 10


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=3000),
       prefix=st.sampled_from([b"", b"%PDF-1.4\n", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe", b"<html>"]),
       ext=st.sampled_from([".txt", ".pdf", ".docx", ".html", ".md", ""]))
def test_files_never_raise_other_errors(tmp_path, data, prefix, ext):
    path = tmp_path / f"f{ext}"
    path.write_bytes(prefix + data)
    try:
        read_document(path)
    except IngestError as err:
        assert "\n" not in str(err) and str(err).startswith(str(path))


def test_text_with_a_lone_surrogate_is_refused_with_a_reason():
    import pytest

    with pytest.raises(IngestError, match="lone surrogate"):
        document_from_text("县纪委监委开展巡察\ud800工作。")
