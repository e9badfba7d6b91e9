"""Every format carries hostile progress text harmlessly and says what the report says (reliability.md R1-R4).

The narrative of 1.3 holds script tags, a style break-out, template syntax, "Budget < 5% & rising", Word XML,
emoji, Arabic, Hebrew, a bidi override and control characters; 2.3's is 20,000 characters long.
"""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from docx import Document
from lxml import html as lxml_html
from openpyxl import load_workbook

from reports.render.md import escape, render_md
from reports.safe import TRUNCATED
from tests.reports import bad_input


def _html_tree(rendered):
    return lxml_html.fromstring(rendered("html").decode("utf-8"))


def test_html_has_no_script_handler_or_javascript_link_from_the_data(rendered):
    tree = _html_tree(rendered)
    assert tree.xpath("//script") == []
    assert [
        a for e in tree.iter() if isinstance(e.tag, str) for a in e.attrib if a.lower().startswith("on")
    ] == []
    assert [h for h in tree.xpath("//@href") if not h.startswith("https://")] == []
    assert tree.xpath("//a/@href") == ["https://harbourside.gov.uk/equality-report"]  # javascript: dropped
    text = tree.text_content()
    for line in (
        bad_input.SCRIPT,
        bad_input.STYLE_BREAK,
        bad_input.TEMPLATE,
        bad_input.BUDGET,
        bad_input.EMOJI,
    ):
        assert line in text  # shown literally, as the lead wrote it
    assert bad_input.ARABIC in text and bad_input.HEBREW in text


def test_html_is_one_self_contained_file_that_forbids_scripts(rendered):
    page = rendered("html").decode("utf-8")
    tree = lxml_html.fromstring(page)
    assert tree.xpath("//link") == [] and tree.xpath("//img") == []
    assert "default-src 'none'" in tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    assert len(tree.xpath("//svg")) == 2  # the status bar and the trend
    assert "thead { display: table-header-group; }" in page and 'counter(page) " of " counter(pages)' in page


def test_html_removes_bidi_overrides_and_control_characters_but_keeps_the_words(rendered):
    text = _html_tree(rendered).text_content()
    assert "\u202e" not in text and "\x07" not in text and "\x0b" not in text
    assert "Invoice gnp.exe" in text and "Bell vtab formfeed end" in text


def test_html_shortens_a_20000_character_narrative_and_says_where_the_rest_is(rendered):
    text = _html_tree(rendered).text_content()
    assert bad_input.LONG[:2000] in text and bad_input.LONG not in text
    assert TRUNCATED.strip() in text


def test_html_pairs_every_status_colour_with_its_word(rendered):
    tree = _html_tree(rendered)
    chips = tree.xpath("//span[contains(@class, 'chip ')]")
    assert chips and all(chip.text_content().strip() for chip in chips)
    assert "No update received" in [c.text_content() for c in chips]


def test_word_keeps_the_exact_text_and_no_injected_paragraph(rendered):
    document = Document(io.BytesIO(rendered("docx")))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    narrative = next(c for c in cells if bad_input.BUDGET in c)
    assert bad_input.WORD_XML in narrative and bad_input.EMOJI in narrative and bad_input.ARABIC in narrative
    assert "Bell vtab formfeed end" in narrative and "\u202e" not in narrative
    paragraphs = [
        p.text for table in document.tables for row in table.rows for c in row.cells for p in c.paragraphs
    ]
    assert "INJECTED" not in paragraphs
    assert not any(TRUNCATED.strip() in c for c in cells if len(c) > 3500)  # shortened like the HTML


