"""`collector mail receive`: replies that reached another mailbox, handed over as files or on stdin (the
delivery command of fetchmail or procmail), stored once and processed like mail our server received."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from collector.cli.app import app
from collector.cli.mail import not_an_email
from collector.core.errors import UserError
from store.db import make_engine, session_scope
from store.models.records import InboundMessage

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "replies" / "james-mensah-outlook.eml"


def _states(db: Path) -> list[tuple[str, str]]:
    engine = make_engine(f"sqlite:///{db}")
    with session_scope(engine, read_only=True) as s:
        rows = list(s.execute(select(InboundMessage.external_id, InboundMessage.state)))
    engine.dispose()
    return [tuple(r) for r in rows]


def test_a_file_and_stdin_are_stored_once_and_processed(tmp_path, monkeypatch):
    db = tmp_path / "var" / "collector.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    runner = CliRunner()
    first = runner.invoke(app, ["mail", "receive", str(EXAMPLE)])
    assert first.exit_code == 0, first.output
    assert "1 stored (0 already there)" in first.output
    again = runner.invoke(app, ["mail", "receive", "-"], input=EXAMPLE.read_bytes())  # fetchmail's way
    assert again.exit_code == 0 and "0 stored (1 already there)" in again.output
    # nobody in this empty directory sent it: kept, and waiting for a person with the reason
    assert _states(db) == [("<DB9PR05MB8123E4F1C2A@DB9PR05MB8123.eurprd05.prod.outlook.com>", "needs_review")]


def test_an_empty_or_missing_file_is_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'c.db'}")
    (tmp_path / "empty.eml").write_bytes(b"")
    empty = CliRunner().invoke(app, ["mail", "receive", str(tmp_path / "empty.eml")])
    missing = CliRunner().invoke(app, ["mail", "receive", str(tmp_path / "nope.eml")])
    assert empty.exit_code == 1 and "not an email (the file is empty)" in str(empty.exception)
    assert missing.exit_code == 1 and "cannot be read" in str(missing.exception)


NOT_EMAIL = {
    "a PDF": (
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        "does not begin with header",
    ),
    "a binary": (bytes(range(256)) * 4, "does not begin with header lines"),
    "an empty file": (b"", "the file is empty"),
    "blank lines": (b"\n\r\n  \n", "the file is empty"),
    "notes with a colon": (b"Progress notes: all fine\nMore text here\n", "does not begin with header lines"),
    "headers without a sender": (b"Subject: 1.1 done\n\non track\n", "has no From: line"),
}


@pytest.mark.parametrize("case", list(NOT_EMAIL))
def test_a_file_that_is_not_an_email_is_refused_in_one_line_and_not_stored(tmp_path, monkeypatch, case):
    content, why = NOT_EMAIL[case]
    db = tmp_path / "var" / "collector.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    (tmp_path / "report.pdf").write_bytes(content)

    # given with a real reply before it: nothing of the batch is stored
    result = CliRunner().invoke(app, ["mail", "receive", str(EXAMPLE), str(tmp_path / "report.pdf")])

    assert result.exit_code == 1 and isinstance(result.exception, UserError)
    message = str(result.exception)
    assert "\n" not in message and message.startswith(f"{tmp_path / 'report.pdf'}: not an email (")
    assert why in message and message.endswith("nothing was stored")
    assert not db.exists() or _states(db) == []


@pytest.mark.parametrize(
    "raw",
    [
        EXAMPLE.read_bytes(),
        b"From progress@x.org Thu Dec  3 09:00:00 2026\nFrom: Jo <jo@x.org>\nSubject: 1.1\n\nok\n",  # mbox
        b"From: Jo <jo@x.org>\r\nSubject: a long subject\r\n folded onto a second line\r\n\r\n1.1 done\r\n",
        b"From: Jo <jo@x.org>\nSubject: headers only\n",
    ],
    ids=["outlook", "mbox separator", "folded CRLF", "headers only"],
)
def test_a_real_message_is_recognised_as_one(raw):
    assert not_an_email(raw) is None


def test_the_envelope_sender_is_the_return_path_the_mailbox_recorded(tmp_path, monkeypatch):
    """A fetched message keeps its real envelope sender (Return-Path), so the sender check
    (mailin/inbound/sender.py) compares From with it rather than with itself."""
    db = tmp_path / "var" / "collector.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    raw = b"Return-Path: <mallory@elsewhere.test>\r\n" + EXAMPLE.read_bytes()
    result = CliRunner().invoke(app, ["mail", "receive", "-"], input=raw)
    assert result.exit_code == 0, result.output
    engine = make_engine(f"sqlite:///{db}")
    with session_scope(engine, read_only=True) as s:
        [row] = s.scalars(select(InboundMessage))
        assert row.envelope["mail_from"] == "mallory@elsewhere.test"
        assert row.state == "needs_review" and "sender not verified" in row.reason
    engine.dispose()
