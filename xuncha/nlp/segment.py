"""Word segmentation: one engine per process (rjieba, or jieba as reference), with the domain dictionary.

Every stage that needs words (extractors, classifier features, the search index) calls `cut` or
`doc_tokens`, so the dictionary is loaded once and each text is segmented once.
"""

from __future__ import annotations

import os
import re
import threading
from functools import lru_cache
from importlib import resources
from itertools import accumulate
from pathlib import Path

from xuncha.document import Document
from xuncha.nlp.protect import MARKS_RE as _BRACKET_MARK

_lock = threading.RLock()
_engine = None
_ASCII_ALNUM = re.compile(r"[a-zA-Z0-9]+")
ENGINES = ("rjieba", "jieba")


def cache_dir() -> Path:
    """A per-user writable directory for jieba's dictionary cache and other derived files."""
    override = os.environ.get("XUNCHA_CACHE_DIR")
    if override:  # set and non-empty: used as is
        path = Path(override)
    else:
        path = Path(os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")) / "xuncha"
    path.mkdir(parents=True, exist_ok=True)
    return path


class JiebaEngine:
    """The reference engine: jieba itself (pure Python), its dictionary cache in cache_dir()."""

    name = "jieba"

    def __init__(self, userdict: list[tuple[str, int | None, str | None]]):
        import logging

        import jieba
        from jieba import posseg

        jieba.setLogLevel(logging.WARNING)
        self.tok = jieba.Tokenizer()
        self.tok.tmp_dir = str(cache_dir())
        self.tok.initialize()
        for word, freq, flag in userdict:
            self.tok.add_word(word, freq, flag)
        self._posseg = posseg.POSTokenizer(self.tok)

    def cut(self, text: str, hmm: bool = False) -> list[str]:
        return self.tok.lcut(text, HMM=hmm)

    def tag(self, text: str, hmm: bool = False) -> list[tuple[str, str]]:
        return [(pair.word, pair.flag) for pair in self._posseg.lcut(text, HMM=hmm)]

    def has_word(self, word: str) -> bool:
        return bool(self.tok.FREQ.get(word))


class RjiebaEngine:
    """jieba-rs through rjieba: the same dictionary and algorithm, several times faster (Rust).

    tests/test_segment_engines.py checks that it agrees with jieba on the project's texts.
    """

    name = "rjieba"

    def __init__(self, userdict: list[tuple[str, int | None, str | None]]):
        import rjieba

        self.jieba = rjieba.Jieba()
        for word, freq, flag in userdict:
            self.jieba.add_word(word, freq, flag)
        # jieba lets a user-dictionary tag replace the built-in one; jieba-rs keeps the old tag
        self.user_tags = {word: flag for word, _, flag in userdict if flag}
        self.userdict = userdict
        self._reference: JiebaEngine | None = None

    def cut(self, text: str, hmm: bool = False) -> list[str]:
        return self.jieba.cut(text, hmm)

    def tag(self, text: str, hmm: bool = False) -> list[tuple[str, str]]:
        """jieba.posseg's tags: user-dictionary tags win, and without HMM jieba calls runs of
        ASCII letters and digits 'eng' (jieba-rs says 'm' for digits).

        With HMM, jieba's posseg guesses unknown words with a joint word/tag model that jieba-rs
        does not have (张三说 → 张三/nr 说/v, not 张三说/nr); the extractors use it only on short
        windows around names. `PossegHMM` replays jieba.posseg on top of the dictionary route
        (same words, same model); a block it cannot replay goes to jieba itself, loaded on first need.
        """
        if hmm:
            found = None
            if _posseg_hmm() is not None:
                found = _posseg_hmm().tag(text, self._plain_tag, self.jieba.has_word)
            return found if found is not None else self._reference_tag(text)
        return self._plain_tag(text)

    def _plain_tag(self, text: str) -> list[tuple[str, str]]:
        user = self.user_tags
        out = []
        for word, flag in self.jieba.tag(text, False):
            if word in user:
                flag = user[word]
            elif _ASCII_ALNUM.fullmatch(word):
                flag = "eng"
            out.append((word, flag))
        return out

    def _reference_tag(self, text: str) -> list[tuple[str, str]]:
        if self._reference is None:
            with _lock:
                if self._reference is None:
                    self._reference = JiebaEngine(self.userdict)
        return self._reference.tag(text, True)

    def has_word(self, word: str) -> bool:
        return self.jieba.has_word(word)


# jieba.posseg's own splitting of a text (jieba/posseg/__init__.py), replayed by PossegHMM.
_HAN_INTERNAL = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._]+)")
_HAN_ONLY = re.compile("[\u4E00-\u9FD5]+")
_SKIP_INTERNAL = re.compile("(\r\n|\\s)")
_HAN_DETAIL = re.compile("([\u4E00-\u9FD5]+)")
_SKIP_DETAIL = re.compile("([\\.0-9]+|[a-zA-Z0-9]+)")
_SCRIPT_RUNS = re.compile("[\u4E00-\u9FD5]+|[^\u4E00-\u9FD5]+")
_NUM = re.compile("[\\.0-9]+")
_ENG = re.compile("[a-zA-Z0-9]+")


