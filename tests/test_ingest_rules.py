"""Ingestion rules on pages written for these tests (not the seeds): layouts the seeds don't show."""

from __future__ import annotations

import pytest

from render_formats import Article, render_html
from xuncha.ingest import document_from_text, read_document
from xuncha.ingest.dedup import DuplicateIndex, hamming
from xuncha.ingest.metadata import parse_date
from xuncha.ingest.normalize import find_garbled, normalize_text, strip_pinyin
from xuncha.ingest.regions import find_region, load_divisions

CCDI_STYLE = """中央纪委国家监委网站
首页 > 审查调查 > 正文
某省宁陕县：以精准监督推动整改落地
2023-03-15 08:30　　来源：中央纪委国家监委网站　　作者：张小明　　
【字体：大 中 小】
　　本网讯（通讯员 李四）“对照问题清单，逐项销号，确保整改到位。”近日，宁陕县纪委监委召开巡察整改推进会，督促被巡察党组织落实整改主体责任，已整改问题４６个，追回资金１２．５万元。
　　今年以来，该县纪委监委聚焦“一把手”和领导班子，开展谈心谈话３２人次，对整改不力的３名干部进行约谈，形成了“发现问题—督促整改—跟踪问效”的闭环。
　　“下一步，我们将持续用好巡察成果，推动以案促改、以案促治。”该县纪委监委相关负责人表示。
　　（宁陕县纪委监委）
责任编辑：王五
分享到：
相关新闻
宁陕县召开警示教育大会
某市开展作风建设专项整治
"""

OFFICIAL_NOTICE = """中共平利县委巡察办
关于2022年度巡察工作情况的通报

各乡镇党委，县直各单位党组（党委）：
    2022年，县委巡察办完成了对18个单位的常规巡察，共发现问题236个，移交问题线索12件，推动建立完善制度45项。
    部分单位“一把手”履行第一责任人责任不到位，对班子成员监督偏软，“三重一大”决策制度执行不严格。

中共平利县委巡察办
2023年1月10日
"""

TAIWAN_PAGE = """首頁 > 新聞中心 > 廉政要聞
臺中市政府政風處推動廉政倫理宣導
發布日期：112-05-12　　更新時間：2023/05/12 10:20
為強化公務員廉政意識，臺中市政府政風處於５月１２日舉辦廉政倫理宣導講習，計有１２０人參加。
講習中說明公務員廉政倫理規範之受贈財物、飲宴應酬及請託關說等規定，並以實際案例進行解說。
瀏覽人次：1234
回上一頁
"""


def test_ccdi_style_page():
    doc = document_from_text(CCDI_STYLE)
    assert doc.title == "某省宁陕县：以精准监督推动整改落地"
    assert (doc.date, doc.source, doc.author) == ("2023-03-15", "中央纪委国家监委网站", "张小明")
    assert doc.region == "陕西省安康市宁陕县"
    assert doc.text.startswith("“对照问题清单") and doc.text.endswith("相关负责人表示。")
    assert "46个" in doc.text and "12.5万元" in doc.text and "32人次" in doc.text
    for junk in ("字体", "责任编辑", "分享", "相关新闻", "警示教育大会", "本网讯", "首页"):
        assert junk not in doc.text


def test_official_notice_title_and_signature_date():
    doc = document_from_text(OFFICIAL_NOTICE)
    assert doc.title == "关于2022年度巡察工作情况的通报"
    assert doc.date == "2023-01-10"
    assert doc.region == "陕西省安康市平利县"
    assert doc.text.startswith("各乡镇党委") and "236个" in doc.text


def test_traditional_page_is_simplified_and_cleaned():
    doc = document_from_text(TAIWAN_PAGE)
    assert doc.title == "台中市政府政风处推动廉政伦理宣导"
    assert doc.date == "2023-05-12"
    assert doc.text.startswith("为强化公务员廉政意识") and doc.text.endswith("进行解说。")
    assert "浏览" not in doc.text and "上一页" not in doc.text and "120人" in doc.text


