"""The edges of an import in the store: warnings kept with the plan (and migration 0006 that holds them),
names that never collide inside one file, what a re-import says it changed, and --sheet in the workbook
reader."""

from __future__ import annotations

import pytest
from alembic import command
from openpyxl import Workbook
from sqlalchemy import func, inspect, select

from collector.core.dates import TargetDraft, TargetKind
from collector.core.errors import ImportFileError, UserError
from store.db import _alembic_config, session_scope, upgrade
from store.importers.draft import ActionDraft, PlanDraft
from store.importers.read import read_source
from store.importers.xlsx_reader import read_xlsx
from store.models.plans import Action, Plan
from store.models.rounds import Round
from store.models.updates import Update
from store.persist import save_plan
from store.plan_names import default_name, plan_names
from store.queries import find_plan
from tests.store.personas import equality_plan

PLAN_ROW = (
    "INSERT INTO plans (id, name, title, source_file, source_format, source_sha256, status_labels, columns, "
    "lead_key, created_at, updated_at) "
    "VALUES (1, 'p', 'P', '', '', '', '{}', '[]', '{}', '2026-01-01', '2026-01-01')"
)


def _draft(title: str, *actions: tuple[str, str], source: str = "plan.csv", warnings=()) -> PlanDraft:
    return PlanDraft(
        title=title,
        source=source,
        actions=[ActionDraft(ref=ref, text=text) for ref, text in actions],
        warnings=list(warnings),
    )


# Migration 0006


def test_upgrading_to_0006_gives_existing_plans_no_warnings(blank_engine):
    upgrade(blank_engine, "0005")
    with blank_engine.begin() as connection:
        connection.exec_driver_sql(PLAN_ROW)

    upgrade(blank_engine, "0006")

    with session_scope(blank_engine, read_only=True) as s:
        assert s.get(Plan, 1).import_warnings == []


def test_downgrading_0006_drops_the_warnings_and_keeps_the_plans(blank_engine):
    upgrade(blank_engine, "0005")
    with blank_engine.begin() as connection:
        connection.exec_driver_sql(PLAN_ROW)
    upgrade(blank_engine, "0006")

    config = _alembic_config()
    with blank_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0005")

    with blank_engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM plans").scalar() == 1
        columns = {c["name"] for c in inspect(connection).get_columns("plans")}
    assert "import_warnings" not in columns


# Warnings kept with the plan


def test_the_imports_warnings_are_stored_with_the_plan_and_replaced_by_a_reimport(session, clock):
    first = equality_plan()
    first.warnings = ["2 rows before the first header row were skipped", "read as Windows-1252"]
    save_plan(session, first, name="edi", update=False, clock=clock)
    assert find_plan(session, "edi").import_warnings == first.warnings

    again = equality_plan()
    again.warnings = ["read only 'Plan' (--sheet); skipped 'Key'"]
    save_plan(session, again, name="edi", update=True, clock=clock)
    assert find_plan(session, "edi").import_warnings == ["read only 'Plan' (--sheet); skipped 'Key'"]

    save_plan(session, equality_plan(), name="edi", update=True, clock=clock)
    assert find_plan(session, "edi").import_warnings == []


# Names


def test_two_plans_in_one_file_whose_titles_slug_alike_get_different_names():
    prefix = "Riverside Borough Council Equality Diversity and Inclusion Action Plan"
    drafts = [_draft(f"{prefix}: progress report 2025"), _draft(f"{prefix} 2026-2028")]

    names = plan_names(drafts, None)

    assert names == [
        "riverside-borough-council-equality-diversity-and-inclusion-a",
        "riverside-borough-council-equality-diversity-and-inclusion-a-2",
    ]
    assert plan_names(drafts, None) == names  # the same file, the same names: --update finds them again


def test_a_plan_name_given_names_the_first_plan_and_numbers_the_others():
    drafts = [_draft("A"), _draft("B"), _draft("C")]
    assert plan_names(drafts, " edi ") == ["edi", "edi-2", "edi-3"]
    assert plan_names(drafts, "") == ["a", "b", "c"]


def test_the_clash_that_made_a_phantom_already_exists_is_inside_one_transaction(engine, clock):
    """What the CLI used to do with a two-plan file: the second save meets the first, unsaved, plan."""
    same = "riverside-borough-council-equality-diversity-and-inclusion-a"
    with pytest.raises(UserError, match=f"a plan named {same} already exists"), session_scope(engine) as s:
        save_plan(s, _draft("x", ("1", "Audit")), name=same, update=False, clock=clock)
        save_plan(s, _draft("y", ("1", "Train")), name=same, update=False, clock=clock)
    with session_scope(engine, read_only=True) as s:
        assert s.scalar(select(func.count(Plan.id))) == 0  # so `plan list` showed nothing