class PossegHMM:
    """jieba.posseg.lcut(text, HMM=True) without jieba's Python dictionary.

    jieba.posseg walks the dictionary route (the words jieba-rs finds too) and hands each run of
    single characters that is not itself a word to its HMM, which tags names (张|建|国 → 张建国/nr).
    The model is four small tables shipped in jieba/posseg/ (char_state_tab, prob_*), loaded here from
    their files in ~0.05 s: importing jieba.posseg instead reads the 350k-word dictionary (~0.4 s), and
    the reference engine builds a whole second jieba (~2.5 s, ~180 MB per process).
    """

    def __init__(self, folder: Path):
        self.states = _load_module(folder / "char_state_tab.py").P
        self.start = _load_module(folder / "prob_start.py").P
        self.trans = _load_module(folder / "prob_trans.py").P
        self.emit = _load_module(folder / "prob_emit.py").P
        # the states that can lead to each state, with the transition's log probability
        self.into: dict = {}
        for y0, nexts in self.trans.items():
            for y, p in nexts.items():
                self.into.setdefault(y, {})[y0] = p

    def tag(self, text: str, route_tags, is_word) -> list[tuple[str, str]] | None:
        """The tagged words, or None for a text the replay does not cover (see _route)."""
        out: list[tuple[str, str]] = []
        for blk in _HAN_INTERNAL.split(text):
            if _HAN_INTERNAL.match(blk):
                route = _route(blk, route_tags, is_word)
                if route is None:
                    return None
                self._cut_dag(route, is_word, out)
                continue
            for x in _SKIP_INTERNAL.split(blk):
                if _SKIP_INTERNAL.match(x):
                    out.append((x, "x"))
                    continue
                for xx in x:
                    out.append((xx, "m" if _NUM.match(xx) else "eng" if _ENG.match(x) else "x"))
        return out

    def _cut_dag(self, words: list[tuple[str, str]], is_word, out: list) -> None:
        """posseg's __cut_DAG over the route's (word, tag) pairs of one block of Chinese characters."""
        buf: list[tuple[str, str]] = []
        for word, flag in words:
            if len(word) == 1:
                buf.append((word, flag))
                continue
            if buf:
                self._flush(buf, is_word, out)
                buf = []
            out.append((word, flag))
        if buf:
            self._flush(buf, is_word, out)

    def _flush(self, buf: list[tuple[str, str]], is_word, out: list) -> None:
        run = "".join(ch for ch, _ in buf)
        if len(buf) == 1 or is_word(run):
            out.extend(buf)  # single characters keep their dictionary tags
            return
        for blk in _HAN_DETAIL.split(run):  # posseg's __cut_detail
            if _HAN_DETAIL.match(blk):
                out.extend(self._cut_hmm(blk))
                continue
            for x in _SKIP_DETAIL.split(blk):
                if x:
                    out.append((x, "m" if _NUM.match(x) else "eng" if _ENG.match(x) else "x"))

    def _cut_hmm(self, sentence: str):
        """posseg's __cut: the HMM's best state path, B/M/E/S positions with a tag each."""
        pos_list = self.viterbi(sentence)
        begin, nexti = 0, 0
        for i, char in enumerate(sentence):
            pos = pos_list[i][0]
            if pos == "B":
                begin = i
            elif pos == "E":
                yield sentence[begin : i + 1], pos_list[i][1]
                nexti = i + 1
            elif pos == "S":
                yield char, pos_list[i][1]
                nexti = i + 1
        if nexti < len(sentence):
            yield sentence[nexti:], pos_list[nexti][1]

    def viterbi(self, obs: str) -> list:
        """jieba.posseg.viterbi's best state path, computed the same way with fewer steps.

        jieba takes, for each state y, max((V[y0] + trans[y0][y] (else -inf) + emit, y0)) over all
        previous states y0. Those without a transition into y give -inf and lose to any finite
        value, so only the states leading into y are tried, unless none of them gives a finite
        value; then every previous state is tried, exactly as jieba does. Sums are taken in
        jieba's order and ties go to the greater state, as in its tuple comparison.
        """
        states, trans, emit, into = self.states, self.trans, self.emit, self.into
        all_states = trans.keys()
        v_prev = {}
        for y in states.get(obs[0], all_states):
            v_prev[y] = self.start[y] + emit[y].get(obs[0], MIN_FLOAT)
        paths = [dict.fromkeys(v_prev, "")]
        for t in range(1, len(obs)):
            prev_states = [x for x in paths[-1] if len(trans[x]) > 0]
            prev_set = set(prev_states)
            # jieba: the character's states that some previous state leads into (else those led into)
            candidates = states.get(obs[t])
            if candidates is None:
                obs_states = {y for x in prev_states for y in trans[x]}
            else:
                obs_states = [y for y in dict.fromkeys(candidates) if _leads_into(into.get(y, {}), prev_states, prev_set)]
            if not obs_states:
                expect_next = {y for x in prev_states for y in trans[x]}
                obs_states = expect_next if expect_next else all_states
            v_now, path = {}, {}
            char = obs[t]
            for y in obs_states:
                e = emit[y].get(char, MIN_FLOAT)
                best_v, best_y = MIN_INF, None
                leading = into.get(y, {})
                if len(leading) < len(prev_states):  # B states: every E and S leads in; M, E: two
                    ways = ((y0, p) for y0, p in leading.items() if y0 in prev_set)
                else:
                    ways = ((y0, leading[y0]) for y0 in prev_states if y0 in leading)
                for y0, p in ways:
                    value = v_prev[y0] + p + e
                    if best_y is None or value > best_v or (value == best_v and y0 > best_y):
                        best_v, best_y = value, y0
                if best_y is None or best_v == MIN_INF:  # no finite way in: jieba's full comparison
                    best_v, best_y = max((v_prev[y0] + trans[y0].get(y, MIN_INF) + e, y0) for y0 in prev_states)
                v_now[y], path[y] = best_v, best_y
            v_prev = v_now
            paths.append(path)
        _, state = max((v_prev[y], y) for y in paths[-1])
        route = [None] * len(obs)
        for i in range(len(obs) - 1, -1, -1):
            route[i] = state
            state = paths[i][state]
        return route


