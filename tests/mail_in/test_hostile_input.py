"""Issue 13, hostile mail input, over real loopback SMTP on both backends: a client that hangs up at any
stage ends only its own session; the health check proves the listener stores mail; one address cannot take
every session; a forged From or a forged bounce never changes the record."""

from __future__ import annotations

import smtplib
import socket
import struct
import time

import pytest
from sqlalchemy import func, select

from collector.cli import doctor
from collector.core.clock import FrozenClock
from collector.core.settings import Settings
from collector.rounds.tick import tick
from mailin.inbound.process import process_pending
from mailin.inbound.server import MailHandler, ServerThread
from mailin.inbound.store import GroupCommitter
from store.db import session_scope
from store.models.directory import Person
from store.models.records import AuditEvent, InboundMessage
from tests.fakes.channels import RecordingChannel
from tests.mail_in.test_mail import DOMAIN, DSN, JO, MONDAY, mail, rows, send, updates
from tests.rounds import personas
from tests.rounds.helpers import open_harbourside, prompts

EVIL = "mallory@elsewhere.test"


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
def jo_prompt(engine, clock, channels):
    """The Harbourside round, opened and prompted (so prompts have Message-IDs): Jo's prompt."""
    with session_scope(engine) as s:
        world = personas.build(s, clock)
    opened = open_harbourside(engine, world, clock)
    tick(engine, channels, clock)
    return prompts(engine, opened.round.id)["Jo"]


@pytest.fixture
def committer(engine, clock):
    running = GroupCommitter(engine, clock)
    yield running
    running.close()


@pytest.fixture
def server(engine, clock, committer):
    """The server as `collector serve mail` runs it: group commit, a per-address cap of 3."""
    handler = MailHandler(engine, DOMAIN, clock, store=committer)
    with ServerThread(handler, max_sessions=10, max_per_peer=3) as running:
        yield running


def _read(sock: socket.socket) -> bytes:
    sock.settimeout(10)
    return sock.recv(4096)


def _hang_up(port: int, stage: str, n: int) -> None:
    """A raw client that walks the conversation up to `stage` and then resets the connection."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # RST, not FIN
    try:
        assert _read(sock).startswith(b"220")
        steps = [
            ("ehlo", b"EHLO hostile.test\r\n"),
            ("mail", f"MAIL FROM:<{JO}>\r\n".encode()),
            ("rcpt", f"RCPT TO:<progress@{DOMAIN}>\r\n".encode()),
            ("data", b"DATA\r\n"),
        ]
        for name, line in steps:
            sock.sendall(line)
            _read(sock)
            if name == stage:
                return
        raw = mail(JO, f"progress@{DOMAIN}", f"1.1 on track {n}", message_id=f"<hangup-{n}@client.test>")
        sock.sendall(raw + b".\r\n")  # the final dot, then gone before the 250
    finally:
        sock.close()


def _stored(engine) -> int:
    with session_scope(engine, read_only=True) as s:
        return s.scalar(select(func.count(InboundMessage.id)))


@pytest.mark.slow
def test_clients_hanging_up_at_every_stage_never_stop_intake(server, engine, committer):
    """Issue 13: hanging up right after DATA's final dot killed the commit thread; every later sender got
    354 and then silence. Now each hang-up ends only its own session."""
    for n in range(8):
        _hang_up(server.port, "dot", n)
    for stage in ("ehlo", "mail", "rcpt", "data"):
        _hang_up(server.port, stage, 99)
    raw = mail(JO, f"progress@{DOMAIN}", "1.2 completed", message_id="<after@client.test>")
    with smtplib.SMTP("127.0.0.1", server.port, timeout=15) as client:
        client.sendmail(JO, [f"progress@{DOMAIN}"], raw)  # raises unless answered 250
    assert committer.alive()
    ids = {r.external_id for r in rows(engine)}
    assert "<after@client.test>" in ids
    # A message whose sender hung up after the final dot may or may not have been stored (its commit may
    # have run before the reset was read); never twice, and the thread survived whichever happened.
    assert ids <= {"<after@client.test>", *(f"<hangup-{n}@client.test>" for n in range(8))}


def test_the_health_check_stores_a_probe_which_is_never_processed(
    server, engine, tmp_path, channels, settings, clock
):
    listen = Settings(_env_file=None, mail_listen=f"127.0.0.1:{server.port}", mail_domain=DOMAIN)
    found = doctor.check_listener(listen)
    assert found.status == doctor.OK and "stored a probe" in found.detail
    [probe] = rows(engine)
    counts = process_pending(engine, channels, settings, clock)
    assert counts["probe"] == 1 and not counts["receipts"] and not counts["notices"]
    [probe] = rows(engine)
    assert probe.state == "rejected" and "health probe" in probe.reason


def test_the_health_check_fails_when_the_commit_thread_is_dead(server, engine, committer):
    """What would have caught issue 13: the listener still greets, but cannot store."""
    committer.close()  # the thread ends; the listener keeps greeting
    listen = Settings(_env_file=None, mail_listen=f"127.0.0.1:{server.port}", mail_domain=DOMAIN)
    started = time.monotonic()
    found = doctor.check_listener(listen)
    assert found.status == doctor.FAIL and "did not store a probe" in found.detail and "451" in found.detail
    assert time.monotonic() - started < 5  # told at once, not left waiting
    assert _stored(engine) == 0


def test_the_health_check_fails_when_the_listener_never_answers_data(engine, clock, tmp_path):
    """A store that never returns (the shape of issue 13's hang): the probe times out, FAIL."""

    class Stuck:
        def submit(self, raw, envelope):
            from concurrent.futures import Future

            return Future()  # never resolved

    handler = MailHandler(engine, DOMAIN, clock, store=Stuck())
    with ServerThread(handler) as running:
        listen = Settings(_env_file=None, mail_listen=f"127.0.0.1:{running.port}", mail_domain=DOMAIN)
        found = doctor.check_listener(listen, probe_timeout=1)
    assert found.status == doctor.FAIL and "did not store a probe" in found.detail


def test_one_address_gets_at_most_its_cap_of_sessions(server):
    held = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(3)]
    try:
        for sock in held:
            assert _read(sock).startswith(b"220")
        with socket.create_connection(("127.0.0.1", server.port)) as extra:
            assert _read(extra).startswith(b"421 4.7.0 Too many connections from your address")
        held.pop().close()
        time.sleep(0.2)  # the server sees the close
        with smtplib.SMTP("127.0.0.1", server.port, timeout=10) as client:
            assert client.noop()[0] == 250
    finally:
        for sock in held:
            sock.close()


