"""Shared helpers for word lists kept as data."""

from __future__ import annotations

from xuncha.nlp import lexicon


def test_literal_re_takes_the_longest_word_and_escapes_literals():
    pat = lexicon.literal_re(["纪委", "纪委监委", "a+b"])
    assert [m.group() for m in pat.finditer("县纪委监委和纪委，a+b")] == ["纪委监委", "纪委", "a+b"]
    assert lexicon.literal_re(["书记"], r"\Z").search("党委书记") and not lexicon.literal_re(["书记"], r"\Z").search("书记说")


def test_literal_re_of_no_words_never_matches():
    """An empty alternation would match at every position; an empty list must match nowhere."""
    for suffix in ("", r"\s*[:：]?\s*"):
        pat = lexicon.literal_re([], suffix)
        assert pat.search("") is None and pat.search("任何文字 ：") is None
    assert lexicon.literal_re(["", ""]).search("abc") is None
