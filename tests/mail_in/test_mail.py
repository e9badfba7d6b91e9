"""Inbound mail over real loopback SMTP (smtplib -> our aiosmtpd server) on both backends: the RCPT/DATA
policy, durability at 250, dedupe, 4xx for our faults, and processing into updates, receipts and notices."""

from __future__ import annotations

import smtplib
import socket
from datetime import UTC, datetime
from email.utils import make_msgid

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from collector.core.clock import FrozenClock
from collector.core.settings import Settings
from collector.rounds.tick import tick
from mailin.inbound import routing
from mailin.inbound.process import process_pending
from mailin.inbound.server import MailHandler, ServerThread
from store.db import session_scope
from store.models.directory import Person
from store.models.records import InboundMessage
from store.models.rounds import Delivery
from store.models.updates import Update
from tests.fakes.channels import RecordingChannel
from tests.rounds import personas
from tests.rounds.helpers import open_harbourside, prompts

DOMAIN = "updates.harbourside.test"
MONDAY = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
JO, CHRIS = "jo.baker@harbourside.gov.uk", "chris@harbourside.gov.uk"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(MONDAY)


@pytest.fixture
def email() -> RecordingChannel:
    return RecordingChannel(name="email")


@pytest.fixture
def channels(email) -> dict:
    return {"email": email, "outbox": email}


@pytest.fixture
def settings(database_url, tmp_path) -> Settings:
    return Settings(database_url=database_url, mail_domain=DOMAIN, var_dir=tmp_path / "var")


@pytest.fixture
def handler(engine, clock) -> MailHandler:
    return MailHandler(engine, DOMAIN, clock)


@pytest.fixture
def server(handler):
    with ServerThread(handler, data_size_limit=256 * 1024, max_sessions=5) as running:
        yield running


@pytest.fixture
def jo_prompt(engine, clock, channels):
    """The Harbourside round, opened and prompted (so prompts have Message-IDs): Jo's prompt."""
    with session_scope(engine) as s:
        world = personas.build(s, clock)
    opened = open_harbourside(engine, world, clock)
    tick(engine, channels, clock)
    return prompts(engine, opened.round.id)["Jo"]