def test_news_dateline_becomes_author_and_region():
    doc = document_from_text("新华社北京3月5日电（记者 张三）今年以来，各级纪检监察机关深入整治群众身边不正之风"
                             "和腐败问题，共查处问题1.2万个。\n记者了解到，各地持续推进“一把手”监督。")
    assert doc.text.startswith("今年以来") and doc.author == "记者 张三" and doc.region == "北京市"


def test_html_with_logo_h1_gbk_and_meta_date(tmp_path):
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            '<meta name="PubDate" content="2023-05-12 10:20">'
            "<title>紫阳县：“清单式”监督压实“一把手”责任_清风网</title></head><body>"
            '<div class="logo"><h1>清风网</h1></div><div class="nav"><a>首页</a> <a>要闻</a> <a>审查调查</a></div>'
            "<h2>紫阳县：“清单式”监督压实“一把手”责任</h2><div>来源：紫阳县纪委监委</div>"
            "<div class='TRS_Editor'><p>近日，紫阳县纪委监委向全县38个单位“一把手”发放履责清单，明确监督重点12项，"
            "推动责任落实。</p><p>“清单式”监督实施以来，该县纪委监委开展谈心谈话56人次，发现问题41个，已督促整改39个。"
            "</p><p>（紫阳县纪委监委 陈某某）</p></div><div class='footer'>版权所有 清风网 京ICP备12345678号</div>"
            "</body></html>")
    path = tmp_path / "page.html"
    path.write_bytes(page.encode("gb18030"))
    doc = read_document(path)
    assert doc.format == "html" and doc.title == "紫阳县：“清单式”监督压实“一把手”责任"
    assert (doc.date, doc.source, doc.author) == ("2023-05-12", "紫阳县纪委监委", "紫阳县纪委监委 陈某某")
    assert doc.text.startswith("近日") and doc.text.endswith("已督促整改39个。")


def _charset_page(charset: str) -> str:
    return (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
            "<title>王镕：巡察整改要见人见事_廉政网</title></head><body>"
            "<h1>王镕：巡察整改要见人见事</h1><div>来源：某县纪委监委</div>"
            "<div class='article'><p>近日，某县委书记王镕主持召开巡察整改专题会议，逐条研究巡察反馈的问题，"
            "要求各责任单位明确整改时限。</p><p>县纪委监委派驻纪检组组长陈喆介绍，目前已督促整改问题27个，"
            "建立完善制度9项，约谈相关负责人4人次。</p></div></body></html>")


@pytest.mark.parametrize("charset, encoding", [("GB2312", "gb18030"), ("utf-8", "gbk")])
def test_html_declared_charset_checked_against_bytes(charset, encoding, tmp_path):
    """An upper-case GB2312 declaration still reads GBK-only name characters (镕 喆), and a GBK page
    that claims UTF-8 is detected, with the head and the body read the same way."""
    path = tmp_path / "page.html"
    path.write_bytes(_charset_page(charset).encode(encoding))
    doc = read_document(path)
    assert doc.title == "王镕：巡察整改要见人见事" and doc.source == "某县纪委监委"
    assert "县委书记王镕主持" in doc.text and "组长陈喆介绍" in doc.text and "\ufffd" not in doc.text
    assert doc.text.endswith("约谈相关负责人4人次。")


@pytest.mark.parametrize("source_line, source", [("", "清风廉政网"), ("<div>来源：某县纪委监委</div>", "某县纪委监委")])
def test_html_site_name_is_the_last_source_fallback(source_line, source, tmp_path):
    page = ('<html><head><meta charset="utf-8"><meta property="og:site_name" content="清风廉政网">'
            "<title>某县开展巡察整改“回头看”_清风廉政网</title></head><body>"
            f"<h1>某县开展巡察整改“回头看”</h1>{source_line}"
            "<div class='article'><p>近日，某县巡察办对去年巡察的12个单位开展整改“回头看”，逐项核查整改台账，"
            "督促整改问题31个。</p><p>对整改不到位的2个单位，县委巡察工作领导小组进行了约谈。</p></div>"
            "</body></html>")
    path = tmp_path / "page.html"
    path.write_bytes(page.encode("utf-8"))
    doc = read_document(path)
    assert doc.title == "某县开展巡察整改“回头看”" and doc.source == source
    assert doc.text.startswith("近日") and "清风廉政网" not in doc.text


