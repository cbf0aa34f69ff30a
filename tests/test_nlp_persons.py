"""Persons: names with the role beside them, honorifics after names, and bylines."""

from __future__ import annotations

from xuncha.nlp.persons import extract_persons, parse_byline


def people(text, author=None):
    return {p.name: p.role for p in extract_persons(text, author)}


def test_role_before_name():
    found = people("作为县委书记，县委书记余世明便旗帜鲜明支持同级监督。和平区委书记贺亦农：着力破解难题")
    assert found == {"余世明": "县委书记", "贺亦农": "和平区委书记"}


def test_roles_joined_by_enumeration_comma():
    found = people("该县县委常委、纪委书记、监委主任陈英明坦言。市交通运输委党委书记、主任王魁臣说。")
    assert found["陈英明"] == "县委常委、纪委书记、监委主任"
    assert found["王魁臣"] == "市交通运输委党委书记、主任"


def test_name_followed_by_a_verb():
    assert people("巡察组组长张建国通报了巡察发现的问题。党组书记李明华说。") == {"张建国": "巡察组组长",
                                                                          "李明华": "党组书记"}


def test_honorific_after_name():
    assert people("深入学习贯彻习近平总书记重要讲话精神，向王伟同志学习") == {"习近平": "总书记", "王伟": None}


def test_titles_without_names_give_nobody():
    assert people("发挥区委书记“一把手”的示范带动作用，主任和副主任参加，书记要求整改。") == {}


def test_bylines_in_text():
    text = "推动形成同级监督工作格局。（竹溪县纪委监委 李代辛）\n新闻11月20日电(赵伟伟 刘美芳)近日。\n（记者 陈晓 通讯员 刘伟）\n责任编辑：王小明"
    found = people(text)
    assert found == {"李代辛": "通讯员", "赵伟伟": "记者", "刘美芳": "记者", "陈晓": "记者",
                     "刘伟": "通讯员", "王小明": "责编"}
    for p in extract_persons(text):
        assert text[p.start:p.end] == p.name


def test_parenthesised_words_mid_sentence_are_not_bylines():
    assert people("督促各级党委（党组）书记主动接受监督，出台意见（试行）。") == {}


def test_author_field():
    persons = extract_persons("正文没有署名。", "记者 赵伟伟 刘美芳")
    assert [(p.name, p.role, p.start) for p in persons] == [("赵伟伟", "记者", -1), ("刘美芳", "记者", -1)]
    assert people("", "汤鸿鸽") == {"汤鸿鸽": "记者"}
    assert people("", "竹溪县纪委监委 李代辛") == {"李代辛": "通讯员"}
    assert people("", "汤鸿鸽 责编：金雨蒙、周恬") == {"汤鸿鸽": "记者", "金雨蒙": "责编", "周恬": "责编"}


def test_byline_with_other_words_is_not_parsed():
    assert parse_byline("本文来源于网络转载") == []
    assert parse_byline("宁波市江北区纪委监委") == []


def test_disciplinary_notice_people_and_former_roles():
    found = people("1.城关镇党委书记张某某违规收受礼金问题。2.县住建局原副局长李某公车私用问题。王魁臣同志讲话。")
    assert found == {"张某某": "城关镇党委书记", "李某": "县住建局原副局长", "王魁臣": None}


def test_words_after_titles_that_start_with_a_surname_are_not_names():
    text = ("县委书记高度重视，县长常务会研究，党委书记向全体党员作报告，书记任期内，书记管党，"
            "纪委书记金光明说，区长李强、副区长王伟出席会议。")
    assert people(text) == {"金光明": "纪委书记", "李强": "区长", "王伟": "副区长"}


def test_concurrent_roles_joined_by_jian():
    assert people("桃园村党支部书记兼村委会主任刘某违规收受礼金。") == {"刘某": "桃园村党支部书记兼村委会主任"}


def test_role_keeps_the_whole_organisation():
    assert people("宣州区纪委书记、监委主任吴海燕表示，要持续深化。") == {"吴海燕": "宣州区纪委书记、监委主任"}


def test_byline_words_inside_a_dateline():
    text = "本报讯 记者张三 通讯员 李四报道：近日，县委书记 王五说。"
    assert people(text) == {"张三": "记者", "李四": "通讯员", "王五": "县委书记"}
    for p in extract_persons(text):
        assert text[p.start:p.end] == p.name


