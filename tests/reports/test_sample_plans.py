"""Every format builds for the three sample plans (shared/plans) and the example plan, as imported, with
their baseline progress: the report in each plan's own structure, sections and columns."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from openpyxl import load_workbook

from reports.build import render
from reports.compile import compile_report
from store.db import session_scope
from store.importers.pipeline import load_plans
from store.persist import save_plan
from store.queries import find_plan

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "riverside_edi_plan.docx"
SAMPLES = ["000_91b110b48cdf9907.txt", "001_64334b0856c2b6cd.txt", "004_28f319c15f45ff81.txt"]


def _report(engine, clock, path: Path):
    with session_scope(engine) as s:
        for index, draft in enumerate(load_plans(path)):
            save_plan(s, draft, name=f"p{index}", update=False, clock=clock)
    with session_scope(engine, read_only=True) as s:
        return compile_report(s, find_plan(s, "p0"), today=date(2027, 7, 1), tz=ZoneInfo("Europe/London"))


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("name", SAMPLES)
def test_each_sample_plan_reports_in_every_format(engine, clock, samples, name):
    data = _report(engine, clock, samples / name)
    assert data.sections and data.summary.total >= 10
    # the housing plan prints no progress, so it has no rounds yet: a report of actions awaiting updates
    assert data.round_name == ("No rounds yet" if name.startswith("000") else "Imported baseline")
    for fmt in ("html", "docx", "xlsx", "csv", "md"):
        assert render(data, fmt)
    document = Document(io.BytesIO(render(data, "docx")))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert [s.heading for s in data.sections] == headings[1:]
    book = load_workbook(io.BytesIO(render(data, "xlsx")))
    assert len(book.sheetnames) == 1 + len(data.sections)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_kaleidoscope_plans_own_columns_and_date_completed_come_through(engine, clock, samples):
    data = _report(engine, clock, samples / "001_64334b0856c2b6cd.txt")
    assert {"Source", "Resources allocated or required", "High, medium or low priority"} <= set(data.columns)
    rows = {row.ref: row for _, row in data.rows()}
    assert any(row.status.value == "completed" for row in rows.values())
    assert any(row.progress.startswith("August 07") for row in rows.values())


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_example_plan_builds_a_pdf_too(engine, clock):
    data = _report(engine, clock, EXAMPLE)
    assert render(data, "pdf").startswith(b"%PDF-")
