"""Counts: what is counted (with value, unit, approx, subject) and every kind of number that is not."""

from __future__ import annotations

import pytest

from xuncha.nlp.counts import extract_counts


def found(text):
    return [(c.value, c.unit, c.approx, c.surface) for c in extract_counts(text)]


def test_work_done_counts_with_subjects():
    text = "今年以来，县纪委监委开展“一把手”谈心谈话15人次，提出意见建议22条，督促完善制度12个。"
    counts = extract_counts(text)
    assert [(c.value, c.unit) for c in counts] == [(15, "人次"), (22, "条"), (12, "个")]
    assert counts[0].subject == "谈心谈话"
    assert counts[1].subject.endswith("建议")
    assert all(text[c.start:c.end] == c.surface for c in counts)


def test_subject_after_the_unit():
    counts = extract_counts("市纪委监委向7名副市长和47名部门主要负责人发放提示函。")
    assert [(c.value, c.subject) for c in counts][0] == (7, "副市长")
    assert counts[1].value == 47


def test_compound_counts_share_their_subject():
    counts = extract_counts("对排名靠后的单位集体约谈2次33人。")
    assert [(c.value, c.unit) for c in counts] == [(2, "次"), (33, "人")]
    assert counts[0].subject == counts[1].subject == "集体约谈"


def test_chinese_numerals():
    assert found("从五个方面用力，两任主要领导，涉及十三名干部，二十余名党员") == [
        (5, "个方面", False, "五个方面"), (2, "任", False, "两任"), (13, "名", False, "十三名"),
        (20, "名", True, "二十余名")]


def test_wan_multiplied_out_but_money_keeps_its_unit():
    assert found("办结信访件5.4万件，追缴资金256.8万元，涉及1.2亿元") == [
        (54000, "件", False, "5.4万件"), (256.8, "万元", False, "256.8万元"), (1.2, "亿元", False, "1.2亿元")]


def test_approximations_and_ranges():
    assert found("发放手册4000余册，覆盖近200人，每期邀请1-2名书记，每组5至7人，超过30家单位") == [
        (4000, "册", True, "4000余册"), (200, "人", True, "近200人"), (2, "名", True, "1-2名"),
        (7, "人", True, "5至7人"), (30, "家", True, "超过30家")]


def test_approximate_money_and_chinese_ranges():
    assert found("挽回损失20余万元，查处30多个，每组三至五人") == [
        (20, "万元", True, "20余万元"), (30, "个", True, "30多个"), (5, "人", True, "三至五人")]


def test_thousands_separators_and_spaces():
    assert found("参学党员21 602人，覆盖1,250户") == [(21602, "人", False, "21 602人"), (1250, "户", False, "1,250户")]


@pytest.mark.parametrize("text", [
    "2020年12月16日召开推进会",            # date
    "会议于18:08开始，持续2小时",           # time and duration
    "2019年以来先行先试",                   # year
    "在15个工作日内反馈整改情况",           # duration in working days
    "整改期限为3个月",                      # duration in months
    "这是第一次全覆盖",                     # ordinal
    "第2期培训班",                          # ordinal with Arabic numeral
    "开展第四轮巡察",                       # ordinal round
    "群众满意度达到95%",                    # percentage
    "满意率提升了百分之三十",               # percentage in words
    "考核得分92分",                         # score
    "联系电话：010-56212745",               # phone number
    "监督电话18518469856",                  # mobile number
    "建立“1统7分2平台”制度体系",            # numerals inside a name
    "发放“两卡一书”",                       # numerals inside a name
    "开展“六个一”警示教育",                 # numbered name ending in a numeral
    "坚持“三重一大”集体决策",               # set phrase
    "运用监督执纪四种形态",                 # set phrase with a counting word
    "竹溪县纪委向一名县委常委发出提醒卡",   # 一 as an article
    "三番五次强调纪律",                     # idiom
    "数十人参加，上百人旁听",               # vague quantities
    "开展第三、四轮巡察",                   # enumerated ordinals
    "考核排名前3名",                        # rank
    "党的二十大报告，十四五规划",           # numbered names
])
def test_not_counts(text):
    assert found(text) == []


def test_counts_beside_non_counts():
    text = "2022年5月，第二巡察组进驻15个工作日，谈话126人次，发现问题13个"
    assert found(text) == [(126, "人次", False, "126人次"), (13, "个", False, "13个")]


