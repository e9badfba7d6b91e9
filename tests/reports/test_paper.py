"""How the paper formats lay out: page 1 of the PDF, and right-to-left text in Word.

The PDF tests read WeasyPrint's laid-out pages (the same layout write_pdf() draws), so they see what is on
each page without a PDF text extractor.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace

import pytest
from lxml import etree

from reports.model import ReportData

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _page_texts(data: ReportData) -> list[str]:
    from reports.render.pdf import pdf_document

    texts = []
    for page in pdf_document(data).pages:
        texts.append(" ".join(box.text for box in page._page_box.descendants() if hasattr(box, "text")))
    return texts


@pytest.mark.parametrize("title_lines", [1, 2])
def test_page_one_holds_the_tiles_the_status_table_and_the_trend(sqlite_report: ReportData, title_lines):
    """The status table and the trend were pushed whole to page 2 when the title took two lines."""
    title = sqlite_report.plan_title
    if title_lines == 2:
        title = "Harbourside Borough Council Equality, Diversity and Inclusion Action Plan 2026-2028"
    first, *_ = _page_texts(replace(sqlite_report, plan_title=title))
    assert "actions in the plan" in first and "Status of all actions" in first
    assert "Status over recent rounds" in first and "Total" in first
    assert "Spring 2027" in first  # a trend column label: the chart itself, not just its heading


USED_STYLES = ("Normal", "Title", "Heading1", "Heading2", "ReportCell", "Footer")


def _properties(package: zipfile.ZipFile) -> list:
    """Run properties of the styles the paper uses, and of every run in its body and footer."""
    styles = etree.fromstring(package.read("word/styles.xml"))
    found = [
        rpr
        for style in styles.iter(f"{W}style")
        if style.get(f"{W}styleId") in USED_STYLES
        for rpr in style.iter(f"{W}rPr")
    ]
    for name in package.namelist():
        if name == "word/document.xml" or name.startswith("word/footer"):
            found.extend(etree.fromstring(package.read(name)).iter(f"{W}rPr"))
    return found


def test_word_sizes_and_sets_right_to_left_text_like_the_latin_around_it(rendered):
    """Word sizes Arabic and Hebrew by w:szCs: without it they print at 11 pt among 8.5 pt cells."""
    with zipfile.ZipFile(io.BytesIO(rendered("docx"))) as package:
        properties = _properties(package)
    sized = [p for p in properties if p.find(f"{W}sz") is not None]
    assert len(sized) > 20
    for rpr in sized:
        assert rpr.find(f"{W}szCs").get(f"{W}val") == rpr.find(f"{W}sz").get(f"{W}val")
    fonts = [p.find(f"{W}rFonts") for p in properties if p.find(f"{W}rFonts") is not None]
    assert fonts and all(f.get(f"{W}cs") == f.get(f"{W}ascii") for f in fonts if f.get(f"{W}ascii"))


def test_the_pdf_is_printed_without_per_element_marker_and_footnote_styles(sqlite_report: ReportData):
    """WeasyPrint's default sheet styles ::marker and 5 footnote pseudo-elements on every element (6 styles
    kept per element); the report's sheet keeps only li::marker, and its bullets still print."""
    from weasyprint import HTML
    from weasyprint import html as defaults

    from reports.render.pdf import lean_ua_stylesheet, lean_ua_text, report_html_class

    assert re.search(r"^::footnote-call", defaults.UA, re.M) and re.search(r"^::marker", defaults.UA, re.M)
    text = lean_ua_text()
    assert re.findall(r"^::", text, re.M) == [] and "li::marker {" in text
    # the hook WeasyPrint reads its default sheet from; if it is renamed, the report silently pays again
    assert report_html_class(HTML)._ua_stylesheets(None) == [lean_ua_stylesheet()]
    from reports.render.pdf import pdf_document

    def boxes(box):
        yield box
        for child in getattr(box, "children", None) or ():
            yield from boxes(child)

    page_two = pdf_document(sqlite_report).pages[1]._page_box
    markers = [b for b in boxes(page_two) if (b.element_tag or "").endswith("::marker")]
    assert markers and {"".join(t.text for t in boxes(m) if hasattr(t, "text")) for m in markers} == {"• "}
