"""Errors a user sees: one line naming the file and the reason, never a traceback."""

from __future__ import annotations


class XunchaError(Exception):
    """Base class for errors reported to the user as one line."""


class IngestError(XunchaError):
    """A file that cannot be turned into a Document (empty, corrupt, unsupported, ...)."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason

    def __reduce__(self):
        """Picklable, so worker processes can send it back to the parent as it is."""
        return (type(self), (self.path, self.reason))


def attempt(func, *args, **kwargs):
    """func(*args, **kwargs), or the Exception it raised: for a step run over a batch of
    documents, where one document's failure (its IngestError, or a bug) must not stop the others."""
    try:
        return func(*args, **kwargs)
    except Exception as err:
        return err
