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

_lock = threading.Lock()
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


def cut(text: str) -> list[str]:
    """Segment `text` into words (precise mode, no HMM guessing of unknown words)."""
    return tokenizer().lcut(text, HMM=False)


def doc_tokens(doc: Document) -> list[str]:
    """The document's tokens, segmenting its text only the first time they are asked for."""
    if doc.tokens is None:
        doc.tokens = cut(doc.text)
    return doc.tokens