def test_editors_from_credit_lines_outside_the_text():
    """A 责编 line is page furniture, so ingestion keeps it in Document.credits, not the text."""
    from xuncha import extract_text

    page = ("某县纪委监委推动监督落细落实\n\n2023年03月02日 来源：某某网\n\n"
            "今年以来，该县纪委监委聚焦“关键少数”开展谈心谈话，督促各级党组织书记履行第一责任人职责，"
            "推动全面从严治党主体责任落到实处。（李明远）\n\n(责编:王晓燕、陈丹)\n\n返回顶部\n")
    doc = extract_text(page)
    assert "责编" not in doc.text
    roles = {p.name: p.role for p in doc.persons}
    assert roles.get("王晓燕") == "责编" and roles.get("陈丹") == "责编"
    assert "李明远" in roles


def test_joiner_at_text_start_does_not_reach_round_to_the_end():
    """A 兼 or 、 opening the text has no title before it; the lookup must not wrap to the text's end (县长)."""
    for text in ("兼书记张明说要抓好落实。他是县长", "、书记张明说要抓好落实，县长"):
        roles = {p.name: p.role for p in extract_persons(text, bodies=[])}
        assert roles == {"张明": "书记"}


# --- the speed shortcuts give the answers of the plain computations they replace ---

from hypothesis import given, settings
from hypothesis import strategies as st


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["书记", "副书记", "书记员", "记者", "本报记者", "主任", "副主任", "委员",
                                 "总书记", "张", "王伟", "，", " ", "者", "副"]), max_size=30))
def test_titles_found_by_the_prefix_tree_as_by_the_word_list(parts):
    import re

    from xuncha.nlp import lexicon
    from xuncha.nlp.persons import _vocab

    text = "".join(parts)
    words = _vocab().titles + ("书记员", "副")  # with words that are prefixes of others
    tree = re.compile(lexicon.trie_alternation(words))
    assert [m.span() for m in tree.finditer(text)] == [m.span() for m in lexicon.literal_re(words).finditer(text)]
    assert [m.span() for m in _vocab().title_re.finditer(text)] == \
        [m.span() for m in lexicon.literal_re(_vocab().titles).finditer(text)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["书记", "副书记", "常委", "委员", "常务副县长", "县长", "主任", "党员", "干部",
                                 "记者", "者", "副", "常", "党", "张", "王伟", "，", "\n", "员会"]), max_size=30))
def test_titles_scanned_from_their_second_character_as_title_re_finds_them(parts):
    from xuncha.nlp.persons import _title_scan, _vocab

    text = "".join(parts)  # overlapping titles (常委员会, 副书记) included
    spans, last = [], 0
    for m in _title_scan(_vocab().titles).finditer(text):
        if m.start(1) >= last:
            spans.append(m.span(1))
            last = m.end(1)
    assert spans == [m.span() for m in _vocab().title_re.finditer(text)]
    single = _title_scan(("长", "县长"))  # a title of one character: the plain tree
    assert [m.span(1) for m in single.finditer("县长长")] == [(0, 2), (2, 3)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["\n", " ", "\t", "记者", "张三", "通讯员", "责编：", "李四", "，", "x" * 30]), max_size=30))
def test_byline_lines_found_from_line_breaks_as_line_by_line(parts):
    from xuncha.nlp.persons import LINE_RE, _text_bylines, _vocab

    text = "".join(parts)
    v = _vocab()
    expected = []
    for m in LINE_RE.finditer(text):
        if v.byline_re.match(m.group(1)):
            expected.append(m.span(1))
    first = v.byline_line_re.match(text)
    found = ([first.span(1)] if first else []) + [m.span(1) for m in v.byline_next_line_re.finditer(text)]
    assert found == expected
    _text_bylines(text, v)  # never raises


def test_edge_words_of_mixed_and_chinese_windows_agree_with_the_name_model():
    """_tag_names reads the first (last) block of a window and models only its edge run of single
    characters; the word it gives is the whole window's tagging's (windows mixing digits included)."""
    from pathlib import Path

    from xuncha.errors import IngestError
    from xuncha.ingest import read_document
    from xuncha.nlp import persons
    from xuncha.nlp.segment import tag
    from xuncha.pipeline import iter_files

    text = ""
    for path in iter_files([Path(__file__).resolve().parent.parent / "samples"]):
        try:
            text += read_document(path).text
        except IngestError:
            continue
    text += "任职超过21年；和职工个别谈话6次，黄文斌出席反馈会，王五2019年，李四A组组长，张三等3人。"
    v = persons._vocab()
    checked = 0
    for pos in range(len(text)):
        if persons._surname_at(text, pos, v):
            after, before = text[pos : pos + 8], text[max(0, pos - 4) : pos + 2]
            assert persons._tag_names(after, first=True)[0] == tag(after, hmm=True)[0], after
            assert persons._tag_names(before, first=False)[-1] == tag(before, hmm=True)[-1], before
            checked += 1
    assert checked > 200
