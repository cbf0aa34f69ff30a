"""Bodies: organisation names in full and short forms, their kind, and short forms resolved."""

from __future__ import annotations

from xuncha.nlp.bodies import extract_bodies


def names(text, region=None):
    return {b.name: (b.kind, b.resolved) for b in extract_bodies(text, region)}


def test_full_names_with_place_prefixes():
    found = names("郧西县纪委监委联合县电视台开设专栏。宁波市江北区纪委监委召开述责评议会。滨州市委巡察办发放清单。")
    assert found["郧西县纪委监委"][0] == "discipline"
    assert found["宁波市江北区纪委监委"][0] == "discipline"
    assert found["滨州市委巡察办"][0] == "inspection"
    assert "县电视台" in found


def test_compound_names_keep_their_parts():
    found = names("县委第二巡察组进驻市交通运输委党委，前江街道党工委书记参加，市住房和城乡建设局党组反馈。")
    assert "县委第二巡察组" in found and found["县委第二巡察组"][0] == "inspection"
    assert found["市交通运输委党委"][0] == "party"
    assert found["前江街道党工委"][0] == "party"
    assert "市住房和城乡建设局党组" in found


def test_kinds_of_bodies():
    found = names("城关镇党委、宣城市中心医院党委、县第一中学、县城投集团有限公司、县妇联、县自然资源和规划局、"
                  "县人民医院、团县委、市实验小学党支部")
    assert {name: kind for name, (kind, _) in found.items()} == {
        "城关镇党委": "party", "宣城市中心医院党委": "party", "县第一中学": "school",
        "县城投集团有限公司": "enterprise", "县妇联": "mass_org", "县自然资源和规划局": "government",
        "县人民医院": "hospital", "团县委": "mass_org", "市实验小学党支部": "party"}


def test_party_committee_from_place_and_wei():
    found = names("和平区委书记在会上表态，河西区委要从五个方面用力。")
    assert found["和平区委"][0] == "party"
    assert found["河西区委"][0] == "party"


def test_generic_mentions_are_not_bodies():
    found = names("上级纪委同下级党委班子成员集体谈话，各级党委（党组）书记接受监督，组织乡镇纪委开展工作。")
    assert found == {}


def test_words_that_only_look_like_heads():
    assert names("完善管理办法，形成工作格局，党委委员参加") == {}


def test_short_forms_resolved_to_the_place_named():
    found = names("郧西县纪委监委研究制定方案。该县纪委书记与县委书记谈话，县纪委监委督促整改。")
    assert found["县纪委"][1] == "郧西县纪委"
    assert found["县委"][1] == "郧西县委"
    assert found["县纪委监委"][1] == "郧西县纪委监委"


def test_short_forms_resolved_from_the_document_region():
    found = names("县纪委监委督促整改。", region="湖北省十堰市竹溪县")
    assert found["县纪委监委"][1] == "竹溪县纪委监委"


def test_spans_index_the_text():
    text = "近日，中共岳阳市委第三巡察组向市住建局党组反馈巡察情况。"
    for b in extract_bodies(text):
        assert text[b.start:b.end] == b.name
    assert "中共岳阳市委第三巡察组" in names(text)


def test_everyday_words_and_generic_levels_are_not_bodies():
    text = ("形成工作格局，打开局面，提高政治站位，规范政府采购，委托第三方，全市各级纪检监察机关，县直各部门，"
            "各乡镇党委，组织部门，相关职能部门，市县两级纪委监委，由县委办牵头，市委组织部配合。")
    assert set(names(text)) == {"县委办", "市委组织部"}


def test_offices_centres_and_committees():
    found = names("县委编办、县教体局、县经济开发区管委会、市公共资源交易中心、县政务服务中心、县疾病预防控制中心，"
                  "推动重点中心工作，理论学习中心组学习。")
    assert set(found) == {"县委编办", "县教体局", "县经济开发区管委会", "市公共资源交易中心", "县政务服务中心",
                          "县疾病预防控制中心"}


def test_coordinated_and_unit_level_generic_commissions():
    assert names("党委纪委在处理监督与支持的关系中更加融合，在选配基层单位纪委书记时严格把关。") == {}
