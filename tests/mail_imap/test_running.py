"""The reader running in its thread against a real Dovecot: IDLE brings mail in at once; a deleted folder, a
connection cut in the middle of a FETCH and a 25 MB message are each survived, and nothing is lost."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from mailin.inbound.process import process_pending
from store.db import session_scope
from store.models.records import InboundMessage
from tests.mail_imap.conftest import DOMAIN, JO, Running
from tests.mail_imap.dovecot import USER
from tests.mail_imap.mail import reply
from tests.mail_imap.proxy import CuttingProxy
from tests.mail_imap.test_reader import stored

pytestmark = pytest.mark.slow  # a Dovecot per test


def wait_for(condition, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_idle_brings_a_new_reply_in_without_waiting_for_a_poll(dovecot, reader, engine):
    running = Running(reader(idle_slice=30.0))
    try:
        wait_for(lambda: running.reader.passes >= 1)
        started = time.monotonic()
        dovecot.append(reply(JO, f"progress@{DOMAIN}", "1.1 on track"))
        wait_for(lambda: len(stored(engine)) == 1, 10)
        assert time.monotonic() - started < 5  # far sooner than the 30 s IDLE slice
    finally:
        running.stop()


def test_a_deleted_folder_is_logged_and_reading_resumes_when_it_is_back(dovecot, reader, engine, caplog):
    with dovecot.client() as c:
        c.create("Replies")
    url = f"imap://{USER}@127.0.0.1:{dovecot.port}/Replies"
    running = Running(reader(url=url, first_backoff=0.1))
    try:
        dovecot.append(reply(JO, f"progress@{DOMAIN}", "1.1 on track"), "Replies")
        wait_for(lambda: len(stored(engine)) == 1)
        with dovecot.client() as c:
            c.delete("Replies")
            c.delete("Processed")  # the done folder goes too: it is made again when needed
        wait_for(lambda: "cannot select 'Replies'" in caplog.text)
        with dovecot.client() as c:
            c.create("Replies")
        dovecot.append(reply(JO, f"progress@{DOMAIN}", "1.2 completed"), "Replies")
        wait_for(lambda: len(stored(engine)) == 2, 30)
        wait_for(lambda: dovecot.uids("Replies") == [] and len(dovecot.uids("Processed")) == 1)
    finally:
        running.stop()


def test_a_connection_cut_in_the_middle_of_a_fetch_loses_nothing_and_stores_once(dovecot, reader, engine):
    body = "1.1 on track\r\n" + ("progress detail " * 60 + "\r\n") * 200  # ~200 KB: a FETCH in pieces
    for n in range(3):
        dovecot.append(reply(JO, f"progress@{DOMAIN}", body, message_id=f"<cut{n}@client.test>"))
    proxy = CuttingProxy(dovecot.port, after=150_000)
    running = Running(reader(url=f"imap://{USER}@127.0.0.1:{proxy.port}/INBOX", first_backoff=0.1))
    try:
        wait_for(lambda: len(stored(engine)) == 3, 30)
        wait_for(lambda: dovecot.uids("INBOX") == [])
    finally:
        running.stop()
        proxy.close()
    assert proxy.connections >= 2  # it was cut, and the reader came back
    assert sorted(r.external_id for r in stored(engine)) == [f"<cut{n}@client.test>" for n in range(3)]


def test_a_25_mb_message_is_stored_whole_and_processed(
    dovecot, reader, engine, channels, settings, clock, jo_prompt
):
    to = f"progress+{jo_prompt.token}@{DOMAIN}"
    attachment = ("QUJD" * 19 + "\r\n") * 330_000  # ~25 MB of base64
    raw = (
        f"From: {JO}\r\nTo: {to}\r\nSubject: Re: progress\r\nMessage-ID: <big@client.test>\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\n1.1 on track: the evidence is attached\r\n"
        '--b\r\nContent-Type: application/pdf; name="evidence.pdf"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n"
        f"{attachment}--b--\r\n"
    ).encode()
    assert len(raw) > 25_000_000
    dovecot.append(reply(JO, to, "1.2 completed"))
    dovecot.append(raw)
    running = Running(reader())
    try:
        wait_for(lambda: len(stored(engine)) == 2, 60)
    finally:
        running.stop()
    with session_scope(engine, read_only=True) as s:
        big = s.scalar(select(InboundMessage.raw).where(InboundMessage.external_id == "<big@client.test>"))
    assert bytes(big) == raw
    process_pending(engine, channels, settings, clock)
    assert {row.state for row in stored(engine)} == {"applied"}


def test_serve_mail_reads_the_mailbox_and_listens_for_smtp_in_one_process(
    dovecot, engine, channels, settings, clock, jo_prompt
):
    import asyncio
    import smtplib
    import threading

    from mailin.inbound.imap_serve import serve_mail
    from tests.mail_imap.dovecot import free_port

    port = free_port()
    both = settings.model_copy(update={"mail_listen": f"127.0.0.1:{port}", "mailbox_poll": 0.5})
    to = f"progress+{jo_prompt.token}@{DOMAIN}"
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()

    def run() -> None:
        loop.run_until_complete(serve_mail(engine, channels, both, clock, interval=0.2, grace=2, stop=stop))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        dovecot.append(reply(JO, to, "1.1 on track", message_id="<by-imap@client.test>"))
        wait_for(lambda: _listening(port))
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.sendmail(JO, [to], reply(JO, to, "1.2 completed", message_id="<by-smtp@client.test>"))
        wait_for(lambda: {r.state for r in stored(engine)} == {"applied"} and len(stored(engine)) == 2, 30)
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(30)
    assert not thread.is_alive()
    loop.close()
    assert sorted(r.envelope.get("source", "smtp") for r in stored(engine)) == ["imap", "smtp"]


def _listening(port: int) -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False