def test_shared_segmentation_gives_the_same_counts():
    from xuncha.nlp.segment import cut

    text = "三番五次强调纪律，谈话126人次，从五个方面用力，两任主要领导，一名县委常委，发现问题13个"
    assert extract_counts(text, cut(text)) == extract_counts(text)
    assert extract_counts(text, ["wrong", "tokens"]) == extract_counts(text)  # stale tokens ignored


def test_full_width_digits():
    assert found("谈话１５人次，发现问题１３个") == [(15, "人次", False, "１５人次"), (13, "个", False, "１３个")]


def test_rates_are_not_counts_and_wan_before_yuan_is_money():
    assert found("接待标准500元/人，挽回损失3万多元，覆盖1.5万余人") == [
        (3, "万元", True, "3万多元"), (15000, "人", True, "1.5万余人")]


def test_subjects_of_chained_and_quoted_counts():
    counts = extract_counts("对20名“一把手”进行画像，梳理8个方面30项监督重点，列出86条232种问题表现，从两任主要领导说起")
    assert [(c.surface, c.subject) for c in counts] == [
        ("20名", "一把手"), ("8个方面", "监督重点"), ("30项", "监督重点"), ("86条", "问题"),
        ("232种", "问题"), ("两任", "主要领导")]


def test_numbered_lists_are_names_but_cards_are_counted():
    assert found("建立六张清单，梳理五张责任清单，发放提醒卡300张") == [(300, "张", False, "300张")]


def test_spaces_left_by_pdf_extraction():
    assert found("开展谈话 15 人次，第 2 期，2020 年，发现问题 13 个，整改 3 个月") == [
        (15, "人次", False, "15 人次"), (13, "个", False, "13 个")]


def test_common_chinese_numerals_read_as_cn2an_reads_them():
    """numbers._plain_chinese (the fast path) answers only where cn2an's smart mode gives the same
    value: every string of up to three numeral characters (four of the zeros, ones and places),
    every number below 10 000 and a thousand up to 10^8, written out."""
    import itertools

    cn2an = pytest.importorskip("cn2an")
    from xuncha.nlp.numbers import CN_DIGITS, _plain_chinese

    def reference(s):
        try:
            return float(cn2an.cn2an(s, "smart"))
        except Exception:
            return None

    strings = ["".join(t) for n in (1, 2, 3, 4) for t in itertools.product("零〇一两九十百千万", repeat=n)]
    strings += ["".join(t) for n in (1, 2, 3) for t in itertools.product(CN_DIGITS, repeat=n)]
    for n in [*range(1, 10_000), *range(10_000, 100_000_000, 99_991)]:
        written = cn2an.an2cn(n)
        strings += [written, written.replace("二", "两", 1)]
    answered = 0
    for s in strings:
        mine = _plain_chinese(s)
        if mine is not None:
            assert float(mine) == reference(s), s
            answered += 1
    assert answered > 20_000  # all the usual forms take the fast path
    assert _plain_chinese("一百零五") == 105 and _plain_chinese("十三") == 13 and _plain_chinese("两") == 2
    assert _plain_chinese("三万五千") == 35000 and _plain_chinese("一万零五百") == 10500
    assert _plain_chinese("一百一") is None and _plain_chinese("两万三") is None  # left to cn2an


# --- the speed shortcuts give the answers of the plain computations they replace ---

from hypothesis import given, settings
from hypothesis import strategies as st

PIECES = ["“", "”", "《", "》", '"', "（", "）", "\n", "，", "。", "三重一大", "六个一", "两卡一书", "四种形态",
          "15人次", "3个", "五个方面", "一名", "2次", "谈心谈话", "集体约谈", "发现问题", "第", "约", "余", " "]


def _plain_masked(text):
    """counts' masked spans as first written: every short bracketed name and set phrase in the text."""
    from xuncha.nlp import counts
    from xuncha.nlp.protect import bracket_spans

    spans = [b.inner for b in bracket_spans(text) if b.is_name(text) and len(b.content(text)) <= 12]
    spans.extend(m.span() for m in counts._name_pattern().finditer(text))
    return spans


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_masks_cover_what_the_whole_text_masks(parts):
    from xuncha.nlp import counts

    text = "".join(parts)
    masks, spans = counts._Masks(text), _plain_masked(text)
    for _, end, m in counts.count_spans(text):
        start = m.start("num")
        assert masks.cover(start, end) == any(s <= start and end <= e for s, e in spans), (text, m.group("num"))


