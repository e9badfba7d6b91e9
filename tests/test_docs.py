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
    due = (date.today() + timedelta(days=14)).isoformat()  # the guide's date, kept in the future
    commands = _commands(GUIDE.read_text(encoding="utf-8"))
    assert len(commands) >= 15
    runner = CliRunner()
    for args in commands:
        args = [due if a == "2026-12-04" else a for a in args]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, f"collector {shlex.join(args)}\n{result.output}"
    assert sorted(p.suffix for p in (tmp_path / "out" / "riverside").iterdir()).count(".pdf") == 2
    assert list((tmp_path / "var" / "outbox").glob("*report*")) or list(
        (tmp_path / "var" / "outbox").iterdir()
    )


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
