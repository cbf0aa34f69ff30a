"""Web-page furniture in text: which lines are navigation, widgets, credits, footers or spam lists.

The phrase patterns are data (xuncha/corpora/furniture_lines.txt, furniture_tail.txt); this module
only applies them. Two kinds of rule:
- a furniture LINE is dropped wherever it is (返回顶部, 小字号, breadcrumbs, 责编 lines, ICP footers);
- a TAIL marker ends the article: the marker and everything after it go (责编, 分享让更多人看到,
  原文链接, 免责声明 ...), but only when it sits in the last part of the page, so a stray phrase in
  the middle of an article never truncates it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from xuncha.corpora import data_lines

# Body paragraphs are long; furniture lines are short. Long lines are only dropped by tail cuts.
MAX_FURNITURE_LINE = 100
_LIST_SEP = re.compile(r"\s*[|｜丨]\s*")
_SENTENCE_END = re.compile(r"[。！？!?；;]")
_WORD = re.compile(r"\w")
_CLAUSE = re.compile(r"[，,、：:“”\"]")


@lru_cache(maxsize=1)
def _line_re() -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in data_lines("furniture_lines.txt")))


@lru_cache(maxsize=1)
def _tail_re() -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in data_lines("furniture_tail.txt")))


def is_link_list(line: str) -> bool:
    """`桐梓县| 深泽县| 同心县| ...`, `首页 | 要闻 | 视频` or `网站首页 新闻中心 工作动态 通知公告`:
    a row of short link texts joined by bars (3 or more) or spaces (4 or more)."""
    s = line.strip()
    if _SENTENCE_END.search(s) or _CLAUSE.search(s):
        return False
    items = [x for x in _LIST_SEP.split(s) if x]
    if len(items) >= 3 and len(_LIST_SEP.findall(s)) >= 2:
        return sum(len(x) for x in items) / len(items) <= 10
    words = s.split()
    return len(words) >= 4 and all(2 <= len(w) <= 6 for w in words) and not any(c.isdigit() for c in s)


def is_furniture_line(line: str) -> bool:
    s = line.strip()
    if not s:
        return False
    if len(s) > MAX_FURNITURE_LINE:
        return False
    if not _WORD.search(s):  # only bars, dots or dashes left (e.g. after spam names were cut)
        return True
    return bool(_line_re().fullmatch(s)) or is_link_list(s)


def is_tail_marker(line: str) -> bool:
    s = line.strip()
    return len(s) <= MAX_FURNITURE_LINE and bool(_tail_re().search(s))


def _body_mass(lines: list[str]) -> int:
    """Characters in lines that read like article prose (long, with sentence punctuation)."""
    return sum(len(s) for s in (ln.strip() for ln in lines) if len(s) >= 40 and _SENTENCE_END.search(s))


def tail_cut(lines: list[str]) -> int:
    """Index of the first tail-marker line that has more article prose before it than after it
    (len(lines) if none): lines from there on are page footer."""
    for i, line in enumerate(lines):
        if is_tail_marker(line) and _body_mass(lines[:i]) > 0 and _body_mass(lines[i + 1:]) < _body_mass(lines[:i]) / 2:
            return i
    return len(lines)
