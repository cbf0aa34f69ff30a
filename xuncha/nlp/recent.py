"""What was worked out for the last few objects, found again by identity rather than equality.

Several steps ask for the same thing of a document's text or tokens in turn, a batch apart
(nlp.annotate_many runs each extractor over a batch): its bracket pairs, its token ends. Comparing
a long text for equality would cost what the answer saves; its identity is one look-up. Each kept
object stays referenced, so its id cannot be reused by another while it is kept.
"""

from __future__ import annotations

BATCH_TEXTS = 32  # as many as a batch of documents (pipeline.BATCH)


class ByIdentity:
    """object → value for the last `size` objects put, the oldest forgotten first."""

    def __init__(self, size: int = BATCH_TEXTS):
        self.size = size
        self._kept: dict[int, tuple[object, object]] = {}  # id(object) → (object, value)

    def get(self, key):
        """The value put for this very object, or None."""
        kept = self._kept.get(id(key))
        return kept[1] if kept is not None and kept[0] is key else None

    def put(self, key, value):
        """Keep `value` for `key` (forgetting the oldest when full); returns it."""
        kept = self._kept
        if len(kept) >= self.size:
            try:
                kept.pop(next(iter(kept)), None)
            except RuntimeError:  # another thread changed it meanwhile: that thread made room
                pass
        kept[id(key)] = (key, value)
        return value