# -- who sent it -------------------------------------------------------------------------------------------


def _notices_to(channel: RecordingChannel, address: str) -> list:
    return [n for n in channel.of("notice") if n.recipient.email == address]


@pytest.mark.parametrize("by_token", [True, False], ids=["token", "bare-address"])
def test_a_forged_from_with_a_foreign_envelope_is_held_and_the_lead_told(
    server, engine, email, channels, settings, clock, jo_prompt, by_token
):
    """Issue 13: From: the lead, MAIL FROM elsewhere; applied before, with or without the token."""
    to = f"progress+{jo_prompt.token}@{DOMAIN}" if by_token else f"progress@{DOMAIN}"
    send(server.port, EVIL, to, mail(JO, to, "1.1 completed\r\n1.2 completed"))
    counts = process_pending(engine, channels, settings, clock)
    [row] = rows(engine)
    assert row.state == "needs_review" and counts["needs_review"] == 1
    assert "sender not verified" in row.reason and EVIL in row.reason
    assert row.envelope["mail_from"] == EVIL  # stored with the raw message
    assert updates(engine) == 0 and email.of("receipt") == []
    [notice] = _notices_to(email, JO)  # the lead, at the directory address
    assert "held" in notice.subject and notice.recipient.person_id == jo_prompt.person_id
    assert all(n.recipient.email != EVIL for n in email.of("notice"))
    with session_scope(engine, read_only=True) as s:
        assert s.scalar(select(AuditEvent.event).where(AuditEvent.event == "inbound.held"))


def test_a_flood_of_forgeries_tells_the_lead_once_a_day(
    server, engine, email, channels, settings, clock, jo_prompt
):
    to = f"progress+{jo_prompt.token}@{DOMAIN}"
    for n in range(3):
        send(server.port, EVIL, to, mail(JO, to, f"1.{n + 1} completed"))
    assert process_pending(engine, channels, settings, clock)["needs_review"] == 3
    assert len(_notices_to(email, JO)) == 1


def test_a_held_reply_can_be_applied_by_a_coordinator(
    server, engine, email, channels, settings, clock, jo_prompt
):
    from collector.replies import review

    to = f"progress+{jo_prompt.token}@{DOMAIN}"
    send(server.port, EVIL, to, mail(JO, to, "1.1 completed"))
    process_pending(engine, channels, settings, clock)
    [row] = rows(engine)
    with session_scope(engine) as s:
        result = review.apply_item(s, row.id, coordinator="Priya Shah", clock=clock)
    assert result.state == "applied" and updates(engine) == 1


