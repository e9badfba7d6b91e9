"""The file readers: Word, Excel and CSV plans as people really save them, and the files they get wrong.

Fixtures are written in each test with python-docx, openpyxl or raw bytes, so every quirk under test is
visible next to its assertion.
"""

from __future__ import annotations

import sys
import types
import zipfile
from datetime import datetime
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree
from openpyxl import Workbook

from collector.core.errors import ImportFileError
from store.importers.read import OLE2_MAGIC, clean_cell, clean_paragraph, read_source
from store.importers.source import SourceDoc, SourceLine
from store.importers.xlsx_reader import format_date

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HEADER = ("Ref", "Action", "Lead officer", "Target date", "Milestones", "Success measure", "Progress")


def table_rows(doc: SourceDoc, table: int = 0) -> list[tuple[str, ...]]:
    return [line.cells for line in doc.lines if line.in_table and line.table == table]


def text_lines(doc: SourceDoc) -> list[str]:
    return [line.cells[0] for line in doc.lines if not line.in_table]


# --- Word -------------------------------------------------------------------------------------------


@pytest.fixture
def word_plan(tmp_path: Path) -> Path:
    """A small plan with every table quirk a council's Word file has."""
    document = docx.Document()
    document.add_paragraph("Northfield Trust Equality Plan 2026", style="Title")
    document.add_paragraph("")  # empty paragraphs are not lines
    table = document.add_table(rows=5, cols=4)
    for cell, title in zip(table.rows[0].cells, ("Ref", "Action", "Lead", "Target"), strict=True):
        cell.text = title
    section = table.rows[1].cells[0].merge(table.rows[1].cells[3])
    section.text = "1. Knowing our tenants"

    ref, action, lead, target = table.rows[2].cells
    ref.text = "1.1"
    action.text = "Collect profile data:"
    action.add_paragraph("Census questions on every form", style="List Bullet")
    action.add_paragraph("•\tReport quarterly")  # a bullet typed by hand
    lead.text = "SE"
    target.paragraphs[0].add_run("Mar-27")
    target.paragraphs[0].add_run().add_break()  # a line break inside the paragraph
    target.paragraphs[0].add_run("then\tongoing\u00a0review")
    lead.merge(table.rows[3].cells[2])  # one lead cell spanning two actions

    table.rows[3].cells[0].text = "1.2"
    table.rows[3].cells[1].text = "Tailor services"
    nested = table.rows[3].cells[3].add_table(rows=2, cols=1)
    nested.rows[0].cells[0].text = "a) Feb-27"
    nested.rows[1].cells[0].text = "b) Jun-27"
    table.rows[4].cells[0].text = "1.3"

    document.add_paragraph("Lead key", style="Heading 2")
    key = document.add_table(rows=1, cols=2)
    key.rows[0].cells[0].text, key.rows[0].cells[1].text = "SE", "Sam Ellis"
    path = tmp_path / "plan.docx"
    document.save(str(path))
    return path


def test_it_reads_word_text_and_tables_in_document_order(word_plan: Path) -> None:
    doc = read_source(word_plan)

    assert doc.format == "docx"
    assert [(line.in_table, line.where) for line in doc.lines][:3] == [
        (False, "paragraph 1"),
        (True, "table 1 row 1"),
        (True, "table 1 row 2"),
    ]
    assert text_lines(doc) == ["Northfield Trust Equality Plan 2026", "Lead key"]
    assert table_rows(doc, 1) == [("SE", "Sam Ellis")]
    assert doc.lines[-1].where == "table 2 row 1"


def test_a_section_row_merged_across_the_table_gives_its_text_once_then_blanks(word_plan: Path) -> None:
    rows = table_rows(read_source(word_plan))

    assert rows[0] == ("Ref", "Action", "Lead", "Target")
    assert rows[1] == ("1. Knowing our tenants", "", "", "")


def test_list_paragraphs_and_typed_bullets_both_become_bullet_lines(word_plan: Path) -> None:
    action = table_rows(read_source(word_plan))[2][1]

    assert action == "Collect profile data:\n• Census questions on every form\n• Report quarterly"


def test_line_breaks_tabs_and_nbsp_inside_a_paragraph_become_spaces(word_plan: Path) -> None:
    assert table_rows(read_source(word_plan))[2][3] == "Mar-27 then ongoing review"


def test_a_vertically_merged_lead_belongs_to_the_first_row_only(word_plan: Path) -> None:
    rows = table_rows(read_source(word_plan))

    assert rows[2][2] == "SE"
    assert rows[3][2] == ""


def test_a_nested_table_is_flattened_into_its_cell(word_plan: Path) -> None:
    assert table_rows(read_source(word_plan))[3][3] == "a) Feb-27\nb) Jun-27"


