"""Measures: named methods, documents and carriers; slogans and others' documents left out."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from xuncha.nlp.measures import extract_measures


def measures(text):
    return {m.name: m.kind for m in extract_measures(text)}


def test_quoted_names_with_cues():
    found = measures("构建“五责”闭环监督链条，实施“三步三清单”工作法，开设“清廉郧西大家谈”专栏，"
                     "建立问题、举措、时限、责任‘四张清单’，依托“正负面清单”选人。")
    assert found == {"五责": "mechanism", "三步三清单": "list", "清廉郧西大家谈": "column",
                     "四张清单": "list", "正负面清单": "list"}


def test_numbered_abbreviations():
    found = measures("推出“两卡一书”监督载体，构建“1统7分2平台”体系，开展“六个一”警示教育，在“四个一”上出实招。")
    assert set(found) == {"两卡一书", "1统7分2平台", "六个一", "四个一"}


def test_documents_the_unit_made_and_carriers():
    found = measures("研究制定《县纪委监委主要负责人同下级“一把手”谈话实施方案》，配发《履责记录本》，"
                     "制发《廉政提示卡》。")
    assert found == {"县纪委监委主要负责人同下级“一把手”谈话实施方案": "document", "履责记录本": "carrier",
                     "廉政提示卡": "carrier"}


def test_documents_of_others_are_not_measures():
    assert measures("认真贯彻落实《中共中央关于加强对“一把手”和领导班子监督的意见》，对照省纪委"
                    "《关于加强同级监督的意见(试行)》，讨论《县属国有企业领导人管理办法》，落实《意见》要求。") == {}


def test_slogans_and_concepts_are_not_measures():
    assert measures("坚决做到“两个维护”，紧盯“关键少数”，增强“四个意识”，运用“四种形态”，"
                    "适时开展“回头看”，坚持“三重一大”制度，落实“一岗双责”。") == {}


def test_items_listed_beside_a_measure():
    found = measures("推出工作提醒卡、廉政监督卡、整改建议书等“两卡一书”监督载体。")
    assert found == {"两卡一书": "carrier", "工作提醒卡": "carrier", "廉政监督卡": "carrier", "整改建议书": "carrier"}


def test_quoted_speech_and_expressions_are_not_measures():
    assert measures("“今天的评议，是‘体检单’，更是‘冲锋号’。”现场“辣味”十足，“红脸出汗”成为常态。") == {}


def test_spans_and_sentence():
    text = "为此，该区配发《履责记录本》。通过“一本通”的随时提醒，确保履责不脱轨。"
    for m in extract_measures(text):
        assert text[m.start:m.end] == m.name
        assert m.name in m.sentence and m.sentence in text
    assert measures(text) == {"履责记录本": "carrier", "一本通": "carrier"}


def test_national_campaigns_and_hotlines_are_not_measures():
    found = measures("开展“以案促改”专项行动，使用“学习强国”平台，拨打“12388”举报平台，建立“三色预警”机制，"
                     "建立“一人一档”廉政档案。")
    assert found == {"三色预警": "mechanism", "一人一档": "mechanism"}


def test_carriers_named_by_what_follows():
    found = measures("依托“宣州清风”微信公众号开设“廉政微课堂”栏目，探索“室组地”联动监督机制。")
    assert found == {"宣州清风": "carrier", "廉政微课堂": "column", "室组地": "mechanism"}


def test_numbered_lists_without_brackets():
    found = measures("建立问题、举措、时限、责任四张清单，梳理五张责任清单，发放提醒卡300张。")
    assert found == {"四张清单": "list", "五张责任清单": "list"}


SENTENCE_MARKS = "。！？!?…“”‘’「」《》（）()\"\n 纪委巡察，"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=SENTENCE_MARKS, max_size=80), st.data())
def test_sentences_of_a_piece_found_in_place_and_in_order_with_one_memory(text, data):
    from xuncha.nlp.measures import _sentence_around
    from xuncha.nlp.sentences import iter_sentence_spans, sentence_spans

    lo = data.draw(st.integers(0, len(text)))
    hi = data.draw(st.integers(lo, len(text)))
    assert list(iter_sentence_spans(text, lo, hi)) == [(s + lo, e + lo) for s, e in sentence_spans(text[lo:hi])]
    starts = sorted(data.draw(st.lists(st.integers(0, max(0, len(text) - 1)), max_size=8))) if text else []
    lines: dict = {}  # shared, as extract_measures shares it over a text's measures (asked in order)
    for start in starts:
        assert _sentence_around(text, start, start + 1, lines) == _sentence_around(text, start, start + 1, {})
