"""The three real plans in shared/plans interpret as their expected files describe.

Specific actions are asserted here; tests/test_plan_contract.py scores the stored import end to end.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from collector.core.dates import TargetKind
from collector.core.vocabulary import Status
from store.importers.draft import PlanDraft
from store.importers.pipeline import load_plans


def _by_ref(draft: PlanDraft) -> dict:
    return {a.ref: a for a in draft.walk()}


@pytest.fixture(scope="module")
def housing(samples: Path) -> PlanDraft:
    [draft] = load_plans(samples / "000_91b110b48cdf9907.txt")
    return draft


@pytest.fixture(scope="module")
def kaleidoscope(samples: Path) -> PlanDraft:
    [draft] = load_plans(samples / "001_64334b0856c2b6cd.txt")
    return draft


@pytest.fixture(scope="module")
def probation(samples: Path) -> list[PlanDraft]:
    return load_plans(samples / "004_28f319c15f45ff81.txt")


def test_it_reads_the_housing_plans_six_objectives_and_41_actions(housing):
    assert housing.title == "EQUALITIES & DIVERSITY ACTION PLAN 2011-2012"
    assert housing.period == "2011-2012"
    assert [s.ref for s in housing.sections] == ["1", "2", "3", "4", "5", "6"]
    assert len(housing.actions) == 41
    refs = [a.ref for a in housing.actions]
    assert refs.index("3.10") == refs.index("3.9") + 1


def test_it_gives_each_lettered_item_its_own_target(housing):
    action = _by_ref(housing)["1.1"]
    assert action.text.startswith("Develop and progress a project plan which aims to")
    assert [s.ref for s in action.sub_actions] == ["1.1 a)", "1.1 b)", "1.1 c)", "1.1 d)"]
    assert [s.target.text for s in action.sub_actions] == ["Feb-12", "Feb-12", "ongoing", "ongoing"]
    assert action.sub_actions[0].target.date == date(2012, 2, 29)
    assert action.sub_actions[2].target.kind is TargetKind.ONGOING


def test_it_gives_each_lettered_item_its_own_leads_through_the_key(housing):
    action = _by_ref(housing)["1.4"]
    assert [lead.code for lead in action.sub_actions[0].leads] == ["ST"]
    assert [(lead.code, lead.name) for lead in action.sub_actions[1].leads] == [
        ("DM", "Diana Mears"),
        ("SE", "Sarah Eggenhuizen"),
    ]


def test_it_keeps_two_people_with_similar_initials_apart(housing):
    assert housing.lead_key["KEW"] == "Karen Wilson"
    assert housing.lead_key["KW"] == "Katri Wilson"
    assert [lead.name for lead in _by_ref(housing)["3.5"].leads] == ["Karen Wilson"]


def test_it_knows_a_team_in_the_lead_key(housing):
    [team] = [lead for lead in _by_ref(housing)["3.9"].leads if lead.code == "SIT"]
    assert team.is_team and team.name == "Service Improvement Team"


def test_it_merges_an_item_carried_over_a_page_break(housing):
    action = _by_ref(housing)["2.6"]
    assert [s.text for s in action.sub_actions][-1] == "Implement 2011/12 work plan."


def test_it_merges_a_sentence_cut_by_a_page_break(housing):
    assert _by_ref(housing)["5.1"].text.endswith("review of services we and others currently provide.")


def test_it_keeps_other_columns_as_named_fields(housing):
    fields = _by_ref(housing)["1.3"].fields
    assert (
        "Training programme developed and staff time booked" in fields["Relevant Milestones (as applicable)"]
    )


def test_it_numbers_a_plan_that_prints_no_refs_and_keeps_its_sections(kaleidoscope):
    assert len(kaleidoscope.actions) == 49
    assert len(kaleidoscope.sections) == 11
    assert kaleidoscope.sections[0].title == "Policy & Strategy"
    first = kaleidoscope.actions[0]
    assert first.ref == "#1.1" and first.ref_synthetic
    assert first.fields["Source"] == "CRE Code of Practice on Race Equality in Housing"


def test_it_reads_the_date_completed_column_as_progress(kaleidoscope):
    actions = {a.text[:30]: a for a in kaleidoscope.actions}
    on_target = actions["Develop a suite of “Diversity "].progress[0]
    assert (on_target.text, on_target.status) == ("On target", Status.ON_TRACK)
    done = actions["Revise Kaleidoscope Strategy t"].progress[0]
    assert (done.status, done.reported) == (Status.COMPLETED, "June 07")
    note = actions["Undertake audit of personal da"].progress[0]
    assert note.text == "June 07 – follow up work needed" and note.reported == "June 07"


def test_it_cuts_a_lead_cell_of_names_without_delimiters(kaleidoscope):
    action = next(a for a in kaleidoscope.actions if a.text.startswith("Develop follow-up training"))
    assert [lead.name for lead in action.leads] == [
        "Joanne Tilley",
        "Paul Timmins",
        "Dave Shaw",
        "Rob Clarke",
    ]


def test_it_keeps_a_prose_target_as_text(kaleidoscope):
    action = next(a for a in kaleidoscope.actions if a.text.startswith("Review the association"))
    assert action.target.kind is TargetKind.TEXT
    assert action.target.text == "Awaiting outcome of Blaby stock transfer vote"


def test_it_splits_the_progress_report_from_the_updated_plan(probation):
    report, updated = probation
    assert report.title == (
        "Hampshire Probation Trust Single Equality Scheme Action Plan Year One Progress Report: March 2010"
    )
    assert updated.title.endswith("April 2009- March 2012")
    assert len(report.actions) == 49
    assert [s.ref for s in report.sections] == ["1", "2", "3", "5", "6", "7", "8", "9", "10", "11"]
    assert "UNCLASSIFIED" not in repr(report)


def test_it_makes_outcomes_the_actions_and_their_bullets_sub_actions(probation):
    action = _by_ref(probation[0])["#2.6"]
    assert action.text.startswith("Support mechanisms are in place locally and nationally")
    assert len(action.sub_actions) == 3
    assert [s.target.text for s in action.sub_actions] == ["Ongoing", "Dec 09", "April 10"]


def test_it_carries_an_outcome_over_a_page_break(probation):
    action = _by_ref(probation[0])["#3.4"]
    assert action.text.endswith("reflected in improving service outcomes in terms of gender")
    assert len(action.sub_actions) == 2


def test_it_reads_progress_under_a_header_whose_label_is_missing(probation):
    action = _by_ref(probation[0])["#3.2"]
    assert "Concerns still remain about the recording of diversity actions" in action.progress[0].text


def test_it_maps_in_place_and_operating_to_completed(probation):
    action = _by_ref(probation[0])["#2.9"]
    assert action.progress[0].status is Status.COMPLETED
