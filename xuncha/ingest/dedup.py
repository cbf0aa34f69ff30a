"""Near-duplicate detection so that reposts of one article are linked, not counted twice.

`near_key(text)` is a 64-bit SimHash (16 hex digits) over 4-character shingles of the clean text
with whitespace and punctuation removed, so reposts that differ only in furniture, line breaks,
punctuation width or a caption land within a few bits of each other. Keys can be compared across
batches (a catalogue can store them): `hamming(a, b) <= NEAR_BITS` means "probably the same article".
`DuplicateIndex` confirms each SimHash match with the Jaccard overlap of the shingle sets.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice

from xuncha.document import Document

SHINGLE = 4
NEAR_BITS = 8          # SimHash distance under which two texts are compared in detail
MIN_JACCARD = 0.6      # shingle overlap that makes them the same article
MIN_CONTAINMENT = 0.85  # or: the shorter one is (almost) all inside the longer one (a trimmed repost)
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)
_MASK = (1 << 64) - 1


def _skeleton(text: str) -> str:
    return _NOISE.sub("", text)


_MULT = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9)


@lru_cache(maxsize=8)
def _shingle_hashes(text: str):
    """64-bit hashes of every 4-character shingle, vectorised (numpy), stable across processes.

    Cached for the last few texts: ingestion computes `near_key(doc.text)` and the batch's
    `DuplicateIndex.check(doc)` then needs the same shingles. The array is returned read-only."""
    import numpy as np

    s = _skeleton(text)
    cps = np.frombuffer(s.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(cps) < SHINGLE:
        cps = np.concatenate([cps, np.zeros(SHINGLE - len(cps), dtype=np.uint64)]) if len(cps) else cps
    if not len(cps):
        h = np.zeros(0, dtype=np.uint64)
    else:
        n = len(cps) - SHINGLE + 1
        with np.errstate(over="ignore"):
            h = cps[0:n] * np.uint64(_MULT[0]) + cps[1:n + 1] * np.uint64(_MULT[1]) \
                + cps[2:n + 2] * np.uint64(_MULT[2]) + cps[3:n + 3]
            # splitmix64 finaliser: spreads every input bit over all 64 output bits
            h = h + np.uint64(0x9E3779B97F4A7C15)
            h = (h ^ (h >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
            h = (h ^ (h >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
            h = h ^ (h >> np.uint64(31))
        h = np.unique(h)
    h.flags.writeable = False
    return h


def _shingles(text: str) -> set[int]:
    return set(_shingle_hashes(text).tolist())


def _simhash_of(hashes) -> int:
    """Bit i is set when most shingle hashes have bit i set."""
    import numpy as np

    if not len(hashes):
        return 0
    bits = (hashes[:, None] >> np.arange(64, dtype=np.uint64)) & np.uint64(1)
    ones = bits.sum(axis=0)
    return sum(1 << i for i in range(64) if 2 * int(ones[i]) > len(hashes))


def _simhash(hashes: set[int]) -> int:
    import numpy as np

    return _simhash_of(np.fromiter(hashes, dtype=np.uint64, count=len(hashes)))


def near_key(text: str) -> str:
    """The document's near-duplicate key: 16 hex digits of SimHash over character shingles."""
    return f"{_simhash_of(_shingle_hashes(text)):016x}"


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
    sample = list(islice(small, 64))  # the same first 64 as list(small)[:64], without copying the set
    return sum(h in large for h in sample) >= 0.7 * len(sample)


def _same_article(a: set[int], b: set[int]) -> bool:
    if not a or not b:
        return False
    inter = len(a & b)
    return inter / len(a | b) >= MIN_JACCARD or inter / min(len(a), len(b)) >= MIN_CONTAINMENT
