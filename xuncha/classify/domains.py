"""Which kind of unit (domain) a problem was found in, from unit names, documents or statements.

The cue lexicon is data (corpora/domain_cues.tsv). A Chinese organisation name has its head at
the end (镇卫生院 is a 卫生院 in a 镇), so among the matched cues the highest priority wins, then
the one ending last, then the longest; place words (镇/村) outrank generic organs (党委/政府), so
镇党委 is a township and 村委会 a village, while 县纪委 stays party_gov.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from xuncha.classify.features import normal_form, normalize
from xuncha.nlp import lexicon

UNKNOWN = "unknown"


@dataclass(frozen=True)
class DomainGuess:
    domain: str
    confidence: float
    cue: str | None = None
    # where a document-level guess came from: "unit" (the inspected unit it names), "bodies", "text"
    source: str = ""


@dataclass(frozen=True)
class _Lexicon:
    unit_re: re.Pattern
    text_re: re.Pattern
    info: dict  # cue → (domain, priority, scope)


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    info = {}
    for cue, domain, priority, scope in (row[:4] for row in lexicon.table("domain_cues.tsv")):
        info[normalize(cue)] = (domain, int(priority), scope)

    unit = [c for c, (_, _, scope) in info.items() if scope == "both"]
    # In running text single characters (局, 县, 镇...) are too ambiguous, except 村 (个别村).
    stmt = [c for c in info if len(c) > 1 or c == "村"]
    # at each position the regex takes the longest cue (no overlaps); a prefix tree tries each
    # next character once instead of every cue, so a name or statement is scanned at a third of the cost
    return _Lexicon(lexicon.trie_re(unit), lexicon.trie_re(stmt), info)


def _best_cue(matches, info) -> str | None:
    """The deciding cue among a name's matches: the highest priority, then the one ending last
    (matches do not overlap, so the last one of the highest priority)."""
    best, top = None, None
    for cue in matches:
        domain, prio, _ = info[cue]
        if domain != "-" and (top is None or prio >= top):
            best, top = cue, prio
    return best


@lru_cache(maxsize=4096)
def _cue_guess(cue: str) -> DomainGuess:
    """A unit's guess from its deciding cue (one immutable guess per cue)."""
    domain, prio, _ = _lexicon().info[cue]
    return DomainGuess(domain, 0.95 if prio >= 2 else 0.85, cue)


@lru_cache(maxsize=16384)
def unit_domain(name: str | None) -> DomainGuess | None:
    """The domain of an organisation named `name` (县人民医院 → hospital), or None if no cue.
    Memoised: the same bodies are named in document after document (so the name is normalised
    by normal_form, uncached: normalize's memory is for statements)."""
    if not name or not name.strip():
        return None
    lex = _lexicon()
    cue = _best_cue(lex.unit_re.findall(normal_form(name)), lex.info)
    return _cue_guess(cue) if cue is not None else None


@lru_cache(maxsize=16384)
def text_domain(text: str | None) -> DomainGuess | None:
    """The domain a statement's own words point to (村干部 → village), or None if they don't.
    Memoised (findings recur across documents); the guess is immutable."""
    return _text_domain_of(normalize(text)) if text else None


def _text_domain_of(norm: str) -> DomainGuess | None:
    """text_domain of a text already normalised."""
    if not norm:
        return None
    lex = _lexicon()
    votes: dict[str, float] = {}
    cues: dict[str, str] = {}
    for m in lex.text_re.finditer(norm):
        domain, prio, _ = lex.info[m.group()]
        if domain == "-":
            continue
        votes[domain] = votes.get(domain, 0.0) + prio
        cues.setdefault(domain, m.group())
    if not votes:
        return None
    domain = max(votes, key=lambda d: (votes[d], d != "party_gov"))
    share = votes[domain] / sum(votes.values())
    return DomainGuess(domain, round(0.4 + 0.3 * share, 3), cues[domain])


# "对县人民医院党委开展巡察", "巡察城关镇党委情况反馈", "向XX村党支部反馈巡察情况".
_UNIT_CHAR = r"[\u4e00-\u9fff0-9（）()]"
_UNIT = r"(?P<u>" + _UNIT_CHAR + r"{2,30}?)"
_ORGAN = r"(?:党委|党组|党工委|党总支|党支部|领导班子)?"
# The first phrasing is tried at every 对 of a text, the second at every 巡察; a lookahead that
# every match passes lets most of those fail at once, before the unit's 2-30 lengths are tried:
# between 对 and its 巡察 stand 4-45 characters, none of 。，； (unit 2-30, organ 0-4, 开展 2, 了
# 0-1, others 0-8); between 巡察 and 反馈 stand 2-39 unit characters (unit, organ, 工作情况的).
# The last phrasing opens with the unit itself, so a plain scan would try up to 30 unit lengths
# at every character; its matches end in 巡察整改 and open at most 40 characters before it (unit
# 30, organ 4, 关于 2, 落实 2), so it is tried only that close to one. (pattern, anchor, reach);
# see _matches.
_INSPECTED = [
    (re.compile(r"对(?=[^。，；]{4,45}?巡[察视])" + _UNIT + _ORGAN + r"(?:开展|进行|实施)了?[^。，；]{0,8}?巡[察视]"),
     None, 0),
    (re.compile(r"巡[察视](?=" + _UNIT_CHAR + r"{2,39}?反馈)" + _UNIT + _ORGAN + r"(?:工作)?(?:情况)?的?反馈"),
     None, 0),
    (re.compile(r"向" + _UNIT + _ORGAN + r"(?:反馈|通报)[^。；]{0,6}?巡[察视]"), None, 0),
    (re.compile(_UNIT + _ORGAN + r"(?:关于)?(?:落实)?巡[察视]整改"), re.compile(r"巡[察视]整改"), 40),
]
_UNIT_LEAD = re.compile(r"[对向的]")  # a unit named after these words starts after the last one
_INSPECTOR_KINDS = {"discipline", "inspection"}  # Body.kind of 纪委监委 and 巡察 bodies: they inspect
_INSPECTORS = re.compile(r"纪委|监委|巡察|巡视|委员会第|巡察办|巡视办")