@pytest.mark.parametrize("raw, clean", [
    ("監(jiān)督", "監督"), ("15個(gè)", "15個"), ("黨委(黨組)", "黨委(黨組)"), ("記者(湯鴻鴿)", "記者(湯鴻鴿)"),
    ("意見(試行)", "意見(試行)"), ("同级监督（jiān dū）", "同级监督（jiān dū）"), ("平台（APP）", "平台（APP）"),
    ("县(市、区)", "县(市、区)"), ("监（jiān）督", "监督"), ("第一(dì yī)", "第一(dì yī)"),
])
def test_pinyin_removal_keeps_real_brackets(raw, clean):
    assert strip_pinyin(raw) == clean


def test_widths_and_script_unified():
    warnings: list[str] = []
    out = normalize_text("２０２２年發現問題１２個，佔比３０％，ＡＰＰ　上線", warnings)
    assert out == "2022年发现问题12个，占比30%，APP 上线" and warnings == []


def test_garbled_runs_flagged_but_rare_name_characters_are_not():
    assert find_garbled("总理朱镕基在会上讲话，王喆参加。") == []
    assert find_garbled("购买A股基金，B超检查，5G网络。") == []
    warnings: list[str] = []
    out = normalize_text("按程序审批后\ue309\ue0ee给予严肃追责问责。", warnings)
    assert "\ue309" not in out and len(warnings) == 1


def test_spam_names_are_stripped():
    doc = document_from_text("某县召开廉政警示教育大会\n会议强调，要持续加强作风建设，推动全面从严治党向纵深发展，"
                             "切实维护良好政治生态。澳门新葡京娱乐场官网\n火币网\n皇冠体育| 时时彩| 北京赛车pk10|")
    assert all(s not in doc.text for s in ("葡京", "火币", "皇冠", "时时彩", "赛车"))
    assert doc.text.endswith("政治生态。")


@pytest.mark.parametrize("text, date", [
    ("2022年05月20日18:08 | 来源：人民网", "2022-05-20"), ("时间:2021-02-09 04:29 浏览:", "2021-02-09"),
    ("发布时间：2023/5/12", "2023-05-12"), ("二〇二三年一月十日", "2023-01-10"), ("2023.11.02", "2023-11-02"),
    ("2022年13月40日", None), ("第15个工作日", None), ("版本 3.2.1", None),
])
def test_dates(text, date):
    assert parse_date(text) == date


def test_divisions_shape():
    divs = load_divisions()
    (yunxi,) = divs.by_name["郧西"]
    assert (yunxi.name, yunxi.level, divs.full_name(yunxi.code)) == ("郧西县", "county", "湖北省十堰市郧西县")
    assert {d.parent for d in divs.by_name["和平区"]} >= {"120000", "210100"}
    assert divs.by_name["湖北"][0].level == "province" and len(divs.by_code) > 3000


@pytest.mark.parametrize("texts, body, region", [
    (("湖北郧西:着力破解监督难题", "人民网-湖北频道"), None, "湖北省十堰市郧西县"),
    (("江北:“五责”闭环拧紧监督链", "浙江省纪委监委网站"), None, "浙江省宁波市江北区"),
    (("江北:“五责”闭环拧紧监督链",), None, None),  # Ningbo or Chongqing: nothing says which
    (("“一把手”说",), "和平区委书记表示……河西区委书记说……南开区委书记说……", "天津市"),
    (("和平发展之路",), None, None),  # a common word, not 和平区
])
def test_regions(texts, body, region):
    assert find_region(*texts, body=body) == region


