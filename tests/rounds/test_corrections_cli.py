"""Corrections as new facts, never erasure: what a coordinator types to fix or withdraw an update, end to end
through the CLI (a lead's email received with `mail receive`, the coordinator's commands, the compiled
report and `plan show --json`), on both backends."""

from __future__ import annotations

import csv
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from collector.core.errors import NotFound, UserError
from store.db import session_scope
from store.models.records import AuditEvent, InboundMessage
from store.models.rounds import Prompt
from store.models.updates import Update


def _flat(text: str) -> str:
    return " ".join(re.sub(r"[│┃]", " ", text).split())


@pytest.fixture
def jo_writes(cli, world, engine, tmp_path):
    """Jo replies by email to her prompt; the reply goes through `collector mail receive`. Returns the
    stored message's id."""
    sent = iter(range(1, 100))

    def write(text: str) -> int:
        with session_scope(engine, read_only=True) as s:
            token = s.scalar(select(Prompt.token).where(Prompt.person_id == world.people["Jo"]))
        n = next(sent)
        path = tmp_path / f"reply{n}.eml"
        path.write_text(
            "From: Jo Baker <jo.baker@harbourside.gov.uk>\n"
            f"To: progress+{token}@localhost\n"
            "Subject: Re: Harbourside progress\n"
            f"Message-ID: <reply{n}@harbourside.gov.uk>\n"
            "Date: Mon, 01 Mar 2027 10:00:00 +0000\n"
            "Content-Type: text/plain; charset=utf-8\n\n"
            f"{text}\n"
        )
        result = cli("mail", "receive", str(path))
        assert result.exit_code == 0, result.output
        with session_scope(engine, read_only=True) as s:
            return s.scalar(
                select(InboundMessage.id).where(InboundMessage.external_id.contains(f"reply{n}@"))
            )

    return write


@pytest.fixture
def report(cli, tmp_path):
    """Build the report as md, html and csv; return the md and html texts and the csv rows by ref."""
    counter = iter(range(1, 100))

    def build() -> tuple[str, str, dict[str, dict[str, str]]]:
        out = tmp_path / f"papers{next(counter)}"
        formats = "md,html,csv"
        result = cli("report", "build", "--plan", "harbourside", "--format", formats, "--out", str(out))
        assert result.exit_code == 0, result.output
        with next(out.glob("*.csv")).open(encoding="utf-8-sig", newline="") as f:
            table = {row["Ref"]: row for row in csv.DictReader(f)}
        return next(out.glob("*.md")).read_text(), next(out.glob("*.html")).read_text(), table

    return build


def _updates_shown(cli, ref: str) -> list[dict]:
    plan = json.loads(cli("plan", "show", "harbourside", "--json").stdout)
    action = next(a for a in plan["actions"] if a["ref"] == ref)
    return action["updates"]


def _responded(engine, world, who: str):
    """When `who`'s prompt in the open round counts as answered (None: not answered)."""
    with session_scope(engine, read_only=True) as s:
        return s.scalar(select(Prompt.responded_at).where(Prompt.person_id == world.people[who]))


def _audit(engine, event: str) -> list[AuditEvent]:
    with session_scope(engine, read_only=True) as s:
        rows = list(s.scalars(select(AuditEvent).where(AuditEvent.event == event).order_by(AuditEvent.id)))
        s.expunge_all()
        return rows


def test_a_status_only_correction_keeps_the_leads_words_and_says_who_changed_it(
    cli, world, engine, clock, jo_writes, report
):
    cli("round", "open", "--plan", "harbourside", "--due", "2027-03-31")
    jo_writes("1.1 on track: the survey closed last week and analysis has started.")

    corrected = cli("update", "add", "--plan", "harbourside", "--action", "1.1", "--status", "at_risk")

    assert corrected.exit_code == 0, corrected.output
    assert "Recorded 1.1: at_risk: the survey closed last week and analysis has started." in _flat(
        corrected.stdout
    )
    md, html, table = report()
    row = table["1.1"]
    assert row["Progress this round"] == "the survey closed last week and analysis has started."
    assert row["Reported by"] == "Jo Baker; Status changed by test on 1 March 2027"
    assert (row["Status"], row["Status last round"]) == ("At risk", "On track")
    assert "1.1 Publish the workforce equality report: On track → At risk" in md
    assert "Status changed by test on 1 March 2027" in html and "survey closed last week and analysis" in html
    with session_scope(engine, read_only=True) as s:
        query = select(Update).where(Update.action_id == world.actions["1.1"], Update.via != "import")
        first, second = s.scalars(query.order_by(Update.id))
        assert (second.corrects_id, second.corrected, second.entered_by) == (first.id, ["status"], "cli:test")
        assert second.submitted_by_id == first.submitted_by_id == world.people["Jo"]
    (event,) = _audit(engine, "update.corrected")
    assert (event.actor, event.at, event.detail["changed"]) == ("cli:test", clock.now(), ["status"])


