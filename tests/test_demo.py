"""`collector demo` (the README's `make demo`): the whole loop on embedded defaults, checked by what it left
in the database and the outbox rather than by its narration."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from typer.testing import CliRunner

from collector.cli.app import app
from collector.cli.demo import EXAMPLES
from collector.cli.demo_mail import answer_for, load_answers
from store.db import make_engine, session_scope
from store.models.directory import Person
from store.models.plans import Action
from store.models.records import InboundMessage
from store.models.updates import Update


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
        said = s.execute(select(Action.ref, Update.progress).join(Action).where(Update.via == "email")).all()
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
    # every reply is about the action it answers: what the lead wrote is that action's own answer
    answers = load_answers(EXAMPLES / "demo_answers.csv")
    told = [(ref, progress) for ref, progress in said if progress and not progress.startswith("No change")]
    assert len(told) >= 8
    for ref, progress in told:
        assert answers[ref][1][:40].casefold() in progress.casefold(), (ref, progress)


def test_an_action_without_a_written_answer_is_answered_from_its_own_text():
    answers = load_answers(EXAMPLES / "demo_answers.csv")
    assert answer_for("2.3", "anything", answers) == answers["2.3"]
    status, what = answer_for("9.9", "Install a hearing loop in every library.", answers)
    assert status == "in hand" and "install a hearing loop in every library" in what
    _, long = answer_for("9.9", "Review " + "the housing allocations policy " * 10, answers)
    assert len(long) < 160 and "…" in long