ARTICLE = Article(
    title="县纪委监委开展作风建设专项监督",
    date="2023-08-01",
    source="清风网",
    paragraphs=["今年以来，某县纪委监委紧盯群众身边不正之风，对全县21个乡镇开展作风建设专项监督，发现问题57个，"
                "督促整改52个，问责干部9人。"] + ["专项监督中，监督检查组采取“四不两直”方式，深入村组走访群众，"
                                                "对反映强烈的问题建立台账、逐一销号。"] * 2,
)


def test_reposts_with_other_furniture_are_linked(tmp_path):
    first = document_from_text("\n".join([ARTICLE.title, "2023-08-01 来源：清风网", *ARTICLE.paragraphs]), "a.txt")
    repost = read_document(render_html(ARTICLE, tmp_path / "repost.html"))
    trimmed = document_from_text("转载\n" + ARTICLE.title + "\n" + "\n".join(ARTICLE.paragraphs[:2])
                                 + "\n原文链接：http://example.org/a.html\n版权所有 © 某网", "b.txt")
    other = document_from_text("县委巡察办召开巡察工作推进会\n会议听取了各巡察组工作进展情况汇报，研究部署下一阶段"
                               "巡察工作，要求各巡察组紧盯“一把手”和领导班子，发现问题、形成震慑。", "c.txt")
    index = DuplicateIndex()
    assert index.check(first) is None
    assert index.check(repost) == "a.txt"
    assert index.check(trimmed) == "a.txt"
    assert index.check(other) is None
    assert hamming(first.near_key, repost.near_key) <= 8 < hamming(first.near_key, other.near_key)


def test_shingles_and_simhash_agree_with_plain_set_arithmetic(tmp_path):
    """The vectorised near-duplicate machinery (sorted arrays, octet counts, binary search) gives
    what the definitions say: distinct shingles, a majority-bit SimHash, exact overlaps."""
    from xuncha.ingest import dedup

    first = document_from_text("\n".join([ARTICLE.title, "2023-08-01 来源：清风网", *ARTICLE.paragraphs]), "a.txt")
    texts = [first.text, CCDI_STYLE, normalize_text(CCDI_STYLE, []), OFFICIAL_NOTICE, "短文", "ab", "",
             "Ａ股 2023年 \U00020000𠀀 _x_ 监督。", "\n".join(ARTICLE.paragraphs[:2])]
    for text in texts:
        hashes = dedup._shingle_hashes(text)
        as_list = hashes.tolist()
        assert as_list == sorted(set(as_list))
        majority = sum(1 << i for i in range(64) if 2 * sum((h >> i) & 1 for h in as_list) > len(as_list))
        assert dedup.near_key(text) == f"{majority:016x}"
        assert dedup._skeleton_code_points(text).tolist() == [ord(c) for c in dedup._skeleton(text)]
    for a in texts:
        for b in texts:
            sa, sb = dedup.shingles(a), dedup.shingles(b)
            set_a, set_b = set(sa.hashes.tolist()), set(sb.hashes.tolist())
            assert sa.common(sb) == len(set_a & set_b)
            assert sa.found_in(sb) == sum(h in set_b for h in sorted(set_a)[:64])  # the 64 smallest


def test_site_name_above_headline_without_metadata_line():
    doc = document_from_text("清风网\n织密基层监督网\n今年以来，某县纪委监委整合基层监督力量，在全县村级设立廉情监督站128个，"
                             "收集问题线索46条，已办结41条。\n【纠错】 【责任编辑：赵某】\n扫一扫在手机打开当前页")
    assert doc.title == "织密基层监督网"
    assert doc.text.startswith("今年以来") and doc.text.endswith("已办结41条。")


