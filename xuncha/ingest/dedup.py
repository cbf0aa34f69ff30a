"""Near-duplicate detection so that reposts of one article are linked, not counted twice.

`near_key(text)` is a 64-bit SimHash (16 hex digits) over 4-character shingles of the clean text
with whitespace and punctuation removed, so reposts that differ only in furniture, line breaks,
punctuation width or a caption land within a few bits of each other. Keys can be compared across
batches (a catalogue can store them): `hamming(a, b) <= NEAR_BITS` means "probably the same article".
`DuplicateIndex` confirms each SimHash match with the Jaccard overlap of the shingle sets.
"""

from __future__ import annotations

import hashlib
import re

from xuncha.document import Document

SHINGLE = 4
NEAR_BITS = 8          # SimHash distance under which two texts are compared in detail
MIN_JACCARD = 0.6      # shingle overlap that makes them the same article
MIN_CONTAINMENT = 0.85  # or: the shorter one is (almost) all inside the longer one (a trimmed repost)
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)
_MASK = (1 << 64) - 1


def _skeleton(text: str) -> str:
    return _NOISE.sub("", text)


def _shingles(text: str) -> set[int]:
    s = _skeleton(text)
    if len(s) < SHINGLE:
        return {_h64(s)} if s else set()
    return {_h64(s[i:i + SHINGLE]) for i in range(len(s) - SHINGLE + 1)}


def _h64(s: str) -> int:
    return int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest(), "big")


def _simhash(hashes: set[int]) -> int:
    """Bit i is set when most shingle hashes have bit i set (vectorised: ~1 ms for a long article)."""
    if not hashes:
        return 0
    import numpy as np

    arr = np.fromiter(hashes, dtype=np.uint64, count=len(hashes))
    bits = (arr[:, None] >> np.arange(64, dtype=np.uint64)) & np.uint64(1)
    ones = bits.sum(axis=0)
    return sum(1 << i for i in range(64) if 2 * int(ones[i]) > len(hashes))


def near_key(text: str) -> str:
    """The document's near-duplicate key: 16 hex digits of SimHash over character shingles."""
    return f"{_simhash(_shingles(text)):016x}"


def hamming(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


class DuplicateIndex:
    """Remembers the documents of a batch; `check` returns the path of an earlier near-duplicate."""

    def __init__(self) -> None:
        self._by_sha: dict[str, str] = {}
        self._entries: list[tuple[int, set[int], str]] = []

    def check(self, doc: Document) -> str | None:
        if doc.sha256 and doc.sha256 in self._by_sha:
            return self._by_sha[doc.sha256]
        shingles = _shingles(doc.text)
        key = int(doc.near_key, 16) if doc.near_key else _simhash(shingles)
        match = None
        for other_key, other_shingles, other_path in self._entries:
            if (key ^ other_key).bit_count() > NEAR_BITS and not _cheap_overlap(shingles, other_shingles):
                continue
            if _same_article(shingles, other_shingles):
                match = other_path
                break
        if match is None:
            if doc.sha256:
                self._by_sha[doc.sha256] = doc.path
            self._entries.append((key, shingles, doc.path))
        return match


def _cheap_overlap(a: set[int], b: set[int]) -> bool:
    """Catch trimmed reposts that SimHash misses: sizes compatible and a sample mostly shared."""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    if not small or len(small) < 0.3 * len(large):
        return False
    sample = list(small)[:64]
    return sum(h in large for h in sample) >= 0.7 * len(sample)


def _same_article(a: set[int], b: set[int]) -> bool:
    if not a or not b:
        return False
    inter = len(a & b)
    return inter / len(a | b) >= MIN_JACCARD or inter / min(len(a), len(b)) >= MIN_CONTAINMENT
