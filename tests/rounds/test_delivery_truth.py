"""Delivery that tells the truth: each lead is reached by the first configured channel that can reach them,
through a real relay on loopback; what is only written to var/outbox/ is never called sent; a lead nobody
can reach is reported and escalated; a send left claimed by a crash goes again with the same Message-ID."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default

import pytest
from sqlalchemy import select

from bot import home
from bot.blocks.home import home_view
from collector.channels.outbox import OutboxChannel, sweep_partials, write_atomic
from collector.channels.protocol import NoticeMessage, ReceiptLine, ReceiptMessage, Recipient
from collector.channels.registry import close_channels
from collector.cli.wiring import channels_for
from collector.core.settings import Settings
from collector.rounds.delivery import DEFAULT_LEASE, Deliverer
from collector.rounds.status import delivery_line, round_status
from collector.rounds.work import Work
from store.db import session_scope
from store.models.directory import Person
from store.models.rounds import Prompt, Round
from tests.fakes.channels import RecordingChannel
from tests.rounds.helpers import deliveries, open_harbourside, prompts, run

LATER = DEFAULT_LEASE + timedelta(seconds=1)
ESCALATION = datetime(2027, 4, 5, 8, tzinfo=UTC)


@pytest.fixture
def email_only(relay, tmp_path, clock):
    """The registry's channels for an installation with SMTP_URL and no Slack."""
    settings = Settings(
        _env_file=None, var_dir=tmp_path / "var", smtp_url=relay.url, mail_domain="progress.example.org"
    )
    channels = channels_for(settings, clock)
    yield channels
    close_channels(channels)


def _status(engine, round_id, now):
    with session_scope(engine, read_only=True) as s:
        return round_status(s, s.get_one(Round, round_id), now=now)


def _received(relay) -> list[tuple[list[str], str]]:
    """(recipients, Message-ID) of each message the relay accepted, in order."""
    return [
        (rcpt, message_from_bytes(content, policy=default)["Message-ID"])
        for _f, rcpt, content, _s in relay.delivered
    ]


def test_a_lead_who_prefers_slack_gets_a_real_email_where_only_email_is_configured(
    engine, world, clock, relay, email_only, tmp_path
):
    opened = open_harbourside(engine, world, clock)

    report = run(engine, email_only, clock)

    to = sorted(r for rcpt, _ in _received(relay) for r in rcpt)
    assert to == ["alex.price@harbourside.gov.uk", "chris@harbourside.gov.uk", "jo.baker@harbourside.gov.uk"]
    assert (report.prompts_sent, report.unreachable, dict(report.channels)) == (3, 1, {"email": 3})
    alex = prompts(engine, opened.round.id)["Alex"]
    assert (alex.channel, alex.status) == ("slack", "sent")  # preferred Slack, carried by email
    totals = _status(engine, opened.round.id, clock.now()).totals
    assert (totals["sent"], totals["written"], totals["failed"], totals["unreachable"]) == (3, 0, 0, 1)
    assert not (tmp_path / "var" / "outbox").exists()  # nothing parked in a folder


def test_a_claim_older_than_the_lease_reaches_the_relay_again_with_the_same_message_id(
    engine, world, clock, relay, email_only
):
    opened = open_harbourside(engine, world, clock)
    smtp = email_only["email"].relay
    real_send, armed = smtp.send, {"jo": True}

    def send_then_die(msg, *args, **kwargs):
        real_send(msg, *args, **kwargs)  # the relay has it ...
        if "jo.baker" in str(msg["To"]) and armed.pop("jo", False):
            raise SystemExit("killed before recording")  # ... and the process dies before the record

    smtp.send = send_then_die
    with pytest.raises(SystemExit):
        run(engine, email_only, clock)
    run(engine, email_only, clock)  # inside the lease: not again

    report = run(engine, email_only, clock, at=clock.now() + LATER)

    to_jo = [mid for rcpt, mid in _received(relay) if rcpt == ["jo.baker@harbourside.gov.uk"]]
    assert report.resent == 1 and len(to_jo) == 2 and to_jo[0] == to_jo[1]
    jo = prompts(engine, opened.round.id)["Jo"]
    assert jo.status == "sent" and jo.message_id == to_jo[0]
    assert run(engine, email_only, clock, at=clock.now() + LATER).summary() == "nothing due"


