"""`collector plan import` at its edges: warnings kept for later, --map by letter or position, --sheet,
--title, names that never clash with a plan nobody can see, and `--update --dry-run`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from openpyxl import Workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from collector.cli.app import app
from collector.cli.context import Runtime
from collector.cli.plan import _parse_maps
from collector.core.errors import NotFound
from collector.core.settings import Settings
from store.db import session_scope
from store.models.plans import Action
from store.models.records import AuditEvent
from store.models.rounds import Round
from store.models.updates import Update


@pytest.fixture
def cli(engine, database_url: str, clock) -> Iterator:
    """Run a command in-process against the test's migrated database (as tests/test_cli.py does)."""
    runtimes: list[Runtime] = []

    def run(*args: str, width: int = 200):
        runtime = Runtime(Settings(database_url=database_url), clock=clock, actor="cli:test")
        runtimes.append(runtime)
        return CliRunner().invoke(app, list(args), obj=runtime, catch_exceptions=False, terminal_width=width)

    yield run
    for runtime in runtimes:
        if runtime._engine is not None:
            runtime._engine.dispose()


def collector(*args: str, env: dict[str, str]):
    """The installed entry point in its own process: what a person sees on stderr, and the exit code."""
    command = [str(Path(sys.executable).parent / "collector"), *args]
    return subprocess.run(command, capture_output=True, text=True, env={**os.environ, **env}, timeout=120)


def _csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    path.write_bytes("\r\n".join(",".join(row) for row in rows).encode(encoding) + b"\r\n")
    return path


def _shown(cli, plan: str) -> dict:
    result = cli("plan", "show", plan, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _warnings(cli, plan: str) -> list[str]:
    return json.loads(cli("plan", "warnings", plan, "--json").stdout)["warnings"]


# Warnings kept with the plan

GRANTS = [
    ["Ref", "Action", "Lead officer", "Target date"],
    ["1.1", "Publish the £5k small grants scheme", "Zoë Brontë", "Mar-27"],
]


def test_the_imports_warnings_are_stored_and_pointed_at_and_listed_by_plan_warnings(cli, tmp_path):
    path = _csv(tmp_path / "grants.csv", GRANTS, encoding="cp1252")

    imported = cli("plan", "import", str(path), "--plan-name", "grants")

    assert imported.exit_code == 0, imported.output
    assert "note: read as Windows-1252" in imported.stdout
    assert re.search(r"\d+ things? to check: `collector plan warnings grants`", imported.stdout)
    assert "read as Windows-1252" in _warnings(cli, "grants")
    plan_id = str(_shown(cli, "grants")["id"])
    listed = cli("plan", "warnings", plan_id)
    assert listed.exit_code == 0
    assert "Plan grants:" in listed.stdout and "• read as Windows-1252" in listed.stdout


def test_a_reimport_replaces_the_warnings(cli, tmp_path):
    cli("plan", "import", str(_csv(tmp_path / "grants.csv", GRANTS, "cp1252")), "--plan-name", "grants")

    again = cli(
        "plan", "import", str(_csv(tmp_path / "grants2.csv", GRANTS)), "--plan-name", "grants", "--update"
    )

    assert again.exit_code == 0, again.output
    assert "read as Windows-1252" not in _warnings(cli, "grants")


def test_a_plan_without_warnings_says_so_and_an_unknown_plan_is_not_found(cli, tmp_path):
    cli("plan", "import", str(_csv(tmp_path / "grants.csv", GRANTS)), "--plan-name", "grants")
    if not _warnings(cli, "grants"):
        assert "noted nothing to check" in cli("plan", "warnings", "grants").stdout
    with pytest.raises(NotFound, match="no plan called nope"):
        cli("plan", "warnings", "nope")


# --map by letter or position

LEADS_IN_B = [
    ["Action", "Zebra", "Target"],
    ["Audit the website", "the web team", "Mar-27"],
    ["Train the contact centre staff", "customer services", "Jun-27"],
]


def test_map_keys_become_headers_or_zero_based_positions():
    assert _parse_maps(["A=ref", "c=Lead", "4=target", "AB=progress", "Point of contact=lead"]) == {
        "#0": "ref",
        "#2": "lead",
        "#3": "target",
        "#27": "progress",
        "Point of contact": "lead",
    }
    assert _parse_maps(['"ID"=ref', "'No'=ref"]) == {"ID": "ref", "No": "ref"}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0=lead", "columns are numbered from 1 to 1000"),
        ("1001=lead", "columns are numbered from 1 to 1000"),
        ("Officer", "write it as 'Header as printed=field', 'C=field' or '3=field'"),
        ('""=lead', "write it as"),
        ("B=boss", "unknown field 'boss'"),
    ],
)
def test_a_bad_map_says_what_is_wrong(value, message):
    with pytest.raises(typer.BadParameter, match=re.escape(message)):
        _parse_maps([value])