def test_government_disclosure_header_table():
    doc = document_from_text("索引号：11420322MB1234567X/2023-00012\n主题分类：纪检监察\n发布机构：某县纪委监委\n"
                             "成文日期：2023-02-01\n关于5起违反中央八项规定精神问题的通报\n发布日期：2023-02-03\n"
                             "近日，县纪委监委对5起违反中央八项规定精神问题进行了通报，涉及党员干部7人，均已作出严肃处理。\n"
                             "各级党组织要以案为鉴，持续深化纠治“四风”。")
    assert doc.title == "关于5起违反中央八项规定精神问题的通报" and doc.date == "2023-02-03"
    assert doc.text.startswith("近日") and "索引号" not in doc.text and "主题分类" not in doc.text


def test_neutral_tone_pinyin_removed_only_on_infected_pages():
    assert strip_pinyin("他們(men)監(jiān)督的(de)問(wèn)題(tí)") == "他們監督的問題"
    assert strip_pinyin("某某公司(ge)") == "某某公司(ge)"  # a lone toneless bracket is not evidence


def test_whole_page_latin1_mojibake_is_repaired():
    page = "某县纪委监委开展谈心谈话\n今年以来，该县纪委监委开展谈心谈话15人次，提出意见建议22条。"
    warnings: list[str] = []
    assert normalize_text(page.encode("utf-8").decode("latin-1"), warnings) == page
    assert warnings == ["mojibake repaired: the page was UTF-8 read as latin-1"]


def test_source_written_under_the_article_or_in_brackets():
    body = "近日，县纪委监委召开全县警示教育大会，通报了5起典型案例，要求党员干部以案为鉴、以案促改。"
    doc = document_from_text(f"县纪委监委召开警示教育大会\n{body}（来源：某市纪委监委网站）")
    assert (doc.source, doc.author, doc.text) == ("某市纪委监委网站", None, body)
    doc = document_from_text(f"县纪委监委召开警示教育大会\n【来源：某县纪委监委】 2023-05-12\n{body}\n稿件来源：县委宣传部")
    assert (doc.source, doc.date, doc.text) == ("某县纪委监委", "2023-05-12", body)


def test_wechat_article_saved_as_text():
    doc = document_from_text(
        "郧西：清单式监督压实一把手责任\n原创 郧西纪检监察 2023-05-12 08:00 发表于湖北\n点击上方蓝字关注我们\n"
        "今年以来，郧西县纪委监委向全县38个单位“一把手”发放履责清单，明确监督重点12项，推动责任落实。\n"
        "“清单式”监督实施以来，该县纪委监委开展谈心谈话56人次，发现问题41个，已督促整改39个。\n"
        "来源：郧西县纪委监委\n编辑：张三\n审核：李四\nEND\n往期推荐\n郧西县召开警示教育大会\n长按识别二维码关注我们\n"
        "阅读原文\n在看 赞 分享\n")
    assert (doc.title, doc.date, doc.source) == ("郧西：清单式监督压实一把手责任", "2023-05-12", "郧西县纪委监委")
    assert doc.text.startswith("今年以来") and doc.text.endswith("已督促整改39个。")


def test_space_separated_navigation_row_is_not_the_headline():
    doc = document_from_text("网站首页 新闻中心 工作动态 通知公告 廉政教育\n县委巡察办召开巡察工作推进会\n"
                             "会议听取了各巡察组工作进展情况汇报，研究部署下一阶段巡察工作，要求各巡察组紧盯“一把手”。")
    assert doc.title == "县委巡察办召开巡察工作推进会" and doc.text.startswith("会议听取")


def test_stale_docx_title_property_is_not_trusted(tmp_path):
    from docx import Document as Docx

    doc = Docx()
    doc.core_properties.title = "关于印发2019年工作要点的通知"  # left over from the template
    doc.add_paragraph("县纪委监委开展作风建设专项监督")
    doc.add_paragraph("今年以来，某县纪委监委紧盯群众身边不正之风，对全县21个乡镇开展作风建设专项监督，发现问题57个。")
    doc.save(str(tmp_path / "a.docx"))
    read = read_document(tmp_path / "a.docx")
    assert read.title == "县纪委监委开展作风建设专项监督" and read.text.startswith("今年以来")


