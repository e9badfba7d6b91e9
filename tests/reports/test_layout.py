"""What a committee sees on the page: names and multi-date targets never split, no half-empty pages in the PDF
of a 25-action plan, page 1 of the Word paper holding the title and the start of the report, and the round
made from a plan's own progress columns called by the committee's words.

The example plan (examples/, 25 actions) goes through a real round: its leads' answers from
examples/demo_answers.csv are recorded as updates, and the report is laid out by WeasyPrint and python-docx.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from docx.oxml.ns import qn
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from collector.rounds.lifecycle import open_round
from reports.build import render
from reports.compile import compile_report
from reports.render.html import render_html
from reports.render.pdf import pdf_document
from reports.render.words import AS_IMPORTED, NAME_HELD, NBSP, TARGET_HELD, hold, target_items
from store.db import session_scope
from store.importers.pipeline import load_plan
from store.models.plans import Action
from store.models.updates import Update
from store.people_csv import import_people
from store.persist import BASELINE_ROUND, save_plan
from store.queries import find_plan
from tests.reports.page_layout import lines_of, page_fills, rows_per_page

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
LONDON = ZoneInfo("Europe/London")
MIN_FILL = 0.65  # every PDF page but the last is at least this full
STATUS_WORDS = {
    "on track": "on_track",
    "in hand": "on_track",
    "completed": "completed",
    "not started": "not_started",
}


# --- the rules, on their own -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "items"),
    [
        ("a) Feb-12 b) Feb-12 c) & d) ongoing", ["a) Feb-12", "b) Feb-12", "c) & d) ongoing"]),
        ("a) ongoing b) & c) Mar-12", ["a) ongoing", "b) & c) Mar-12"]),
        ("a) Jan-11, b) Feb-11, c)ongoing d) Oct-11", ["a) Jan-11", "b) Feb-11", "c) ongoing", "d) Oct-11"]),
        ("a) Sept 2026 b) Dec-26 c) Ongoing", ["a) Sept 2026", "b) Dec-26", "c) Ongoing"]),
        ("June 2027", ["June 2027"]),
        ("Awaiting outcome of the budget consultation", ["Awaiting outcome of the budget consultation"]),
        ("", []),
    ],
)
def test_a_multi_date_target_is_set_one_whole_item_a_line(target, items):
    got = target_items(target)
    assert [item.replace(NBSP, " ") for item in got] == items
    for item in got:  # a short item never breaks: "b)" is never left at a line's end
        if len(item) <= TARGET_HELD:
            assert " " not in item
        else:  # a long one keeps its marker with its first word
            assert " " not in item.split(" ")[0] and not item.startswith(("a) ", "b) "))


@given(st.text(alphabet="abcd)(&, -0123456789FebMarongig", max_size=60))
def test_target_items_lose_no_text(text):
    kept = "".join(target_items(text))
    assert re.sub(r"[\s,;]", "", kept) == re.sub(r"[\s,;]", "", text)


def test_a_name_is_held_on_one_line_but_a_long_team_name_may_wrap():
    assert hold("Sarah Eggenhuizen") == f"Sarah{NBSP}Eggenhuizen"
    assert " " not in hold("Mary Ann de la Cruz")
    assert hold("Service Improvement and Equality Team") == "Service Improvement and Equality Team"


# --- a 25-action plan through a real round ---------------------------------------------------------------


def _answers() -> dict[str, tuple[str, str]]:
    with (EXAMPLES / "demo_answers.csv").open(encoding="utf-8", newline="") as handle:
        return {row["ref"]: (row["status"], row["progress"]) for row in csv.DictReader(handle)}


@pytest.fixture
def example_report(engine, clock):
    """The example plan's report after one round in which its leads answered most actions."""
    clock.set(datetime(2026, 11, 2, 9, tzinfo=UTC))
    plan_file = EXAMPLES / "riverside_edi_plan.docx"
    with session_scope(engine) as s:
        save_plan(s, load_plan(plan_file), name="riverside", update=False, clock=clock, actor="cli:test")
    with session_scope(engine) as s:
        import_people(s, EXAMPLES / "people.csv", clock, actor="cli:test")
    with session_scope(engine) as s:
        plan = find_plan(s, "riverside")
        opened = open_round(
            s, plan, due=date(2026, 11, 30), closes=None, subset=None, clock=clock, actor="cli:test"
        )
        refs = {
            ref: id_ for ref, id_ in s.execute(select(Action.ref, Action.id).where(Action.plan_id == plan.id))
        }
        for ref, (words, progress) in _answers().items():
            slipped = words.removeprefix("slipped to ") if words.startswith("slipped to ") else None
            s.add(
                Update(
                    action_id=refs[ref],
                    round_id=opened.round.id,
                    status="at_risk" if slipped else STATUS_WORDS[words],
                    progress=progress,
                    revised_target_text=slipped,
                    evidence=[],
                    via="email",
                    created_at=datetime(2026, 11, 20, 10, tzinfo=UTC),
                )
            )
    with session_scope(engine, read_only=True) as s:
        return compile_report(s, find_plan(s, "riverside"), today=date(2026, 12, 1), tz=LONDON)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_pdf_of_a_25_action_plan_has_no_half_empty_page_and_no_broken_name(example_report):
    assert example_report.summary.total >= 25
    document = pdf_document(example_report)
    fills = page_fills(document)
    assert len(fills) >= 3
    thin = [(n + 1, round(f, 2)) for n, f in enumerate(fills[:-1]) if f < MIN_FILL]
    assert not thin, f"pages less than {MIN_FILL:.0%} full: {thin} (all: {[round(f, 2) for f in fills]})"
    assert rows_per_page(document)[-1] >= 1  # the closing notes never sit alone on the last page
    names = lines_of(document, "bdi", "lead")
    assert names
    broken = [(name, lines) for name, lines in names if len(name) <= NAME_HELD and lines > 1]
    assert not broken, broken
    for text, lines in lines_of(document, "bdi", "item"):  # each target item on one line
        assert lines == 1 or len(text) > TARGET_HELD, text


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_lead_names_and_targets_carry_no_breakable_space_in_the_html(example_report):
    page = render_html(example_report)
    leads = re.findall(r'<bdi class="lead">([^<]*)</bdi>', page)
    assert leads and all(" " not in lead for lead in leads if len(lead) <= NAME_HELD)
    items = re.findall(r'<bdi class="item">([^<]*)</bdi>', page)
    assert any(item.startswith("a)") for item in items) and all(
        " " not in item for item in items if len(item) <= 14
    )
    assert re.search(r'<col class="w-lead">', page)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_word_papers_first_page_holds_the_title_and_the_start_of_the_report(example_report):
    document = Document(io.BytesIO(render(example_report, "docx")))
    body = document.element.body
    breaks = body.findall(".//" + qn("w:br"))
    assert not [b for b in breaks if b.get(qn("w:type")) == "page"]  # no forced page break anywhere
    assert not body.findall(".//" + qn("w:pageBreakBefore"))
    texts = [p.text for p in document.paragraphs]
    assert texts.index(example_report.plan_title) < texts.index("Summary")
    # the chart is the tallest thing on page 1: never so tall that it and the rest go to page 2
    (picture,) = document.inline_shapes
    assert picture.height.mm <= 70.5
    headings = [p for p in document.paragraphs if p.style.name == "Heading 1"]
    assert all(
        p.paragraph_format.keep_with_next for p in headings[1:]
    )  # a section heading keeps with its table
    table = document.tables[-1]
    leads = [cell.text for row in table.rows[1:] for cell in row.cells[2:3]]
    assert all(" " not in name for cell in leads for name in cell.split("\n") if len(name) <= NAME_HELD)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_imported_baseline_is_called_the_position_in_the_plan_as_imported(engine, clock):
    with session_scope(engine) as s:
        save_plan(
            s, load_plan(EXAMPLES / "riverside_edi_plan.docx"), name="riverside", update=False, clock=clock
        )
    with session_scope(engine, read_only=True) as s:
        data = compile_report(s, find_plan(s, "riverside"), today=clock.now().date(), tz=LONDON)
    assert data.round_name == BASELINE_ROUND  # the store's name; the words are the renderers' business
    for fmt in ("html", "md", "csv"):
        text = render(data, fmt).decode("utf-8-sig")
        assert BASELINE_ROUND not in text, fmt
    assert AS_IMPORTED in render(data, "html").decode()
    document = Document(io.BytesIO(render(data, "docx")))
    assert AS_IMPORTED in "\n".join(p.text for p in document.paragraphs)
    assert BASELINE_ROUND not in "\n".join(p.text for p in document.paragraphs)