ROUTE_MAX = 24  # longer blocks of mixed script go to the reference engine


def _route(block: str, route_tags, is_word) -> list[tuple[str, str]] | None:
    """jieba's dictionary route through one block of posseg's splitting, with a tag per word.

    A block of Chinese characters is jieba-rs's own route. A block mixing them with letters or
    digits (张三2人) is the route of each run of one script, which is jieba's route through the
    whole block when no dictionary word spans two runs and no letter or digit is a word; otherwise
    None (jieba-rs merges letters and digits on its route, so the single characters cannot be seen).
    """
    if _HAN_ONLY.fullmatch(block):
        return route_tags(block)
    if len(block) > ROUTE_MAX:
        return None
    runs = _SCRIPT_RUNS.findall(block)
    cuts, pos = [], 0
    for run in runs[:-1]:
        pos += len(run)
        cuts.append(pos)
    for b in cuts:  # a word across a change of script
        if any(is_word(block[i:j]) for i in range(b) for j in range(b + 1, len(block) + 1)):
            return None
    route: list[tuple[str, str]] = []
    for run in runs:
        if _HAN_ONLY.fullmatch(run):
            route.extend(route_tags(run))
        elif any(is_word(run[i:j]) for i in range(len(run)) for j in range(i + 1, len(run) + 1)):
            return None
        else:
            route.extend((ch, "x") for ch in run)  # single characters jieba has no tag for
    return route


def _leads_into(leading: dict, prev_states: list, prev_set: set) -> bool:
    """True if one of the previous states is among `leading` (looking through the smaller)."""
    if len(leading) <= len(prev_states):
        return any(x in prev_set for x in leading)
    return any(x in leading for x in prev_states)


MIN_FLOAT = -3.14e100  # jieba.posseg.viterbi's log probability of an unseen emission
MIN_INF = float("-inf")


