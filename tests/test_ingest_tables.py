"""The lookup tables reading builds once per process say exactly what the rules they replace say."""

from __future__ import annotations

import numpy as np

from xuncha.ingest import dedup, normalize, regions
from xuncha.ingest.encoding import gb2312_chars


def test_skeleton_table_keeps_exactly_the_alphanumeric_characters():
    table = dedup._is_word_char()
    assert table.tolist() == [chr(cp).isalnum() for cp in range(0x10000)]


def test_rare_and_suspect_tables_follow_gb2312():
    suspect, rare = normalize._char_tables()
    gb = gb2312_chars(87)
    for cp in range(0x3000, 0xA100):
        expected = 0x3400 <= cp < 0xA000 and chr(cp) not in gb and chr(cp) not in normalize._NAME_CHARS
        assert rare[cp] == expected, hex(cp)
    assert rare[0xF900] and rare[0xFAFF] and not rare[0xFB00]
    assert suspect[0xE000] and suspect[0xFFFD] and suspect[0x85] and suspect[ord("Ã")] and suspect[ord("â")]
    assert not suspect[ord("监")] and not suspect[ord("a")] and not suspect[ord("镕")]
    assert (suspect | ~rare).all()  # every rare character is a suspect


def test_gb2312_table_matches_cell_by_cell_decoding():
    cells = set()
    for hi in range(0xA0 + 16, 0xA0 + 88):
        for lo in range(0xA1, 0xFF):
            try:
                cells.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    assert gb2312_chars(87) == frozenset(cells)
    assert len(gb2312_chars(55)) == 3755 and len(cells) == 6763


def test_division_indexes_agree_with_the_chains():
    divs = regions.load_divisions()
    assert all(regions._codes_up(c) == tuple(d.code for d in divs.chain(c)) for c in divs.by_code)
    read_as, read_under = regions._full_names_by_code()
    full = regions._full_names()
    for name in list(full)[::7]:
        for d in divs.by_name[name]:
            assert name in read_as[d.code]
            assert all(name in read_under[a.code] for a in divs.chain(d.code))
    assert not any(name not in full for names in read_as.values() for name in names)


def test_code_points_index_like_the_string():
    text = "监督𠮷a\n"
    points = normalize._code_points(text)
    assert [chr(p) for p in points.tolist()] == list(text) and isinstance(points, np.ndarray)


def test_body_names_count_what_the_leftmost_longest_scan_finds():
    """The one-pass count keeps the longest name at each end and skips a name that starts inside
    the last one kept, as sorting all finds by start would."""
    import random
    from collections import Counter

    full = sorted(regions._full_names())
    rng = random.Random(4)
    pieces = ["县", "市", "区", "州", "的", "吉林", "江北", "新区", "中区", "。", "\n"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) if rng.random() < 0.4 else rng.choice(full)[rng.randint(0, 2):]
                       for _ in range(rng.randint(0, 12)))
        expected = Counter(name for _, _, name in regions._scan(text, full_only=True))
        assert regions._body_names(text) == expected and list(regions._body_names(text)) == list(expected)
    assert regions._body_names("衢州市中区，东西湖区和西湖区") == Counter({"衢州市": 1, "东西湖区": 1, "西湖区": 1})


def test_simhash_bits_are_the_majority_of_each_bit():
    rng = np.random.default_rng(7)
    for n in (1, 2, 3, 63, 64, 65, 128, 2701, 40000):
        hashes = np.unique(rng.integers(0, 2**64 - 1, size=n, dtype=np.uint64, endpoint=True))
        expected = sum(1 << i for i in range(64)
                       if 2 * sum((int(h) >> i) & 1 for h in hashes.tolist()) > len(hashes))
        assert dedup._simhash_of(hashes) == expected
    assert dedup._simhash_of(np.array([0, 2**64 - 1], dtype=np.uint64)) == 0  # a tie is not a majority
    assert dedup._simhash_of(np.zeros(0, dtype=np.uint64)) == 0


def test_name_ends_found_over_code_units_are_the_pattern_matches():
    import random

    rng = random.Random(9)
    full = sorted(regions._full_names())
    pieces = ["县", "市", "区", "旗", "盟", "州", "省", "的", "\n", "𠮷", "西", "江", "a"]
    for _ in range(2000):
        text = "".join(rng.choice(pieces) if rng.random() < 0.5 else rng.choice(full)[rng.randint(0, 2):]
                       for _ in range(rng.randint(0, 10)))
        assert regions._name_end_positions(text) == [m.end() for m in regions._name_ends().finditer(text)]


def test_dates_are_looked_for_with_the_patterns_that_can_match():
    """Leaving out the date patterns whose characters a line lacks finds the same date."""
    import random

    from xuncha.ingest import metadata

    def every_pattern(text):
        best = None
        for pattern in metadata.DATE_PATTERNS:
            for m in pattern.finditer(text):
                value = metadata._to_date(m.group("y"), m.group("m"), m.group("d"))
                if value and (best is None or m.start() < best[0]):
                    best = (m.start(), value)
                    break
        return best[1] if best else None

    rng = random.Random(3)
    pieces = ["2023", "2019", "05", "5", "12", "年", "月", "日", "-", "/", ".", " ", "二〇二二", "五", "二十", "来源：",
              "发布时间", "10:30", "巡察", "1999"]
    for _ in range(4000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert metadata.parse_date(text) == every_pattern(text), text


def test_texts_ruled_out_for_spam_are_left_alone_by_strip_spam():
    """The census pairs never rule out a text that strip_spam would change (names in any case,
    triggers, keys cut in two), and rule out plain report text."""
    import random

    names, rules = normalize._spam_rules()
    pieces = [*names, *(n.upper() for n in names), *(t for words, _ in rules for t in words), "注册送88元", "体育课",
              "北京", "开展", "金沙江", "365天", "县纪委监委", "。", "\n", "a", "𠮷"]
    rng = random.Random(5)
    for _ in range(3000):
        parts = [rng.choice(pieces) for _ in range(rng.randint(1, 6))]
        if rng.random() < 0.3:  # a key cut in two by something between
            cut = rng.randint(0, len(parts[0]))
            parts[0] = parts[0][:cut] + "，" + parts[0][cut:]
        text = "".join(parts)
        needs, flags = normalize._census(text)
        if not normalize._may_hold_spam(text, needs, flags):
            assert normalize.strip_spam(text) == text, text
    report = "县纪委监委开展巡察工作，发现问题线索12条，督促整改到位。"
    assert not normalize._may_hold_spam(report, *normalize._census(report))


def test_headline_comparison_drops_the_whitespace_the_regex_drops():
    """_norm_title splits on str whitespace: the same characters as the regex \\s removes."""
    import re

    from xuncha.ingest import page

    blanks = re.compile(r"\s+")
    for cp in range(0x110000):
        text = f"县委{chr(cp)}巡察 组\u3000通报"
        assert page._norm_title(text) == blanks.sub("", text)

