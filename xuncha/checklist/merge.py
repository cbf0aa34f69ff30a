"""Merging near-duplicate problem statements into checklist items.

Two statements say the same thing when their character bigrams overlap enough (Jaccard), or when
the shorter one's bigrams are almost all inside the longer one. Character bigrams suit Chinese:
no segmentation is needed and small wording changes (“不到位/不够到位”) keep most bigrams.
"""

from __future__ import annotations

import re

from xuncha.checklist.model import Item, Source, Statement

JACCARD = 0.5  # bigram-set Jaccard at or above which two statements are merged
CONTAINED = 0.85  # share of the shorter statement's bigrams inside the longer one
MIN_CONTAINED_BIGRAMS = 5  # a containment match needs this many bigrams (short phrases stay apart)

_LEADING_MARKS = re.compile(r"^(?:[一二三四五六七八九十]+是|[（(]?[一二三四五六七八九十\d]+[)）、.．]|[，,;；:：\s])+")
_NOT_WORDS = re.compile(r"[\W_]+")


def clean_statement(text: str) -> str:
    """A statement as shown: list markers, spaces and end punctuation removed, quotes paired."""
    text = " ".join(text.split())
    text = _LEADING_MARKS.sub("", text)
    text = text.rstrip("。；;，,、 .")
    return _pair_quotes(text)


def _pair_quotes(text: str) -> str:
    """Restore a quote mark cut off at a clause boundary: 三重一大”事项… → “三重一大”事项…"""
    for open_, close in (("“", "”"), ("‘", "’")):
        first_open = text.find(open_) if open_ in text else len(text)
        if text.count(close) > text.count(open_) and text.find(close) < first_open:
            text = open_ + text
        elif text.count(open_) > text.count(close):
            text = text + close
    if text.count('"') % 2 == 1:
        text = '"' + text if not text.startswith('"') else text + '"'
    return text


# Framing words that say nothing about which problem it is: 存在超标准接待问题 ≈ 超标准接待.
_FRAME_START = re.compile(r"^(?:存在|有的单位|有的|个别单位|个别|部分单位|部分|一些|少数|仍然|仍)+")
_FRAME_END = re.compile(r"(?:的)?(?:问题|现象|情况|情形)?(?:突出|较多|时有发生|仍有发生)?$")


def bigrams(text: str) -> frozenset[str]:
    """Character bigrams of a statement's core (framing words and punctuation left out)."""
    core = _NOT_WORDS.sub("", text)
    core = _FRAME_END.sub("", _FRAME_START.sub("", core)) or core
    if len(core) < 2:
        return frozenset([core]) if core else frozenset()
    return frozenset(core[i : i + 2] for i in range(len(core) - 1))


def similar(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return False
    inter = len(a & b)
    if inter / len(a | b) >= JACCARD:
        return True
    small = min(len(a), len(b))
    return small >= MIN_CONTAINED_BIGRAMS and inter / small >= CONTAINED


def merge_statements(statements: list[Statement], max_variants: int = 8) -> list[Item]:
    """Cluster statements (leader clustering, most frequent wording first) into ranked Items.

    Ranked by documents, then units, then how often the wording occurs; the item's wording is
    its most frequent, shortest statement; the other wordings become its variants.
    """
    by_text: dict[str, list[Statement]] = {}
    for st in statements:
        text = clean_statement(st.text)
        if text:
            by_text.setdefault(text, []).append(st)
    order = sorted(by_text, key=lambda t: (-len(by_text[t]), len(t), t))
    leaders: list[tuple[frozenset[str], list[str]]] = []
    for text in order:
        grams = bigrams(text)
        for lead_grams, members in leaders:
            if similar(grams, lead_grams):
                members.append(text)
                break
        else:
            leaders.append((grams, [text]))

    items = []
    for _, members in leaders:
        found = [st for t in members for st in by_text[t]]
        sources: dict[str, Source] = {}
        for st in found:
            if st.source is not None:
                sources.setdefault(st.source.path, st.source)
        units = {st.unit for st in found if st.unit}
        items.append(Item(
            statement=members[0],
            variants=members[1 : 1 + max_variants],
            sources=sorted(sources.values(), key=lambda s: (s.date or "", s.file), reverse=True),
            documents=len(sources),
            units=len(units),
            occurrences=len(found),
        ))
    items.sort(key=lambda it: (-it.documents, -it.units, -it.occurrences, it.statement))
    return items

