"""Read a Word document into lines: body paragraphs as text lines, every table row as a row of cells.

python-docx opens the package; the tables are then read in one pass over their XML elements in
document order (lxml's `iter` over the few tags that matter). `table.rows[i].cells` rebuilds the cell
grid and is far too slow on the 5,000-row tables some plans grow to, and a walk that calls `find` per
cell and paragraph costs four times the single pass (see bench/import_bench.py).

Merged cells, decided so that the interpreter sees a grid whose columns line up with the header row:
  * a cell spanning several grid columns (w:gridSpan) gives its text in its first column and "" in each
    further column it covers (repeating the text would make a section row look like a row of leads);
  * a cell continuing a vertical merge (w:vMerge without val="restart") gives "": the value belongs to
    the first row of the merge, as it does in Excel;
  * columns a row skips (w:gridBefore / w:gridAfter) give "" so later cells keep their positions.
Nested tables are flattened: their cells' paragraphs become paragraphs of the enclosing cell.

Cell shading (w:tcPr/w:shd) is reported as the line's fills, because some plans show a status only as
a cell's colour. A cell spanning several columns gives its colour to each (the colour is visible there,
and a colour carries no text to be mistaken for a lead); a cell continuing a vertical merge reports its
own shading, as Word stores it. The fill is w:fill ("auto" and white are no fill); with the "solid"
pattern the pattern colour w:color is what shows. Theme-only shading (w:themeFill without w:fill, which
Word does not write itself) and table-style banding are not read. Paragraph and run shading are not cell
fills and are ignored.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
from docx.opc.exceptions import OpcError
from docx.oxml.ns import nsmap, qn
from lxml import etree

from collector.core.errors import ImportFileError
from store.importers.colours import hex_colour
from store.importers.read import clean_paragraph, join_paragraphs
from store.importers.source import SourceDoc, SourceLine

_P, _TBL, _TR, _TC, _SDT = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:sdt")
_SDT_CONTENT, _CUSTOM_XML = qn("w:sdtContent"), qn("w:customXml")
_T, _TAB, _BR, _CR, _NBH = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:noBreakHyphen")
_PPR, _PSTYLE, _NUMPR, _NUMID = qn("w:pPr"), qn("w:pStyle"), qn("w:numPr"), qn("w:numId")
_GRIDSPAN, _VMERGE, _GRIDBEFORE, _GRIDAFTER = (
    qn(f"w:{t}") for t in ("gridSpan", "vMerge", "gridBefore", "gridAfter")
)
_VAL, _TYPE = qn("w:val"), qn("w:type")
_SHD, _TCPR, _FILL, _COLOR = qn("w:shd"), qn("w:tcPr"), qn("w:fill"), qn("w:color")
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_FALLBACK, _MOVE_FROM = f"{{{_MC}}}Fallback", qn("w:moveFrom")

_PARAGRAPH_TAGS = (_T, _TAB, _BR, _CR, _NBH, _PSTYLE, _NUMPR, _NUMID)
_PARAGRAPH_TAG_SET = frozenset(_PARAGRAPH_TAGS)
_TABLE_TAGS = (*_PARAGRAPH_TAGS, _P, _TC, _TR, _GRIDSPAN, _VMERGE, _GRIDBEFORE, _GRIDAFTER, _SHD)
# Text boxes are written twice (a DrawingML choice and a VML fallback) and hold paragraphs inside a
# paragraph; text moved with tracked changes on is still present at its old place. Bodies with either
# are read "carefully": each element is checked against its ancestors (slower, and rare).
_NEEDS_CARE = etree.XPath("boolean(.//mc:Fallback | .//w:moveFrom)", namespaces={**nsmap, "mc": _MC})

# What python-docx and lxml raise on a ZIP that is not a well-formed Word package (python-docx meets
# unexpected XML with AttributeError/TypeError; only the load is guarded, so our own bugs still show).
_PARSE_ERRORS = (
    OpcError,
    zipfile.BadZipFile,
    KeyError,
    ValueError,
    SyntaxError,
    OSError,
    AttributeError,
    TypeError,
)


def read_docx(path: Path | str) -> SourceDoc:
    """Read a .docx: text paragraphs and table rows in document order (see the module docstring)."""
    name = str(path)
    try:
        document = docx.Document(str(path))
    except _PARSE_ERRORS:
        raise ImportFileError(
            name,
            "not a valid Word file (the file is damaged or not what its name says)",
            hint="open it in Word and save it again as .docx",
        ) from None
    body = document.element.body
    reader = _BodyReader(_list_styles(document), careful=bool(_NEEDS_CARE(body)))
    source = SourceDoc(path=name, format="docx")
    source.lines = list(reader.lines(body))
    if reader.tables == 0:
        source.notes.append("the document has no table")
    if not source.lines or source.lines[0].in_table:
        _prepend_page_header(document, reader, source)
    return source


class _Paragraph:
    """One paragraph's text as its elements go by: runs' text, tabs and breaks, list markers."""

    __slots__ = ("numbered", "numbering_off", "parts", "style")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.style: str | None = None
        self.numbered = self.numbering_off = False

    def feed(self, el: Any, tag: str) -> None:
        if tag == _T:
            self.parts.append(el.text or "")
        elif self.parts and tag in (_PSTYLE, _NUMPR, _NUMID):
            return  # a text box's paragraph properties, met after this paragraph's text began
        elif tag == _PSTYLE:
            self.style = el.get(_VAL)
        elif tag == _NUMPR:
            self.numbered = True
        elif tag == _NUMID:
            # numId 0 is Word's way of switching a list style's numbering off for one paragraph.
            self.numbering_off = el.get(_VAL) == "0"
        elif tag == _NBH:
            self.parts.append("-")
        elif tag != _BR or el.get(_TYPE) != "page":  # a tab or line break inside a paragraph: a space
            self.parts.append(" ")

    def text(self, list_styles: set[str]) -> str:
        listed = (self.numbered or self.style in list_styles) and not self.numbering_off
        return clean_paragraph("".join(self.parts), is_list=listed)


class _BodyReader:
    """Walks one body; counts tables and paragraphs so each line can say where it came from."""

    def __init__(self, list_styles: set[str], *, careful: bool = False):
        self.list_styles = list_styles
        self.careful = careful  # the body has text boxes or moved text: see _NEEDS_CARE
        self.tables = 0
        self.paragraphs = 0

    def lines(self, body: Any) -> Iterator[SourceLine]:
        for child in _blocks(body):
            if child.tag == _P:
                text = self.paragraph(child)
                if text:
                    self.paragraphs += 1
                    yield SourceLine(cells=(text,), where=f"paragraph {self.paragraphs}", in_table=False)
            else:
                index, self.tables = self.tables, self.tables + 1
                for r, (cells, merged, fills) in enumerate(self.table_rows(child), start=1):
                    where = f"table {index + 1} row {r}"
                    yield SourceLine(
                        cells=tuple(cells),
                        where=where,
                        in_table=True,
                        table=index,
                        merged_above=tuple(merged),
                        fills=tuple(fills) if any(fills) else (),
                    )

    def paragraph(self, p: Any) -> str:
        para = _Paragraph()
        for el in p.iter(*_PARAGRAPH_TAGS):
            if not self.careful or _visible(el, p) != "no":
                para.feed(el, el.tag)
        return para.text(self.list_styles)

    def table_rows(self, tbl: Any) -> Iterator[tuple[list[str], list[int], list[str | None]]]:
        """The table's rows (cells, the positions continuing a vertical merge, the cells' fills), from one
        pass over its elements (a small state machine, see below).

        Elements arrive in document order: w:tr starts a row, w:tc a cell, w:p a paragraph; the merge
        markers and shading sit in the cell's or row's properties, before its content. Rows and cells of
        a nested table are told apart by their nearest enclosing w:tbl, and only looked for if one exists.
        """
        may_nest = tbl.find(f".//{_TBL}") is not None
        row: list[str] | None = None
        merged: list[int] = []  # positions of this row's cells that continue a vertical merge
        fills: list[str | None] = []  # parallel to row
        cell: list[str] | None = None  # the current cell's paragraphs
        para: _Paragraph | None = None
        span, continued, after, nested = 1, False, 0, False
        fill: str | None = None
        for el in tbl.iter(*_TABLE_TAGS):
            tag = el.tag
            if self.careful:
                seen = _visible(el, tbl)
                if seen == "no" or (seen == "inner" and tag == _P):
                    continue  # a duplicate, or a text box's paragraph continuing the one around it
            if tag in _PARAGRAPH_TAG_SET:
                if para is not None:
                    para.feed(el, tag)
                continue
            if tag == _P:
                if para is not None and cell is not None:
                    cell.append(para.text(self.list_styles))
                para = _Paragraph()
                continue
            if tag in (_TC, _TR) and may_nest and _owner(el) is not tbl:
                nested = True  # its paragraphs join the enclosing cell; its merges are its own
                continue
            if tag in (_TC, _TR):
                if para is not None and cell is not None:
                    cell.append(para.text(self.list_styles))
                para = None
                if row is not None and cell is not None:
                    if continued:
                        merged.extend(range(len(row), len(row) + span))
                    row.append("" if continued else join_paragraphs(cell))
                    row.extend([""] * (span - 1))
                    fills.extend([fill] * span)
                cell, span, continued, nested, fill = None, 1, False, False, None
                if tag == _TC and row is not None:
                    cell = []
                    continue
                if row is not None:
                    yield [*row, *[""] * after], merged, [*fills, *[None] * after]
                row, after, merged, fills = [], 0, [], []
            elif nested:
                continue
            elif tag == _SHD:
                if cell is not None and el.getparent().tag == _TCPR:
                    fill = _shading(el)
            elif tag == _GRIDSPAN and cell is not None:
                span = max(1, _int(el.get(_VAL), 1))
            elif tag == _VMERGE and cell is not None:
                continued = el.get(_VAL, "continue") == "continue"
            elif tag == _GRIDBEFORE and row is not None and cell is None:
                skipped = _int(el.get(_VAL), 0)
                row.extend([""] * skipped)
                fills.extend([None] * skipped)
            elif tag == _GRIDAFTER and row is not None and cell is None:
                after = _int(el.get(_VAL), 0)
        if para is not None and cell is not None:
            cell.append(para.text(self.list_styles))
        if row is not None:
            if cell is not None:
                if continued:
                    merged.extend(range(len(row), len(row) + span))
                row.append("" if continued else join_paragraphs(cell))
                row.extend([""] * (span - 1))
                fills.extend([fill] * span)
            yield [*row, *[""] * after], merged, [*fills, *[None] * after]


def _shading(shd: Any) -> str | None:
    """A w:shd's visible colour as "RRGGBB", or None for none, "auto" or white."""
    pattern = shd.get(_VAL)
    if pattern == "nil":
        return None
    colour = shd.get(_COLOR) if pattern == "solid" else shd.get(_FILL)
    return hex_colour(colour)


