"""Plans whose headers say little: column roles, hierarchy and page breaks read from the content.

None of these layouts is a sample plan's; each is a shape organisations print (audit logs, charter action
plans, council plans) with header words the header table does not know.
"""

from __future__ import annotations

from datetime import date

from store.importers.pipeline import load_plan


def _columns(draft) -> dict[str, str]:
    return {c.header: c.field for c in draft.columns}


def test_a_header_of_unknown_words_is_still_the_header_and_the_prose_column_is_the_action(write_tsv):
    draft = load_plan(
        write_tsv(
            [
                ["Deliverable", "Point person", "Completion by", "Notes so far"],
                ["Publish the pay gap report with a narrative", "Jo Baker", "March 2027", ""],
                ["Train every panel chair in fair recruitment", "HR team", "Q3 2026", "Half trained"],
            ]
        )
    )
    assert [a.text for a in draft.actions] == [
        "Publish the pay gap report with a narrative",
        "Train every panel chair in fair recruitment",
    ]
    assert [lead.label for lead in draft.actions[0].leads] == ["Jo Baker"]
    assert draft.actions[0].target.date == date(2027, 3, 31)
    assert _columns(draft)["Deliverable"] == "action"
    assert _columns(draft)["Completion by"] == "target"


def test_a_blank_header_over_the_ref_column_is_read_as_the_ref_column(write_tsv):
    draft = load_plan(
        write_tsv(
            [
                ["", "Objective", "Action", "Responsible", "Accountable", "Start", "End"],
                [
                    "1.1",
                    "Fair pay",
                    "Audit pay by grade and sex",
                    "Head of Reward",
                    "HR Director",
                    "Jan 2026",
                    "Jun 2026",
                ],
                ["1.2", "", "Publish the audit", "Head of Reward", "HR Director", "Jul 2026", "Sep 2026"],
                [
                    "2.1",
                    "Inclusive culture",
                    "Run listening circles",
                    "EDI Lead",
                    "Provost",
                    "Sep 2026",
                    "Jul 2027",
                ],
            ]
        )
    )
    assert [a.ref for a in draft.actions] == ["1.1", "1.2", "2.1"]
    assert not any(a.ref_synthetic for a in draft.actions)
    first = draft.actions[0]
    assert [lead.label for lead in first.leads] == ["Head of Reward"]  # responsible leads; accountable kept
    assert first.fields["Accountable"] == "HR Director"
    assert first.target.date == date(2026, 6, 30)  # the end date is the target; the start is kept
    assert first.fields["Start"] == "Jan 2026"


def test_a_revised_date_is_the_target_and_the_original_backs_it_up(write_tsv):
    draft = load_plan(
        write_tsv(
            [
                ["Ref", "Agreed action", "Owner", "Original date", "Revised date", "Status"],
                [
                    "IA24-01",
                    "Update the access control policy",
                    "Head of IT",
                    "31/03/2026",
                    "30/09/2026",
                    "Amber",
                ],
                [
                    "IA24-02",
                    "Reconcile the asset register monthly",
                    "Finance Manager",
                    "30/04/2026",
                    "",
                    "Green",
                ],
            ]
        )
    )
    first, second = draft.actions
    assert (first.ref, second.ref) == ("IA24-01", "IA24-02")
    assert first.target.date == date(2026, 9, 30)
    assert second.target.date == date(2026, 4, 30)
    assert first.fields["Original date"] == "31/03/2026"


def test_unnumbered_rows_under_a_numbered_action_are_its_sub_actions(write_tsv):
    draft = load_plan(
        write_tsv(
            [
                ["No.", "What we will do", "Lead", "By when", "Progress"],
                ["1", "Improve the diversity of applicants", "Jo Baker", "March 2027", ""],
                ["", "Advertise on community job boards", "Recruitment team", "Sept 2026", "Started"],
                ["", "Add a guaranteed interview scheme", "Sam Ortiz", "Dec 2026", ""],
                ["2", "Support disabled staff", "Priya Shah", "Ongoing", ""],
                ["", "Publish a reasonable adjustments passport", "Priya Shah", "Jan 2027", ""],
            ]
        )
    )
    assert [a.ref for a in draft.actions] == ["1", "2"]
    first = draft.actions[0]
    assert [(s.ref, s.text) for s in first.sub_actions] == [
        ("1 a)", "Advertise on community job boards"),
        ("1 b)", "Add a guaranteed interview scheme"),
    ]
    assert [lead.label for lead in first.sub_actions[0].leads] == ["Recruitment team"]
    assert first.sub_actions[0].target.text == "Sept 2026"
    assert first.sub_actions[0].progress[0].text == "Started"
    assert any("read as their sub-actions" in w for w in draft.warnings)


