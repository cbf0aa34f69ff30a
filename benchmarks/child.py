"""Child processes that run the xuncha this benchmark imported, not the one in their directory.

`python -m` and `python -c` put the working directory first on sys.path, so a child started in a
checkout imports that checkout's xuncha whatever PYTHONPATH says. Comparing two trees with
`PYTHONPATH=<other tree> python benchmarks/...` from inside a checkout then times the checkout
twice (it happened: a round of paired runs compared a tree with itself).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def same_xuncha() -> dict:
    """subprocess keyword arguments: PYTHONPATH led by the tree this process imported xuncha from,
    and a working directory outside any checkout. Paths given to the child must be absolute."""
    import xuncha

    tree = str(Path(xuncha.__file__).resolve().parents[1])
    path = os.pathsep.join(p for p in (tree, os.environ.get("PYTHONPATH")) if p)
    return {"env": dict(os.environ, PYTHONPATH=path), "cwd": tempfile.gettempdir()}
