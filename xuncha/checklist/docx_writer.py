"""The checklist as a Word document in official-document form (GB/T 9704 style).

A4 with official margins; title in 方正小标宋简体 (Word falls back to 黑体 where it is missing,
through the font table's altName), headings 黑体 / 楷体 / 仿宋 bold, body 仿宋_GB2312 (fallback 仿宋).
Chinese fonts are set through w:eastAsia: python-docx's font.name alone only sets the Latin font,
which leaves Chinese text in the template's default font.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from lxml import etree

from xuncha.checklist.model import Checklist, Item

TITLE_FONT = "方正小标宋简体"
HEI = "黑体"
KAI = "楷体_GB2312"
FANGSONG = "仿宋_GB2312"
LATIN = "Times New Roman"
# Font table fallbacks: Word uses altName when the named font is not installed.
FALLBACKS = {TITLE_FONT: HEI, FANGSONG: "仿宋", KAI: "楷体", HEI: "SimHei"}
CHECK_BOXES = "□ 存在\n□ 不存在"
CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (headings rarely pass 99)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def set_fonts(element, east_asia: str, latin: str = LATIN) -> None:
    """Set the Latin and East Asian fonts on a style's or run's rPr, theme fonts removed."""
    rpr = element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:cs"), latin)


def _style(doc, name: str, east_asia: str, size: float, bold: bool = False, center: bool = False,
           before: float = 0, after: float = 0):
    style = doc.styles[name]
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    set_fonts(style.element, east_asia)
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28 if size <= 16 else 36)
    fmt.first_line_indent = None
    fmt.keep_with_next = name.startswith(("Heading", "Title"))
    if center:
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return style


def _font_table_fallbacks(doc) -> None:
    """Declare the Chinese fonts in fontTable.xml with an altName for machines without them."""
    for rel in doc.part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            part = rel.target_part
            root = etree.fromstring(part.blob)
            for name, alt in FALLBACKS.items():
                font = etree.SubElement(root, qn("w:font"))
                font.set(qn("w:name"), name)
                alt_el = etree.SubElement(font, qn("w:altName"))
                alt_el.set(qn("w:val"), alt)
                charset = etree.SubElement(font, qn("w:charset"))
                charset.set(qn("w:val"), "86")  # GB2312
            part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            return


def _doc_defaults(doc) -> None:
    """Document-wide default fonts: 仿宋 for Chinese instead of the theme's minorEastAsia."""
    rfonts = doc.styles.element.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr")
                                     + "/" + qn("w:rFonts"))
    if rfonts is not None:
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            rfonts.attrib.pop(qn(attr), None)
        for attr, value in (("w:ascii", LATIN), ("w:hAnsi", LATIN), ("w:eastAsia", FANGSONG), ("w:cs", LATIN)):
            rfonts.set(qn(attr), value)


def _page_setup(doc) -> None:
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.top_margin, sec.bottom_margin = Cm(3.7), Cm(3.5)
    sec.left_margin, sec.right_margin = Cm(2.8), Cm(2.6)
    # Page number “— 1 —” centred in the footer.
    para = sec.footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(para, "— ", "宋体", 14)
    run = _run(para, "", "宋体", 14)
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), tag)
            run._r.append(fld)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
    _run(para, " —", "宋体", 14)


def _run(paragraph, text: str, east_asia: str, size: float | None = None, bold: bool | None = None):
    run = paragraph.add_run(text)
    set_fonts(run._r, east_asia)
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold
    return run


def _cell_text(cell, lines: list[tuple[str, bool]], size: float = 12) -> None:
    """Fill a table cell with lines (text, bold), 仿宋 at `size` points, single spaced."""
    for i, (text, bold) in enumerate(lines):
        para = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        para.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        para.paragraph_format.first_line_indent = None
        para.paragraph_format.space_after = Pt(0)
        _run(para, text, FANGSONG, size, bold)


def _item_lines(item: Item) -> list[tuple[str, bool]]:
    lines = [(item.statement, True)]
    if item.variants:
        lines.append(("表现情形：", False))
        lines += [(f"{i}. {v}", False) for i, v in enumerate(item.variants, 1)]
    return lines