@pytest.mark.parametrize(
    ("envelope", "auth", "state"),
    [
        (JO, None, "applied"),  # the lead's own envelope
        ("jo.baker+caf_fwd@harbourside.gov.uk", None, "applied"),  # the lead's domain (alias, forward)
        (EVIL, "mx.harbourside.test; dkim=pass header.d=harbourside.gov.uk", "applied"),  # trusted pass
        (EVIL, "evil.test; dkim=pass header.d=harbourside.gov.uk", "needs_review"),  # not our relay's
        (JO, "mx.harbourside.test; dmarc=fail header.from=harbourside.gov.uk", "needs_review"),
        (JO, "mx.harbourside.test; spf=fail smtp.mailfrom=jo.baker@harbourside.gov.uk", "needs_review"),
    ],
    ids=["same", "same-domain", "auth-pass", "untrusted-pass", "dmarc-fail", "spf-fail"],
)
def test_the_sender_rule_with_a_token(
    server, engine, email, channels, settings, clock, jo_prompt, envelope, auth, state
):
    settings = settings.model_copy(update={"mail_authserv_id": "mx.harbourside.test"})
    to = f"progress+{jo_prompt.token}@{DOMAIN}"
    headers = [f"Authentication-Results: {auth}"] if auth else []
    send(server.port, envelope, to, mail(JO, to, "1.1 completed", headers=headers))
    process_pending(engine, channels, settings, clock)
    [row] = rows(engine)
    assert row.state == state, row.reason
    assert bool(email.of("receipt")) == (state == "applied")


# -- bounces ---------------------------------------------------------------------------------------------


def test_a_forged_bounce_is_stored_and_ignored(server, engine, email, channels, settings, clock, jo_prompt):
    """Issue 13: anyone could mark a lead's address failing; the next round then left them out."""
    dsn = DSN.format(domain=DOMAIN, address=JO, original="<never-sent@elsewhere.test>")
    send(server.port, "", f"progress@{DOMAIN}", dsn.replace("\n", "\r\n").encode())
    counts = process_pending(engine, channels, settings, clock)
    [row] = rows(engine)
    assert row.state == "bounce" and counts["bounce"] == 1 and not counts["notices"]
    assert row.reason.startswith("bounce ignored") and JO in row.reason
    with session_scope(engine, read_only=True) as s:
        assert s.get_one(Person, jo_prompt.person_id).email_failing_since is None
    assert email.of("notice") == []


def test_a_bounce_naming_someone_we_never_sent_that_message_to_is_ignored(
    server, engine, email, channels, settings, clock, jo_prompt
):
    other = "chris@harbourside.gov.uk"
    dsn = DSN.format(domain=DOMAIN, address=other, original=jo_prompt.message_id)
    send(server.port, "", f"progress@{DOMAIN}", dsn.replace("\n", "\r\n").encode())
    process_pending(engine, channels, settings, clock)
    [row] = rows(engine)
    assert row.state == "bounce" and row.reason.startswith("bounce ignored")
    with session_scope(engine, read_only=True) as s:
        assert s.scalar(select(func.count(Person.id)).where(Person.email_failing_since.is_not(None))) == 0


def test_a_bounce_threaded_under_a_sent_message_counts(
    server, engine, email, channels, settings, clock, jo_prompt
):
    raw = mail(
        f"MAILER-DAEMON@mx.{DOMAIN}", f"progress@{DOMAIN}",
        f"Delivery to the following recipient failed permanently:\r\n\r\n     {JO}\r\n",
        subject="Delivery Status Notification (Failure)",
        headers=[f"In-Reply-To: {jo_prompt.message_id}"],
    )  # fmt: skip
    send(server.port, "", f"progress@{DOMAIN}", raw)
    process_pending(engine, channels, settings, clock)
    assert rows(engine)[0].reason == f"bounced: {JO}"
    with session_scope(engine, read_only=True) as s:
        assert s.get_one(Person, jo_prompt.person_id).email_failing_since is not None


# -- auto-replies -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "subject", ["[Auto-Reply] Re: your update", "Re: Out of Office", "Vacation reply", "Automatische Antwort"]
)
def test_auto_replies_without_the_standard_headers_are_never_applied_or_answered(
    server, engine, email, channels, settings, clock, jo_prompt, subject
):
    """Issue 13: these four were applied and answered with a receipt."""
    to = f"progress+{jo_prompt.token}@{DOMAIN}"
    send(server.port, JO, to, mail(JO, to, "I am away. 1.1 completed", subject=subject))
    counts = process_pending(engine, channels, settings, clock)
    [row] = rows(engine)
    assert row.state == "auto_reply" and counts["auto_reply"] == 1
    assert updates(engine) == 0 and email.of("receipt") == [] and email.of("notice") == []
