"""Small python-docx helpers the Word paper is built from: shading, repeated headers, fields, page setup.

python-docx has no API for these, so each writes the few WordprocessingML elements it needs. Text always
goes through python-docx's own setters (which escape it), never into XML by hand (docs/reliability.md F10).
"""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run

ACCENT = RGBColor(0x1D, 0x4F, 0x91)
CELL_STYLE = "Report Cell"
CELL_STYLE_ID = "ReportCell"  # the id python-docx gives CELL_STYLE
CELL_SIZE = 8.5
MUTED = RGBColor(0x5F, 0x66, 0x70)


def complex_script(owner: Run | BaseStyle, *, bold: bool = False) -> None:
    """Give Arabic and Hebrew the size, font and weight the Latin text has.

    Word sizes and styles "complex script" text by separate properties (w:szCs, w:rFonts/@w:cs, w:bCs),
    which python-docx's font setters leave out, so a right-to-left line otherwise prints at the document's
    default size in another typeface. `owner` is a style or a run that already has its w:sz set."""
    element = owner.element if hasattr(owner, "style_id") else owner._r
    properties = element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is not None and (latin := fonts.get(qn("w:ascii"))):
        fonts.set(qn("w:cs"), latin)
    size = properties.find(qn("w:sz"))
    if size is not None and (points := size.get(qn("w:val"))) is not None:
        size_cs = properties.find(qn("w:szCs"))
        if size_cs is None:
            size_cs = OxmlElement("w:szCs")
            size.addnext(size_cs)  # schema order: w:szCs follows w:sz
        size_cs.set(qn("w:val"), points)
    weight = properties.find(qn("w:b"))
    if bold and weight is not None and properties.find(qn("w:bCs")) is None:
        weight.addnext(OxmlElement("w:bCs"))


def hex_colour(value: str) -> RGBColor:
    return RGBColor.from_string(value.lstrip("#").upper())


def landscape_a4(document: DocxDocument) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(14)
    section.top_margin, section.bottom_margin = Mm(14), Mm(16)


def shade(cell: _Cell, fill: str) -> None:
    """Fill a table cell with a colour (w:shd)."""
    properties = cell._tc.get_or_add_tcPr()
    for old in properties.findall(qn("w:shd")):
        properties.remove(old)
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill.lstrip("#").upper())
    properties.append(shading)


def shade_paragraph(paragraph: Paragraph, fill: str) -> None:
    """A band of colour behind one paragraph (the status chip), not the whole cell."""
    properties = paragraph._p.get_or_add_pPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill.lstrip("#").upper())
    properties.append(shading)


def repeat_header(table: Table) -> None:
    """Mark the first row as a header row, repeated at the top of every page the table runs onto."""
    properties = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)
    no_split = OxmlElement("w:cantSplit")
    no_split.set(qn("w:val"), "true")
    properties.append(no_split)


def keep_row_together(row: _Row) -> None:
    properties = row._tr.get_or_add_trPr()
    no_split = OxmlElement("w:cantSplit")
    no_split.set(qn("w:val"), "true")
    properties.append(no_split)


def column_widths(table: Table, widths_mm: list[float]) -> None:
    """Fixed column widths (Word reads the cell widths; LibreOffice reads the grid): set both."""
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=False):
        col.set(qn("w:w"), str(int(Mm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(width)


def cell_margins(table: Table, top: int = 40, side: int = 80) -> None:
    """Inner cell padding in twentieths of a point, for the whole table."""
    properties = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for edge, size in (("top", top), ("left", side), ("bottom", top), ("right", side)):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(size))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    properties.append(margins)


def field(paragraph: Paragraph, code: str, size: float = 8) -> None:
    """A Word field (PAGE, NUMPAGES) that the word processor fills in when it lays out the pages."""
    run = paragraph.add_run()
    run.font.size = Pt(size)
    run.font.color.rgb = MUTED
    complex_script(run)
    begin, instruction, separate, placeholder, end = (
        OxmlElement("w:fldChar"),
        OxmlElement("w:instrText"),
        OxmlElement("w:fldChar"),
        OxmlElement("w:t"),
        OxmlElement("w:fldChar"),
    )
    begin.set(qn("w:fldCharType"), "begin")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = f" {code} "
    separate.set(qn("w:fldCharType"), "separate")
    placeholder.text = "1"
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instruction, separate, placeholder, end):
        run._r.append(element)


def footer(document: DocxDocument, text: str) -> None:
    """The running footer: the plan and round on the left, "Page n of m" on the right."""
    style = document.styles["Footer"]
    style.font.size = Pt(8)
    complex_script(style)
    style.paragraph_format.tab_stops.clear_all()  # the default's centre and right stops are for portrait
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.text = ""
    paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(269), WD_TAB_ALIGNMENT.RIGHT)
    lead = paragraph.add_run(text + "\t")
    lead.font.size, lead.font.color.rgb = Pt(8), MUTED
    complex_script(lead)
    page = paragraph.add_run("Page ")
    page.font.size, page.font.color.rgb = Pt(8), MUTED
    complex_script(page)
    field(paragraph, "PAGE")
    of = paragraph.add_run(" of ")
    of.font.size, of.font.color.rgb = Pt(8), MUTED
    complex_script(of)
    field(paragraph, "NUMPAGES")


def write(
    cell: _Cell,
    text: str,
    *,
    bold: bool = False,
    size: float = 8.5,
    colour: RGBColor | None = None,
    italic: bool = False,
    align_right: bool = False,
    new_paragraph: bool = False,
) -> Paragraph:
    """Text into a cell: the first call fills its empty paragraph, later ones (new_paragraph) add one."""
    paragraph: Paragraph = cell.add_paragraph() if new_paragraph else cell.paragraphs[0]
    paragraph._p.style = CELL_STYLE_ID  # by id: python-docx's lookup by name scans every style, every time
    if align_right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run(text)
    # Only what differs from the Cell style is written: python-docx inserts each property element in
    # schema order, and tens of thousands of them dominate the time a 2,000-action paper takes.
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    if size != CELL_SIZE:
        run.font.size = Pt(size)
        complex_script(run)
    if colour is not None:
        run.font.color.rgb = colour
    return paragraph


def cell_style(document: DocxDocument) -> None:
    """The paragraph style every table cell uses: small type, no space before, a point after."""
    from docx.enum.style import WD_STYLE_TYPE

    style = document.styles.add_style(CELL_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.font.size = Pt(CELL_SIZE)
    complex_script(style)
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.space_after = Pt(1)
    assert style.style_id == CELL_STYLE_ID
