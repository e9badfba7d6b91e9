"""Faults around the commit that a 250 promises (docs/reliability.md section 1, M2 M3 M4 M12 M13).

The mail process runs for real (`collector serve mail` in a subprocess, SQLite on disk); APP_FAULTS pauses it
at an exact point so a SIGKILL or SIGTERM lands where it matters. The rule under test: a sender never sees a
250 for a message that is not committed, and a message stored once is never stored twice.
"""

from __future__ import annotations

import os
import signal
import smtplib
import socket
import sqlite3
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from collector.core.clock import FrozenClock
from mailin.inbound.server import MailHandler, ServerThread
from mailin.inbound.store import GroupCommitter
from store.db import make_engine, session_scope, upgrade
from store.models.records import InboundMessage
from tests.mail_in.test_kill import DOMAIN, _free_port, _start, _wait_listening

pytestmark = pytest.mark.slow


def _env(tmp_path: Path, port: int, faults: str = "") -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'collector.db'}",
        "MAIL_LISTEN": f"127.0.0.1:{port}",
        "MAIL_DOMAIN": DOMAIN,
        "VAR_DIR": str(tmp_path / "var"),
    }
    if faults:
        env |= {"APP_TESTING": "1", "APP_FAULTS": faults}
    return env


def _message(mid: str, body: str = "1.1 on track: the report is with the printers") -> bytes:
    return (
        f"From: Jo Baker <jo.baker@client.test>\r\nTo: progress@{DOMAIN}\r\nSubject: Re: progress\r\n"
        f"Message-ID: {mid}\r\nDate: Mon, 01 Mar 2027 10:00:00 +0000\r\n\r\n{body}\r\n"
    ).encode()


def _rows(tmp_path: Path) -> dict[str, str]:
    engine = make_engine(f"sqlite:///{tmp_path / 'var' / 'collector.db'}")
    try:
        with session_scope(engine, read_only=True) as s:
            return dict(s.execute(select(InboundMessage.external_id, InboundMessage.state)).all())
    finally:
        engine.dispose()


def _send_in_background(port: int, raw: bytes) -> tuple[threading.Thread, list[object]]:
    outcome: list[object] = []

    def send() -> None:
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
                outcome.append(client.sendmail("jo.baker@client.test", [f"progress@{DOMAIN}"], raw))
        except (OSError, smtplib.SMTPException) as exc:
            outcome.append(exc)

    thread = threading.Thread(target=send)
    thread.start()
    return thread, outcome


def _send(port: int, raw: bytes) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        client.sendmail("jo.baker@client.test", [f"progress@{DOMAIN}"], raw)


def _stop(proc) -> None:
    proc.send_signal(signal.SIGTERM)
    proc.wait(20)


def test_m2_killed_before_the_commit_the_sender_gets_no_250_and_nothing_is_stored(tmp_path):
    port, log, mid = _free_port(), tmp_path / "mail.log", "<m2@client.test>"
    proc = _start(_env(tmp_path, port, "mail.before_commit=sleep:30"), log)
    _wait_listening(port, proc, log)
    thread, outcome = _send_in_background(port, _message(mid))
    time.sleep(1.5)  # DATA is in; the store sleeps inside its transaction, before COMMIT
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    thread.join(30)
    assert isinstance(outcome[0], smtplib.SMTPServerDisconnected), outcome
    assert mid not in _rows(tmp_path)

    proc = _start(_env(tmp_path, port), log)  # the sender's MTA retries after the restart
    try:
        _wait_listening(port, proc, log)
        _send(port, _message(mid))
    finally:
        _stop(proc)
    assert list(_rows(tmp_path)).count(mid) == 1


def test_m3_killed_after_the_commit_the_redelivery_is_absorbed(tmp_path):
    port, log, mid = _free_port(), tmp_path / "mail.log", "<m3@client.test>"
    proc = _start(_env(tmp_path, port, "mail.after_commit=sleep:30"), log)
    _wait_listening(port, proc, log)
    thread, outcome = _send_in_background(port, _message(mid))
    deadline = time.monotonic() + 20
    while mid not in _rows(tmp_path) and time.monotonic() < deadline:  # committed, 250 not yet written
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    thread.join(30)
    assert isinstance(outcome[0], smtplib.SMTPServerDisconnected), outcome  # no 250 was seen
    assert mid in _rows(tmp_path)

    proc = _start(_env(tmp_path, port), log)
    try:
        _wait_listening(port, proc, log)
        _send(port, _message(mid))  # the retry RFC 5321 allows for: 250 again, no second row
        deadline = time.monotonic() + 20
        while _rows(tmp_path).get(mid) == "new" and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        _stop(proc)
    rows = _rows(tmp_path)
    assert len(rows) == 1 and rows[mid] != "new", rows  # stored once, and processed after the restart


