"""Metadata written in the page text: dates, 来源, 作者, datelines and bylines.

Dates are parsed here rather than by htmldate, which reads "2023年05月12日" as 2023-01-01.
All functions take simplified, width-normalised text (see normalize.py).
"""

from __future__ import annotations

import datetime as dt
import re

_CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

DATE_PATTERNS = [
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
    re.compile(r"(?<![\d.])(?P<y>(?:19|20)\d{2})\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})(?![\d.])"),
    re.compile(r"(?P<y>[〇○零一二三四五六七八九]{4})\s*年\s*(?P<m>[一二三四五六七八九十]{1,2})\s*月"
               r"\s*(?P<d>[一二三四五六七八九十]{1,3})\s*日"),
]
META_LABEL = re.compile(r"(?:发布时间|发布日期|发表时间|更新时间|日期|时间|来源|稿源|作者|记者|浏览|阅读|点击|编辑|字号)\s*[:：]")
_SOURCE = re.compile(r"(?:来源|稿源|出处)\s*[:：]\s*(?P<v>.+)")
_AUTHOR = re.compile(r"(?:作者|撰稿|撰文|文)\s*[:：/]\s*(?P<v>.+)")
_STOP = re.compile(r"\s{2,}|\s*[|｜丨【\[】\]]|\s+(?=(?:作者|编辑|责编|记者|通讯员|时间|发布|日期|浏览|点击|阅读|字号|来源|稿源)\s*[:：]?)")
_CLAUSE = re.compile(r"[，。；！？]|[,;!?](?=\S)")
NO_AUTHOR = {"佚名", "未知", "本站", "admin", "管理员", "网络", "本网", "匿名", "不详"}

# 中新网山东新闻11月20日电(赵伟伟 刘美芳) / 新华社北京3月5日电（记者 张三） / 本报讯（通讯员 李四）
DATELINE = re.compile(
    r"^\s*(?P<head>[^，。,；;:：“”\"()（）\n]{0,30}?(?:\d{1,2}月\d{1,2}日\s*电|[^，。,\s()（）]{0,12}讯))\s*"
    r"(?:[(（](?P<by>[^()（）\n]{1,40})[)）])?\s*[:：]?\s*")
# A byline bracket closing the article: (汤鸿鸽) (竹溪县纪委监委 李代辛) (记者 张三 通讯员 李四)
_NAME = r"[\u4e00-\u9fff·]{2,4}"
_ORG = r"[\u4e00-\u9fff]{2,24}?(?:纪委监委|纪委|监委|纪工委|委员会|党委|党组|办公室|巡察办|巡察组|宣传部|组织部|政府|局|厅|院|所|站|中心|报社|日报|晚报|报|电视台|台|网|社|集团|公司|学校|大学|医院|网站|委)"
_ROLE = r"(?:记者|通讯员|作者|撰稿|供稿|来源|摄影|摄|图|文|编辑|实习生|特约记者|见习记者)"
_BYLINE_ITEM = rf"(?:{_ROLE}\s*[:：/]?\s*)?(?:{_ORG}|{_NAME})"
BYLINE_BODY = re.compile(rf"{_BYLINE_ITEM}(?:\s*[\s、,，/]\s*{_BYLINE_ITEM})*")
TRAILING_BYLINE = re.compile(r"(?:^|(?<=[。！？!?…”\"』」)]))\s*[(（](?P<by>[^()（）\n]{2,40})[)）]\s*$")
TRAILING_LABELLED = re.compile(rf"^\s*(?:{_ROLE})\s*[:：/]?\s*(?P<by>{_NAME}(?:\s*[\s、,，]\s*{_NAME})*)\s*$")


def _date_patterns_for(text: str) -> list[re.Pattern]:
    """The DATE_PATTERNS that can match `text`, in order: the first and third need 年, the second a
    - / . between its numbers (most lines hold neither)."""
    year = "年" in text
    numeric = "-" in text or "/" in text or "." in text
    return [p for p, needs_year in zip(DATE_PATTERNS, (True, False, True)) if (year if needs_year else numeric)]


def parse_date(text: str) -> str | None:
    """The first valid date in `text` as YYYY-MM-DD (2022年05月20日18:08, 2021-02-09 04:29, 二〇二二年五月二十日)."""
    best: tuple[int, str] | None = None
    for pattern in _date_patterns_for(text):
        for m in pattern.finditer(text):
            value = _to_date(m.group("y"), m.group("m"), m.group("d"))
            if value and (best is None or m.start() < best[0]):
                best = (m.start(), value)
                break
    return best[1] if best else None


def _num(s: str) -> int:
    if s.isdigit():
        return int(s)
    if len(s) == 4 or all(c in _CN_DIGIT and c != "十" for c in s) and len(s) > 1:
        return int("".join(str(_CN_DIGIT[c]) for c in s))
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[ones] if ones else 0)
    return _CN_DIGIT[s]


