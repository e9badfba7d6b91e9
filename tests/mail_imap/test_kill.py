"""THE KILL TEST for the mailbox: `collector serve mail` reading Dovecot is SIGKILLed twice while replies
arrive; after the restarts every reply is stored once, applied once, and moved out of the inbox once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from store.db import make_engine, session_scope
from store.models.records import InboundMessage
from store.models.updates import Update
from tests.mail_imap.conftest import DOMAIN, JO
from tests.mail_imap.dovecot import PASSWORD, USER
from tests.mail_imap.mail import reply

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 30

pytestmark = pytest.mark.slow


def _start(env: dict[str, str], log: Path) -> subprocess.Popen:
    code = "import sys; from collector.cli.app import app; sys.argv[0] = 'collector'; app()"
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-c", code, "serve", "mail", "--grace", "5"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _states(url: str) -> dict[str, str]:
    engine = make_engine(url)
    try:
        with session_scope(engine, read_only=True) as s:
            return dict(s.execute(select(InboundMessage.external_id, InboundMessage.state)).all())
    finally:
        engine.dispose()


def _wait(condition, proc: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert proc.poll() is None, log.read_text()[-3000:]
        assert time.monotonic() < deadline, log.read_text()[-3000:]
        time.sleep(0.05)


def test_sigkill_while_replies_arrive_stores_and_applies_each_exactly_once(
    dovecot, engine, database_url, jo_prompt, tmp_path
):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MAIL_DOMAIN": DOMAIN,
        "MAIL_LISTEN": "off",
        "MAILBOX_URL": f"imap://{USER}@127.0.0.1:{dovecot.port}/INBOX",
        "MAILBOX_PASSWORD": PASSWORD,
        "MAILBOX_POLL": "0.5",
        "VAR_DIR": str(tmp_path / "var"),
        "APP_TESTING": "1",
        # widen the windows a kill can land in: stored but not yet moved, moved but not yet recorded
        "APP_FAULTS": "imap.after_store=sleep:0.15,imap.after_mark=sleep:0.05",
    }
    to = f"progress+{jo_prompt.token}@{DOMAIN}"
    ids = [f"<kill{n}@client.test>" for n in range(MESSAGES)]

    def deliver() -> None:
        for n, message_id in enumerate(ids):
            dovecot.append(reply(JO, to, f"1.1 on track: note {n}", message_id=message_id))
            time.sleep(0.05)

    log = tmp_path / "mail.log"
    arriving = threading.Thread(target=deliver)
    proc = _start(env, log)
    arriving.start()
    try:
        for kill_after in (6, 15):  # two kills, each in the middle of a stream of arriving replies
            _wait(lambda n=kill_after: len(_states(database_url)) >= n, proc, log)
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
            proc = _start(env, log)
        arriving.join(60)
        _wait(
            lambda: len(states := _states(database_url)) == MESSAGES and "new" not in states.values(),
            proc,
            log,
            90,
        )
        _wait(lambda: dovecot.uids("INBOX") == [], proc, log)
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(30)
    states = _states(database_url)
    assert sorted(states) == sorted(ids) and set(states.values()) == {"applied"}, states
    with session_scope(engine, read_only=True) as s:
        per_message = s.execute(
            select(Update.inbound_message_id, func.count())
            .where(Update.inbound_message_id.is_not(None))
            .group_by(Update.inbound_message_id)
        ).all()
    assert len(per_message) == MESSAGES and len({count for _, count in per_message}) == 1  # each applied once
    assert len(dovecot.uids("Processed")) == MESSAGES  # moved once each: no copy left behind, none doubled
    assert code == 0, log.read_text()[-3000:]
