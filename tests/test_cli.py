"""The `collector` command as people and other tools use it: the JSON contract, previews, errors.

In-process runs (typer's CliRunner with a Runtime on the test's database) cover behaviour; a few runs of
the installed entry point in a subprocess cover what only the real process shows: the one-line error on
stderr and the exit codes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from collector.cli.app import app
from collector.cli.context import Runtime
from collector.core.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SAMPLES = ROOT.parent / "shared" / "plans"
SAMPLE_FILES = {
    "000": "000_91b110b48cdf9907.txt",
    "001": "001_64334b0856c2b6cd.txt",
    "004": "004_28f319c15f45ff81.txt",
}


@pytest.fixture
def cli(engine, database_url: str, clock) -> Iterator:
    """Run a command in-process against the test's migrated database; returns typer's Result."""
    runtimes: list[Runtime] = []

    def run(*args: str):
        runtime = Runtime(Settings(database_url=database_url), clock=clock, actor="cli:test")
        runtimes.append(runtime)
        return CliRunner().invoke(app, list(args), obj=runtime, catch_exceptions=False)

    yield run
    for runtime in runtimes:
        if runtime._engine is not None:
            runtime._engine.dispose()


def collector(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    """The installed entry point in its own process."""
    command = [str(Path(sys.executable).parent / "collector"), *args]
    return subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, **(env or {})}, cwd=cwd, timeout=120
    )


@pytest.mark.parametrize("doc", sorted(SAMPLE_FILES))
def test_plan_show_json_scores_the_sample_plans_above_the_bar(cli, samples, tmp_path, doc):
    imported = cli("plan", "import", str(samples / SAMPLE_FILES[doc]), "--plan-name", f"plan{doc}")
    assert imported.exit_code == 0, imported.output
    shown = cli("plan", "show", f"plan{doc}", "--json")
    assert shown.exit_code == 0
    out = tmp_path / "plan.json"
    out.write_text(shown.stdout, encoding="utf-8")
    scorer = samples / "expected" / "check_import.py"
    scored = subprocess.run(
        [sys.executable, str(scorer), str(samples / "expected" / f"{doc}.json"), str(out), "--min", "0.97"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    last = scored.stdout.strip().splitlines()[-1]
    assert scored.returncode == 0, scored.stdout[-2000:]
    assert float(last.split()[2]) >= 0.97


def test_plan_show_json_keeps_the_contract_shape(cli):
    cli("plan", "import", str(EXAMPLES / "riverside_edi_plan.docx"), "--plan-name", "riverside")
    data = json.loads(cli("plan", "show", "riverside", "--json").stdout)
    assert list(data)[:5] == ["id", "name", "title", "period", "sections"]
    assert (
        data["title"] == "Riverside Borough Council Equality, Diversity and Inclusion Action Plan 2026-2028"
    )
    assert len(data["actions"]) == 25
    action = next(a for a in data["actions"] if a["ref"] == "2.1")
    assert set(action) >= {
        "ref",
        "section_ref",
        "text",
        "leads",
        "target",
        "sub_actions",
        "updates",
        "fields",
    }
    assert {"code": "AP", "name": "Amira Patel"} in action["leads"]
    assert action["target"]["date"] == "2027-09-30"
    assert [s["ref"] for s in action["sub_actions"]] == ["2.1 a)", "2.1 b)", "2.1 c)"]
    assert action["sub_actions"][0]["target"] == {"text": "Mar-27", "date": "2027-03-31", "kind": "date"}
    done = next(a for a in data["actions"] if a["ref"] == "3.1")
    assert done["updates"][0]["status"] == "completed"
    assert done["updates"][0]["round"] == "Imported baseline"
    assert set(done["updates"][0]) >= {"status", "progress", "reported", "revised_due"}
    assert done["updates"][0]["revised_due"] is None  # the baseline revised nothing


def test_the_word_and_excel_examples_say_the_same_thing(cli):
    cli("plan", "import", str(EXAMPLES / "riverside_edi_plan.docx"), "--plan-name", "word")
    cli("plan", "import", str(EXAMPLES / "riverside_edi_plan.xlsx"), "--plan-name", "excel")
    word = json.loads(cli("plan", "show", "word", "--json").stdout)
    excel = json.loads(cli("plan", "show", "excel", "--json").stdout)

    def essence(plan):
        return [
            (a["ref"], a["text"], [lead["name"] for lead in a["leads"]], len(a["sub_actions"]))
            for a in plan["actions"]
        ]

    assert essence(word) == essence(excel)


def test_a_dry_run_shows_the_mapping_and_writes_nothing(cli):
    preview = cli("plan", "import", str(EXAMPLES / "riverside_edi_plan.xlsx"), "--dry-run")
    assert preview.exit_code == 0
    assert "Column mapping" in preview.stdout and "Lead officer" in preview.stdout
    assert "Dry run: nothing was written." in preview.stdout
    assert "No plans yet" in cli("plan", "list").stdout


def test_a_reimport_reports_what_changed_and_keeps_the_plan(cli, write_plan):
    first = write_plan(
        [
            ["Ref", "Action", "Lead", "Target"],
            ["1", "Audit the website", "JM", "Mar-27"],
            ["2", "Train the contact centre", "TD", "Jun-27"],
        ]
    )
    assert cli("plan", "import", str(first), "--plan-name", "web").exit_code == 0
    second = write_plan(
        [
            ["Ref", "Action", "Lead", "Target"],
            ["1", "Audit the website", "JM", "Sept 2027"],
            ["3", "Publish an accessibility statement", "JM", "Dec 2027"],
        ]
    )
    again = cli("plan", "import", str(second), "--plan-name", "web", "--update")
    assert again.exit_code == 0
    assert "added: 3" in again.stdout and "changed: 1" in again.stdout and "removed: 2" in again.stdout
    refs = [a["ref"] for a in json.loads(cli("plan", "show", "web", "--json").stdout)["actions"]]
    assert refs == ["1", "3"]


def test_people_import_links_leads_and_plan_leads_names_who_cannot_be_prompted(cli):
    cli("plan", "import", str(EXAMPLES / "riverside_edi_plan.docx"), "--plan-name", "riverside")
    before = cli("plan", "leads", "riverside")
    assert "leads have no contact" in before.stdout
    people = cli("people", "import", str(EXAMPLES / "people.csv"))
    assert (
        people.exit_code == 0 and "9 added" not in people.stdout
    )  # the plan's leads were updated, not doubled
    after = cli("plan", "leads", "riverside", "--json")
    rows = {row["label"]: row for row in json.loads(after.stdout)}
    assert rows["AP"]["channel"] == "slack" and rows["AP"]["email"] == "amira.patel@riverside.example.gov.uk"
    assert rows["LO"]["reachable"] is False and rows["LO"]["why_not"] == "no email or Slack id"
    assert rows["Equality team"]["channel"] == "members"


def test_a_bad_map_is_a_usage_error(cli):
    result = CliRunner().invoke(
        app,
        [
            "plan",
            "import",
            str(EXAMPLES / "riverside_edi_plan.xlsx"),
            "--dry-run",
            "--map",
            "Lead officer=boss",
        ],
    )
    assert result.exit_code == 2
    assert "unknown field 'boss'" in result.output


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.docx", "empty.docx: the file is empty"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
            "locked.xlsx",
            "locked.xlsx: the file is password-protected",
        ),
        (b"PK\x03\x04 not really a zip", "broken.docx", "broken.docx: not a valid Word or Excel file"),
        ("Action;Lead\n".encode("cp1252"), "nothing.csv", "nothing.csv: the table holds no actions"),
    ],
)
def test_a_file_it_cannot_import_gets_one_line_and_exit_code_1(tmp_path, content, name, message):
    path = tmp_path / name
    path.write_bytes(content)
    result = collector("plan", "import", str(path), env={"DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"})
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {tmp_path}/{message}")
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not (tmp_path / "c.db").exists() or "riverside" not in result.stdout


def test_the_installed_command_prints_the_contract_and_exits_cleanly(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}
    assert (
        collector(
            "plan", "import", str(EXAMPLES / "riverside_edi_plan.docx"), "--plan-name", "r", env=env
        ).returncode
        == 0
    )
    shown = collector("plan", "show", "r", "--json", env=env)
    assert shown.returncode == 0, shown.stderr[-2000:]
    assert json.loads(shown.stdout)["name"] == "r"
    missing = collector("plan", "show", "nope", env=env)
    assert (missing.returncode, missing.stderr.strip()) == (
        1,
        "error: no plan called nope: `collector plan list` shows the plans",
    )


def test_showing_the_housing_plan_from_sqlite_exits_cleanly(tmp_path, samples):
    """Regression: on CPython 3.11 this process crashed as it exited (SIGSEGV, a use-after-free in 3.11's
    inline attribute values); the Makefile builds the venv on 3.12+ where it can."""
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}
    assert (
        collector(
            "plan", "import", str(samples / SAMPLE_FILES["000"]), "--plan-name", "h", env=env
        ).returncode
        == 0
    )
    for _ in range(3):
        shown = collector("plan", "show", "h", "--json", env=env)
        assert shown.returncode == 0, f"exit {shown.returncode}: {shown.stderr[-1500:]}"


def test_a_csv_saved_by_excel_in_windows_1252_imports(cli, tmp_path):
    path = tmp_path / "plan.csv"
    text = (
        "Ref,Action,Lead officer,Target date,Progress\r\n"
        "1.1,Publish the £5k small grants scheme – with easy-read guidance,Zoë Brontë,Mar-27,On target\r\n"
    )
    path.write_bytes(text.encode("cp1252"))
    assert cli("plan", "import", str(path), "--plan-name", "grants").exit_code == 0
    [action] = json.loads(cli("plan", "show", "grants", "--json").stdout)["actions"]
    assert action["text"] == "Publish the £5k small grants scheme – with easy-read guidance"
    assert action["leads"] == [{"code": None, "name": "Zoë Brontë"}]
    assert action["updates"][0]["status"] == "on_track"


def test_a_people_file_with_a_bad_email_is_refused_with_its_row_and_nothing_is_written(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}
    people = tmp_path / "people.csv"
    people.write_text("name,code,email\nJo Baker,JB,jo.baker@example.org\nSam Ortiz,SO,sam.ortiz@example\n")
    result = collector("people", "import", str(people), env=env)
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {people}, row 3: ")
    assert "sam.ortiz@example" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    listed = collector("people", "list", "--json", env=env)
    assert json.loads(listed.stdout) == []


def test_people_set_changes_only_what_it_is_given(cli):
    cli("plan", "import", str(EXAMPLES / "riverside_edi_plan.docx"), "--plan-name", "riverside")
    cli("people", "import", str(EXAMPLES / "people.csv"))

    result = cli("people", "set", "Lucy O'Neill", "--email", "lucy.oneill@riverside.example.gov.uk")

    assert result.exit_code == 0, result.output
    people = {p["name"]: p for p in json.loads(cli("people", "list", "--json").stdout)}
    assert people["Lucy O'Neill"]["email"] == "lucy.oneill@riverside.example.gov.uk"
    assert people["Lucy O'Neill"]["code"] == "LO"  # untouched
    cleared = cli("people", "set", "Amira Patel", "--slack", "")
    assert cleared.exit_code == 0
    assert {p["name"]: p for p in json.loads(cli("people", "list", "--json").stdout)}["Amira Patel"][
        "slack_user_id"
    ] is None
