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

from xuncha.document import Document

SHINGLE = 4
NEAR_BITS = 8          # SimHash distance under which two texts are compared in detail
MIN_JACCARD = 0.6      # shingle overlap that makes them the same article
MIN_CONTAINMENT = 0.85  # or: the shorter one is (almost) all inside the longer one (a trimmed repost)
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)
_WORD_RUN = re.compile(r"[^\W_]+")  # what _NOISE leaves: \w without "_" (whitespace is \W)
_MASK = (1 << 64) - 1


def _skeleton(text: str) -> str:
    return _NOISE.sub("", text)


@lru_cache(maxsize=1)
def _is_word_char():
    """For every character of the Basic Multilingual Plane: is it kept by `_skeleton`? (Exactly
    the alphanumeric ones, as \\W and \\s are defined on str.) A table lookup over the code points
    of a text is several times faster than the regex substitution."""
    import numpy as np

    every = np.arange(0x10000, dtype="<u4").tobytes().decode("utf-32-le", "surrogatepass")  # all of the BMP
    table = np.zeros(0x10000, dtype=bool)
    for run in _WORD_RUN.finditer(every):  # runs of kept characters
        table[run.start():run.end()] = True
    return table


def _skeleton_code_points(text: str):
    """The code points of `_skeleton(text)` as uint64."""
    import numpy as np

    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    if len(cps) and int(cps.max()) < 0x10000:
        return cps[_is_word_char().take(cps)].astype(np.uint64)  # (take: a third of indexing's cost)
    return np.frombuffer(_skeleton(text).encode("utf-32-le", "surrogatepass"), dtype="<u4").astype(np.uint64)


_MULT = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9)
SAMPLE = 64  # shingles of the smaller text looked up in the larger one by _cheap_overlap


@lru_cache(maxsize=1)
def _hash_constants():
    """The shingle hash's multipliers, splitmix64's constants and shifts, as numpy uint64 scalars."""
    import numpy as np

    return tuple(np.uint64(v) for v in (*_MULT, 0x9E3779B97F4A7C15, 30, 0xBF58476D1CE4E5B9, 27,
                                        0x94D049BB133111EB, 31))


# Texts whose shingle hashes are kept: reading computes them for the near-duplicate key, and the
# catalogue needs them again to confirm a near-duplicate candidate once the document has been
# analysed, after the rest of its batch (pipeline.BATCH = 32 files) has been read too.
RECENT_TEXTS = 40


@lru_cache(maxsize=RECENT_TEXTS)
def _shingle_hashes(text: str):
    """Sorted distinct 64-bit hashes of every 4-character shingle, vectorised (numpy), stable
    across processes.

    Cached for the last few texts: ingestion computes `near_key(doc.text)` and the batch's
    `DuplicateIndex.check(doc)` then needs the same shingles. The array is returned read-only."""
    import numpy as np

    cps = _skeleton_code_points(text)
    if len(cps) < SHINGLE:
        cps = np.concatenate([cps, np.zeros(SHINGLE - len(cps), dtype=np.uint64)]) if len(cps) else cps
    if not len(cps):
        h = np.zeros(0, dtype=np.uint64)
    else:
        n = len(cps) - SHINGLE + 1
        m0, m1, m2, add, s30, k1, s27, k2, s31 = _hash_constants()
        # (array arithmetic on unsigned integers wraps modulo 2**64 without a warning; in place,
        # so that each step reuses the two arrays instead of allocating new ones)
        h = cps[0:n] * m0
        t = cps[1:n + 1] * m1
        h += t
        np.multiply(cps[2:n + 2], m2, out=t)
        h += t
        h += cps[3:n + 3]
        # splitmix64 finaliser: spreads every input bit over all 64 output bits
        h += add
        np.right_shift(h, s30, out=t)
        h ^= t
        h *= k1
        np.right_shift(h, s27, out=t)
        h ^= t
        h *= k2
        np.right_shift(h, s31, out=t)
        h ^= t
        # the same as np.unique(h), which in numpy 2.x hashes first and is ~15x slower on these sizes
        h.sort()
        distinct = np.empty(len(h), dtype=bool)
        distinct[0] = True
        np.not_equal(h[1:], h[:-1], out=distinct[1:])
        h = h[distinct]
    h.flags.writeable = False
    return h