def test_review_apply_with_only_a_status_keeps_what_the_reply_said(cli, world, engine, jo_writes, report):
    cli("round", "open", "--plan", "harbourside", "--due", "2027-03-31")
    item = jo_writes("1.1: finished the draft")  # "finished" only implies a status: a person decides
    assert f"{item} " in _flat(cli("review", "list").stdout)

    applied = cli("review", "apply", str(item), "--ref", "1.1", "--status", "completed")

    assert applied.exit_code == 0, applied.output
    _, html, table = report()
    assert (table["1.1"]["Progress this round"], table["1.1"]["Status"]) == (
        "finished the draft",
        "Completed",
    )
    assert "finished the draft" in html
    assert [u["progress"] for u in _updates_shown(cli, "1.1")][-1] == "finished the draft"
    (event,) = _audit(engine, "review.applied")
    assert (event.actor, event.entity, event.entity_id) == ("cli:test", "inbound_message", item)


def test_rejecting_a_reply_applied_beside_its_question_withdraws_what_it_recorded(
    cli, world, engine, jo_writes, report
):
    cli("round", "open", "--plan", "harbourside", "--due", "2027-03-31")
    item = jo_writes("1.1 on track: the survey closed last week.\n\nCan we move the deadline for 1.2?")
    assert report()[2]["1.1"]["Progress this round"] == "the survey closed last week."  # beside the question

    rejected = cli("review", "reject", str(item), "--reason", "Jo wrote to the wrong plan")

    assert rejected.exit_code == 0, rejected.output
    with session_scope(engine, read_only=True) as s:
        kept = s.scalars(
            select(Update).where(Update.inbound_message_id == item).execution_options(include_withdrawn=True)
        ).one()
        assert (kept.withdrawn_by, kept.withdrawn_reason) == ("cli:test", "Jo wrote to the wrong plan")
        kept_id = kept.id
    assert f"Withdrew update {kept_id} it had recorded." in _flat(rejected.stdout)
    md, html, table = report()
    assert "survey closed" not in md and "survey closed" not in html
    assert (table["1.1"]["Status"], table["1.1"]["Progress this round"]) == ("No update received",) * 2
    assert all("survey" not in u["progress"] for u in _updates_shown(cli, "1.1"))
    listed = _flat(cli("update", "list", "--plan", "harbourside", "--action", "1.1").stdout)
    assert (
        f"{kept_id} 1.1" in listed
        and "withdrawn by test on 1 March 2027: Jo wrote to the wrong plan" in listed
    )
    (event,) = _audit(engine, "review.rejected")
    assert event.detail["withdrawn"] == [kept_id] and event.detail["was"] == "needs_review"
    assert [e.entity_id for e in _audit(engine, "update.withdrawn")] == [kept_id]


def test_an_applied_reply_rejected_later_is_withdrawn_too(cli, world, engine, jo_writes, report):
    cli("round", "open", "--plan", "harbourside", "--due", "2027-03-31")
    item = jo_writes("1.1 on track: the survey closed last week.")
    status = _flat(cli("round", "status", "--plan", "harbourside").stdout)
    assert "1/2" in status  # Jo: one of her two actions answered
    assert _responded(engine, world, "Jo") is not None

    rejected = cli("review", "reject", str(item), "--reason", "sent by mistake")

    assert rejected.exit_code == 0, rejected.output
    assert _responded(engine, world, "Jo") is None  # nothing of hers is left: reminders chase her again
    _, html, table = report()
    assert "survey closed" not in html and table["1.1"]["Status"] == "No update received"
    assert "0/2" in _flat(cli("round", "status", "--plan", "harbourside").stdout)
    with pytest.raises(UserError, match=f"message {item} is rejected, not waiting for review or applied"):
        cli("review", "reject", str(item), "--reason", "twice")