def test_an_unnumbered_row_in_a_gap_of_the_numbering_is_an_action_whose_number_was_forgotten(write_tsv):
    draft = load_plan(
        write_tsv(
            [
                ["Ref", "Action", "Lead", "Target"],
                ["3.1", "Review the complaints policy", "AB", "May 2026"],
                ["", "Survey tenants about access needs", "CD", "June 2026"],
                ["3.3", "Train front-line staff", "EF", "July 2026"],
            ]
        )
    )
    assert [a.ref for a in draft.actions] == ["3.1", "3.2", "3.3"]
    assert any("has no ref" in w for w in draft.warnings)


def test_a_page_break_shown_as_a_blank_line_still_joins_the_row_it_cut(write_tsv):
    draft = load_plan(
        write_tsv(
            [
                ["Ref", "Action", "Lead", "Target"],
                ["1.1", "Consult disabled residents about the design of the new", "AB", "May 2026"],
                "",
                ["", "housing register and publish what changed", "", ""],
                ["1.2", "Train front-line staff", "EF", "July 2026"],
            ]
        )
    )
    assert [a.ref for a in draft.actions] == ["1.1", "1.2"]
    assert draft.actions[0].text.endswith("new housing register and publish what changed")


def test_a_table_without_a_header_row_is_read_by_content(write_tsv):
    draft = load_plan(
        write_tsv(
            [
                "Equality objectives 2026",
                ["1.1", "Publish workforce data every year with a commentary", "Jo Baker", "March 2027"],
                ["1.2", "Agree targets for board diversity with the chair", "Sam Ortiz", "Dec 2026"],
            ]
        )
    )
    assert [a.ref for a in draft.actions] == ["1.1", "1.2"]
    assert [lead.label for lead in draft.actions[1].leads] == ["Sam Ortiz"]
    assert draft.actions[0].target.date == date(2027, 3, 31)
    assert any("no header row" in w for w in draft.warnings)


def test_the_dry_run_mapping_says_how_sure_each_column_is_and_why(write_tsv):
    draft = load_plan(
        write_tsv(
            [
                ["", "Workstream item", "Who", "When"],
                ["A-01", "Refresh the website's accessibility statement", "Web team", "Jan 2027"],
                ["A-02", "Caption every published video", "Comms team", "Ongoing"],
            ]
        )
    )
    by_field = {c.field: c for c in draft.columns}
    assert by_field["ref"].reason.startswith("content")
    assert 0 < by_field["ref"].confidence <= 1
    assert by_field["lead"].reason.startswith("header")


def _shade(cell, hex_rgb: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), hex_rgb)
    cell._tc.get_or_add_tcPr().append(shading)


def test_a_status_shown_only_by_the_cells_colour_is_read_as_that_status(tmp_path):
    import docx

    from collector.core.vocabulary import Status

    document = docx.Document()
    document.add_paragraph("Access plan 2026")
    rows = [
        ["Ref", "Action", "Lead", "RAG"],
        ["1", "Caption every video", "Comms team", ""],
        ["2", "Fit hearing loops in every reception", "Estates team", ""],
    ]
    table = document.add_table(rows=3, cols=4)
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    _shade(table.cell(1, 3), "00B050")
    _shade(table.cell(2, 3), "FF0000")
    path = tmp_path / "access.docx"
    document.save(path)
    first, second = load_plan(path).actions
    assert [p.status for p in first.progress] == [Status.ON_TRACK]
    assert [p.status for p in second.progress] == [Status.OFF_TRACK]
