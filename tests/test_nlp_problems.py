"""Problem statements: each problem found is one clause; exhortations and conditionals are not problems."""

from __future__ import annotations

from xuncha.nlp.problems import extract_problems


def problems(text):
    found = extract_problems(text)
    for p in found:
        assert text[p.start:p.end] == p.text
    return [p.text for p in found]


def test_list_closed_by_deng_wenti():
    assert problems("请你就思想文化宣传薄弱、内生动力不足等问题进行整改，并按时反馈。") == ["思想文化宣传薄弱", "内生动力不足"]


def test_found_problems_in_a_list_with_found_prefix():
    text = "监督发现的产业奖补资金兑现存在监管漏洞、危房改造资金发放不精准等问题得到了及时整改。"
    assert problems(text) == ["产业奖补资金兑现存在监管漏洞", "危房改造资金发放不精准"]


def test_quoted_feedback_split_at_semicolons():
    text = "“对年轻干部谈心谈话未经常性开展；落实主体责任的举措还不够有力……”近日，区纪委监委当场反馈。"
    assert problems(text) == ["对年轻干部谈心谈话未经常性开展", "落实主体责任的举措还不够有力"]


def test_report_style_findings():
    text = ("巡察发现，该局党组落实主体责任不到位，“三重一大”制度执行不严、监督检查流于形式；"
            "违规发放津贴补贴；干部档案管理存在漏洞。")
    assert problems(text) == ["该局党组落实主体责任不到位", "“三重一大”制度执行不严", "监督检查流于形式",
                              "违规发放津贴补贴", "干部档案管理存在漏洞"]


def test_exhortations_hypotheticals_and_conditionals_are_not_problems():
    text = ("要坚决防止形式主义、官僚主义。如果整改不到位，将严肃问责。对整改责任不落实、整改不力的，严肃追责。"
            "既指出履行责任的差距，也指出推动发展方面的不足。使监督不失位、支持不缺位。"
            "发现责任落实不到位的及时约谈。追回违纪资金256.8万元。")
    assert problems(text) == []


def test_generic_mentions_of_problems_are_not_problems():
    assert problems("谈话结束后，谈话问题将被纳入台账管理，当场反馈存在的问题。") == []


def test_enumerated_findings_and_notice_headlines():
    text = ("关于3起违反中央八项规定精神典型问题的通报\n1.城关镇党委书记张某某违规收受礼金问题。\n"
            "一是党组会议研究党风廉政建设工作次数偏少；二是发展党员程序不规范。")
    assert problems(text) == ["城关镇党委书记张某某违规收受礼金问题", "党组会议研究党风廉政建设工作次数偏少",
                              "发展党员程序不规范"]


def test_feedback_report_sections():
    text = ("县委第二巡察组反馈指出，该局党组存在以下问题：\n"
            "（一）落实全面从严治党主体责任方面。党组主体责任意识淡薄；对下属单位监督管理缺失，廉政风险防控机制不健全。\n"
            "（二）组织建设方面。基层党组织软弱涣散，组织生活不正常；部分河道“清四乱”整治进展缓慢；"
            "存在“重表面、轻实效”现象。\n巡察组要求，要认真对照反馈意见抓好整改，防止出现“边改边犯”。")
    assert problems(text) == ["党组主体责任意识淡薄", "对下属单位监督管理缺失", "廉政风险防控机制不健全",
                              "基层党组织软弱涣散", "组织生活不正常", "部分河道“清四乱”整治进展缓慢",
                              "存在“重表面、轻实效”现象"]


def test_more_ways_of_stating_a_problem():
    text = ("巡察指出，该区在落实意识形态工作责任制方面还有差距；资产管理混乱，账实不符；擅自调整项目资金用途，"
            "变相发放福利；存在个人说了算现象；要不断提高监督质效，确保账实相符。")
    assert problems(text) == ["该区在落实意识形态工作责任制方面还有差距", "资产管理混乱", "账实不符",
                              "擅自调整项目资金用途", "变相发放福利", "存在个人说了算现象"]


def test_ascii_quoted_name_at_clause_start_is_kept_whole():
    """Pages often write ASCII quotes; a clause opening with a quoted name keeps both quotes."""
    for text in ['有的党组议事决策不规范，"三重一大"事项未经集体研究即由主要负责人拍板。',
                 '议事决策不规范，“三重一大”事项未经集体研究即由主要负责人拍板。']:
        texts = [p.text for p in extract_problems(text)]
        assert any(t.startswith(("\"三重一大\"", "“三重一大”")) for t in texts), texts
        assert all(t.count('"') % 2 == 0 for t in texts), texts


def test_trim_shortcut_strips_as_the_full_walk(monkeypatch):
    """_trim returns at once when nothing at either end looks strippable; on spans that open or
    close with marks, lead words, enumerators, framing and found-words it must agree with the walk."""
    import re

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from xuncha.nlp import problems as module

    v = module._vocab()
    pieces = ["“", "”", "（", "）", " ", "\u3000", "…", "一是", "就", "针对", "（一）", "1.", "①", "２", "巡察发现",
              "存在", "反馈", "监督", "薄弱", "不到位", "管理", "制度", "的", "请你", "问题"]

    @settings(max_examples=400, deadline=None)
    @given(st.lists(st.sampled_from(pieces), min_size=1, max_size=10), st.data())
    def check(parts, data):
        text = "".join(parts)
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, len(text)))
        fast = module._trim(text, start, end, v)
        with monkeypatch.context() as m:
            m.setattr(module, "NEAR_START_RE", re.compile(""))  # matches everywhere: the walk always runs
            assert module._trim(text, start, end, v) == fast

    check()
