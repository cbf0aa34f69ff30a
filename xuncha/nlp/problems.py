"""Problem statements: the clauses that state a problem found (内生动力不足; 存在监管漏洞).

Cues are data (corpora/problem_cues.tsv): a negative predicate after its subject (薄弱, 不到位,
未经常性开展), 存在 … 漏洞/短板/隐患, or a list closed by 等问题 whose items are each a problem.
Clauses are split at ，；。：！？ and their items at 、, so 思想文化宣传薄弱、内生动力不足 gives two.
Exhortations, goals and hypotheticals (要, 必须, 防止, 如果 …: corpora/problem_exclusions.txt) and
conditionals (对…不力的，…) are not problems found. The classifier fills category and domain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from xuncha.document import Problem
from xuncha.nlp import lexicon
from xuncha.nlp.segment import cut  # here, not in the functions: an import there costs a look-up per call
from xuncha.nlp.sentences import CLAUSE_PUNCT, CLAUSE_PUNCT_RE

TRIM = "“”‘’\"'《》（）()【】 \t…—-·.。"
MIN_LEN = 4
MAX_LEN = 80
ENUMERATOR = re.compile(r"\s*(?:[（(]?[一二三四五六七八九十\d]{1,3}[)）.、．]|[①-⑳])\s*")
# the characters an ENUMERATOR match can open with, besides whitespace (\s) and digits (\d)
ENUMERATOR_FIRST = frozenset("（(一二三四五六七八九十") | frozenset(map(chr, range(ord("①"), ord("⑳") + 1)))
TITLE_START = ("关于",)  # 关于3起违反…问题的通报 is a headline, not a finding
FOUND_PREFIX = re.compile(r"^(?:.{0,12}?(?:发现|反馈|指出|存在)的|(?:巡察组?|巡视组?|检查|监督|审计|督查|调研|核查)?(?:发现|反馈|指出)[，,:：]?)")
FOUND_WORDS = ("发现", "反馈", "指出", "存在")
FOUND_WORD = re.compile("|".join(FOUND_WORDS))  # FOUND_PREFIX needs one within its first 14 characters
FOUND_REACH = 14
FRAMING = ("就", "针对", "对于", "围绕")
FRAMING_RE = re.compile("|".join(FRAMING))
FRAMING_REACH = 10  # characters of a span searched for a framing preposition
NEAR_START_RE = lexicon.trie_re(FRAMING + FOUND_WORDS)  # (FRAMING_REACH <= FOUND_REACH)


@dataclass
class _Vocab:
    predicate_re: re.Pattern
    act_re: re.Pattern
    exists: tuple[str, ...]
    list_re: re.Pattern
    exclusions: frozenset[str]
    exclusion_re: re.Pattern  # any exclusion as a substring: no match means no excluded word
    leads: tuple[str, ...]
    vague: frozenset[str]
    any_cue_re: re.Pattern  # every list, predicate and act cue, and 存在
    cue_to_clause_end_re: re.Pattern  # the first cue of a clause, up to the clause's end
    lead_re: re.Pattern  # any lead word
    opening_first: frozenset[str]  # the first characters of the lead words and enumerators


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    rows = lexicon.table("problem_cues.tsv")
    pred = tuple(r[0] for r in rows if len(r) > 1 and r[1] == "predicate")
    acts = tuple(r[0] for r in rows if len(r) > 1 and r[1] == "act")
    exist = tuple(r[0] for r in rows if len(r) > 1 and r[1] == "exist")
    lists = tuple(r[0] for r in rows if len(r) > 1 and r[1] == "list")
    return _Vocab(
        predicate_re=lexicon.trie_re(pred),
        act_re=lexicon.trie_re(acts),
        exists=exist,
        list_re=lexicon.trie_re(lists),
        exclusions=frozenset(lexicon.words("problem_exclusions.txt")),
        exclusion_re=lexicon.trie_re(lexicon.words("problem_exclusions.txt")),
        leads=lexicon.words("problem_lead_words.txt"),
        vague=frozenset(lexicon.words("problem_vague_objects.txt")),
        any_cue_re=lexicon.trie_re((*pred, *acts, *lists, "存在")),
        cue_to_clause_end_re=lexicon.trie_re((*pred, *acts, *lists, "存在"), f"[^{CLAUSE_PUNCT}]*"),
        lead_re=lexicon.trie_re(lexicon.words("problem_lead_words.txt")),
        opening_first=frozenset(w[0] for w in lexicon.words("problem_lead_words.txt") if w) | ENUMERATOR_FIRST,
    )


def _excluded(text: str, v: _Vocab) -> bool:
    """True if a word of `text` is an exclusion (要, 防止 …); segmented only when one occurs in it."""
    if not v.exclusion_re.search(text):
        return False  # a word can only be an exclusion if its characters are there
    return any(tok in v.exclusions for tok in cut(text))


ACT_NEGATIONS = ("不", "无", "没有", "防止", "严禁", "不得", "杜绝")  # 严禁违规发放 … is no act found


def _has_cue(text: str, v: _Vocab) -> bool:
    """True if `text` states a problem by a predicate or a 存在 … cue (not 的不足, 不缺位, 不到位的).

    The cues are taken in finditer's order by searching on from each one's end (one call per
    cue; most clauses are settled by their first)."""
    search = v.predicate_re.search
    m = search(text)
    while m is not None:
        at, end = m.span()
        if at < 2 or text.endswith(("的", "不", "无", "没有"), 0, at):
            pass  # under two characters before it, or negated/modified (的不足, 不缺位)
        elif (text[at - 1] in TRIM or text[at - 2] in TRIM) and len(text[:at].strip(TRIM)) < 2:
            pass  # (two plain characters before it are a subject of two characters at least)
        elif text.startswith("的", end) and not text.startswith("的问题", end):
            pass  # a modifier or conditional: 落实不到位的（单位）
        else:
            return True
        m = search(text, end)
    search = v.act_re.search
    m = search(text)
    while m is not None:
        if not text.endswith(ACT_NEGATIONS, 0, m.start()) and len(text) - m.end() >= 2:
            return True  # 违规发放津贴补贴
        m = search(text, m.end())
    i = text.find("存在")
    while i >= 0:
        rest = text[i + 2 :]
        for cue in v.exists:
            j = rest.find(cue)
            if j > 0 and rest[:j].strip("的") and not rest[:j].endswith("的") and rest[:j] not in v.vague:
                return True  # 存在监管漏洞 (not 存在以下问题)
            if j == 0 and len(text[:i].strip(TRIM)) >= 2:
                return True  # 档案管理存在漏洞
        i = text.find("存在", i + 2)
    return False


def _trim(text: str, start: int, end: int, v: _Vocab) -> tuple[int, int]:
    """Strip brackets, ellipses and lead words (就, 一是 …) from both ends of text[start:end]."""
    if start < end:
        first = text[start]
        if (first not in TRIM and text[end - 1] not in TRIM and first not in v.opening_first and not first.isspace()
                and not first.isdecimal()  # (\s and \d in str patterns are str.isspace and str.isdecimal)
                and not NEAR_START_RE.search(text, start, end if end < start + FOUND_REACH else start + FOUND_REACH)):
            return start, end  # no mark, lead word, enumerator, framing or found-word to strip (most clauses)
    changed = True
    while changed and start < end:
        changed = False
        while start < end and text[start] in TRIM and not _closes_inside(text, start, end):
            start += 1
            changed = True
        while end > start and text[end - 1] in TRIM and not _opens_inside(text, start, end):
            end -= 1
            changed = True
        if not v.lead_re.match(text, start):
            continue  # no lead word here: skip the look at each one
        for word in v.leads:
            if text.startswith(word, start) and end - start > len(word) + 2:
                start += len(word)
                changed = True
                break
    m = ENUMERATOR.match(text, start, end)
    if m and end - m.end() >= MIN_LEN:
        start = m.end()
    start = _after_framing_preposition(text, start, end)
    if FOUND_WORD.search(text, start, min(end, start + FOUND_REACH)):
        m = FOUND_PREFIX.match(text[start:end])
        if m and end - start - m.end() >= MIN_LEN:
            start += m.end()
    return start, end


def _after_framing_preposition(text: str, start: int, end: int) -> int:
    """Skip a request's framing up to its preposition: 请你就|思想文化宣传薄弱 (words, not characters)."""
    if not FRAMING_RE.search(text, start, min(end, start + FRAMING_REACH)):
        return start  # no framing word can be among its words
    piece = text[start : min(end, start + FRAMING_REACH)]
    pos = start
    for word in cut(piece)[:4]:
        pos += len(word)
        if word in FRAMING and end - pos >= MIN_LEN:
            return pos
    return start


