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


# The speed shortcuts inside extract_bodies answer as the plain computations they replace. The texts
# are made up from the vocabulary itself (places glued to levels and heads, modifiers, punctuation),
# where the shortcuts have the most to get wrong.

import random

from xuncha.nlp import bodies

FILLER = "，。、的和在县市区委会组局办第一二三十上级各该本驻召开议 ab12“”（）"


def _made_up_texts(count: int, seed: int) -> list[str]:
    v = bodies._vocab()
    rng = random.Random(seed)
    places = sorted(v.places)
    pools = [places, sorted(v.heads), sorted(v.fields), sorted(v.level_set), list(FILLER),
             ["各级", "上级", "全县各级", "基层", "前江街道", "桃园村", "第二", "和", "与"]]
    texts = []
    for _ in range(count):
        parts = [rng.choice(rng.choice(pools)) for _ in range(rng.randint(1, 40))]
        texts.append("".join(parts))
    return texts


def test_heads_found_by_the_prefix_tree_as_by_the_word_list():
    v = bodies._vocab()
    chars = sorted({ch for word in v.heads for ch in word}) + list("，的县")
    rng = random.Random(3)
    texts = ["".join(rng.choice(chars) for _ in range(rng.randint(1, 30))) for _ in range(3000)]
    texts += _made_up_texts(300, 4)
    for text in texts:
        assert [m.span() for m in v.head_at_re.finditer(text)] == [m.span() for m in v.head_re.finditer(text)], text
        for pos in range(len(text)):
            plain = v.head_re.match(text, pos)
            assert bodies._head_at(text, pos, v) == (plain.group() if plain else None), (text, pos)


def _places_walked(text: str, v, endings: set[str]) -> dict[str, str]:
    """Each level character's most named place, found by walking every ending (the plain way)."""
    counts: dict[str, dict[str, int]] = {}
    for end in range(1, len(text) + 1):
        if text[end - 1] not in bodies.LEVEL_CHARS:
            continue
        name, k = None, 1
        while k <= end and text[end - k : end] in endings:
            if text[end - k : end] in v.places:
                name = text[end - k : end]
            k += 1
        if name is not None:
            named = counts.setdefault(name[-1], {})
            named[name] = named.get(name, 0) + 1
    return {level: max(named.items(), key=lambda item: item[1])[0] for level, named in counts.items()}


def test_places_named_are_the_longest_places_ending_at_each_level_character():
    v = bodies._vocab()
    assert v.places, "divisions data missing"
    # places that end with another place (市中区 in 济南市市中区) and levels glued to places
    nested = sorted(p for p in v.places if any(p[i:] in v.places for i in range(1, len(p) - 2)))[:50]
    assert nested
    rng = random.Random(5)
    texts = _made_up_texts(200, 6)
    pool = nested + sorted(v.places)[:200] + list("县市区，")
    texts += ["".join(rng.choice(pool) for _ in range(30)) for _ in range(100)]
    endings = {w[i:] for w in v.places for i in range(len(w))}
    for text in texts:
        assert bodies._places_named(text, v, None) == _places_walked(text, v, endings), text


def test_generic_modifiers_found_as_by_their_regexes_alone():
    v = bodies._vocab()

    def by_regex(text, start):
        if v.stop_end_re.search(text, max(0, start - 5), start):
            return True
        field, stop = v.field_re.match(text, start), v.stop_re.match(text, start)
        return stop is not None and (field is None or len(stop.group()) >= len(field.group()))

    generic = 0
    for text in _made_up_texts(400, 8):
        for start in range(len(text)):
            assert bodies._generic(text, start, v) == by_regex(text, start), (text, start)
            generic += by_regex(text, start)
    assert generic > 100


# With the document's tokens (annotate's segmentation), a name may also begin where they show a word
# boundary; the decision written out for that case (_decide_at) must equal the plain computation.

from itertools import accumulate

from xuncha.nlp.segment import cut


def test_the_documents_tokens_let_a_name_begin_where_they_show_a_boundary():
    text = "会上，呼伦贝尔市县人民医院党委研究整改。"
    tokens = ["会上", "，", "呼伦贝尔市", "县", "人民医院", "党委", "研究", "整改", "。"]
    assert {b.name for b in extract_bodies(text, tokens=tokens)} == {"县人民医院党委"}
    glued = ["会上", "，", "呼伦贝尔", "市县", "人民医院", "党委", "研究", "整改", "。"]
    assert {b.name for b in extract_bodies(text, tokens=glued)} == {"人民医院党委"}  # nor does the piece


def test_tokens_that_do_not_spell_the_text_are_left_aside():
    text = "郧西县纪委监委联合县电视台开设专栏。"
    plain = extract_bodies(text)
    assert plain
    for tokens in (["郧西县"], [], ["郧西", None], cut(text) + ["多余"]):
        assert extract_bodies(text, tokens=tokens) == plain


def test_the_same_names_with_and_without_tokens_in_plain_report_prose():
    text = ("郧西县纪委监委联合县电视台开设专栏。宁波市江北区纪委监委召开述责评议会。县委第二巡察组进驻市交通运输委党委，"
            "前江街道党工委书记参加。城关镇党委、县城投集团有限公司、县妇联、团县委、市实验小学党支部开展谈话。")
    assert extract_bodies(text, tokens=cut(text)) == extract_bodies(text)


