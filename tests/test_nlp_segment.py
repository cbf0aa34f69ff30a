"""Segmentation with the domain dictionary, bracket protection and the sentence splitter."""

from __future__ import annotations

from xuncha.nlp.protect import bracket_spans, name_spans
from xuncha.nlp.segment import cut, tag
from xuncha.nlp.sentences import sentence_spans, sentences


def test_domain_words_are_single_tokens():
    words = cut("县纪委监委开展谈心谈话，落实一岗双责和三重一大决策制度，召开民主生活会，发放提醒卡")
    for term in ("纪委监委", "谈心谈话", "一岗双责", "三重一大", "民主生活会", "提醒卡"):
        assert term in words or any(term in w for w in words if len(w) > len(term)), term


def test_bracketed_names_stay_whole_and_text_is_preserved():
    text = "推出“两卡一书”和《廉政提示卡》，他说：“我们要主动接受监督，把‘严’的主基调长期坚持下去。”"
    words = cut(text)
    assert "".join(words) == text
    assert "两卡一书" in words and "廉政提示卡" in words
    assert "我们要主动接受监督，把‘严’的主基调长期坚持下去。" not in words  # speech is segmented


def test_bracket_pairs_nested_and_unbalanced():
    text = "《巡察监督发现“一把手”常见问题提醒清单》“未闭合\n下一行”"
    spans = bracket_spans(text)
    assert [text[b.start:b.end] for b in spans] == ["《巡察监督发现“一把手”常见问题提醒清单》", "“一把手”"]
    assert [text[s:e] for s, e in name_spans(text)][0] == "巡察监督发现“一把手”常见问题提醒清单"


def test_tag_marks_names_with_hmm():
    assert ("张建国", "nr") in tag("张建国通报了情况", hmm=True)


def test_sentences_respect_quotes_and_lines():
    text = "他说：“要敢于发现问题。防止小问题变成大隐患”。第二句！“未闭合的引号\n下一行。"
    assert sentences(text) == ["他说：“要敢于发现问题。防止小问题变成大隐患”。", "第二句！", "“未闭合的引号", "下一行。"]
    for s, e in sentence_spans(text):
        assert text[s:e].strip() == text[s:e]


def test_cache_dir_ignores_an_empty_override(monkeypatch, tmp_path):
    from xuncha.nlp.segment import cache_dir

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XUNCHA_CACHE_DIR", "")
    assert cache_dir() == tmp_path / "xdg" / "xuncha"
    monkeypatch.setenv("XUNCHA_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_dir() == tmp_path / "mine" and cache_dir().is_dir()


def test_token_ends_are_kept_for_the_same_list_only():
    """Bodies and the search index share a document's token ends (segment.token_ends): the ends
    of the very same list are kept, another list (even an equal one) gets its own."""
    from xuncha.nlp.segment import cut, token_ends

    text = "郧西县纪委监委开展“两卡一书”专项检查，发现问题15个。"
    tokens = cut(text)
    ends = token_ends(tokens)
    assert ends.tolist() == [sum(map(len, tokens[: i + 1])) for i in range(len(tokens))]
    assert ends[-1] == len(text)
    assert token_ends(tokens) is ends
    assert token_ends(list(tokens)) is not ends
    assert not ends.flags.writeable  # shared: nobody may change it
    import pytest

    with pytest.raises(TypeError):
        token_ends(["县纪委", None])
