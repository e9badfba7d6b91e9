"""`collector demo` (the README's `make demo`): the whole loop on embedded defaults, checked by what it left
in the database and the outbox rather than by its narration."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from typer.testing import CliRunner

from collector.cli.app import app
from store.db import make_engine, session_scope
from store.models import InboundMessage, Person, Update


def test_the_demo_runs_the_loop_from_import_to_receipts(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE_URL", "SMTP_URL", "SLACK_BOT_TOKEN", "MAIL_DOMAIN"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(
        app, ["demo", "--dir", str(tmp_path / "demo"), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output

    engine = make_engine(f"sqlite:///{tmp_path / 'demo' / 'collector.db'}")
    with session_scope(engine, read_only=True) as s:
        states = Counter(s.scalars(select(InboundMessage.state)))
        by_pa = s.execute(
            select(Person.name, Update.submitted_for_id)
            .join(Person, Person.id == Update.submitted_by_id)
            .where(Update.via == "email", Person.name == "Priya Shah")
        ).all()
        margaret = s.scalar(select(Person.id).where(Person.name == "Margaret Ellison"))
    engine.dispose()
    assert sum(states.values()) == 5 and states["auto_reply"] == 1 and states["applied"] >= 3
    assert by_pa and {for_id for _name, for_id in by_pa} == {margaret}  # the PA answered for her director
    outbox = tmp_path / "demo" / "outbox"
    assert len(list(outbox.glob("*-receipt-*"))) == 4  # one per reply but the out-of-office
    assert "6. Leads reply by email" in result.output
    built = sorted(p.suffix for p in (tmp_path / "out").iterdir())
    assert built == [".csv", ".docx", ".html", ".md", ".pdf", ".xlsx"]
    (pdf,) = (tmp_path / "out").glob("*.pdf")  # named after the round, which follows today's date
    assert pdf.read_bytes().startswith(b"%PDF")