def test_masks_on_a_line_longer_than_the_shared_pairs_threshold():
    from xuncha.nlp import counts

    text = "谈心谈话15人次，" * 300 + "发放“两卡一书”，开展“六个一”活动，“3个”问题" + "谈话2次。" * 10
    masks, spans = counts._Masks(text), _plain_masked(text)
    covered = [text[start:end] for start, end, m in counts.count_spans(text) if masks.cover(m.start("num"), end)]
    assert covered == [text[start:end] for start, end, m in counts.count_spans(text)
                       if any(s <= m.start("num") and end <= e for s, e in spans)]
    assert "3个" in covered


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="谈话15人，一二", min_size=1, max_size=4), max_size=60), st.data())
def test_word_starts_are_the_segmentation_boundaries(tokens, data):
    from xuncha.nlp import counts
    from xuncha.nlp.segment import boundaries

    text = "".join(tokens)
    starts, whole = counts._WordStarts(text, tokens), boundaries(tokens)
    for pos in sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=20))):
        assert starts.at(pos, pos + 1) == (pos in whole)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="三番五次谈话一二人，", min_size=1, max_size=30), st.data())
def test_word_starts_without_the_texts_tokens_segment_around(text, data):
    from xuncha.nlp import counts

    pos = data.draw(st.integers(0, len(text) - 1))
    around = counts._WordStarts(text, None).at(pos, pos + 1)
    stale = ["别", "的" * len(text)]  # the words of another text (their lengths add up to another length)
    assert counts._WordStarts(text, stale).at(pos, pos + 1) == around
    if len(text) > 1:
        assert counts._WordStarts(text, [text]).at(pos, pos + 1) == (pos == 0)  # one word: only its start


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="，。\n、（）:谈话约谈15人“”", max_size=40), st.data())
def test_clause_pieces_found_by_regex_as_by_walking_characters(text, data):
    from xuncha.nlp import counts

    pos = data.draw(st.integers(0, len(text)))
    lo = pos
    while lo > 0 and pos - lo < 16 and text[lo - 1] not in counts.CLAUSE_STOP:
        lo -= 1
    assert counts._subject_before(text, pos) == (counts._words_closing(text[lo:pos]) if pos > lo else None)
    stop = pos
    while stop < len(text) and stop - pos < 12 and text[stop] not in counts.CLAUSE_STOP:
        stop += 1
    if not (pos < len(text) and text[pos] in counts.OPEN_QUOTES):
        assert counts._subject_after(text, pos) == (counts._nouns_opening(text[pos:stop]) if stop > pos else None)


@given(st.text(alphabet="0123４²一十百万.,a字 ٣", max_size=5))
def test_numbers_recognised_as_every_character_being_a_numeral(word):
    from xuncha.nlp import counts

    assert counts._is_number(word) == (bool(word) and all(ch.isdigit() or ch in counts.CN_DIGITS or ch in ".," for ch in word))


@given(st.text(alphabet="0123456789", min_size=1, max_size=18))
def test_plain_digit_strings_read_as_through_float(digits):
    from xuncha.nlp.numbers import parse_number

    """The shortcut for plain digits gives what reading them as a float gives (exact up to 15 digits)."""
    assert parse_number(digits) == int(float(digits)) and type(parse_number(digits)) is int


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["3", "十", "个", "月", "工作日", "次", "方", "名", "列", "人", "项", "，", "第", "百分点",
                                 "3次方", "十个月", "2名列", "5个工作日", "两个百分点", "4人次", "6项"]), min_size=1, max_size=12))
def test_duration_words_looked_for_only_after_units_that_open_them(parts):
    from xuncha.nlp import counts

    text = "".join(parts)
    everywhere = frozenset(row[0] for row in counts.lexicon.table("count_units.tsv"))
    found = extract_counts(text)
    counts._units_opening_noncount.cache_clear()
    original = counts._units_opening_noncount
    try:
        counts._units_opening_noncount = lambda: everywhere  # the duration words searched after every unit
        assert extract_counts(text) == found
    finally:
        counts._units_opening_noncount = original


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["三十人", "将近", "近", "15人次", "2次33人", "3-5名", "一二", "1,200余册", "约",
                                 "超过", "第", "年", "，", "a", "十", " ", "两"]), max_size=30))
def test_counts_found_from_their_first_character_as_the_plain_pattern_finds_them(parts):
    import re

    from xuncha.nlp import counts

    text = "".join(parts)  # counts inside counts (三十人 holds 十人) included
    source = counts._pattern().pattern
    plain = re.compile(source[source.index("(?=") + 3 : source.rindex(")[")])  # the count, without the scan
    assert [(s, e, m.groups()) for s, e, m in counts.count_spans(text)] == \
        [(m.start(), m.end(), m.groups()) for m in plain.finditer(text)]
