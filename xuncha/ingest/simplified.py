"""Which part of a text OpenCC's tw2s conversion can change, so that only that part is converted.

OpenCC segments a text into phrases of its TSPhrases dictionary and single characters, and
converts each segment on its own. So a segment that converts to itself alone converts to itself
anywhere, and a text holding no "changing" character converts to itself. The changing characters
are listed in xuncha/corpora/opencc_tw2s_changes.txt (derived from the installed OpenCC by
`python -m xuncha.ingest.simplified`): every character that tw2s changes on its own, plus one
character of every TSPhrases phrase that tw2s changes although none of its characters change alone
(深沈 → 深沉: 沈). No phrase holds a line break or 。，；！？ and each converts to itself, so cutting
a text just before one of those splits no segment: the clauses holding a changing character are
converted, and what lies outside them is kept as it is, exactly as converting the whole text would
leave it (and clauses joined by line breaks convert as each would alone).

Simplified pages (most pages) have no changing character at all or only a few clauses with one;
traditional pages are converted from their first changing clause to their last. If the installed
OpenCC is not the version the list was derived from, `changing_spans` answers None and the caller
converts everything.
"""

from __future__ import annotations

from functools import lru_cache

from xuncha.corpora import data_lines

CHANGES_FILE = "opencc_tw2s_changes.txt"
_CUTS = ("\n", "。", "，", "；", "！", "？")
_HEADER = "# OpenCC "


@lru_cache(maxsize=1)
def _changing():
    """A boolean table over all code points: True for the changing characters (and for lone
    surrogates, which OpenCC cannot take: a text holding one still reaches it and fails as before).
    None if the list does not fit the installed OpenCC."""
    from importlib import resources

    import numpy as np
    import opencc

    path = resources.files("xuncha.corpora") / CHANGES_FILE
    if not path.is_file():
        return None
    if path.read_text(encoding="utf-8").split("\n", 1)[0] != f"{_HEADER}{getattr(opencc, '__version__', '?')} tw2s":
        return None
    table = np.zeros(0x110000, dtype=bool)
    table[[ord(c) for c in "".join(data_lines(CHANGES_FILE))]] = True
    table[0xD800:0xE000] = True
    return table


@lru_cache(maxsize=1)
def changing_characters() -> frozenset[str] | None:
    """The characters changing_spans looks for (those t2s may change, and lone surrogates), as a
    set: for texts too short to repay its array work. None if the list does not fit the installed
    OpenCC (then only changing_spans can tell)."""
    table = _changing()
    return None if table is None else frozenset(map(chr, table.nonzero()[0].tolist()))


# A page with more changing characters than this is traditional: one span from the first to the
# last is as good as clause-by-clause windows there, and costs no loop over its characters.
_FEW = 48


@lru_cache(maxsize=1)
def _is_cut():
    """A boolean table over all code points: True for the clause marks (_CUTS)."""
    import numpy as np

    table = np.zeros(0x110000, dtype=bool)
    table[[ord(c) for c in _CUTS]] = True
    return table


def changing_spans(text: str) -> list[tuple[int, int]] | None:
    """The parts of `text` that tw2s may change, as (start, end) in order, each cut just before a
    clause mark ([] when nothing can change), or None when the whole text must be converted.

    A clause runs from the last clause mark before a changing character (or the text's start) to
    just before the first mark after it (or the text's end); the marks' positions are listed once
    per text and each changing character's clause is looked up among them."""
    import numpy as np

    table = _changing()
    if table is None or "\x00" in text:  # OpenCC stops at a NUL: only the whole text converts alike
        return None
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    return clause_spans(table.take(points).nonzero()[0], _is_cut().take(points).nonzero()[0], len(text))


def clause_spans(hits, cuts, length: int) -> list[tuple[int, int]]:
    """`changing_spans` from the positions of a text's changing characters (`hits`) and of its clause
    marks (`cuts`), both sorted numpy arrays, and its length."""
    import numpy as np

    if not len(hits):
        return []
    many = len(hits) > _FEW
    if many:
        hits = hits[[0, -1]]
    marks = cuts.tolist() + [length, 0]  # (index len(cuts) reads the end, index -1 reads 0)
    starts = [marks[i] for i in (np.searchsorted(cuts, hits) - 1).tolist()]  # the last mark before
    ends = [marks[i] for i in np.searchsorted(cuts, hits + 1).tolist()]  # the first mark after
    if many:
        return [(starts[0], ends[-1])]
    spans: list[tuple[int, int]] = []
    for at, start, end in zip(hits.tolist(), starts, ends):
        if spans and at < spans[-1][1]:
            continue  # inside the clause already taken
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def derive() -> str:
    """The changing characters of the installed OpenCC's tw2s, as the data file's text."""
    import subprocess
    import tempfile
    from pathlib import Path

    import opencc

    convert = opencc.OpenCC("tw2s").convert
    changing = {chr(cp) for cp in range(1, 0x110000)
                if not 0xD800 <= cp < 0xE000 and convert(chr(cp)) != chr(cp)}
    clib = Path(opencc.__file__).parent / "clib"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "TSPhrases.txt"
        subprocess.run([str(clib / "bin" / "opencc_dict"), "-i", str(clib / "share" / "opencc" / "TSPhrases.ocd2"),
                        "-o", str(out), "-f", "ocd2", "-t", "text"], check=True,
                       env={"LD_LIBRARY_PATH": str(clib / "lib64")})
        phrases = [ln.split("\t", 1)[0] for ln in out.read_text(encoding="utf-8").splitlines() if ln]
    assert not any(cut in p for p in phrases for cut in _CUTS), "a phrase spans a clause mark"
    assert all(convert(cut) == cut for cut in _CUTS), "a clause mark converts"  # (normalize joins clauses by \n)
    for phrase in phrases:
        converted = convert(phrase)
        if converted == phrase or changing.intersection(phrase):
            continue
        # the character that changes in the phrase (both have the same length in every such phrase)
        differ = [a for a, b in zip(phrase, converted) if a != b] if len(converted) == len(phrase) else []
        changing.add(differ[0] if differ else phrase[0])
    chars = sorted(changing)
    lines = [f"{_HEADER}{opencc.__version__} tw2s",
             "# Characters whose tw2s conversion can differ from themselves (see xuncha/ingest/simplified.py).",
             "# Derived, not edited: python -m xuncha.ingest.simplified > xuncha/corpora/" + CHANGES_FILE]
    lines += ["".join(chars[i:i + 64]) for i in range(0, len(chars), 64)]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(derive())