def _source_lines(item: Item, shown: int = 3) -> list[tuple[str, bool]]:
    if not item.sources:
        return [("内置标注语料" if not item.documents else "", False)]
    lines = []
    for s in item.sources[:shown]:
        title = f"《{s.title}》" if s.title else s.file
        lines.append((f"{title}（{s.date or '日期不详'}，{s.file}）", False))
    if len(item.sources) > shown:
        lines.append((f"等{len(item.sources)}份文件", False))
    return lines


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


WIDTHS = (Cm(1.2), Cm(8.2), Cm(3.8), Cm(2.4))
HEADERS = ("序号", "常见问题及表现情形", "出处", "自查情况")


def _items_table(doc, items: list[Item]) -> None:
    table = doc.add_table(rows=1, cols=4)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, WIDTHS):
        column.width = width  # the grid, for LibreOffice and WPS; cells carry it too, for Word
    head = table.rows[0]
    _repeat_header(head)
    for cell, text, width in zip(head.cells, HEADERS, WIDTHS):
        cell.width = width
        _cell_text(cell, [(text, True)])
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        set_fonts(cell.paragraphs[0].runs[0]._r, HEI)
    for n, item in enumerate(items, 1):
        cells = table.add_row().cells
        for cell, width in zip(cells, WIDTHS):
            cell.width = width
        _cell_text(cells[0], [(str(n), False)])
        cells[0].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _cell_text(cells[1], _item_lines(item))
        _cell_text(cells[2], _source_lines(item), size=10.5)
        _cell_text(cells[3], [(line, False) for line in CHECK_BOXES.split("\n")])


def write_docx(checklist: Checklist, out: str | Path) -> None:
    doc = new_docx()
    _font_table_fallbacks(doc)
    _doc_defaults(doc)
    _page_setup(doc)
    _style(doc, "Normal", FANGSONG, 16)
    _style(doc, "Title", TITLE_FONT, 22, center=True, after=12)
    _style(doc, "Heading 1", HEI, 16, before=6)
    _style(doc, "Heading 2", KAI, 16)
    _style(doc, "Heading 3", FANGSONG, 16, bold=True)
    # python-docx's Title style carries a bottom border; an official title has none.
    ppr = doc.styles["Title"].element.find(qn("w:pPr"))
    if ppr is not None and ppr.find(qn("w:pBdr")) is not None:
        ppr.remove(ppr.find(qn("w:pBdr")))

    title = doc.add_paragraph(style="Title")
    _run(title, checklist.title, TITLE_FONT)
    intro = doc.add_paragraph()
    intro.paragraph_format.first_line_indent = Pt(32)
    basis = (f"本清单依据{checklist.origin}中{checklist.document_count}份文件的{checklist.statement_count}条问题表述整理"
             if checklist.document_count else f"本清单依据{checklist.origin}中{checklist.statement_count}条问题表述整理")
    _run(intro, f"{basis}，相近表述已合并为一项，其余表述列为表现情形，按涉及文件数和单位数排序。"
                f"请主要负责同志逐项对照检查，在“自查情况”栏勾选“存在”或“不存在”。（生成日期：{checklist.generated}）",
         FANGSONG)
    if not checklist.domains:
        _run(doc.add_paragraph(), "（目录库中暂无已分类的问题。）", FANGSONG)
    for d_no, domain in enumerate(checklist.domains, 1):
        _run(doc.add_paragraph(style="Heading 1"), f"{chinese_number(d_no)}、{domain.name}", HEI)
        for a_no, aspect in enumerate(domain.aspects, 1):
            _run(doc.add_paragraph(style="Heading 2"), f"（{chinese_number(a_no)}）{aspect.name}", KAI)
            for c_no, cat in enumerate(aspect.categories, 1):
                _run(doc.add_paragraph(style="Heading 3"), f"{c_no}. {cat.name}", FANGSONG, bold=True)
                _items_table(doc, cat.items)
    doc.save(str(out))