def test_a_title_with_no_ascii_letters_names_the_plan_after_its_file():
    assert default_name(_draft("行动计划", source="/tmp/edi_plan_2026.csv")) == "edi-plan-2026"
    assert default_name(_draft("行动计划", source="")) == "plan"
    assert default_name(_draft("Égalité plan", source="x.csv")) == "egalite-plan"


def test_a_taken_name_is_refused_naming_the_plan_as_listed_and_the_ways_out(session, clock):
    save_plan(session, _draft("Web", ("1", "Audit")), name="EDI-Plan", update=False, clock=clock)
    with pytest.raises(UserError) as raised:
        save_plan(session, _draft("Web", ("1", "Audit")), name="edi-plan", update=False, clock=clock)
    assert str(raised.value) == (
        "a plan named EDI-Plan already exists: use --update to re-import it, "
        "or --plan-name to import it as another plan"
    )


def test_a_name_longer_than_the_column_is_one_clear_error(session, clock):
    with pytest.raises(UserError, match="1 to 100 characters"):
        save_plan(session, _draft("Web", ("1", "Audit")), name="x" * 101, update=False, clock=clock)


# What a re-import says


def test_a_reimport_names_what_changed_on_each_action_and_counts_the_updates_it_keeps(session, clock):
    first = _draft("Web", ("1", "Audit the website"), ("2", "Train staff"))
    first.actions[0].fields = {"Budget": "£5k"}
    plan_id = save_plan(session, first, name="web", update=False, clock=clock).plan_id
    _collected_update(session, plan_id, "1", clock)
    second = _draft("Web", ("1", "Audit the whole website"), ("3", "Publish a statement"))
    second.actions[0].fields = {"Budget": "£6k"}
    second.actions[0].target = TargetDraft("Mar-27", TargetKind.TEXT)

    result = save_plan(session, second, name="web", update=True, clock=clock)

    assert (result.added, result.changed, result.removed) == (["3"], ["1"], ["2"])
    assert result.changed_fields == {"1": ["text", "target", "Budget"]}
    assert result.kept_updates == 1


def _collected_update(session, plan_id: int, ref: str, clock) -> None:
    """An update someone sent in a collection round (not the file's baseline)."""
    now = clock.now()
    spring = Round(plan_id=plan_id, kind="collection", name="Spring", opened_at=now, created_at=now)
    action = session.scalar(select(Action).where(Action.plan_id == plan_id, Action.ref == ref))
    session.add(
        Update(action=action, round=spring, progress="Half done", evidence=[], via="email", created_at=now)
    )
    session.flush()


# --sheet


def _workbook(path, sheets: dict[str, list[list[str]]], hidden: tuple[str, ...] = ()):
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if title in hidden:
            sheet.sheet_state = "hidden"
    book.save(path)
    return path


TWO_SHEETS = {
    "Progress": [["Ref", "Action", "Progress"], ["1", "Audit the website", "Done"]],
    "Plan 2026": [["Ref", "Action", "Lead"], ["1", "Publish a statement", "JM"]],
}


def test_only_the_named_sheets_are_read_matched_ignoring_case_with_a_note_naming_the_others(tmp_path):
    path = _workbook(tmp_path / "plan.xlsx", TWO_SHEETS)

    doc = read_xlsx(path, sheets=[" plan 2026"])

    assert {line.where.split(" row")[0] for line in doc.lines} == {"sheet 'Plan 2026'"}
    assert doc.notes == ["read only 'Plan 2026' (--sheet); skipped 'Progress'"]


def test_a_hidden_sheet_is_read_when_named(tmp_path):
    path = _workbook(tmp_path / "plan.xlsx", TWO_SHEETS, hidden=("Plan 2026",))
    assert "skipped hidden sheet 'Plan 2026'" in read_xlsx(path).notes
    assert read_xlsx(path, sheets=["Plan 2026"]).lines


def test_an_unknown_sheet_is_one_error_listing_the_sheets(tmp_path):
    path = _workbook(tmp_path / "plan.xlsx", TWO_SHEETS)
    with pytest.raises(ImportFileError) as raised:
        read_source(path, sheets=["Plan 2026", "Key", "Old"])
    assert str(raised.value) == (
        f"{path}: no sheet named 'Key', 'Old' (its sheets are 'Progress', 'Plan 2026')"
    )


@pytest.mark.parametrize("name", ["plan.csv", "plan.txt"])
def test_sheets_are_refused_for_a_file_that_is_not_a_workbook(tmp_path, name):
    path = tmp_path / name
    path.write_text("Ref,Action,Lead\n1,Audit,JM\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="--sheet applies to Excel workbooks"):
        read_source(path, sheets=["Plan"])
