"""Word segmentation: one engine per process (rjieba, or jieba as reference), with the domain dictionary.

Every stage that needs words (extractors, classifier features, the search index) calls `cut` or
`doc_tokens`, so the dictionary is loaded once and each text is segmented once.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from functools import lru_cache
from importlib import resources
from itertools import accumulate
from pathlib import Path

from xuncha.document import Document
from xuncha.nlp.name_hmm import posseg_hmm
from xuncha.nlp.protect import MARKS_RE as _BRACKET_MARK
from xuncha.nlp.protect import name_spans
from xuncha.nlp.recent import ByIdentity

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
        self.jieba = rjieba_class()()
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
            if posseg_hmm() is not None:
                found = posseg_hmm().tag(text, self._plain_tag, self.jieba.has_word)
            return found if found is not None else self._reference_tag(text)
        return self._plain_tag(text)

    def _plain_tag(self, text: str) -> list[tuple[str, str]]:
        user = self.user_tags
        out = []
        for word, flag in self.jieba.tag(text, False):
            if word in user:
                flag = user[word]
            elif word.isascii() and _ASCII_ALNUM.fullmatch(word):  # (isascii: no regex for Chinese words)
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


def rjieba_class():
    """rjieba.Jieba, loaded without running `rjieba/__init__.py`, which builds a module-level
    default instance (the whole dictionary, ~0.12 s at start-up) that the project never uses.

    The compiled module is registered as `rjieba.rjieba`, so a later `import rjieba` finds it and
    works as usual. Anything unexpected (another layout, another loader) takes the plain import.
    """
    loaded = sys.modules.get("rjieba.rjieba")
    if loaded is None and "rjieba" not in sys.modules:
        try:
            loaded = _load_rjieba_extension()
        except Exception:
            loaded = None
    if loaded is not None and hasattr(loaded, "Jieba"):
        return loaded.Jieba
    import rjieba  # ImportError here: rjieba is not installed (make_engine falls back to jieba)

    return rjieba.Jieba


def _load_rjieba_extension():
    """The compiled module inside the rjieba package, found and run on its own (None if absent)."""
    from importlib.machinery import EXTENSION_SUFFIXES, ExtensionFileLoader, FileFinder
    from importlib.util import find_spec, module_from_spec

    package = find_spec("rjieba")  # finding a top-level package does not run it
    if package is None or not package.submodule_search_locations:
        return None
    for folder in package.submodule_search_locations:
        spec = FileFinder(folder, (ExtensionFileLoader, EXTENSION_SUFFIXES)).find_spec("rjieba.rjieba")
        if spec is not None and spec.loader is not None:
            module = module_from_spec(spec)
            sys.modules[spec.name] = module
            try:
                spec.loader.exec_module(module)
            except BaseException:
                del sys.modules[spec.name]
                raise
            return module
    return None


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


def engine_name(name: str | None = None) -> str:
    """The engine that will make the words: rjieba unless XUNCHA_SEGMENTER=jieba (or rjieba is not
    installed), without building it."""
    name = name or os.environ.get("XUNCHA_SEGMENTER", "rjieba")
    if name not in ENGINES:
        raise ValueError(f"unknown segmenter {name!r} (choose from {', '.join(ENGINES)})")
    if name == "rjieba":
        try:
            rjieba_class()
        except ImportError:
            return "jieba"
    return name


def make_engine(name: str | None = None):
    """A segmentation engine (see engine_name) with the user dictionary loaded."""
    engine = RjiebaEngine if engine_name(name) == "rjieba" else JiebaEngine
    return engine(user_dictionary())


class _EngineOnFirstUse:
    """The process-wide engine: its name at once, its dictionary (~0.13 s) on the first use of words.

    Some runs only ask which engine makes the words (an ingest whose files are all unchanged checks
    the catalogue's index form and the classifier's key) and never load the dictionary. The
    engine is chosen here (engine_name), so `name` is the name of the engine later built. Its
    methods, once looked up, are kept on this object: later calls go straight to the engine.
    """

    _METHODS = ("cut", "tag", "has_word")

    def __init__(self):
        self.name = engine_name()
        self._built = None

    def __getattr__(self, attr: str):  # only for what this object does not have itself
        if attr.startswith("__"):
            raise AttributeError(attr)
        if self._built is None:
            with _lock:
                if self._built is None:
                    self._built = make_engine(self.name)
        value = getattr(self._built, attr)
        if attr in self._METHODS:
            setattr(self, attr, value)
        return value


def engine_tag() -> str:
    """The segmentation engine and its version (the words, and what is made of them, depend on them)."""
    from importlib.metadata import PackageNotFoundError, version

    name = tokenizer().name
    try:
        return f"{name}{version(name)}"
    except PackageNotFoundError:
        return name


def tokenizer():
    """The process-wide segmentation engine, its user dictionary loaded on first use of its words."""
    global _engine
    if _engine is None:
        with _lock:
            if _engine is None:
                _engine = _EngineOnFirstUse()
    return _engine


PROTECT_MAX = 12  # bracketed names up to this length stay one token (两卡一书, 1统7分2平台, 廉政提示卡)


def cut(text: str) -> list[str]:
    """Segment `text` into words (precise mode, no HMM guessing of unknown words).

    A short name (≤ PROTECT_MAX) in quotes or book-title marks (“两卡一书”, 《履责记录本》) is one token,
    since jieba's dictionary cannot hold words with brackets; "".join(cut(t)) == t always.
    """
    if not text:
        return []
    engine = tokenizer()
    if not _BRACKET_MARK.search(text):  # no bracketed name: the engine's words as they are
        return engine.cut(text, False)
    names = name_spans(text, max_len=PROTECT_MAX)
    if not names:
        return engine.cut(text, False)
    if PLACEHOLDER in text:
        return _names_whole(text, engine.cut(text, False), names)
    return _cut_around_names(text, names, engine)


PLACEHOLDER = "\ue000"  # a private-use character: neither Chinese, letter, digit nor space to the engine


def _cut_around_names(text: str, names: list[tuple[int, int]], engine) -> list[str]:
    """One engine call over `text` with each name replaced by PLACEHOLDER, which the engine returns
    as a word of its own; each is then swapped for its name (found in C with list.index).

    The engine joins only runs of Chinese characters, letters and digits, and a name lies between
    two marks it never joins to anything, so the words outside the names are those of the text.
    """
    parts: list[str] = []
    kept: list[str] = []
    pos = 0
    for start, end in names:
        if start < pos:  # nested inside a name already kept
            continue
        parts.append(text[pos:start])
        parts.append(PLACEHOLDER)
        kept.append(text[start:end])
        pos = end
    parts.append(text[pos:])
    words = engine.cut("".join(parts), False)
    at = -1
    for name in kept:
        at = words.index(PLACEHOLDER, at + 1)
        words[at] = name
    return words


def _names_whole(text: str, words: list[str], names: list[tuple[int, int]]) -> list[str]:
    """`words` (the engine's, over the whole text) with the words inside each name joined into one.

    The engine treats every quote or book-title mark as a word of its own (it only joins runs of
    Chinese characters, letters and digits), so the words inside a name lie between its two mark
    tokens: each is found in C with list.index, counting the same marks passed on the way, instead
    of cutting the text piece by piece between names (each piece a call) or summing every word's length.
    """
    out: list[str] = []
    i = pos = 0  # words[:i] are handled; words[i] starts at text offset pos
    for start, end in names:
        if start < pos:  # nested inside a name already joined
            continue
        opener, closer = text[start - 1], text[end]
        a = i
        if start > pos:
            for _ in range(text.count(opener, pos, start - 1) + 1):
                a = words.index(opener, a) + 1  # just after the name's opening mark
        # else pairs that cross ("a「b"c」): the name starts at the previous one's closing mark
        b = a
        for _ in range(text.count(closer, start, end) + 1):
            b = words.index(closer, b) + 1
        out += words[i:a]
        out.append(text[start:end])
        i, pos = b - 1, end  # the closing mark is words[b - 1]
    out += words[i:]
    return out


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


_ends = ByIdentity()  # token list → its ends


def token_ends(tokens: list[str]):
    """Where each token ends in the text it was cut from (a read-only numpy array of int64).

    Bodies and the search index both ask for a document's, a batch apart, and summing a few
    thousand lengths costs more than the look-up: the ends of the last lists are kept (by
    identity). Raises TypeError for a token that is not a string."""
    import numpy as np

    ends = _ends.get(tokens)
    if ends is not None and len(ends) == len(tokens):
        return ends
    ends = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens)).cumsum()
    ends.flags.writeable = False
    return _ends.put(tokens, ends)