@pytest.mark.parametrize("tail, author, kept", [
    ("（汤鸿鸽）", "汤鸿鸽", ""), ("（某县纪委监委 李某某）", "某县纪委监委 李某某", ""),
    ("（记者 张三 通讯员 李四）", "记者 张三 通讯员 李四", ""), ("（未完待续）", None, ""), ("\n（试行）", None, "\n（试行）"),
])
def test_closing_bylines(tail, author, kept):
    body = "会议强调，要持续深化作风建设，推动全面从严治党向纵深发展，切实维护良好政治生态。"
    doc = document_from_text("县纪委监委召开警示教育大会\n" + body + tail)
    assert doc.author == author and doc.text == body + kept


def test_document_to_dict_leaves_out_working_state():
    """to_dict is the JSON shape: every field but the cached segmentation, records as plain dicts,
    and the document keeps its tokens."""
    import dataclasses
    import json

    from xuncha.document import Count

    doc = document_from_text(CCDI_STYLE, "a.txt")
    doc.tokens = list(doc.text)
    doc.counts.append(Count(value=46, unit="个", approx=False, subject="问题", surface="46个", start=3, end=6))
    data = doc.to_dict()
    assert list(data) == [f.name for f in dataclasses.fields(doc) if f.name != "tokens"]
    assert data["counts"] == [{"value": 46, "unit": "个", "approx": False, "subject": "问题", "surface": "46个",
                               "start": 3, "end": 6}]
    assert data["text"] == doc.text and doc.tokens == list(doc.text)
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


def test_gb2312_levels():
    """Level 1 (rows 16-55) holds the 3755 common characters, levels 1+2 all 6763 Han characters."""
    from xuncha.ingest.encoding import gb2312_chars

    level1, both = gb2312_chars(55), gb2312_chars(87)
    assert (len(level1), len(both)) == (3755, 6763) and level1 < both
    assert {"啊", "座", "监", "督"} <= level1 and "亍" in both - level1
    assert not {"镕", "喆", "監"} & both


def test_region_score_counts_agreement_like_the_pairwise_rule():
    """_score counts, per candidate node, the mentions that are the node, under it or above it from
    the chains at once; it must pick what comparing every node with every mention picks."""
    import random

    from xuncha.ingest.regions import _score

    divs = load_divisions()
    counties = [d for ds in divs.by_name.values() for d in ds if d.level == "county"]
    cities = [d for ds in divs.by_name.values() for d in ds if d.level == "city"]

    def pairwise(mentions, cover=0.6):
        nodes = {a.code for m in mentions for a in divs.chain(m.code)}

        def agrees(node, m):
            return node in {a.code for a in divs.chain(m.code)} or divs.is_within(node, m.code)

        scored = [(len(divs.chain(n)), sum(agrees(n, m) for m in mentions), n) for n in nodes]
        ok = [t for t in scored if t[1] >= cover * len(mentions)]
        return max(ok)[2] if ok else None

    rng = random.Random(5)
    for _ in range(300):
        province = rng.choice(cities).code[:2]
        near = [d for d in counties + cities if d.code.startswith(province)]
        mentions = rng.sample(near, rng.randint(1, 6)) + rng.sample(counties, rng.randint(0, 2))
        assert _score([[m] for m in mentions]) == pairwise(mentions)


def test_a_nul_byte_does_not_cut_the_text_short():
    """OpenCC stops at a NUL character: the text after one was silently dropped."""
    page = ("关于县纪委监委开展巡察工作的通报\n\n县纪委监委对城关镇党委开展了为期一个月的巡察，发现问题12个。\x00"
            "巡察组指出，该镇党委落实主体责任不到位，對年輕幹部談心談話開展不經常。\n")
    text = normalize_text(page, [])
    assert "\x00" not in text
    assert text.rstrip().endswith("对年轻干部谈心谈话开展不经常。")
    doc = document_from_text(page)
    assert "落实主体责任不到位" in doc.text
