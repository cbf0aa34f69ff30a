"""Errors cross process boundaries intact (ingest workers send them to the parent)."""

from __future__ import annotations

import pickle

from xuncha.errors import IngestError


def test_ingest_error_survives_pickling():
    err = IngestError("/data/报告.pdf", "encrypted PDF")
    back = pickle.loads(pickle.dumps(err))
    assert isinstance(back, IngestError)
    assert (back.path, back.reason, str(back)) == (err.path, err.reason, "/data/报告.pdf: encrypted PDF")
