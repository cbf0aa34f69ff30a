"""Bytes → str for text-like files: UTF-8 (±BOM), UTF-16 (BOM or ASCII zero pattern), GB18030/GBK, Big5.

Order of trust: a BOM; strict UTF-8 (the common case, and the only one that fails loudly when
wrong); then charset-normalizer restricted to the encodings Chinese pages actually use. Files that
are binary, or mix UTF-8 lines with legacy-encoded lines, are refused with a one-line reason
instead of being decoded into nonsense.
"""

from __future__ import annotations

import codecs
import re
from functools import lru_cache

from xuncha.errors import IngestError

# charset-normalizer may propose any codec; Chinese documents come in these (gb18030 ⊃ gbk ⊃ gb2312).
CHINESE_CODECS = ["gb18030", "big5", "big5hkscs", "cp950"]
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_BAD_CHAR = re.compile(r"[\x00-\x08\x0e-\x1f\ufffd\ue000-\uf8ff]")


def decode_text(data: bytes, path: str, warnings: list[str] | None = None) -> tuple[str, str]:
    """Decode a text file; returns (text, encoding name). Raises IngestError with the reason.
    Recoverable damage (a few bad bytes in a UTF-8 file) is appended to `warnings`."""
    if data.startswith(codecs.BOM_UTF8):
        return _checked(data[3:].decode("utf-8", errors="replace"), "utf-8-sig", path)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _checked(data.decode("utf-16", errors="replace"), "utf-16", path)
    utf16 = _bomless_utf16(data)
    if utf16:
        return _checked(data.decode(utf16, errors="replace"), utf16, path)
    if _looks_binary(data):
        raise IngestError(path, "binary data, not text")
    try:
        return _checked(data.decode("utf-8"), "utf-8", path)
    except UnicodeDecodeError:
        pass
    damaged = _damaged_utf8(data, path, warnings)
    if damaged is not None:
        return _checked(damaged, "utf-8", path)
    found = _gb_or_big5(data)
    if found:
        return _checked(*found, path)
    from charset_normalizer import from_bytes  # here: only files that are neither UTF nor GB/Big5 need it

    best = from_bytes(data, cp_isolation=CHINESE_CODECS).best()
    if best is None:
        raise IngestError(path, "unrecognised text encoding (not UTF-8, UTF-16, GB18030 or Big5)")
    return _checked(data.decode(best.encoding, errors="replace"), best.encoding, path)


def gb2312_chars(last_row: int) -> frozenset[str]:
    """The Han characters of GB2312 rows 16..last_row: 55 ends level 1 (the 3755 most common
    characters), 87 ends level 2 (all 6763)."""
    # Every two-byte cell followed by a newline, decoded at once: an empty cell decodes to
    # replacement characters only, and the newline keeps the next cell in step.
    row = bytes(b for lo in range(0xA1, 0xFF) for b in (0, lo, 10))  # 0 stands for the row's first byte
    cells = b"".join(row.replace(b"\0", bytes([hi])) for hi in range(0xA0 + 16, 0xA0 + last_row + 1))
    return frozenset(c for c in cells.decode("gb2312", errors="replace").split("\n") if len(c) == 1 and c != "\ufffd")


@lru_cache(maxsize=1)
def _common_chars() -> frozenset[str]:
    """The 3755 most common Chinese characters (GB2312 level 1), in both scripts."""
    import opencc

    chars = gb2312_chars(55)
    simplified = "".join(sorted(chars))
    return frozenset(chars | set(opencc.OpenCC("s2t").convert(simplified)) | set(opencc.OpenCC("s2tw").convert(simplified)))


def _gb_or_big5(data: bytes) -> tuple[str, str] | None:
    """(text, codec) for GB18030 or Big5, by which decoding reads as common Chinese; statistics-based
    detectors confuse the two on short texts (监督 in GBK is valid Big5 for 潼飭)."""
    common = _common_chars()
    scores = {}
    for codec in ("gb18030", "big5"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        han = [c for c in text if "\u3400" <= c <= "\u9fff"]
        if han:
            scores[codec] = (sum(c in common for c in han) / len(han), text)
    if not scores:
        return None
    best = max(scores, key=lambda codec: scores[codec][0])
    score, text = scores[best]
    return (text, best) if score >= 0.6 else None


_PLAIN = re.compile(r"[\u00a0-\u024f\u3000-\u303f\u3400-\u9fff\uff00-\uffef\u2010-\u206f\x20-\x7e\s]")


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without BOM: text never holds NUL bytes except as UTF-16's high/low zero bytes, which
    fall mostly on one parity (odd for little-endian). Confirm by decoding to readable text."""
    sample = data[:65536]
    sample = sample[: len(sample) - len(sample) % 2]
    # (most files hold no NUL byte at all: one memchr says so before the bytes are counted)
    if len(sample) < 8 or 0 not in sample or sample.count(0) < len(sample) // 100:
        return None
    even_zero, odd_zero = sample[0::2].count(0), sample[1::2].count(0)
    for codec, ok in (("utf-16-le", odd_zero > 2 * even_zero), ("utf-16-be", even_zero > 2 * odd_zero)):
        if not ok:
            continue
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            return None
        if len(_PLAIN.findall(text)) >= 0.9 * len(text):
            return codec
    return None


# Every byte but the control bytes of _CONTROL: deleting them leaves the control bytes to count.
_NOT_CONTROL = bytes(b for b in range(256) if not _CONTROL.match(bytes([b])))


def _looks_binary(data: bytes) -> bool:
    sample = data[:65536]
    return len(sample.translate(None, _NOT_CONTROL)) > max(2, len(sample) // 200)


def _utf8_line_counts(data: bytes) -> tuple[int, int]:
    """(lines with non-ASCII that are valid UTF-8, lines with non-ASCII that are not)."""
    utf8_lines = legacy_lines = 0
    for line in data.splitlines():
        if max(line, default=0) < 0x80:
            continue
        try:
            line.decode("utf-8")
            utf8_lines += 1
        except UnicodeDecodeError:
            legacy_lines += 1
    return utf8_lines, legacy_lines


def _damaged_utf8(data: bytes, path: str, warnings: list[str] | None) -> str | None:
    """A UTF-8 file with a stray bad line or two (a cut-off download, a pasted footer) is read as
    UTF-8 with a warning; a file really glued from two encodings is refused."""
    utf8_lines, legacy_lines = _utf8_line_counts(data)
    if not utf8_lines or not legacy_lines:
        return None
    if legacy_lines <= 2 and utf8_lines >= 10 * legacy_lines:
        if warnings is not None:
            warnings.append(f"{legacy_lines} line(s) not valid UTF-8; bad bytes replaced")
        return data.decode("utf-8", errors="replace")
    raise IngestError(path, f"mixed text encodings ({utf8_lines} UTF-8 lines, "
                            f"{legacy_lines} lines in another encoding)")


def _checked(text: str, encoding: str, path: str) -> tuple[str, str]:
    """Refuse decodings that produced mostly control/replacement characters (binary or wrong codec)."""
    if not text or text.isspace():  # (the same test as `not text.strip()`, without copying the text)
        raise IngestError(path, "empty file (only whitespace)")
    sample = text[:20000]
    bad = len(_BAD_CHAR.findall(sample))
    if bad > max(3, len(sample) // 50):
        raise IngestError(path, f"binary data or unreadable text ({encoding} decoding gave {bad} bad characters)")
    return text, encoding