def test_an_installation_with_no_channel_reports_every_message_as_written_not_sent(
    engine, world, clock, tmp_path
):
    opened = open_harbourside(engine, world, clock)
    channels = channels_for(Settings(_env_file=None, var_dir=tmp_path / "var"), clock)

    report = run(engine, channels, clock)

    assert dict(report.channels) == {"outbox": 4}
    st = _status(engine, opened.round.id, clock.now())
    assert (st.totals["sent"], st.totals["written"]) == (0, 4)
    assert delivery_line(st.messages) == "4 written to var/outbox/ (not sent)"
    assert len(list((tmp_path / "var" / "outbox").glob("*-prompt-*"))) == 4
    with session_scope(engine, read_only=True) as s:  # the coordinator's Slack Home tab says the same
        (line,) = home._rounds(s)
    text = str(home_view(None, [line], []))
    assert "Prompts: 4 written to var/outbox/ (not sent)" in text


def test_an_unreachable_lead_is_reported_and_named_in_the_escalation(engine, world, clock):
    opened = open_harbourside(engine, world, clock)
    email = RecordingChannel(name="email")

    run(engine, {"email": email}, clock)
    run(engine, {"email": email}, clock, at=ESCALATION)

    st = _status(engine, opened.round.id, clock.now())
    assert st.totals["unreachable"] == 1
    assert any(
        p.startswith("prompt to Sam Ortiz: unreachable (unreachable: Sam Ortiz has slack;")
        for p in st.problems
    )
    (escalation,) = email.of("escalation")
    assert any(m.lead.startswith("Sam Ortiz") and m.refs for m in escalation.missing)


def test_a_receipt_claimed_by_a_mail_process_that_died_is_sent_by_the_next_tick(
    engine, world, clock, channels, channel
):
    opened = open_harbourside(engine, world, clock)
    run(engine, channels, clock)
    with session_scope(engine, read_only=True) as s:
        jo = s.get_one(Person, world.people["Jo"])
        prompt_id = s.scalar(select(Prompt.id).where(Prompt.person_id == jo.id))
        receipt = ReceiptMessage(
            "Harbourside",
            "Spring 2027",
            Recipient(jo.id, jo.display, jo.email),
            (ReceiptLine("1.1", "on_track", "fine"),),
        )
    work = Work(
        "receipt:77",
        "receipt",
        opened.round.id,
        prompt_id,
        world.people["Jo"],
        "email",
        "Jo Baker",
        lambda _s: receipt,
    )
    with session_scope(engine) as s:  # what mailin.inbound.process does: claim with the reply's decision ...
        assert Deliverer(engine, channels, clock).claim_in(s, work) is not None
    # ... and the process dies before sending

    report = run(engine, channels, clock, at=clock.now() + LATER)

    assert report.resent == 1 and channel.of("receipt")[0].lines == receipt.lines
    (row,) = deliveries(engine, "receipt")
    assert row.state == "sent" and channel.of("receipt")[0].send_id == row.send_id


def test_outbox_files_are_written_whole_and_a_crash_leftover_is_swept_when_a_process_starts(
    tmp_path, clock, monkeypatch
):
    outbox = tmp_path / "var" / "outbox"
    OutboxChannel(outbox, clock=clock).send_notice(NoticeMessage("Hi", Recipient(1, "Jo"), ("x",)))
    assert [p.suffix for p in outbox.iterdir()] == [".txt"]

    def die(*_a):
        raise OSError("killed mid-write")

    monkeypatch.setattr(os, "replace", die)
    with pytest.raises(OSError):
        write_atomic(outbox / "half.txt", b"half a message")
    monkeypatch.undo()
    old = outbox / "half.txt.part"
    assert old.exists() and not (outbox / "half.txt").exists()
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    (outbox / "live.txt.part").write_bytes(b"another process, writing now")

    channels_for(Settings(_env_file=None, var_dir=tmp_path / "var"), clock)  # a process starting

    assert not old.exists() and (outbox / "live.txt.part").exists()
    assert sweep_partials(outbox, grace=0) == 1 and not list(outbox.glob("*.part"))