def test_a_withdrawn_update_counts_nowhere_and_the_one_before_counts_again(cli, world, engine, clock, report):
    cli("round", "open", "--plan", "harbourside", "--due", "2027-03-31")
    add = ("update", "add", "--plan", "harbourside", "--action", "1.1", "--by", "Jo Baker")
    cli(*add, "--status", "on_track", "--progress", "Survey closed")
    clock._at += timedelta(hours=1)
    second = cli(*add, "--status", "off_track", "--progress", "Typed against the wrong action")
    wrong = int(re.search(r"\(update (\d+)\)", second.stdout).group(1))
    assert report()[2]["1.1"]["Progress this round"] == "Typed against the wrong action"

    withdrawn = cli("update", "withdraw", str(wrong), "--reason", "meant for 1.2")

    assert withdrawn.exit_code == 0 and f"Withdrew update {wrong}." in withdrawn.stdout
    assert _responded(engine, world, "Jo") is not None  # her first answer still stands
    _, html, table = report()
    assert (table["1.1"]["Progress this round"], table["1.1"]["Status"]) == ("Survey closed", "On track")
    assert "wrong action" not in html
    assert [u["progress"] for u in _updates_shown(cli, "1.1")][-1] == "Survey closed"
    listed = json.loads(cli("update", "list", "--plan", "harbourside", "--action", "1.1", "--json").stdout)
    assert [(u["progress"], u["withdrawn"]) for u in listed][-2:] == [
        ("Survey closed", False),
        ("Typed against the wrong action", True),
    ]
    (event,) = _audit(engine, "update.withdrawn")
    assert (event.actor, event.at, event.entity_id, event.detail["reason"]) == (
        "cli:test",
        clock.now(),
        wrong,
        "meant for 1.2",
    )
    # the second answer replaced the first's words: a correction in the history, but no note in the report
    assert [len(_audit(engine, e)) for e in ("update.entered", "update.corrected")] == [1, 1]
    with pytest.raises(UserError, match=f"update {wrong} was already withdrawn on 01 March 2027"):
        cli("update", "withdraw", str(wrong), "--reason", "again")
    with pytest.raises(NotFound, match="no update 999"):
        cli("update", "withdraw", "999", "--reason", "no such update")


def test_withdrawing_needs_a_reason(cli, world):
    cli("round", "open", "--plan", "harbourside", "--due", "2027-03-31")
    cli("update", "add", "--plan", "harbourside", "--action", "1.1", "--status", "on_track")
    with pytest.raises(UserError, match="say why the update is withdrawn"):
        cli("update", "withdraw", "1", "--reason", "  ")
    assert cli("update", "withdraw", "1").exit_code == 2  # --reason is required: a usage error


def test_a_revised_target_alone_keeps_the_status_and_the_words(cli, world, engine, jo_writes, report):
    cli("round", "open", "--plan", "harbourside", "--due", "2027-03-31")
    jo_writes("1.1 on track: the survey closed last week.")

    cli("update", "add", "--plan", "harbourside", "--action", "1.1", "--revised-target", "June 2027")

    row = report()[2]["1.1"]
    assert (row["Status"], row["Progress this round"], row["Revised target"]) == (
        "On track",
        "the survey closed last week.",
        "June 2027",
    )
    assert row["Reported by"] == "Jo Baker; Revised target changed by test on 1 March 2027"
    listed = _flat(cli("update", "list", "--plan", "harbourside", "--action", "1.1").stdout)
    assert "Revised target changed by test on 1 March 2027 (corrects update" in listed


def test_a_status_with_nothing_before_it_in_the_round_is_a_plain_entry(cli, world, engine, report):
    cli("round", "open", "--plan", "harbourside", "--due", "2027-03-31")

    cli("update", "add", "--plan", "harbourside", "--action", "1.1", "--status", "at_risk")

    row = report()[2]["1.1"]
    assert (row["Status"], row["Progress this round"], row["Reported by"]) == ("At risk", "", "")
    with session_scope(engine, read_only=True) as s:
        update = s.scalars(select(Update).where(Update.via == "cli")).one()
        assert (update.corrects_id, update.entered_by) == (None, "cli:test")
