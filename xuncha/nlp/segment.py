"""Word segmentation: one jieba tokenizer per process, with the domain user dictionary.

Every stage that needs words (extractors, classifier features, the search index) calls `cut` or
`doc_tokens`, so the dictionary is loaded once and each text is segmented once.
"""

from __future__ import annotations

import os
import threading
from importlib import resources
from pathlib import Path

from xuncha.document import Document

_lock = threading.RLock()
_tokenizer = None


def cache_dir() -> Path:
    """A per-user writable directory for jieba's dictionary cache and other derived files."""
    base = os.environ.get("XUNCHA_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    path = Path(base) / "xuncha" if "XUNCHA_CACHE_DIR" not in os.environ else Path(base)
    path.mkdir(parents=True, exist_ok=True)
    return path


def tokenizer():
    """The process-wide jieba tokenizer, built on first use with the user dictionary added."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                tok.tmp_dir = str(cache_dir())
                userdict = resources.files("xuncha.corpora") / "userdict.txt"
                if userdict.is_file():
                    with resources.as_file(userdict) as p:
                        tok.load_userdict(str(p))
                _tokenizer = tok
    return _tokenizer


_posseg = None
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
    tok = tokenizer()
    words: list[str] = []
    for piece, is_name in _pieces(text):
        if is_name:
            words.append(piece)
        else:
            words.extend(tok.lcut(piece, HMM=False))
    return words


def tag(text: str, hmm: bool = False) -> list[tuple[str, str]]:
    """Segment `text` with a part-of-speech flag per word (jieba's tag set: n, v, vn, nr, m, q …).

    hmm=True lets the statistical model group unknown words, which recognises personal names
    (张建国|通报 → 张建国/nr); the default keeps to dictionary words.
    """
    global _posseg
    if _posseg is None:
        with _lock:
            if _posseg is None:
                from jieba import posseg

                _posseg = posseg.POSTokenizer(tokenizer())
    return [(pair.word, pair.flag) for pair in _posseg.lcut(text, HMM=hmm)]


def is_word(word: str) -> bool:
    """True if `word` is in the segmentation dictionary (general or user dictionary)."""
    tok = tokenizer()
    tok.check_initialized()
    return bool(tok.FREQ.get(word))


def doc_tokens(doc: Document) -> list[str]:
    """The document's tokens, segmenting its text only the first time they are asked for."""
    if doc.tokens is None:
        doc.tokens = cut(doc.text)
    return doc.tokens


def boundaries(tokens: list[str]) -> set[int]:
    """Character offsets where words start or end in the text the tokens were cut from."""
    pos, out = 0, {0}
    for tok in tokens:
        pos += len(tok)
        out.add(pos)
    return out
