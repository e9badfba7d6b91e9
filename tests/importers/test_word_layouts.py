"""Word plans laid out as people make them: one table per section under a heading, and lead or deadline
cells merged down over the actions they cover."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from store.importers.pipeline import load_plan


def _table(document, rows: list[list[str]]):
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    return table


@pytest.fixture
def college_plan(tmp_path: Path) -> Path:
    """A college's plan: a title, then a heading and a table for each section; the Staff table merges the
    Lead and Deadline cells of two actions, as Word users do when one person owns both."""
    document = docx.Document()
    document.add_heading("Northfield College Access and Participation Plan 2026-27", level=1)
    document.add_heading("Students", level=2)
    _table(
        document,
        [
            ["Action", "Lead", "Deadline", "Progress"],
            [
                "Publish bursary criteria in plain English",
                "Student Services",
                "Sept 2026",
                "Completed in August",
            ],
            ["Offer a pre-entry summer school for care leavers", "Dana Hughes", "July 2027", ""],
        ],
    )
    document.add_heading("Staff", level=2)
    table = _table(
        document,
        [
            ["Action", "Lead", "Deadline", "Progress"],
            ["Run inclusive teaching workshops each term", "Omar Farouk", "Ongoing", "On track"],
            ["Add an inclusion objective to every appraisal", "", "", ""],
            ["Review the staff survey by protected characteristic", "HR team", "Mar 2027", ""],
        ],
    )
    table.cell(1, 1).merge(table.cell(2, 1))
    table.cell(1, 2).merge(table.cell(2, 2))
    table.cell(1, 1).text = "Omar Farouk"
    table.cell(1, 2).text = "Ongoing"
    path = tmp_path / "college.docx"
    document.save(path)
    return path


def test_it_reads_a_heading_above_each_table_as_a_section(college_plan):
    draft = load_plan(college_plan)
    assert draft.title == "Northfield College Access and Participation Plan 2026-27"
    assert [s.title for s in draft.sections] == ["Students", "Staff"]
    assert [(a.ref, a.section_ref) for a in draft.actions] == [
        ("#1.1", "1"),
        ("#1.2", "1"),
        ("#2.1", "2"),
        ("#2.2", "2"),
        ("#2.3", "2"),
    ]


def test_a_lead_merged_over_two_actions_leads_both(college_plan):
    draft = load_plan(college_plan)
    workshops, appraisal = draft.actions[2], draft.actions[3]
    assert [lead.name for lead in workshops.leads] == ["Omar Farouk"]
    assert [lead.name for lead in appraisal.leads] == ["Omar Farouk"]
    assert appraisal.target.text == "Ongoing"
    assert appraisal.progress == []  # a progress statement is never copied down