def _visible(el: Any, top: Any) -> str:
    """In a careful read: "no" inside a fallback or moved-from text, "inner" inside another paragraph."""
    answer = "yes"
    parent = el.getparent()
    while parent is not None and parent is not top:
        tag = parent.tag
        if tag in (_FALLBACK, _MOVE_FROM):
            return "no"
        if tag == _P:
            answer = "inner"
        elif tag == _TC and answer == "yes":
            break  # a paragraph inside a cell: its own, whatever encloses the cell
        parent = parent.getparent()
    return answer


def _owner(el: Any) -> Any:
    """The w:tbl an element belongs to (the nearest one enclosing it)."""
    parent = el.getparent()
    while parent is not None and parent.tag != _TBL:
        parent = parent.getparent()
    return parent


def _blocks(container: Any) -> Iterator[Any]:
    """Paragraphs and tables of the body, looking inside content controls and custom XML."""
    for child in container:
        tag = child.tag
        if tag in (_P, _TBL):
            yield child
        elif tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _blocks(content)
        elif tag == _CUSTOM_XML:
            yield from _blocks(child)


def _int(value: str | None, default: int) -> int:
    try:
        return max(0, int(value)) if value is not None else default
    except ValueError:
        return default


def _list_styles(document: Any) -> set[str]:
    """Ids of paragraph styles that make a list item: named "...List..." or numbered, or based on one."""
    by_id: dict[str, Any] = {}
    for style in document.styles.element.iterchildren(qn("w:style")):
        style_id = style.get(qn("w:styleId"))
        if style_id and style.get(qn("w:type"), "paragraph") == "paragraph":
            by_id[style_id] = style

    def is_list(style_id: str, seen: frozenset[str] = frozenset()) -> bool:
        style = by_id.get(style_id)
        if style is None or style_id in seen:
            return False
        name = style.find(qn("w:name"))
        if name is not None and "list" in (name.get(_VAL) or "").lower():
            return True
        p_pr = style.find(_PPR)
        if p_pr is not None and p_pr.find(_NUMPR) is not None:
            return True
        based_on = style.find(qn("w:basedOn"))
        return based_on is not None and is_list(based_on.get(_VAL) or "", seen | {style_id})

    return {style_id for style_id in by_id if is_list(style_id)}


def _prepend_page_header(document: Any, reader: _BodyReader, source: SourceDoc) -> None:
    """When no text precedes the first table, the plan's title is often in the page header: offer it."""
    try:
        header = document.sections[0].header
        if header.is_linked_to_previous:
            return
        texts = [reader.paragraph(p) for p in header._element.iter(_P)]
    except (IndexError, KeyError, ValueError):
        return
    lines = [
        SourceLine(cells=(t,), where=f"page header line {i}", in_table=False)
        for i, t in enumerate((t for t in texts if t), start=1)
    ]
    if lines:
        source.lines[:0] = lines
        source.notes.append("no text above the first table: the page header's lines are read as text")
