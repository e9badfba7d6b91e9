"""How the paper formats lay out: page 1 of the PDF, and right-to-left text in Word.

The PDF tests read WeasyPrint's laid-out pages (the same layout write_pdf() draws), so they see what is on
each page without a PDF text extractor.
"""

from __future__ import annotations

import io
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


def _properties(package: zipfile.ZipFile, name: str):
    return etree.fromstring(package.read(name)).iter(f"{W}rPr")


def test_word_sizes_and_sets_right_to_left_text_like_the_latin_around_it(rendered):
    """Word sizes Arabic and Hebrew by w:szCs: without it they print at 11 pt among 8.5 pt cells."""
    with zipfile.ZipFile(io.BytesIO(rendered("docx"))) as package:
        properties = [*_properties(package, "word/styles.xml"), *_properties(package, "word/document.xml")]
    sized = [p for p in properties if p.find(f"{W}sz") is not None]
    assert len(sized) > 20
    for rpr in sized:
        assert rpr.find(f"{W}szCs").get(f"{W}val") == rpr.find(f"{W}sz").get(f"{W}val")
    fonts = [p.find(f"{W}rFonts") for p in properties if p.find(f"{W}rFonts") is not None]
    assert fonts and all(f.get(f"{W}cs") == f.get(f"{W}ascii") for f in fonts if f.get(f"{W}ascii"))