def _load_module(path: Path):
    """Run one of jieba.posseg's data files as a module of its own (not through the package, whose
    import loads the dictionary)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"_xuncha_posseg_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_NOT_LOADED = object()
_hmm = _NOT_LOADED


def _posseg_hmm() -> PossegHMM | None:
    """The process-wide PossegHMM, or None if jieba's model files cannot be read."""
    global _hmm
    if _hmm is _NOT_LOADED:
        with _lock:
            if _hmm is _NOT_LOADED:
                try:
                    import importlib.util

                    spec = importlib.util.find_spec("jieba")
                    folder = Path(next(iter(spec.submodule_search_locations))) / "posseg"
                    _hmm = PossegHMM(folder)
                except Exception:  # jieba missing or laid out otherwise: the reference engine tags
                    _hmm = None
    return _hmm


def user_dictionary() -> list[tuple[str, int | None, str | None]]:
    """(word, frequency or None, part of speech or None) from corpora/userdict.txt (jieba's format)."""
    path = resources.files("xuncha.corpora") / "userdict.txt"
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.strip().split()
        if not parts or parts[0].startswith("#"):
            continue
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        flag = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else None
        entries.append((parts[0], freq, flag))
    return entries


def make_engine(name: str | None = None):
    """A segmentation engine with the user dictionary loaded: rjieba unless XUNCHA_SEGMENTER=jieba
    (or rjieba is not installed)."""
    name = name or os.environ.get("XUNCHA_SEGMENTER", "rjieba")
    if name not in ENGINES:
        raise ValueError(f"unknown segmenter {name!r} (choose from {', '.join(ENGINES)})")
    if name == "rjieba":
        try:
            return RjiebaEngine(user_dictionary())
        except ImportError:
            pass
    return JiebaEngine(user_dictionary())


def tokenizer():
    """The process-wide segmentation engine, built on first use with the user dictionary added."""
    global _engine
    if _engine is None:
        with _lock:
            if _engine is None:
                _engine = make_engine()
    return _engine


PROTECT_MAX = 12  # bracketed names up to this length stay one token (两卡一书, 1统7分2平台, 廉政提示卡)


def _pieces(text: str):
    """Split `text` around bracketed names: yields (piece, is_name); names stay whole."""
    from xuncha.nlp.protect import name_spans

    pos = 0
    for start, end in name_spans(text, max_len=PROTECT_MAX):
        if start < pos:  # nested inside a name already yielded
            continue
        if start > pos:
            yield text[pos:start], False
        yield text[start:end], True
        pos = end
    if pos < len(text):
        yield text[pos:], False


def cut(text: str) -> list[str]:
    """Segment `text` into words (precise mode, no HMM guessing of unknown words).

    A short name (≤ PROTECT_MAX) in quotes or book-title marks (“两卡一书”, 《履责记录本》) is one token,
    since jieba's dictionary cannot hold words with brackets; "".join(cut(t)) == t always.
    """
    engine = tokenizer()
    if not _BRACKET_MARK.search(text):  # no bracketed name: the engine's words as they are
        return engine.cut(text, False) if text else []
    words: list[str] = []
    for piece, is_name in _pieces(text):
        if is_name:
            words.append(piece)
        else:
            words.extend(engine.cut(piece, False))
    return words


SHORT_TAG_CACHE = 1 << 16  # short texts tagged, remembered (candidate names and their windows recur)


def tag(text: str, hmm: bool = False) -> list[tuple[str, str]]:
    """Segment `text` with a part-of-speech flag per word (jieba's tag set: n, v, vn, nr, m, q …).

    hmm=True lets the statistical model group unknown words, which recognises personal names
    (张建国|通报 → 张建国/nr); the default keeps to dictionary words. The extractors tag many short
    pieces (a candidate name, the few characters after a title), so those are memoised.
    """
    if len(text) <= 16:
        return list(_tag_short(text, hmm))
    return tokenizer().tag(text, hmm)


@lru_cache(maxsize=SHORT_TAG_CACHE)
def _tag_short(text: str, hmm: bool) -> tuple[tuple[str, str], ...]:
    return tuple(tokenizer().tag(text, hmm))


def is_word(word: str) -> bool:
    """True if `word` is in the segmentation dictionary (general or user dictionary)."""
    return tokenizer().has_word(word)


def doc_tokens(doc: Document) -> list[str]:
    """The document's tokens, segmenting its text only the first time they are asked for."""
    if doc.tokens is None:
        doc.tokens = cut(doc.text)
    return doc.tokens


def boundaries(tokens: list[str]) -> set[int]:
    """Character offsets where words start or end in the text the tokens were cut from."""
    return set(accumulate(map(len, tokens), initial=0))
