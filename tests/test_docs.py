"""The coordinators' guide runs as written: every command in its ```sh blocks, in order, against a fresh
database, from a folder holding the project's examples. A guide that drifts from the program fails here."""

from __future__ import annotations

import re
import shlex
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from collector.cli.app import app

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "coordinators.md"
pytestmark = pytest.mark.slow
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _commands(text: str) -> list[list[str]]:
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.S)
    lines = [line.strip() for block in blocks for line in block.splitlines()]
    return [shlex.split(line)[1:] for line in lines if line.startswith("collector ")]


def test_every_command_in_the_coordinators_guide_runs(tmp_path, monkeypatch):
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    for name in ("SMTP_URL", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "MAIL_DOMAIN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'var' / 'collector.db'}")
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    commands = _commands(GUIDE.read_text(encoding="utf-8"))
    assert len(commands) >= 15
    runner = CliRunner()
    for args in commands:
        result = runner.invoke(app, args)
        assert result.exit_code == 0, f"collector {shlex.join(args)}\n{result.output}"
    assert sorted(p.suffix for p in (tmp_path / "out" / "riverside").iterdir()).count(".pdf") == 2
    assert list((tmp_path / "var" / "outbox").glob("*report*")) or list(
        (tmp_path / "var" / "outbox").iterdir()
    )


def test_the_guide_writes_no_date_that_goes_stale():
    """A due date written into a command works until that day, then the guide fails its readers: the
    commands give dates relative to today ("--due 14d") instead."""
    dated = [
        args for args in _commands(GUIDE.read_text(encoding="utf-8")) if any(_DATE.search(a) for a in args)
    ]
    assert dated == []


def test_a_due_date_can_be_given_as_days_from_today(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'c.db'}")
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    runner = CliRunner()
    assert runner.invoke(app, ["plan", "import", str(ROOT / "examples" / "riverside_edi_plan.docx"),
                               "--plan-name", "r"]).exit_code == 0  # fmt: skip
    assert runner.invoke(app, ["people", "import", str(ROOT / "examples" / "people.csv")]).exit_code == 0
    shown = runner.invoke(app, ["round", "open", "--plan", "r", "--due", "14d", "--dry-run"])
    assert shown.exit_code == 0, shown.output
    assert f"due {date.today() + timedelta(days=14):%a %d %b %Y}" in " ".join(shown.output.split())
    wrong = runner.invoke(app, ["round", "open", "--plan", "r", "--due", "soon", "--dry-run"])
    assert wrong.exit_code == 2 and "days from today: 14d" in wrong.output


def _readme_commands() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.S)
    out = []
    for line in (line.strip() for block in blocks for line in block.splitlines()):
        words = shlex.split(line, comments=True)
        if words and words[0] in ("collector", ".venv/bin/collector"):
            out.append(words[1:])
    return out


@pytest.mark.parametrize("args", _readme_commands(), ids=lambda a: " ".join(a)[:60])
def test_every_command_in_the_readme_exists_with_the_options_it_shows(args):
    path = []
    for word in args:
        if word.startswith("-"):
            break
        candidate = [*path, word]
        if CliRunner().invoke(app, [*candidate, "--help"]).exit_code != 0:
            break
        path = candidate
        if word in ("import", "parse", "receive", "show", "leads", "apply", "reject", "replay"):
            break  # the rest are the command's arguments
    shown = CliRunner().invoke(app, [*path, "--help"], terminal_width=200)
    assert shown.exit_code == 0, args
    for option in (w.split("=")[0] for w in args if w.startswith("--")):
        assert option in shown.output, f"collector {' '.join(path)} has no {option}"