def test_one_column_mapped_twice_by_letter_and_position_is_refused():
    with pytest.raises(typer.BadParameter, match="column C is already mapped"):
        _parse_maps(["C=lead", "3=target"])


def test_map_by_letter_or_position_reads_the_file_as_map_by_header(cli, tmp_path):
    path = _csv(tmp_path / "web.csv", LEADS_IN_B)

    def preview(mapping: str) -> list:
        result = cli("plan", "import", str(path), "--dry-run", "--json", "--map", mapping)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    by_header = preview("Zebra=lead")
    zebra = next(c for c in by_header[0]["columns"] if c["header"] == "Zebra")
    assert (zebra["column"], zebra["field"], zebra["reason"]) == ("B", "lead", "--map")
    assert preview("B=lead") == by_header
    assert preview("b=lead") == by_header
    assert preview("2=lead") == by_header


# --sheet


def _workbook(path: Path, sheets: dict[str, list[list[str]]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


TWO_SHEETS = {
    "Old plan": [["Ref", "Action", "Lead", "Target"], ["1", "Audit the website", "JM", "Mar-25"]],
    "Plan 2026": [
        ["Ref", "Action", "Lead", "Target"],
        ["1", "Publish an accessibility statement", "TD", "Mar-27"],
    ],
}


def test_sheet_reads_only_that_sheet_and_notes_the_others(cli, tmp_path):
    path = _workbook(tmp_path / "plan.xlsx", TWO_SHEETS)

    imported = cli("plan", "import", str(path), "--sheet", "Plan 2026", "--plan-name", "p")

    assert imported.exit_code == 0, imported.output
    assert [a["text"] for a in _shown(cli, "p")["actions"]] == ["Publish an accessibility statement"]
    assert "read only 'Plan 2026' (--sheet); skipped 'Old plan'" in _warnings(cli, "p")


def test_an_unknown_sheet_or_a_sheet_of_a_csv_is_one_line_and_exit_code_1(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}
    book = _workbook(tmp_path / "plan.xlsx", TWO_SHEETS)
    unknown = collector("plan", "import", str(book), "--sheet", "Plan 2027", env=env)
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == (
        f"error: {book}: no sheet named 'Plan 2027' (its sheets are 'Old plan', 'Plan 2026')"
    )
    csv = _csv(tmp_path / "plan.csv", GRANTS)
    refused = collector("plan", "import", str(csv), "--sheet", "Plan", env=env)
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        f"error: {csv}: --sheet applies to Excel workbooks (import this file without --sheet)"
    )


# --title, and a title from the file name


def test_title_replaces_the_files_title_and_names_the_plan(cli, tmp_path):
    path = _csv(tmp_path / "export.csv", [["Brightwater EDI plan"], *GRANTS])

    imported = cli("plan", "import", str(path), "--title", "  Grants   scheme 2026-27 ")

    assert imported.exit_code == 0, imported.output
    shown = _shown(cli, "grants-scheme-2026-27")
    assert shown["title"] == "Grants scheme 2026-27"


def test_a_csv_with_no_title_line_takes_its_title_from_the_file_name(cli, tmp_path):
    path = _csv(tmp_path / "edi_action_plan_2026.csv", GRANTS)

    assert cli("plan", "import", str(path)).exit_code == 0

    [plan] = json.loads(cli("plan", "list", "--json").stdout)
    assert plan["name"] == "edi-action-plan-2026"
    assert plan["title"].casefold() == "edi action plan 2026"  # capitalisation is the interpreter's call


# No phantom "already exists"

PREFIX = "Riverside Borough Council Equality Diversity and Inclusion Action Plan"
TWO_PLANS = (
    f"{PREFIX}: progress report 2025\n"
    "Ref\tAction\tProgress\n1\tAudit the website\tDone in May\n2\tTrain staff\tOn track\n"
    f"{PREFIX} 2026-2028\n"
    "Ref\tAction\tLead\tTarget\n1\tPublish a statement\tJM\tMar-27\n2\tRun a survey\tTD\tJun-27\n"
)


def test_a_file_of_two_plans_whose_titles_slug_alike_imports_both_and_lists_both(cli, tmp_path):
    """Reproduced before the fix: the second plan met the first, uncommitted one, and the import failed with
    "a plan named riverside-...-a already exists" while `plan list` showed no plans."""
    path = tmp_path / "two.txt"
    path.write_text(TWO_PLANS, encoding="utf-8")

    imported = cli("plan", "import", str(path))

    assert imported.exit_code == 0, imported.output
    names = [p["name"] for p in json.loads(cli("plan", "list", "--json").stdout)]
    slug = "riverside-borough-council-equality-diversity-and-inclusion-a"
    assert names == [slug, f"{slug}-2"]
    again = cli("plan", "import", str(path), "--update")
    assert again.exit_code == 0 and again.stdout.count("no actions changed") == 2


def test_a_name_a_listed_plan_holds_is_refused_with_the_ways_out(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}
    path = _csv(tmp_path / "grants.csv", GRANTS)
    assert collector("plan", "import", str(path), env=env).returncode == 0

    again = collector("plan", "import", str(path), env=env)

    assert again.returncode == 1
    assert again.stderr.strip() == (
        "error: a plan named grants already exists: use --update to re-import it, "
        "or --plan-name to import it as another plan"
    )
    assert "grants" in collector("plan", "list", env=env).stdout


def test_plan_list_on_a_narrow_terminal_shows_a_long_name_whole(cli, tmp_path):
    path = tmp_path / "two.txt"
    path.write_text(TWO_PLANS, encoding="utf-8")
    cli("plan", "import", str(path))

    listed = cli("plan", "list", width=80)

    cells = [line.split("│")[2].strip() for line in listed.stdout.splitlines() if line.count("│") > 2]
    assert "riverside-borough-council-equality-diversity-and-inclusion-a-2" in "".join(cells)
    assert "…" not in listed.stdout.split("┃ title")[0] + "".join(cells)


# --update --dry-run

V1 = [
    ["Ref", "Action", "Lead", "Target"],
    ["1", "Audit the website", "JM", "Mar-27"],
    ["2", "Train the contact centre", "TD", "Jun-27"],
]
V2 = [
    ["Ref", "Action", "Lead", "Target"],
    ["1", "Audit the website", "JM", "Sept 2027"],
    ["3", "Publish an accessibility statement", "JM", "Dec 2027"],
]


def _collected_update(engine, ref: str, clock) -> None:
    """Someone answered in a collection round: the update a re-import must keep."""
    now = clock.now()
    with session_scope(engine) as s:
        action = s.scalar(select(Action).where(Action.ref == ref))
        spring = Round(
            plan_id=action.plan_id, kind="collection", name="Spring", opened_at=now, created_at=now
        )
        s.add(
            Update(
                action=action, round=spring, progress="Half done", evidence=[], via="email", created_at=now
            )
        )


def _audit_events(engine) -> int:
    with session_scope(engine, read_only=True) as s:
        return s.scalar(select(func.count(AuditEvent.id)))


def test_update_dry_run_lists_what_would_change_and_writes_nothing(cli, tmp_path, engine, clock):
    assert cli("plan", "import", str(_csv(tmp_path / "v1.csv", V1)), "--plan-name", "web").exit_code == 0
    _collected_update(engine, "2", clock)
    before, events = _shown(cli, "web"), _audit_events(engine)
    second = str(_csv(tmp_path / "v2.csv", V2))

    preview = cli("plan", "import", second, "--plan-name", "web", "--update", "--dry-run")

    assert preview.exit_code == 0, preview.output
    out = preview.stdout
    assert "Would update plan web" in out
    assert "added: 3" in out and "changed: 1 (target)" in out and "removed: 2" in out
    assert "1 update collected in rounds kept" in out
    assert out.rstrip().endswith("Dry run: nothing was written.")
    assert _shown(cli, "web") == before
    assert _audit_events(engine) == events

    real = cli("plan", "import", second, "--plan-name", "web", "--update")
    lines = ("added: 3", "changed: 1 (target)", "removed: 2", "1 update collected in rounds kept")
    assert all(line in real.stdout for line in lines)
    assert _shown(cli, "web") != before


def test_update_dry_run_as_json_is_the_import_result_marked_as_a_dry_run(cli, tmp_path):
    cli("plan", "import", str(_csv(tmp_path / "v1.csv", V1)), "--plan-name", "web")

    result = cli(
        "plan",
        "import",
        str(_csv(tmp_path / "v2.csv", V2)),
        "--plan-name",
        "web",
        "--update",
        "--dry-run",
        "--json",
    )

    [row] = json.loads(result.stdout)
    assert row["dry_run"] is True and row["created"] is False
    assert (row["added"], row["changed"], row["removed"]) == (["3"], ["1"], ["2"])
    assert row["changed_fields"] == {"1": ["target"]}
