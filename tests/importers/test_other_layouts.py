"""Plans laid out differently from the samples: other headers, a RAG column, bullets, --map, bad files.

Each fixture is how a different kind of organisation prints its plan; none comes from shared/plans.
"""

from __future__ import annotations

from datetime import date

import pytest

from collector.core.errors import ImportFileError
from collector.core.vocabulary import Status
from store.importers.pipeline import load_plan, load_plans

NHS = [
    "OFFICIAL",
    "Barnfield NHS Foundation Trust",
    "Workforce Race Equality Action Plan 2026/27",
    ["Ref", "Objective", "Action", "Responsible Officer", "Timescale", "RAG", "Progress update"],
    [
        "1.1",
        "A workforce that reflects our community",
        "Publish workforce race data every year",
        "Director of People",
        "31/03/2027",
        "Green",
        "Report published in June; board discussed it in July.",
    ],
    [
        "1.2",
        "",
        "Introduce reverse mentoring for board members",
        "Chief Nurse / Director of People",
        "Q3 2026",
        "Amber",
        "Pilot delayed to the autumn",
    ],
    "OFFICIAL",
    ["Ref", "Objective", "Action", "Responsible Officer", "Timescale", "RAG", "Progress update"],
    [
        "2.1",
        "Fair recruitment",
        "Put diverse interview panels in place for band 8a and above",
        "HR team",
        "Ongoing",
        "",
        "",
    ],
    [
        "2.2",
        "",
        "Review the disciplinary process for bias",
        "Head of Employee Relations",
        "TBC",
        "Red",
        "Not yet started: waiting for the national guidance",
    ],
]


def test_it_reads_an_nhs_plan_with_a_rag_column(write_tsv):
    draft = load_plan(write_tsv(NHS))
    assert draft.title == "Barnfield NHS Foundation Trust"
    assert [a.ref for a in draft.actions] == ["1.1", "1.2", "2.1", "2.2"]
    first = draft.actions[0]
    # The objective column groups the numbered actions (filled where the ref's stem changes): each
    # objective is a section, numbered by its actions' stem.
    assert [(s.ref, s.title) for s in draft.sections] == [
        ("1", "A workforce that reflects our community"),
        ("2", "Fair recruitment"),
    ]
    assert [a.section_ref for a in draft.actions] == ["1", "1", "2", "2"]
    assert "Objective" not in first.fields
    assert first.target.date == date(2027, 3, 31)
    assert first.progress[0].status is Status.ON_TRACK
    assert draft.actions[1].progress[0].status is Status.AT_RISK
    assert draft.actions[3].progress[0].status is Status.OFF_TRACK
    assert [lead.name for lead in draft.actions[1].leads] == ["Chief Nurse", "Director of People"]
    team = draft.actions[2].leads[0]
    assert team.name == "HR team" and team.is_team


COMPANY = [
    ["What we will do", "Owner", "Deadline", "Status", "Comments"],
    [
        "<ul><li>Run a gender pay gap audit</li><li>Publish the results on the intranet</li></ul>",
        "<p>PL</p><p>Comms team</p>",
        "<p>Jan 2027</p><p>March 2027</p>",
        "On track",
        "",
    ],
    ["Set up an employee network for carers", "Jo Baker", "Summer 2027", "Not started", ""],
]


def test_it_reads_a_company_plan_with_bullets_and_per_bullet_owners(write_tsv):
    draft = load_plan(write_tsv(COMPANY, "company.txt"))
    audit, network = draft.actions
    assert audit.ref == "#1" and audit.ref_synthetic
    assert [s.text for s in audit.sub_actions] == [
        "Run a gender pay gap audit",
        "Publish the results on the intranet",
    ]
    assert [s.target.text for s in audit.sub_actions] == ["Jan 2027", "March 2027"]
    assert [lead.label for lead in audit.sub_actions[1].leads] == ["Comms team"]
    assert network.target.text == "Summer 2027" and network.target.date == date(2027, 8, 31)
    assert network.progress[0].status is Status.NOT_STARTED


def test_it_takes_a_column_mapping_from_the_user(write_tsv):
    rows = [
        ["Action", "Bucket", "Due"],
        ["Refresh the accessibility statement", "digital-inclusion", "Dec 2026"],
    ]
    path = write_tsv(rows)
    without = load_plan(path)
    assert without.actions[0].leads == []
    assert without.actions[0].fields == {"Bucket": "digital-inclusion"}
    for key in ("Bucket", "#1"):  # by header as printed, or by position (the CLI turns B or 2 into #1)
        mapped = load_plan(path, overrides={key: "lead"})
        assert [lead.label for lead in mapped.actions[0].leads] == ["digital-inclusion"]


def test_a_map_naming_a_column_the_file_does_not_have_is_an_error(write_tsv):
    path = write_tsv([["Action", "Lead"], ["Refresh the accessibility statement", "Web team"]])
    with pytest.raises(ImportFileError, match="does not have: Owner"):
        load_plans(path, overrides={"Owner": "lead"})
    with pytest.raises(ImportFileError, match="does not have: E"):
        load_plans(path, overrides={"#4": "lead"})


def test_it_names_the_file_when_there_is_no_table(write_tsv):
    path = write_tsv(["Minutes of the equality steering group", "Apologies were received from two members."])
    with pytest.raises(ImportFileError, match=r"plan\.txt: no table found"):
        load_plans(path)


def test_it_keeps_both_actions_of_a_duplicated_ref_and_says_so(write_tsv):
    rows = [["Ref", "Action", "Lead"], ["1.1", "Train managers", "AB"], ["1.1", "Train staff", "CD"]]
    draft = load_plan(write_tsv(rows))
    assert [(a.ref, a.text) for a in draft.actions] == [("1.1", "Train managers"), ("1.1 (2)", "Train staff")]
    assert any("ref 1.1 is printed twice (line 2 and line 3)" in w and "1.1 (2)" in w for w in draft.warnings)


def test_it_reads_a_key_given_as_a_line_of_text(write_tsv):
    rows = [
        ["Ref", "Action", "Lead"],
        ["1", "Audit the website", "JM & RK"],
        "Key: JM = Jane Morris, RK = Raj Kumar",
    ]
    draft = load_plan(write_tsv(rows))
    assert [(lead.code, lead.name) for lead in draft.actions[0].leads] == [
        ("JM", "Jane Morris"),
        ("RK", "Raj Kumar"),
    ]


def test_it_does_not_mistake_a_cross_reference_for_an_item_list(write_tsv):
    rows = [
        ["Ref", "Action", "Lead"],
        ["2.4", "Agree the policy (see 3.1b) with the board, e.g. in May", "AB"],
    ]
    action = load_plan(write_tsv(rows)).actions[0]
    assert action.sub_actions == []