def test_a_row_starting_after_the_first_grid_column_keeps_its_cells_in_place(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text, table.rows[0].cells[2].text = "A", "B", "C"
    tr = table.rows[1]._tr
    tr.remove(tr.tc_lst[0])
    grid_before = OxmlElement("w:gridBefore")
    grid_before.set(qn("w:val"), "1")
    tr.get_or_add_trPr().append(grid_before)
    tr.tc_lst[0].append(_paragraph("middle"))
    path = tmp_path / "skewed.docx"
    document.save(str(path))

    assert table_rows(read_source(path))[1] == ("", "middle", "")


def _paragraph(text: str):
    p = OxmlElement("w:p")
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    r.append(t)
    p.append(r)
    return p


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_MC = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
# A text box as Word writes it: once for new Word (mc:Choice), once more for old readers (mc:Fallback),
# each holding paragraphs of its own inside the paragraph that anchors it.
TEXT_BOX = f"""<mc:AlternateContent {_W} {_MC}>
  <mc:Choice Requires="wps"><w:r><w:txbxContent><w:p><w:r><w:t>Boxed note</w:t></w:r></w:p>
  </w:txbxContent></w:r></mc:Choice>
  <mc:Fallback><w:r><w:txbxContent><w:p><w:r><w:t>Boxed note</w:t></w:r></w:p></w:txbxContent></w:r>
  </mc:Fallback></mc:AlternateContent>"""
MOVED = f"<w:moveFrom {_W}><w:r><w:t>old place </w:t></w:r></w:moveFrom>"


def test_text_boxes_and_moved_text_are_read_once(tmp_path: Path) -> None:
    document = docx.Document()
    title = document.add_paragraph("Plan ")
    title._p.append(etree.fromstring(TEXT_BOX))
    table = document.add_table(rows=1, cols=2)
    cell = table.rows[0].cells[0]
    cell.paragraphs[0]._p.append(etree.fromstring(MOVED))
    cell.paragraphs[0].add_run("Action text")
    cell.paragraphs[0]._p.append(etree.fromstring(TEXT_BOX))
    cell.add_paragraph("Second paragraph")
    table.rows[0].cells[1].text = "AP"
    path = tmp_path / "boxes.docx"
    document.save(str(path))

    doc = read_source(path)

    assert text_lines(doc) == ["Plan Boxed note"]
    assert table_rows(doc) == [("Action textBoxed note\nSecond paragraph", "AP")]


def test_a_word_file_with_no_title_above_the_table_offers_the_page_header(tmp_path: Path) -> None:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Eastgate College Access Plan"
    document.add_table(rows=1, cols=2).rows[0].cells[0].text = "Action"
    path = tmp_path / "header.docx"
    document.save(str(path))

    doc = read_source(path)

    assert doc.lines[0] == SourceLine(
        cells=("Eastgate College Access Plan",), where="page header line 1", in_table=False
    )


# --- Excel ------------------------------------------------------------------------------------------


@pytest.fixture
def excel_plan(tmp_path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Plan"
    ws["A1"] = "Northfield Trust Equality Plan 2026"
    ws.append([])
    ws.append(["Ref", "Action", "Lead", "Target", "Done"])
    ws.append(["1. Knowing our tenants"])
    ws.merge_cells("A4:E4")
    ws.append(
        [1.1, "Collect data\n- census questions\n• quarterly report", "SE", datetime(2011, 2, 28), 0.85]
    )
    ws.append([2.0, "Train staff", None, datetime(2027, 3, 15), None])
    ws.append([3, "Publish report", "AP", datetime(2027, 3, 15), None, None, None])
    ws["D7"].number_format = "mmm-yy"
    ws["E5"].number_format = "0%"
    ws.merge_cells("C5:C6")
    hidden = wb.create_sheet("Lookups")
    hidden.append(["On target", "Slipped"])
    hidden.sheet_state = "hidden"
    key = wb.create_sheet("Key")
    key.append(["SE", "Sam Ellis"])
    path = tmp_path / "plan.xlsx"
    wb.save(str(path))
    return path


def test_it_reads_an_excel_plan_with_its_title_rows_as_text(excel_plan: Path) -> None:
    doc = read_source(excel_plan)

    assert doc.format == "xlsx"
    assert doc.lines[0] == SourceLine(
        cells=("Northfield Trust Equality Plan 2026",), where="sheet 'Plan' row 1", in_table=False
    )
    assert doc.lines[1].where == "sheet 'Plan' row 3"
    assert doc.lines[1].cells == ("Ref", "Action", "Lead", "Target", "Done")
    assert doc.lines[2].cells == ("1. Knowing our tenants",)
    assert doc.lines[2].in_table  # a section row inside the table stays a table row


def test_excel_values_print_as_the_plan_shows_them(excel_plan: Path) -> None:
    rows = table_rows(read_source(excel_plan))

    assert rows[2] == ("1.1", "Collect data\n• census questions\n• quarterly report", "SE", "Feb 2011", "85%")
    assert rows[3] == ("2", "Train staff", "", "15 Mar 2027")
    assert rows[4] == ("3", "Publish report", "AP", "Mar 2027")  # "mmm-yy" hides the day


def test_hidden_sheets_are_skipped_with_a_note_and_other_sheets_keep_their_index(excel_plan: Path) -> None:
    doc = read_source(excel_plan)

    assert "skipped hidden sheet 'Lookups'" in doc.notes
    assert table_rows(doc, 2) == [("SE", "Sam Ellis")]
    assert not table_rows(doc, 1)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (datetime(2011, 2, 28), "Feb 2011"),
        (datetime(2026, 9, 1), "Sep 2026"),
        (datetime(2024, 2, 29), "Feb 2024"),
        (datetime(2026, 12, 14), "14 Dec 2026"),
    ],
)
def test_a_date_on_the_first_or_last_of_a_month_prints_as_the_month(value: datetime, shown: str) -> None:
    assert format_date(value) == shown