def mail(frm: str, to: str, body: str, *, message_id: str | None = None, headers=(), subject="Re: progress"):
    lines = [
        f"From: {frm}",
        f"To: {to}",
        f"Subject: {subject}",
        f"Message-ID: {message_id or make_msgid(domain='client.test')}",
        "Date: Mon, 01 Mar 2027 10:00:00 +0000",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        *headers,
        "",
        body,
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def send(port: int, frm: str, to: str, raw: bytes) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.sendmail(frm, [to], raw)


def rows(engine) -> list[InboundMessage]:
    with session_scope(engine, read_only=True) as s:
        found = list(s.scalars(select(InboundMessage).order_by(InboundMessage.id)))
        s.expunge_all()
        return found


def updates(engine) -> int:
    """Updates that came by email (the plan's baseline has others)."""
    with session_scope(engine, read_only=True) as s:
        return s.scalar(select(func.count(Update.id)).where(Update.inbound_message_id.is_not(None)))


# -- the SMTP conversation ----------------------------------------------------------------------------------


def test_rcpt_accepts_only_our_addresses_and_known_tokens(server, jo_prompt):
    with smtplib.SMTP("127.0.0.1", server.port, timeout=10) as client:
        client.ehlo("client.test")
        assert client.mail(JO)[0] == 250
        assert client.rcpt("someone@elsewhere.test")[0] == 550
        assert client.rcpt(f"postmaster@{DOMAIN}")[0] == 550
        assert client.rcpt(f"progress+{'x' * 24}@{DOMAIN}")[:2] == (
            550,
            b"5.1.1 Bad destination mailbox address",
        )
        assert client.rcpt(f"progress+bad!token@{DOMAIN}")[0] == 550
        assert client.rcpt(f"progress@{DOMAIN.upper()}")[0] == 250
        assert client.rcpt(f"progress+{jo_prompt.token}@{DOMAIN}")[0] == 250


def test_a_250_means_the_row_is_committed(server, engine):
    raw = mail(JO, f"progress@{DOMAIN}", "1.1 on track")
    with smtplib.SMTP("127.0.0.1", server.port, timeout=10) as client:
        client.ehlo("client.test")
        client.mail(JO)
        client.rcpt(f"progress@{DOMAIN}")
        code, text = client.data(raw)
    assert code == 250 and text.startswith(b"2.0.0 Ok: queued as ")
    [row] = rows(engine)  # read on another connection right after the 250
    assert text.endswith(str(row.id).encode())
    assert (row.channel, row.state, row.attempts, bytes(row.raw)) == ("email", "new", 0, raw)
    assert row.external_id.startswith("<") and row.external_id.endswith("@client.test>")
    assert row.envelope["mail_from"] == JO and row.envelope["rcpt_tos"] == [f"progress@{DOMAIN}"]
    assert len(row.sha256) == 64


def test_a_redelivery_is_stored_once(server, engine):
    raw = mail(JO, f"progress@{DOMAIN}", "1.1 on track", message_id="<same@client.test>")
    send(server.port, JO, f"progress@{DOMAIN}", raw)
    send(server.port, JO, f"progress@{DOMAIN}", raw.replace(b"on track", b"completed"))
    no_id = b"From: a@client.test\r\nSubject: x\r\n\r\nhello\r\n"
    send(server.port, JO, f"progress@{DOMAIN}", no_id)
    send(server.port, JO, f"progress@{DOMAIN}", no_id)
    assert [r.external_id[:7] for r in rows(engine)] == ["<same@c", "sha256:"]


def test_a_store_failure_answers_451_and_the_server_stays_up(server, handler, engine, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(handler, "store", broken)
    with smtplib.SMTP("127.0.0.1", server.port, timeout=10) as client:
        client.ehlo("client.test")
        client.mail(JO)
        client.rcpt(f"progress@{DOMAIN}")
        code, text = client.data(mail(JO, f"progress@{DOMAIN}", "1.1 on track"))
    assert (code, text) == (451, b"4.3.0 Temporary failure, try again later")  # no internals, not 500
    monkeypatch.undo()
    send(server.port, JO, f"progress@{DOMAIN}", mail(JO, f"progress@{DOMAIN}", "1.1 on track"))
    assert len(rows(engine)) == 1


def test_oversize_mail_is_refused_with_552_and_not_stored(server, engine):
    big = mail(JO, f"progress@{DOMAIN}", ("x" * 70 + "\r\n") * 4500)  # ~320 KiB over a 256 KiB limit
    with smtplib.SMTP("127.0.0.1", server.port, timeout=10) as client:
        client.ehlo("client.test")
        assert client.has_extn("size") and client.esmtp_features["size"] == str(256 * 1024)
        with pytest.raises(smtplib.SMTPSenderRefused) as refused:  # smtplib declares SIZE: 552 at MAIL
            client.sendmail(JO, [f"progress@{DOMAIN}"], big)
        assert refused.value.smtp_code == 552
        client.rset()
        client.mail(JO)  # no SIZE given: refused at the end of DATA
        client.rcpt(f"progress@{DOMAIN}")
        assert client.data(big)[0] == 552
    assert rows(engine) == []


def test_control_characters_in_mail_from_are_refused(server):
    with smtplib.SMTP("127.0.0.1", server.port, timeout=10) as client:
        client.ehlo("client.test")
        assert client.mail("a\x00b@client.test")[0] == 553
        assert client.mail("a\x07b@client.test")[0] == 553
        assert client.mail("")[0] == 250  # the null sender: bounces must get through


def test_sessions_over_the_cap_get_421(server):
    held = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(5)]
    try:
        for sock in held:
            assert sock.recv(100).startswith(b"220")
        with pytest.raises(smtplib.SMTPConnectError) as refused:
            smtplib.SMTP("127.0.0.1", server.port, timeout=10)
        assert refused.value.smtp_code == 421
    finally:
        for sock in held:
            sock.close()


# -- processing ---------------------------------------------------------------------------------------------


def test_a_reply_from_the_lead_becomes_updates_and_one_receipt(
    server, engine, email, channels, settings, clock, jo_prompt
):
    to = f"progress+{jo_prompt.token}@{DOMAIN}"
    body = "1.1 on track: the draft is with comms\r\n1.2 completed, network launched\r\n"
    send(server.port, JO, to, mail(JO, to, body))
    assert process_pending(engine, channels, settings, clock)["applied"] == 1
    [row] = rows(engine)
    assert (row.state, row.prompt_id, row.person_id) == ("applied", jo_prompt.id, jo_prompt.person_id)
    assert updates(engine) == 2
    [receipt] = email.of("receipt")
    assert receipt.recipient.email == JO and [line.ref for line in receipt.lines] == ["1.1", "1.2"]
    assert not process_pending(engine, channels, settings, clock)  # nothing left, nothing sent twice
    assert len(email.of("receipt")) == 1
    with session_scope(engine, read_only=True) as s:
        assert (
            s.scalar(select(Delivery.state).where(Delivery.idempotency_key == f"receipt:{row.id}")) == "sent"
        )


def test_a_forged_from_goes_to_review_and_the_forger_hears_nothing(
    server, engine, email, channels, settings, clock, jo_prompt
):
    to = f"progress+{jo_prompt.token}@{DOMAIN}"
    send(server.port, CHRIS, to, mail(CHRIS, to, "1.1 completed"))
    process_pending(engine, channels, settings, clock)
    [row] = rows(engine)
    assert row.state == "needs_review" and "not this prompt's lead" in row.reason
    assert updates(engine) == 0
    assert email.of("receipt") == []  # intake gives no receipt when the sender is not authorised


def test_a_reply_found_by_its_thread_only(server, engine, email, channels, settings, clock, jo_prompt):
    assert jo_prompt.message_id
    with session_scope(engine, read_only=True) as s:
        found, how = routing.route(s, [f"progress@{DOMAIN}"], DOMAIN, None, ["<x@y>", jo_prompt.message_id])
        assert (found.id, how) == (jo_prompt.id, "thread")
    headers = [f"In-Reply-To: {jo_prompt.message_id}", f"References: {jo_prompt.message_id}"]
    send(
        server.port, JO, f"progress@{DOMAIN}", mail(JO, f"progress@{DOMAIN}", "1.1 on track", headers=headers)
    )
    process_pending(engine, channels, settings, clock)
    [row] = rows(engine)
    assert (row.state, row.prompt_id) == ("applied", jo_prompt.id)


def test_an_out_of_office_is_recorded_never_parsed_or_answered(
    server, engine, email, channels, settings, clock, jo_prompt
):
    to = f"progress+{jo_prompt.token}@{DOMAIN}"
    headers = ["Auto-Submitted: auto-replied"]
    raw = mail(JO, to, "I am away until Monday. 1.1 completed", headers=headers, subject="Automatic reply: x")
    send(server.port, JO, to, raw)
    assert process_pending(engine, channels, settings, clock)["auto_reply"] == 1
    assert rows(engine)[0].state == "auto_reply" and updates(engine) == 0 and email.sent[-1][0] == "prompt"


DSN = """From: Mail Delivery System <MAILER-DAEMON@mx.harbourside.gov.uk>
To: progress@{domain}
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn-1@mx.harbourside.gov.uk>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

I'm sorry to have to inform you that your message could not be delivered.

<{address}>: host mx.harbourside.gov.uk said: 550 5.1.1 User unknown

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.harbourside.gov.uk

Final-Recipient: rfc822; {address}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown

--B
Content-Type: text/rfc822-headers

From: Action Plan Progress <progress@{domain}>
To: {address}
Subject: Your update
Message-ID: {original}

--B--
"""


def test_a_bounce_marks_the_address_failing_and_tells_the_coordinator(
    server, engine, email, channels, settings, clock, jo_prompt
):
    """A bounce of a message we sent (its Message-ID in the DSN's returned headers) counts."""
    dsn = DSN.format(domain=DOMAIN, address=JO, original=jo_prompt.message_id)
    send(server.port, "", f"progress@{DOMAIN}", dsn.replace("\n", "\r\n").encode())
    counts = process_pending(engine, channels, settings, clock)
    assert (counts["bounce"], counts["notices"]) == (1, 1)
    assert (rows(engine)[0].state, rows(engine)[0].reason) == ("bounce", f"bounced: {JO}")
    with session_scope(engine, read_only=True) as s:
        assert s.get_one(Person, jo_prompt.person_id).email_failing_since is not None
    [notice] = email.of("notice")
    assert notice.recipient.name == "Priya Shah" and "Jo Baker" in notice.lines[0]
    assert email.of("receipt") == []
    process_pending(engine, channels, settings, clock)
    assert len(email.of("notice")) == 1


def test_a_poison_message_is_quarantined_after_three_attempts(
    server, engine, channels, settings, clock, monkeypatch
):
    import mailin.inbound.extract

    def explode(raw):
        raise RuntimeError("parser bug")

    monkeypatch.setattr(mailin.inbound.extract, "parse_message", explode)
    send(server.port, JO, f"progress@{DOMAIN}", mail(JO, f"progress@{DOMAIN}", "1.1 on track"))
    for _ in range(2):
        process_pending(engine, channels, settings, clock)
        assert rows(engine)[0].state == "new"
    assert process_pending(engine, channels, settings, clock)["failed"] == 1
    [row] = rows(engine)
    assert (row.state, row.attempts, row.reason) == ("failed", 3, "RuntimeError: parser bug")
    assert bytes(row.raw).startswith(b"From: ")  # kept for a person and a retry


def _nested(depth: int) -> bytes:
    head = [f"From: {JO}", "Subject: deep", "MIME-Version: 1.0"]
    parts = []
    for level in range(depth):
        parts += [f'Content-Type: multipart/mixed; boundary="b{level}"', "", f"--b{level}"]
    parts += ["Content-Type: text/plain", "", "1.1 on track"]
    parts += [f"--b{level}--" for level in reversed(range(depth))]
    return ("\r\n".join(head + parts) + "\r\n").encode()


HOSTILE = {
    "malformed MIME": (
        f"From: {JO}\r\nContent-Type: multipart/mixed\r\nMIME-Version: 1.0\r\n\r\n--x\r\nno boundary\r\n"
    ).encode(),
    "2000 nested multiparts": _nested(2000),
    "8-bit body": f"From: {JO}\r\nSubject: caf\xe9\r\n\r\n1.1 on track, caf\xe9 \xff\xfe\r\n".encode(
        "latin-1"
    ),
    "CR-LF in an encoded subject": (
        f"From: {JO}\r\nSubject: =?utf-8?q?Hello=0D=0ABcc:_victim@example.org?=\r\n\r\n1.1 on track\x00\r\n"
    ).encode(),
    "no headers at all": b"\r\n\r\n1.1 on track\r\n",
}


def test_hostile_messages_are_stored_and_processed_without_crashing(
    server, engine, channels, settings, clock, jo_prompt
):
    for raw in HOSTILE.values():
        send(server.port, JO, f"progress@{DOMAIN}", raw)
    assert len(rows(engine)) == len(HOSTILE)
    process_pending(engine, channels, settings, clock)
    states = {name: row.state for name, row in zip(HOSTILE, rows(engine), strict=True)}
    assert all(state in ("applied", "needs_review") for state in states.values()), states


def test_two_processes_working_the_same_queue_apply_each_message_once(
    engine, email, channels, settings, clock, jo_prompt
):
    import threading

    from mailin.inbound.store import store_batch

    to = f"progress+{jo_prompt.token}@{DOMAIN}"
    envelope = {"mail_from": "jo.baker@harbourside.gov.uk", "rcpt_tos": [to]}
    batch = [
        (mail("jo.baker@harbourside.gov.uk", to, f"1.1 on track, note {n}"), envelope) for n in range(12)
    ]
    store_batch(engine, batch, clock)
    start = threading.Barrier(2)
    counts = []

    def worker() -> None:
        start.wait()
        counts.append(process_pending(engine, channels, settings, clock))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(c["applied"] for c in counts) == 12 and updates(engine) == 12
    assert sum(c["receipts"] for c in counts) == 12  # one receipt per message, whoever decided it


def test_a_message_that_fails_while_decided_does_not_sink_the_rest_of_its_chunk(
    engine, email, channels, settings, clock, jo_prompt, monkeypatch
):
    from collector.replies import intake
    from mailin.inbound.store import store_batch

    to = f"progress+{jo_prompt.token}@{DOMAIN}"
    envelope = {"mail_from": "jo.baker@harbourside.gov.uk", "rcpt_tos": [to]}
    texts = ["1.1 on track, first", "1.1 on track, BOOM", "1.1 on track, third"]
    store_batch(engine, [(mail("jo.baker@harbourside.gov.uk", to, t), envelope) for t in texts], clock)
    real = intake.apply

    def sometimes(session, reply, **kw):
        if "BOOM" in reply.text:
            session.flush()
            raise RuntimeError("intake bug")
        return real(session, reply, **kw)

    monkeypatch.setattr(intake, "apply", sometimes)
    counts = process_pending(engine, channels, settings, clock)
    assert (counts["applied"], counts["retrying"], counts["receipts"]) == (2, 1, 2)
    states = {bytes(r.raw).split(b"\r\n\r\n", 1)[1].strip(): (r.state, r.reason) for r in rows(engine)}
    assert states[b"1.1 on track, BOOM"] == ("new", "RuntimeError: intake bug")  # tried again next pass
    assert updates(engine) == 2


def test_processing_steps_aside_while_senders_wait_but_is_never_starved(
    engine, email, channels, settings, clock, jo_prompt
):
    from mailin.inbound.store import store_batch

    to = f"progress+{jo_prompt.token}@{DOMAIN}"
    envelope = {"mail_from": "jo.baker@harbourside.gov.uk", "rcpt_tos": [to]}
    store_batch(
        engine,
        [(mail("jo.baker@harbourside.gov.uk", to, f"1.1 on track {n}"), envelope) for n in range(3)],
        clock,
    )
    asked: list[int] = []

    def always_busy() -> bool:  # a sender is always waiting: processing yields, then goes on anyway
        asked.append(1)
        return True

    counts = process_pending(engine, channels, settings, clock, busy=always_busy)
    assert counts["applied"] == 3 and len(asked) >= 3