def _to_date(y: str, m: str, d: str) -> str | None:
    try:
        value = dt.date(_num(y), _num(m), _num(d))
    except (ValueError, KeyError):
        return None
    if not 1949 <= value.year <= dt.date.today().year + 1:
        return None
    return value.isoformat()


_LEADING_LABEL = re.compile(r"(?:来源|稿源|作者|发布时间|发布日期|时间|日期)\s*[:：]")
_SOURCE_LABEL = re.compile(r"(?:来源|稿源)\s*[:：]")
_POSTED = re.compile(r"发表于|^原创")
_TIME_AND_BLANKS = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?|星期.|周.|[\s|｜丨:：]")


def is_meta_line(line: str) -> bool:
    """A short line of page metadata: a date with 来源/作者/浏览, or a labelled field."""
    s = line.strip()
    if not s or len(s) > 120:
        return False
    if len(s) > 40 and len(_CLAUSE.findall(s)) >= 2:  # a sentence that happens to say 来源：
        return False
    date = parse_date(s)
    if META_LABEL.search(s) and (date or _LEADING_LABEL.match(s) or _SOURCE_LABEL.search(s)):
        return True
    if date and len(s) <= 60 and _POSTED.search(s):  # 原创 某某纪检监察 2023-05-12 08:00 发表于湖北
        return True
    if date:
        rest = s
        for pattern in _date_patterns_for(s):
            rest = pattern.sub("", rest)
        rest = _TIME_AND_BLANKS.sub("", rest)
        return len(rest) <= 4
    return False


def _field(pattern: re.Pattern, line: str) -> str | None:
    m = pattern.search(line)
    if not m:
        return None
    value = _STOP.split(m.group("v"), maxsplit=1)[0].strip(" 　,，;；。:：-【】[]()（）")
    return value or None


NO_SOURCE = {"本站", "本网", "原创", "网络", "互联网", "未知", "不详"}


def parse_source(line: str) -> str | None:
    value = _field(_SOURCE, line)
    return None if not value or value in NO_SOURCE else value


def parse_author(line: str) -> str | None:
    value = _field(_AUTHOR, line)
    return None if not value or value in NO_AUTHOR else value


_DATELINE_HEAD_END = re.compile(r"\d{1,2}月\d{1,2}日\s*电$|(?:本报|本网|本台|本刊|报|网|台|社|讯)讯?$")


def split_dateline(paragraph: str) -> tuple[str, str | None, str | None]:
    """Strip a news dateline from the first paragraph: returns (rest, dateline head, byline)."""
    if "电" not in paragraph and "讯" not in paragraph:  # (most paragraphs) DATELINE needs one
        return paragraph, None, None
    m = DATELINE.match(paragraph)
    if not m or len(paragraph) - m.end() < 10:
        return paragraph, None, None
    head = m.group("head").strip()
    if not _DATELINE_HEAD_END.search(head):
        return paragraph, None, None
    return paragraph[m.end():], head, clean_byline(m.group("by")) if m.group("by") else None


_BLANKS = re.compile(r"\s+")


def clean_byline(by: str) -> str | None:
    by = _BLANKS.sub(" ", by).strip()
    return by or None


END_MARK = re.compile(r"\s*[(（\[【]\s*(?:完|全文完|完结|待续|未完待续|续完)\s*[)）\]】]\s*$")
# Bracketed words that close a text but are not names: (试行), (草案), (节选) ...
NOT_BYLINE = {"试行", "草案", "暂行", "修订", "修订版", "节选", "摘编", "有删节", "图片", "视频", "原创", "转载", "附件",
              "征求意见稿", "送审稿", "全文", "摘要", "上", "下", "中"}


# END_MARK and TRAILING_BYLINE end with one of these, then only blanks.
_CLOSING_BRACKETS = (")", "）", "]", "】")


def split_trailing_byline(paragraph: str) -> tuple[str, str | None]:
    """Cut a closing byline — (汤鸿鸽), (某县纪委监委 某某), 记者 张三 — off the last paragraph.

    An end mark such as (完) is cut too; it returns byline "" so the caller keeps looking."""
    if not paragraph.rstrip().endswith(_CLOSING_BRACKETS):  # (most paragraphs) no bracket to cut
        m = TRAILING_LABELLED.match(paragraph)
        return ("", clean_byline(paragraph.strip())) if m else (paragraph, None)
    m = END_MARK.search(paragraph)
    if m:
        return paragraph[: m.start()].rstrip(), ""
    m = TRAILING_BYLINE.search(paragraph)
    if m and m.group("by").strip() not in NOT_BYLINE and BYLINE_BODY.fullmatch(m.group("by").strip()):
        return paragraph[: m.start()].rstrip(), clean_byline(m.group("by"))
    m = TRAILING_LABELLED.match(paragraph)
    if m:
        return "", clean_byline(paragraph.strip())
    return paragraph, None
