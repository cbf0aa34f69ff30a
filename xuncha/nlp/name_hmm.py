"""jieba.posseg's tagging with its HMM (names: 张|建|国 → 张建国/nr), without a second jieba.

jieba-rs has no joint word/tag HMM, and building jieba itself for it costs ~2.5 s and ~180 MB per
process. PossegHMM replays posseg over the dictionary route the main engine gives, with posseg's
four model tables read from jieba's own files (~0.05 s); segment.RjiebaEngine.tag uses it and
falls back to jieba where the replay does not apply.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from pathlib import Path

_lock = threading.Lock()


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
        # the same as sets, and the states with a way out
        self.into_sets = {y: frozenset(lead) for y, lead in self.into.items()}
        self.leaving = frozenset(y0 for y0, nexts in self.trans.items() if nexts)
        self._char_states: dict[str, tuple | None] = {}

    def _candidates(self, char: str) -> tuple | None:
        """The character's states in char_state_tab, each once and in order (None if it has none)."""
        try:
            return self._char_states[char]
        except KeyError:
            found = self.states.get(char)
            found = self._char_states[char] = None if found is None else tuple(dict.fromkeys(found))
            return found

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
                out.extend(_model_words(self, blk))
                continue
            for x in _SKIP_DETAIL.split(blk):
                if x:
                    out.append((x, "m" if _NUM.match(x) else "eng" if _ENG.match(x) else "x"))

    def block_edge(self, block: str, route_tags, is_word, first: bool) -> tuple[str, str] | None:
        """The first (or last) word tag() gives for one block of posseg's splitting (_HAN_INTERNAL),
        or None where it takes the whole tagging (a block the replay does not cover, or an edge
        run of single characters mixing scripts)."""
        route = _route(block, route_tags, is_word)
        return self.edge_word(route, is_word, first) if route else None

    def edge_word(self, route: list[tuple[str, str]], is_word, first: bool) -> tuple[str, str] | None:
        """The first (or last) word _cut_dag gives for the route of a block, or None if that word
        comes from posseg's detail splitting of a run mixing scripts (left to the whole tagging).

        _cut_dag flushes each run of single characters on its own, so the edge word depends on the
        edge run alone: the model runs over that run, not over every run of the block.
        """
        if not route:
            return None
        edge = route[0] if first else route[-1]
        if len(edge[0]) >= 2:
            return edge
        run = []
        for word, _ in (route if first else reversed(route)):
            if len(word) != 1:
                break
            run.append(word)
        chars = "".join(run if first else reversed(run))
        if len(run) == 1 or is_word(chars):
            return edge  # single characters keep their dictionary tags
        if not _HAN_ONLY.fullmatch(chars):
            return None
        words = _model_words(self, chars)
        return words[0] if first else words[-1]

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
        value, so only the previous states leading into y are tried (a set intersection), unless
        none of them gives a finite value; then every previous state is tried, exactly as jieba
        does. Sums are taken in jieba's order and ties go to the greater state, as in its tuple
        comparison.
        """
        states, trans, emit, into, into_sets = self.states, self.trans, self.emit, self.into, self.into_sets
        all_states = trans.keys()
        v_prev = {}
        for y in states.get(obs[0], all_states):
            v_prev[y] = self.start[y] + emit[y].get(obs[0], MIN_FLOAT)
        paths = [dict.fromkeys(v_prev, "")]
        for t in range(1, len(obs)):
            prev_set = self.leaving.intersection(paths[-1])  # jieba's prev_states: those with a way out
            # jieba: the character's states that some previous state leads into (else those led into)
            work = []
            candidates = self._candidates(obs[t])
            if candidates is not None:
                for y in candidates:
                    ways = into_sets.get(y, NOWHERE) & prev_set
                    if ways:
                        work.append((y, ways))
            if not work:
                expect_next = {y for x in prev_set for y in trans[x]}
                work = [(y, into_sets.get(y, NOWHERE) & prev_set) for y in (expect_next or all_states)]
            v_now, path = {}, {}
            char = obs[t]
            for y, ways in work:
                e = emit[y].get(char, MIN_FLOAT)
                best_v, best_y = MIN_INF, None
                leading = into.get(y)
                for y0 in ways:
                    value = v_prev[y0] + leading[y0] + e
                    if best_y is None or value > best_v or (value == best_v and y0 > best_y):
                        best_v, best_y = value, y0
                if best_y is None or best_v == MIN_INF:  # no finite way in: jieba's full comparison
                    best_v, best_y = max((v_prev[y0] + trans[y0].get(y, MIN_INF) + e, y0) for y0 in prev_set)
                v_now[y], path[y] = best_v, best_y
            v_prev = v_now
            paths.append(path)
        _, state = max((v_prev[y], y) for y in paths[-1])
        route = [None] * len(obs)
        for i in range(len(obs) - 1, -1, -1):
            route[i] = state
            state = paths[i][state]
        return route


@lru_cache(maxsize=1 << 15)
def _model_words(hmm: PossegHMM, run: str) -> tuple[tuple[str, str], ...]:
    """The model's words for a run of Chinese characters, remembered (names and the characters
    around them recur across documents)."""
    return tuple(hmm._cut_hmm(run))


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
    across = {block[i:j] for b in cuts for i in range(b) for j in range(b + 1, len(block) + 1)}
    if any(map(is_word, across)):  # a word across a change of script
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


NOWHERE: frozenset = frozenset()
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


def posseg_hmm() -> PossegHMM | None:
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
