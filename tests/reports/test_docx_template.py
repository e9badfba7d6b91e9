"""The organisation's own Word template (`report build --docx-template`): a real .docx with docxtpl tags.

The template (tests/reports/word_template.py) has a letterhead, row and paragraph loops and one table per
section; it is filled in for the Harbourside report, whose narrative for 1.3 is hostile (bad_input.py), and
the result is reopened with python-docx (docs/reliability.md F10, R3).
"""

from __future__ import annotations

import copy
import io
import zipfile

import pytest
from docx import Document

from collector.core.errors import UserError
from reports.model import ReportData
from reports.render.docx_template import render_docx_template
from reports.safe import TRUNCATED
from tests.reports import bad_input, word_template


def _cells(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_a_council_template_is_filled_in_with_the_reports_values(report: ReportData, tmp_path):
    filled = render_docx_template(report, word_template.write(tmp_path / "council.docx"))
    document = Document(io.BytesIO(filled))

    header = [p.text for p in document.sections[0].header.paragraphs]
    assert header == [word_template.COUNCIL, "Equality and Diversity Committee · Summer 2027"]
    assert (
        document.sections[0].footer.paragraphs[0].text
        == "Equality Action Plan 2026–28 · produced 12 July 2027"
    )
    body = [p.text for p in document.paragraphs]
    assert body[:3] == [
        "Equality Action Plan 2026–28",
        "Progress report: Summer 2027",
        "Position as at 12 July 2027. Updates were due by 30 June 2027.",
    ]
    assert "10 actions; 1 completed this period, 1 overdue. Updates received: 83%." in body
    assert "Chris Doe for Facilities" in body and "{{ lead }}" not in body  # a bullet per lead not answering
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == [
        "Summary",
        "1. Workforce",
        "2. Services",
    ]

    counts, *sections = document.tables
    assert _cells(counts)[0] == ["Status", "Actions", "Share"]
    assert _cells(counts)[1:] == [
        [c.status.label, str(c.count), f"{c.percent:.0f}%"] for c in report.summary.counts
    ] + [["Total", "10", "100%"]]
    assert len(sections) == len(report.sections) == 2
    for table, section in zip(sections, report.sections, strict=True):
        assert [row[0] for row in _cells(table)] == ["Ref", *(r.ref for r in section.rows)]
    assert "{%" not in filled.decode("latin-1") and "{{" not in "".join(body)


def test_hostile_text_comes_out_exactly_as_written_with_no_injected_paragraph(report: ReportData, tmp_path):
    filled = render_docx_template(report, word_template.write(tmp_path / "council.docx"))
    document = Document(io.BytesIO(filled))
    rows = {row.cells[0].text: row.cells for table in document.tables[1:] for row in table.rows}

    narrative = rows["1.3"][4]
    assert len(narrative.paragraphs) == 1  # the XML-looking line made no paragraph of its own
    lines = narrative.text.split("\n")  # each line break the lead typed is a line break in Word
    assert lines == [
        bad_input.SCRIPT,
        bad_input.STYLE_BREAK,
        bad_input.TEMPLATE,  # "{{7*7}}" literally: user text is never a template
        bad_input.BUDGET,  # "<" and "&" kept, where docxtpl's default drops them
        bad_input.WORD_XML,
        bad_input.EMOJI,
        bad_input.ARABIC,
        bad_input.HEBREW,
        "Invoice gnp.exe",  # the bidi override removed
        "Bell vtab formfeed end",  # the XML-illegal controls removed
    ]
    assert rows["2.3 b)"][4].text == bad_input.HYPERLINK  # Word does not evaluate formulas: left as written
    long = rows["2.3"][4].text
    assert long.endswith(TRUNCATED) and len(long) < 3100  # shortened on paper like the built-in Word file
    with zipfile.ZipFile(io.BytesIO(filled)) as package:
        xml = package.read("word/document.xml").decode("utf-8")
    assert "<w:t>INJECTED" not in xml and "&lt;/w:t&gt;&lt;/w:r&gt;&lt;/w:p&gt;" in xml


@pytest.mark.parametrize(
    ("tag", "says"),
    [
        ("{{ plan.title }}", "'plan' is undefined"),
        ("{{ summary.late_count }}", "has no attribute 'late_count'"),
        ("{% frobnicate %}", "unknown tag 'frobnicate'"),
        ("Owner: {{ row.lead ", "near 'Owner: {{ row.lead'"),
    ],
)
def test_a_tag_the_report_lacks_is_a_one_line_user_error(sqlite_report: ReportData, tmp_path, tag, says):
    template = word_template.write(tmp_path / "council.docx", extra=tag)
    with pytest.raises(UserError) as caught:
        render_docx_template(sqlite_report, template)
    message = str(caught.value)
    assert message.startswith("council.docx: ") and says in message and "\n" not in message


def test_a_file_that_is_not_a_word_document_is_a_user_error(sqlite_report: ReportData, tmp_path):
    template = tmp_path / "council.docx"
    template.write_text("not a zip", encoding="utf-8")
    with pytest.raises(UserError, match="cannot use it as a Word template"):
        render_docx_template(sqlite_report, template)


def test_report_build_uses_the_template_and_stops_on_a_bad_one(cli, committee, tmp_path):
    """The command a secretary runs: the house-style file is the .docx built, and a bad tag builds nothing."""
    out = tmp_path / "papers"
    template = word_template.write(tmp_path / "council.docx")
    built = cli("report", "build", "--plan", "harbourside", "--format", "docx", "--out", str(out),
                "--docx-template", str(template))  # fmt: skip
    assert built.exit_code == 0, built.output
    document = Document(str(out / "harbourside-summer-2027.docx"))
    assert document.sections[0].header.paragraphs[0].text == word_template.COUNCIL

    broken = word_template.write(tmp_path / "broken.docx", extra="{{ plan.title }}")
    failed = cli("report", "build", "--plan", "harbourside", "--format", "docx", "--out", str(tmp_path / "x"),
                 "--docx-template", str(broken))  # fmt: skip
    assert failed.exit_code == 1 and isinstance(failed.exception, UserError)
    assert str(failed.exception).startswith("broken.docx: the template uses something the report lacks")
    assert not (tmp_path / "x").exists() or not any((tmp_path / "x").iterdir())


def test_text_that_looks_like_docxtpls_own_escapes_is_kept(sqlite_report: ReportData, tmp_path):
    """docxtpl rewrites "{_{" to "{{" across the rendered XML; a lead's text must come out as typed."""
    data = copy.deepcopy(sqlite_report)
    odd = "Phase {_{ one }_} and {_% two %_} < & done"
    data.sections[0].rows[0].progress = odd
    document = Document(
        io.BytesIO(render_docx_template(data, word_template.write(tmp_path / "council.docx")))
    )
    assert document.tables[1].rows[1].cells[4].text == odd