def test_word_is_a_committee_paper_with_repeated_headers_and_page_numbers(rendered, sqlite_report):
    document = Document(io.BytesIO(rendered("docx")))
    assert document.paragraphs[1].text == "Equality Action Plan 2026–28"
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:1] == ["Summary"] and "1. Workforce" in headings and "2. Services" in headings
    assert "Changes since the last report" in headings
    with zipfile.ZipFile(io.BytesIO(rendered("docx"))) as package:
        body = package.read("word/document.xml").decode()
        footer = "".join(package.read(n).decode() for n in package.namelist() if n.startswith("word/footer"))
        assert any(n.startswith("word/media/") for n in package.namelist())  # the chart
    assert body.count("<w:tblHeader") >= len(sqlite_report.sections)
    assert " PAGE " in footer and " NUMPAGES " in footer


def _workbook(rendered):
    return load_workbook(io.BytesIO(rendered("xlsx")))


def test_the_spreadsheet_runs_no_formula_and_keeps_every_word(rendered):
    book = _workbook(rendered)
    assert book.sheetnames == ["Summary", "Changes", "1. Workforce", "2. Services"]
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    progress = [c.value for c in book["2. Services"]["J"] if c.value]
    assert bad_input.LONG in progress  # no truncation below Excel's cell limit
    assert "'" + bad_input.HYPERLINK in progress  # shown as text, never run
    with zipfile.ZipFile(io.BytesIO(rendered("xlsx"))) as package:
        sheets = [package.read(n).decode() for n in package.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in xml for xml in sheets)


def test_the_spreadsheet_has_frozen_headers_filters_and_real_numbers(rendered):
    book = _workbook(rendered)
    section = book["1. Workforce"]
    assert section.freeze_panes == "C2" and section.auto_filter.ref == "A1:Q5"
    assert section["G2"].value == "Completed" and section["G2"].fill.fgColor.rgb.endswith("1D4F91")
    summary = {row[0].value: row[1].value for row in book["Summary"].iter_rows() if row[0].value}
    assert summary["Completed this period"] == 1 and isinstance(summary["Overdue"], int)
    assert summary["Response rate"] == pytest.approx(5 / 6)


def test_csv_cells_that_start_like_formulas_get_a_leading_quote(rendered):
    text = rendered("csv").decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][:3] == ["Section", "Ref", "Action"] and len(rows) == 11
    every = [cell for row in rows for cell in row]
    assert not [c for c in every if c.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert bad_input.LONG in every and "'" + bad_input.HYPERLINK in every


def test_neutralising_follows_owasp_and_leaves_real_numbers_alone():
    from reports.safe import neutralise_cell

    for value in (bad_input.HYPERLINK, *bad_input.FORMULAS, "\r=1"):
        assert neutralise_cell(value).startswith("'"), value
    assert neutralise_cell("-5") == "-5" and neutralise_cell("+44") == "+44" and neutralise_cell("ok") == "ok"


def test_markdown_escapes_user_text_for_commonmark_and_slack():
    assert escape("[click](javascript:alert(1)) <b>", "markdown") == (
        r"\[click\]\(javascript:alert\(1\)\) \<b\>"
    )
    slack = escape("<!channel> *bold* & <https://evil|bank>", "slack")
    assert "<" not in slack and ">" not in slack and "&amp;" in slack
    assert "*bold*" not in slack


def test_markdown_summary_names_the_round_the_figures_and_what_needs_attention(sqlite_report):
    text = render_md(sqlite_report)
    assert text.startswith("# Equality Action Plan 2026–28\n")
    assert "Updates received: 83% (5 of 6)" in text and "No update from: Chris Doe for Facilities" in text
    assert (
        "## Needs attention" in text
        and "2.1 Audit building access (Facilities): No update received, Overdue" in text
    )


def test_pdf_puts_each_section_on_its_own_pages_and_carries_no_script(rendered, sqlite_report):
    from reports.render.pdf import pdf_document

    pdf = rendered("pdf")
    assert pdf.startswith(b"%PDF-") and b"/JavaScript" not in pdf and b"/JS" not in pdf
    pages = pdf_document(sqlite_report).pages
    # the summary, the changes, then each section on a new page (2.3's long narrative runs over two)
    assert len(pages) >= 2 + len(sqlite_report.sections)
    assert all(page.width > page.height for page in pages)  # A4 landscape