def _random_tokens(text: str, rng: random.Random) -> list[str]:
    tokens, pos = [], 0
    while pos < len(text):
        step = rng.randint(1, 4)
        tokens.append(text[pos : pos + step])
        pos += step
    return tokens


def _begins_on_a_boundary(text: str, start: int, end: int, bounds: set[int]) -> bool:
    """The rule a name's start keeps: the text's start, after a mark or 该/本/驻, a word boundary of
    the document's tokens or of the piece around it (4 characters before, up to 6 after) segmented
    alone, or a head that names a body alone (the start moved onto it off a half-covered word)."""
    if start == 0 or text[start - 1] in "该本驻" or not ("\u4e00" <= text[start - 1] <= "\u9fff"):
        return True
    lo = max(0, start - 4)
    piece = cut(text[lo : min(end, start + 6)])
    if start in bounds or start - lo in set(accumulate(map(len, piece), initial=0)):
        return True
    head = bodies._head_at(text, start, bodies._vocab())
    return head is not None and bodies._vocab().heads[head].alone


def test_names_begin_on_a_boundary_of_the_tokens_given_or_of_the_piece_around_them():
    """With the segmenter's tokens and with random ones, every name found begins where the rule allows."""
    rng = random.Random(11)
    texts = _made_up_texts(1500, 12)
    texts += [text[i:] for text in texts[:300] for i in range(1, 5)]  # the same mentions nearer the start
    checked = 0
    for text in texts:
        tokens = cut(text) if rng.random() < 0.5 else _random_tokens(text, rng)
        bounds = set(accumulate(map(len, tokens), initial=0))
        for b in extract_bodies(text, tokens=tokens):
            assert text[b.start : b.end] == b.name
            assert _begins_on_a_boundary(text, b.start, b.end, bounds), (text, b.name)
            checked += 1
    assert checked > 1000


def test_own_names_before_enterprise_school_and_hospital_heads_found_as_by_trying_each_length():
    """_free_name_before counts the name's usable characters once and skips starts where no part
    ends; it answers as trying 4, 3 and 2 characters, each checked and looked up in full."""
    v = bodies._vocab()

    def tried(text, pos):
        head = bodies._head_at(text, pos, v)
        if head is None or v.heads[head].kind not in bodies.FREE_NAME_KINDS:
            return None
        for length in (4, 3, 2):
            start = pos - length
            name = text[start:pos] if start >= 0 else ""
            if not name or not all("\u4e00" <= ch <= "\u9fff" for ch in name) or set(name) & bodies.NAME_STOP_CHARS:
                continue
            opener = bodies._element_at(text, start, v, None)
            if opener is not None and opener[1] in ("place", "level"):
                return start, "field"
        return None

    rng = random.Random(17)
    free = sorted(v.free_heads)
    pool = sorted(v.places)[:300] + sorted(v.level_set) + list("城投实验第一人民中心的和在，3各")
    named = 0
    for _ in range(3000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 4))) + rng.choice(free)
        for m in v.head_at_re.finditer(text):
            found = bodies._free_name_before(text, m.start(), v)
            assert found == tried(text, m.start()), (text, m.start())
            named += found is not None
    assert named > 100


def test_text_the_segmenter_refuses_still_gets_its_bodies():
    """Without tokens the text is segmented here; a lone surrogate (which the segmenter cannot
    encode) leaves the names their pieces' boundaries instead of raising."""
    assert {b.name for b in extract_bodies("县纪委\ud800郧西县委书记")} == {"县纪委", "郧西县委"}
    assert extract_bodies("组织\ud800乡镇纪委") == []


def test_stopping_early_inside_a_name_found_further_right_changes_nothing(monkeypatch):
    """extract_bodies decides mentions right to left and stops one as soon as its name must lie
    inside a name found further right (the `floor`); deciding every mention in full must give the
    same bodies, on every sample document and seed page."""
    from pathlib import Path

    from xuncha.ingest import read_document

    root = Path(__file__).resolve().parent.parent
    paths = sorted((root / "samples" / "documents").rglob("*.txt"))
    seeds = root.parent / "shared" / "seeds"
    paths += sorted(seeds.glob("*.txt")) if seeds.is_dir() else []
    texts = [(d.text, d.region) for d in map(read_document, paths)]
    texts += [(t, None) for t in (  # names written back to back, where mentions overlap
        "会上，平安县县妇联市委巡察办将联合市纪委监委、市委组织部开展督查。",
        "近日，城关镇党委县委第二巡察组进驻县人民医院党委市交通运输局党组。",
        "长宁区团区委区纪委监委区卫生健康委党委联合开展谈话。")]
    early = [extract_bodies(text, region, cut(text)) for text, region in texts]
    decide = bodies._decide_at
    monkeypatch.setattr(bodies, "_decide_at", lambda *args: decide(*args[:6]))  # no floor
    full = [extract_bodies(text, region, cut(text)) for text, region in texts]
    assert early == full
    assert sum(map(len, early)) > 50