class Shingles:
    """A text's distinct shingle hashes (sorted array) and the sample `_cheap_overlap` draws from
    them: the SAMPLE smallest hashes (a bottom-k sample: the hashes are uniform, so these are a
    random choice of the text's shingles, and the same shingles are chosen in every text that has
    them). Arrays, not sets, so that many can be kept (a catalogue caches them) and compared fast."""

    __slots__ = ("hashes",)

    def __init__(self, hashes) -> None:
        self.hashes = hashes

    @property
    def sample(self):
        """A slice of the sorted hashes. (It used to be the first SAMPLE of them in a Python set's
        order, another pseudo-random choice, whose set cost 0.9 s per 20 MB in the catalogue.)"""
        return self.hashes[:SAMPLE]

    def __len__(self) -> int:
        return len(self.hashes)

    def common(self, other: "Shingles") -> int:
        """How many hashes the two share."""
        return _found(self.hashes, other.hashes)

    def found_in(self, other: "Shingles") -> int:
        """How many of this text's sampled hashes the other text has."""
        return _found(self.sample, other.hashes)


def _found(values, hashes) -> int:
    """How many of the distinct `values` occur in the sorted array `hashes` (binary search:
    np.isin and np.intersect1d sort both sides again)."""
    if not len(values) or not len(hashes):
        return 0
    at = hashes.searchsorted(values)
    at[at == len(hashes)] = 0
    return int((hashes[at] == values).sum())


@lru_cache(maxsize=8)
def shingles(text: str) -> Shingles:
    return Shingles(_shingle_hashes(text))


@lru_cache(maxsize=1)
def _byte_bits():
    """[v, i] = bit i of the byte value v: counting each byte's values once and multiplying by this
    table gives how many hashes have each bit set, without unpacking every hash into bits."""
    import numpy as np

    return ((np.arange(256)[:, None] >> np.arange(8)) & 1).astype(np.int64)


@lru_cache(maxsize=1)
def _octet_offsets():
    """256 * j for octet j of a hash: one bincount then counts the values of all eight octets."""
    import numpy as np

    return np.arange(8, dtype=np.intp) * 256


def _simhash_of(hashes) -> int:
    """Bit i is set when most shingle hashes have bit i set."""
    import numpy as np

    if not len(hashes):
        return 0
    octets = np.ascontiguousarray(hashes, dtype="<u8").view(np.uint8).reshape(-1, 8)  # octet j = bits 8j..8j+7
    values = np.bincount((octets + _octet_offsets()).ravel(), minlength=2048).reshape(8, 256)
    ones = (values @ _byte_bits()).ravel()  # ones[8j + i] = hashes with bit 8j + i set
    majority = np.packbits(2 * ones > len(hashes), bitorder="little")
    return int.from_bytes(majority.tobytes(), "little")


def near_key(text: str) -> str:
    """The document's near-duplicate key: 16 hex digits of SimHash over character shingles."""
    return f"{_simhash_of(_shingle_hashes(text)):016x}"


def hamming(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


class DuplicateIndex:
    """Remembers the documents of a batch; `check` returns the path of an earlier near-duplicate."""

    def __init__(self) -> None:
        self._by_sha: dict[str, str] = {}
        self._entries: list[tuple[int, Shingles, str]] = []

    def check(self, doc: Document) -> str | None:
        if doc.sha256 and doc.sha256 in self._by_sha:
            return self._by_sha[doc.sha256]
        found = shingles(doc.text)
        key = int(doc.near_key, 16) if doc.near_key else _simhash_of(found.hashes)
        return self.check_shingles(doc.path, key, found, doc.sha256)

    def check_shingles(self, path: str, key: int, found: Shingles, sha256: str | None = None) -> str | None:
        """`check` for a text whose SimHash and shingles are known already (a catalogue keeps them)."""
        match = next((other_path for other_key, other, other_path in self._entries
                      if repeats(key, found, other_key, other)), None)
        if match is None:
            if sha256:
                self._by_sha[sha256] = path
            self._entries.append((key, found, path))
        return match


def repeats(key: int, found: Shingles, other_key: int, other: Shingles) -> bool:
    """Is the text with SimHash `key` and shingles `found` a repost of the earlier one (`other_key`,
    `other`)? Close keys are confirmed on the shingles, far ones need a sampled overlap first."""
    if (key ^ other_key).bit_count() > NEAR_BITS and not _cheap_overlap(found, other):
        return False
    return _same_article(found, other)


def _cheap_overlap(a: Shingles, b: Shingles) -> bool:
    """Catch trimmed reposts that SimHash misses: sizes compatible and a sample mostly shared."""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    if not len(small) or len(small) < 0.3 * len(large):
        return False
    return small.found_in(large) >= 0.7 * len(small.sample)


def _same_article(a: Shingles, b: Shingles) -> bool:
    if not len(a) or not len(b):
        return False
    inter = a.common(b)
    return inter / (len(a) + len(b) - inter) >= MIN_JACCARD or inter / min(len(a), len(b)) >= MIN_CONTAINMENT
