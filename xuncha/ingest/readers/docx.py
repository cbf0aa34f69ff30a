"""Word .docx: paragraphs and tables in document order; headers and footers are not the body."""

from __future__ import annotations

import io
import zipfile

from xuncha.errors import IngestError
from xuncha.ingest.readers import RawPage

_DEFAULT_TITLES = {"", "word", "microsoft word", "文档", "新建 microsoft word 文档"}


def read_docx(data: bytes, path: str) -> RawPage:
    from docx import Document as open_docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = open_docx(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, EOFError) as err:
        raise IngestError(path, f"corrupt DOCX ({type(err).__name__}: not a readable Word .docx zip)") from None
    except Exception as err:  # lxml errors on damaged XML parts, etc.
        raise IngestError(path, f"corrupt DOCX ({type(err).__name__})") from None
    lines: list[str] = []
    heading: str | None = None
    for block in document.iter_inner_content():
        _emit(block, lines)
        if heading is None and hasattr(block, "style") and block.text.strip():
            style = (getattr(block.style, "name", "") or "").lower()
            if style == "title" or style.startswith("heading 1"):
                heading = block.text.strip()
    title = (document.core_properties.title or "").strip()
    if title.lower() in _DEFAULT_TITLES:
        title = ""
    return RawPage(text="\n".join(lines), title_hint=heading or title or None)


def _emit(block, lines: list[str]) -> None:
    if hasattr(block, "rows"):  # a table: one line per row, or the cell's own paragraphs if one cell
        for row in block.rows:
            cells, seen = [], set()
            for cell in row.cells:
                if id(cell._tc) in seen:  # merged cells repeat
                    continue
                seen.add(id(cell._tc))
                cells.append(cell)
            if len(cells) == 1:
                for inner in cells[0].iter_inner_content():
                    _emit(inner, lines)
            else:
                texts = [" ".join(c.text.split()) for c in cells]
                lines.append(" ".join(t for t in texts if t))
    else:
        lines.append(block.text)
