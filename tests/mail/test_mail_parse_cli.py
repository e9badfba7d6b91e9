"""`collector mail parse`: the JSON contract of contracts.md, the readable summary, and a missing file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from collector.cli.app import app
from collector.cli.mail import parse_file
from collector.core.errors import UserError

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "mail"


def run(*args: str):
    return CliRunner().invoke(app, ["mail", "parse", *args])


def test_it_prints_exactly_the_contract_keys_as_json() -> None:
    result = run(
        str(CORPUS / "outlook_desktop_01.eml"), "--refs", "1.1,1.2,2.3", "--today", "2027-03-04", "--json"
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert list(out) == ["reply", "body", "auto_reply", "bounce", "updates"]
    assert "Tel: 01632 960 418" in out["reply"] and "Tel: 01632" not in out["body"]
    assert out["updates"][2] == {
        "ref": "2.3",
        "status": "at_risk",
        "progress": out["updates"][2]["progress"],
        "revised_due": "2028-03",
    }
    assert [u["ref"] for u in out["updates"]] == ["1.1", "1.2", "2.3"]


def test_without_refs_it_uses_the_headings_in_the_reply() -> None:
    out = parse_file(CORPUS / "gmail_inline_02.eml", None, None)
    assert [u["ref"] for u in out["updates"]] == ["2.3"]
    assert out["updates"][0]["status"] == "at_risk"


def test_without_refs_or_headings_there_are_no_updates() -> None:
    assert parse_file(CORPUS / "gmail_web_01.eml", None, None)["updates"] == []


def test_an_out_of_office_gives_no_updates() -> None:
    out = parse_file(CORPUS / "auto_exchange_ooo.eml", ["1.1"], None)
    assert out["auto_reply"] is True and out["updates"] == []


def test_the_summary_names_each_update() -> None:
    result = run(str(CORPUS / "thunderbird_01.eml"), "--refs", "1.1,1.2,2.3")
    assert result.exit_code == 0
    assert "1.2: not_started" in result.output


def test_a_missing_file_is_a_user_error() -> None:
    with pytest.raises(UserError, match="no such file"):
        parse_file(CORPUS / "not-there.eml", None, None)


def test_a_missing_file_exits_1_with_one_line() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "collector.cli.app", "mail", "parse", "not-there.eml", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0 and "not-there.eml" in proc.stderr