# --- CSV --------------------------------------------------------------------------------------------


def test_it_reads_a_utf8_csv_with_the_bom_excel_adds(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_bytes("\ufeffRef,Action,Lead\r\n1.1,Collect data,Zoë Quinn\r\n".encode())

    doc = read_source(path)

    assert table_rows(doc) == [("Ref", "Action", "Lead"), ("1.1", "Collect data", "Zoë Quinn")]
    assert doc.notes == []


def test_it_reads_a_cp1252_csv_exported_by_excel_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_bytes("Ref,Action,Lead\r\n1.1,Budget £5k – agreed,Zoë Quinn\r\n".encode("cp1252"))

    doc = read_source(path)

    assert table_rows(doc)[1] == ("1.1", "Budget £5k – agreed", "Zoë Quinn")
    assert "read as Windows-1252" in doc.notes


def test_it_sniffs_semicolons_and_keeps_line_breaks_inside_quoted_cells(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text(
        'Plan 2026;;;\r\nRef;Action;Lead;Target\r\n1.1;"Collect data:\r\n- census\r\n- survey";SE;"1,5"\r\n'
        ";;;\r\n1.2;Train staff;AP;Mar-27\r\n",
        encoding="utf-8",
    )

    doc = read_source(path)

    assert doc.lines[0] == SourceLine(cells=("Plan 2026",), where="row 1", in_table=False)
    assert table_rows(doc) == [
        ("Ref", "Action", "Lead", "Target"),
        ("1.1", "Collect data:\n• census\n• survey", "SE", "1,5"),
        ("1.2", "Train staff", "AP", "Mar-27"),
    ]
    assert [line.where for line in doc.lines] == ["row 1", "row 2", "row 3", "row 5"]


def test_a_csv_with_one_column_is_read_as_text_lines(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("Our plan\nWe will do better\n", encoding="utf-8")

    doc = read_source(path)

    assert text_lines(doc) == ["Our plan", "We will do better"]


# --- Dispatch and unreadable files -----------------------------------------------------------------


def test_a_text_export_goes_to_the_text_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "plan.tsv"
    path.write_text("Ref\tAction\n", encoding="utf-8")
    fake = types.ModuleType("store.importers.text_reader")
    fake.read_text = lambda p: SourceDoc(path=str(p), format="text")  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "store.importers.text_reader", fake)

    assert read_source(path).format == "text"


def test_a_workbook_renamed_to_docx_is_read_as_a_workbook(excel_plan: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "renamed.docx"
    renamed.write_bytes(excel_plan.read_bytes())

    doc = read_source(renamed)

    assert doc.format == "xlsx"
    assert "read as an Excel workbook, whatever its name says" in doc.notes


def _zip(path: Path, names: list[str]) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name in names:
            z.writestr(name, "<x/>")
    return path


@pytest.mark.parametrize(
    ("name", "content", "problem", "hint"),
    [
        ("plan.csv", b"", "the file is empty", "export the plan again"),
        ("plan.docx", b"", "the file is empty", "export the plan again"),
        ("plan.docx", OLE2_MAGIC + bytes(504), "password-protected", "remove the password"),
        ("plan.xlsx", OLE2_MAGIC + bytes(504), "password-protected", "remove the password"),
        ("plan.doc", OLE2_MAGIC + bytes(504), "old-style Word document", "save it as .docx"),
        ("plan.xls", OLE2_MAGIC + bytes(504), "old-style Excel workbook", "save it as .xlsx"),
        ("plan.xlsx", bytes(range(256)) * 4, "not a valid Word or Excel file", "save it again"),
        ("plan.docx", b"PK\x03\x04 this is not really a zip", "not a valid Word or Excel file", "save"),
        ("plan.pdf", b"%PDF-1.7\n", "cannot read .pdf files", ".docx, .xlsx, .csv or .txt/.tsv"),
        ("plan.docx", b"%PDF-1.7\n", "this is a PDF", "import the original"),
    ],
)
def test_an_unreadable_file_names_itself_and_says_what_to_do(
    tmp_path: Path, name: str, content: bytes, problem: str, hint: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)

    with pytest.raises(ImportFileError) as caught:
        read_source(path)

    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert problem in caught.value.problem
    assert hint in (caught.value.hint or "")


def test_a_zip_that_is_neither_word_nor_excel_is_refused(tmp_path: Path) -> None:
    path = _zip(tmp_path / "plan.docx", ["content.xml", "META-INF/manifest.xml"])

    with pytest.raises(ImportFileError, match="not a valid Word or Excel file"):
        read_source(path)


def test_a_word_package_with_broken_xml_is_refused_as_damaged(tmp_path: Path) -> None:
    path = _zip(tmp_path / "plan.docx", ["word/document.xml", "[Content_Types].xml"])

    with pytest.raises(ImportFileError, match="not a valid Word file"):
        read_source(path)


def test_a_workbook_package_with_broken_xml_is_refused_as_damaged(tmp_path: Path) -> None:
    path = _zip(tmp_path / "plan.xlsx", ["xl/workbook.xml", "[Content_Types].xml"])

    with pytest.raises(ImportFileError, match="not a valid Excel file"):
        read_source(path)


def test_a_missing_file_is_named_as_the_user_typed_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    with pytest.raises(ImportFileError, match=r"^plans/missing\.docx: no such file"):
        read_source(Path("plans/missing.docx"))


# --- The shared cell-text convention ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  •Report  ", "• Report"),
        ("▪ Report", "• Report"),
        ("- Report", "• Report"),
        ("– Report", "• Report"),
        ("* Report", "• Report"),
        ("\uf0b7\tReport", "• Report"),
        ("-5% on last year", "-5% on last year"),
        ("Budget\u00a0agreed", "Budget agreed"),
        ("•", ""),
    ],
)
def test_a_bullet_glyph_at_the_start_of_a_paragraph_becomes_the_standard_bullet(raw: str, clean: str) -> None:
    assert clean_paragraph(raw) == clean


def test_a_cell_keeps_its_paragraphs_and_drops_blank_ones() -> None:
    assert clean_cell("Plan:\r\n\r\n· one\n◦ two\n") == "Plan:\n• one\n• two"


# --- The shipped example ----------------------------------------------------------------------------


def test_the_example_word_plan_reads_as_the_documented_layout() -> None:
    doc = read_source(EXAMPLES / "riverside_edi_plan.docx")
    rows = table_rows(doc)

    assert text_lines(doc)[0].startswith("Riverside Borough Council Equality, Diversity and Inclusion")
    assert rows[0] == HEADER
    assert rows[1] == ("1. Knowing our communities", "", "", "", "", "", "")
    by_ref = {row[0]: row for row in rows}
    assert by_ref["1.2"][2:4] == ("a) TD b) TD & HN c) AP", "a) Sept 2026 b) Dec-26 c) Ongoing")
    assert (
        by_ref["1.2"][1].splitlines()[1] == "a) Add the standard monitoring questions to every online form."
    )
    assert by_ref["2.7"][1].splitlines()[1] == "• Review how the current contract is used."
    assert by_ref["3.5"][6] == "Slipped to June: new e-learning platform delayed"
    assert ("HRT", "HR Team") in table_rows(doc, 1)


def test_the_example_excel_plan_has_the_same_content() -> None:
    doc = read_source(EXAMPLES / "riverside_edi_plan.xlsx")
    rows = table_rows(doc)

    assert text_lines(doc)[0].startswith("Riverside Borough Council Equality, Diversity and Inclusion")
    assert rows[0] == HEADER
    assert rows[1] == ("1. Knowing our communities",)
    by_ref = {row[0]: row for row in rows}
    assert by_ref["1.1"][3] == "Mar 2027"  # typed "Mar-27": Excel stored 1 March 2027
    assert by_ref["2.2"][3] == "Awaiting outcome of the budget consultation"
    assert by_ref["3.1"][6] == "Completed - policy approved by Cabinet in March"
    assert ("HRT", "HR Team") in table_rows(doc, 1)
    assert "skipped hidden sheet 'Lists'" in doc.notes
