"""THE KILL TEST: `collector serve mail` is SIGKILLed while several clients send; every message that got a 250
is in the store, and ends processed after a restart (a 250 means durable; 'new' rows are picked up)."""

from __future__ import annotations

import os
import signal
import smtplib
import socket
import subprocess
import sys
import threading
import time
from email.utils import make_msgid
from pathlib import Path

from sqlalchemy import select

from store.db import make_engine, session_scope
from store.models.records import InboundMessage

DOMAIN = "updates.harbourside.test"
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(env: dict[str, str], log: Path) -> subprocess.Popen:
    code = "import sys; from collector.cli.app import app; sys.argv[0] = 'collector'; app()"
    with log.open("ab") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-c", code, "serve", "mail", "--interval", "0.2", "--grace", "5"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _wait_listening(port: int, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=2) as client:
                client.noop()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the mail process never listened:\n" + log.read_text())


def test_sigkill_loses_nothing_that_got_a_250(tmp_path):
    port, db = _free_port(), tmp_path / "var" / "collector.db"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "MAIL_LISTEN": f"127.0.0.1:{port}",
        "MAIL_DOMAIN": DOMAIN,
        "VAR_DIR": str(tmp_path / "var"),
    }
    log = tmp_path / "mail.log"
    proc = _start(env, log)
    _wait_listening(port, proc, log)

    acked: list[str] = []
    refused: list[str] = []
    lock = threading.Lock()

    def sender(n: int) -> None:
        for i in range(6):
            mid = make_msgid(f"k{n}-{i}", domain="client.test")
            raw = (
                f"From: lead{n}@client.test\r\nTo: progress@{DOMAIN}\r\nSubject: Re: progress\r\n"
                f"Message-ID: {mid}\r\n\r\n1.1 on track: message {i} from sender {n}\r\n"
            ).encode()
            try:
                with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
                    client.sendmail(f"lead{n}@client.test", [f"progress@{DOMAIN}"], raw)
                with lock:
                    acked.append(mid)
            except (OSError, smtplib.SMTPException):
                with lock:
                    refused.append(mid)
            time.sleep(0.03)

    threads = [threading.Thread(target=sender, args=(n,)) for n in range(5)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 20
    while len(acked) < 10 and time.monotonic() < deadline:
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)  # mid-way: no clean shutdown, no final processing pass
    proc.wait(10)
    for t in threads:
        t.join(30)
    assert 10 <= len(acked) < 30 and len(acked) + len(refused) == 30, (len(acked), len(refused))

    proc = _start(env, log)  # the restart processes what the killed process stored but never processed
    try:
        _wait_listening(port, proc, log)
        engine = make_engine(f"sqlite:///{db}")
        deadline = time.monotonic() + 20
        while True:
            with session_scope(engine, read_only=True) as s:
                states = dict(s.execute(select(InboundMessage.external_id, InboundMessage.state)).all())
            if all(states.get(mid) not in (None, "new") for mid in acked) or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        engine.dispose()
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(20)
    missing = [mid for mid in acked if mid not in states]
    assert missing == [], f"{len(missing)} messages got a 250 and are not stored"
    assert {states[mid] for mid in acked} <= {"applied", "needs_review"}, states
    assert code == 0, log.read_text()[-3000:]