PAIRS = {"“": "”", "‘": "’", "《": "》", "（": "）", "(": ")", "【": "】"}
CLOSING = {v: k for k, v in PAIRS.items()}
SYMMETRIC_QUOTES = "\"'"  # ASCII quotes open and close alike (many pages write "三重一大")
ITEM_MARKS = re.compile("[" + re.escape("".join(PAIRS) + "".join(CLOSING)) + "、]")


def _closes_inside(text: str, start: int, end: int) -> bool:
    """True if text[start] opens a bracket that closes within the span (“三重一大”制度 …)."""
    closer = PAIRS.get(text[start]) or (text[start] if text[start] in SYMMETRIC_QUOTES else None)
    return closer is not None and closer in text[start + 1 : end]


def _opens_inside(text: str, start: int, end: int) -> bool:
    opener = CLOSING.get(text[end - 1]) or (text[end - 1] if text[end - 1] in SYMMETRIC_QUOTES else None)
    return opener is not None and opener in text[start : end - 1]


def _items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of text[start:end] split at 、 outside brackets (“重表面、轻实效” stays whole)."""
    if text.find("、", start, end) < 0:
        return [(start, end)]  # nothing to split at
    out = []
    depth = 0
    pos = start
    for m in ITEM_MARKS.finditer(text, start, end):  # other characters change nothing
        i, ch = m.start(), m.group()
        if ch in PAIRS:
            depth += 1
        elif ch in CLOSING:
            depth = max(0, depth - 1)
        elif ch == "、" and depth == 0:
            out.append((pos, i))
            pos = i + 1
    out.append((pos, end))
    return out


def _cue_clauses(text: str, v: _Vocab):
    """(start, end) of each clause (sentences.CLAUSE_RE) holding a cue, in order.

    Only those can state a problem. Cue words hold no clause punctuation, so a clause's first cue
    matched on to the next mark (cue_to_clause_end_re) ends where the clause ends, the clause's
    other cues included; its start is the mark before the cue, the first one found forward in the
    reversed text. Both searches run in C, instead of listing every mark of the text.
    """
    n = len(text)
    search = CLAUSE_PUNCT_RE.search
    backwards = None
    for m in v.cue_to_clause_end_re.finditer(text):
        if backwards is None:
            backwards = text[::-1]
        at, end = m.span()
        before = search(backwards, n - at)  # reversed index j is text index n - 1 - j
        yield (n - before.start() if before is not None else 0), end


def extract_problems(text: str) -> list[Problem]:
    """Problem statements in `text`, in order, with text[p.start:p.end] == p.text. Never raises."""
    if not isinstance(text, str) or not text:
        return []
    out: list[Problem] = []
    for cs, ce in _cue_clauses(text, _vocab()):
        for s, e in _clause_problems(text[cs:ce]):
            s += cs
            e += cs
            out.append(Problem(text[s:e], s, e))
    return out


@lru_cache(maxsize=1 << 14)
def _clause_problems(clause: str) -> tuple[tuple[int, int], ...]:
    """Spans of the problems one clause states. Everything read lies within the clause, so the
    answer is remembered per clause: set phrases and reposted paragraphs recur across documents."""
    v = _vocab()
    ce = len(clause)
    if ce < MIN_LEN or ce > 400 or clause.lstrip().startswith(TITLE_START):
        return ()
    out: list[tuple[int, int]] = []
    lm = v.list_re.search(clause)
    if lm is not None:
        head_end = lm.start()
        if _excluded(clause[:head_end], v):
            return ()
        for s, e in _items(clause, 0, head_end):
            s, e = _trim(clause, s, e, v)
            if MIN_LEN <= e - s <= MAX_LEN:
                out.append((s, e))
        return tuple(out)
    if not _has_cue(clause, v):
        return ()
    if clause.rstrip(TRIM).endswith("的") or _excluded(clause, v):
        return ()
    if "、" not in clause:  # one item, the clause itself (it has a cue)
        s, e = _trim(clause, 0, ce, v)
        return ((s, e),) if MIN_LEN <= e - s <= MAX_LEN else ()
    pending: int | None = None
    items = _items(clause, 0, ce)
    for s, e in items:
        if len(items) == 1 or _has_cue(clause[s:e], v):  # a single item is the clause: it has a cue
            s = pending if pending is not None else s
            s, e = _trim(clause, s, e, v)
            if MIN_LEN <= e - s <= MAX_LEN:
                out.append((s, e))
            pending = None
        elif e - s <= 8:
            pending = s if pending is None else pending  # 制度执行、监督检查不到位: one problem
        else:
            pending = None
    return tuple(out)