def test_m4_m13_a_locked_database_answers_451_and_other_senders_still_get_a_banner(tmp_path):
    url = f"sqlite:///{tmp_path / 'collector.db'}"
    engine = make_engine(url)
    upgrade(engine)
    clock = FrozenClock(datetime(2027, 3, 1, 9, 30, tzinfo=UTC))
    committer = GroupCommitter(engine, clock)
    handler = MailHandler(engine, DOMAIN, clock, store=committer)
    holder = sqlite3.connect(tmp_path / "collector.db", isolation_level=None)
    try:
        with ServerThread(handler) as server:
            holder.execute("BEGIN EXCLUSIVE")  # another process holds the database
            thread, outcome = _send_in_background(server.port, _message("<m4@client.test>"))
            time.sleep(0.5)
            started = time.monotonic()
            with socket.create_connection(("127.0.0.1", server.port), timeout=5) as other:
                banner = other.recv(512)
            # the loop is not blocked: a blocked one would answer only after the 5 s busy timeout
            assert banner.startswith(b"220") and time.monotonic() - started < 3
            thread.join(60)
            refused = outcome[0]
            assert isinstance(refused, smtplib.SMTPDataError), outcome
            assert refused.smtp_code == 451 and b"4.3.0" in refused.smtp_error
            assert b"locked" not in refused.smtp_error.lower()  # no internal text
            holder.execute("ROLLBACK")
            _send(server.port, _message("<m4@client.test>"))  # after recovery the retry is stored
    finally:
        holder.close()
        committer.close()
    with session_scope(engine, read_only=True) as s:
        assert list(s.scalars(select(InboundMessage.external_id))) == ["<m4@client.test>"]
    engine.dispose()


def _smtp_line(sock: socket.socket) -> bytes:
    """One whole SMTP reply (its last line has a space after the code), or what came before the close."""
    data = b""
    while True:
        chunk = sock.recv(4096)
        if not chunk:
            return data
        data += chunk
        lines = data.split(b"\r\n")
        if lines[-1] == b"" and len(lines) >= 2 and lines[-2][3:4] != b"-":
            return data


def _open_data(port: int, mid: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=20)
    _smtp_line(sock)
    for command in (
        b"EHLO client.test",
        b"MAIL FROM:<jo.baker@client.test>",
        f"RCPT TO:<progress@{DOMAIN}>".encode(),
    ):
        sock.sendall(command + b"\r\n")
        assert _smtp_line(sock)[:1] == b"2"
    sock.sendall(b"DATA\r\n")
    assert _smtp_line(sock).startswith(b"354")
    head = _message(mid).split(b"\r\n\r\n")[0]
    sock.sendall(head + b"\r\n\r\n1.1 on track: the first half of a slow upload\r\n")
    return sock


def _refused(port: int) -> bool:
    """Connection refused, or told 421 and closed."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as late:
            return late.recv(512).startswith(b"421")
    except OSError:
        return True


@pytest.mark.parametrize("finishes", [True, False], ids=["finishes-in-grace", "cut-after-grace"])
def test_m12_sigterm_mid_data_never_leaves_a_250_without_a_row(tmp_path, finishes):
    port, log, mid = _free_port(), tmp_path / "mail.log", "<m12@client.test>"
    proc = _start(_env(tmp_path, port), log)  # --grace 5
    _wait_listening(port, proc, log)
    sock = _open_data(port, mid)
    proc.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    assert _refused(port)  # the listener closed at once: a new sender is refused
    if finishes:
        sock.sendall(b"and the second half, inside the grace period\r\n.\r\n")
    else:
        time.sleep(6)  # past the grace period: the session is cut
    reply = _smtp_line(sock)
    sock.close()
    assert proc.wait(20) == 0, log.read_text()[-2000:]
    stored = mid in _rows(tmp_path)
    if finishes:
        assert reply.startswith(b"250") and stored
    else:
        assert not reply.startswith(b"250") and not stored