INSPECTED_PREFIX = 4000  # characters of a document searched for the inspected unit
TEXT_PREFIX = 2000  # characters of a document whose words vote for a domain when nothing else does


def inspected_unit(text: str | None) -> str | None:
    """The unit a report says was inspected, if it says so in the usual phrasings."""
    found = _inspected_in(normal_form(text[:INSPECTED_PREFIX])) if text else None
    return found[0] if found else None


# Everything between the start of an anchored match and its anchor is unit characters (the
# anchored phrasings are made of the unit, organs and words such as 关于, 巡察, 情况): this finds
# the end of the last other character before an anchor.
_LAST_NON_UNIT = re.compile(r"[\s\S]*" + _UNIT_CHAR.replace("[", "[^", 1))


def _matches(pattern: re.Pattern, norm: str, anchor: re.Pattern | None = None, reach: int = 0):
    """pattern.finditer(norm); with an `anchor` every match ends in, only the positions at most
    `reach` characters before an anchor and after the last non-unit character there are tried:
    the same matches, found without trying the rest. Each position is tried at most once, in
    order, as finditer would."""
    if anchor is None:
        yield from pattern.finditer(norm)
        return
    pos = 0  # end of the last match: finditer goes on from there
    tried = 0  # positions before this were tried already (or could start no match)
    for a in anchor.finditer(norm):
        k = a.start()
        lo = max(pos, tried, k - reach)
        if lo < k:
            run = _LAST_NON_UNIT.match(norm, lo, k)
            p = run.end() if run else lo
            while p < k:
                m = pattern.match(norm, p)
                if m:
                    yield m
                    pos = m.end()
                    p = max(p + 1, pos)
                else:
                    p += 1
        tried = max(tried, k)


def _inspected_in(norm: str) -> tuple[str, DomainGuess] | None:
    """(unit, its domain) for the inspected unit named in a normalised text."""
    if "巡察" not in norm and "巡视" not in norm:  # every phrasing names the inspection
        return None
    for pattern, anchor, reach in _INSPECTED:
        for m in _matches(pattern, norm, anchor, reach):
            unit = m.group("u")
            unit = _UNIT_LEAD.split(unit)[-1]
            if len(unit) >= 2 and not _INSPECTORS.search(unit):
                guess = unit_domain(unit)
                if guess:
                    return unit, guess
    return None


def document_domain(doc) -> DomainGuess | None:
    """The domain of the unit a document is about: the inspected unit it names, else its bodies,
    else its title, else its text (None when nothing points anywhere).

    The title and the text's prefix are normalised once each, uncached (a document prefix is
    seen once and would only crowd normalize's cache of statements); the text's first
    TEXT_PREFIX characters serve both the inspected-unit search and the vote on its words.
    """
    title = normal_form(doc.title) if doc.title else ""
    found = _inspected_in(title)
    if found:  # the text's prefix is normalised only when the title does not name the unit
        return DomainGuess(found[1].domain, found[1].confidence, found[1].cue, "unit")
    text = doc.text or ""
    head = normal_form(text[:TEXT_PREFIX]) if text else ""
    found = _inspected_in(head + normal_form(text[TEXT_PREFIX:INSPECTED_PREFIX], lead=False))
    if found:
        return DomainGuess(found[1].domain, found[1].confidence, found[1].cue, "unit")
    votes: dict[str, float] = {}
    for body in doc.bodies or []:
        name = body.resolved or body.name
        if body.kind in _INSPECTOR_KINDS or _INSPECTORS.search(name):
            continue
        guess = unit_domain(name)
        if guess:
            # party and government organs are named in nearly every report; other kinds are telling
            votes[guess.domain] = votes.get(guess.domain, 0.0) + (0.5 if guess.domain == "party_gov" else 1.0)
    if votes:
        domain = max(votes, key=votes.get)
        return DomainGuess(domain, round(0.5 + 0.3 * votes[domain] / sum(votes.values()), 3), source="bodies")
    guess = _text_domain_of(title) or _text_domain_of(head)
    return DomainGuess(guess.domain, guess.confidence, guess.cue, "text") if guess else None
