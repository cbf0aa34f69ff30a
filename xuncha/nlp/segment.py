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
from xuncha.nlp.name_hmm import posseg_hmm
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
