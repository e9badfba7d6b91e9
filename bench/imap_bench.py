"""Mailbox throughput: replies taken from a real Dovecot mailbox by the mailbox reader and applied, beside
the SMTP path (bench/mail_bench.py's `ours`) measured in the same run on the same backend.

The mailbox holds N replies to Jo's prompt (appended first, not timed: that is the organisation's mail
system's work); the reader then runs as `collector serve mail` runs it (store raw in batches, move to
Processed, record the UID, process_pending after each pass). Prints messages/s from mailbox to stored and
from mailbox to applied updates, and the SMTP path's accepted and applied rates.

    .venv/bin/python bench/imap_bench.py [--messages 1000] [--backend sqlite|postgresql]

Needs Dovecot (dovecot-imapd). Prints figures; never a test.
"""

from __future__ import annotations

import argparse
import imaplib
import logging
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select

from bench.mail_bench import _message, ours
from collector.channels.reply_address import reply_address
from collector.core.clock import FrozenClock
from collector.core.settings import Settings
from collector.rounds.tick import tick
from mailin.inbound.imap_config import parse_mailbox_url
from mailin.inbound.imap_reader import MailboxReader
from mailin.inbound.process import process_pending
from store.db import make_engine, session_scope, upgrade
from store.models.records import InboundMessage
from tests.databases import fresh_database
from tests.fakes.channels import RecordingChannel
from tests.mail_imap.dovecot import PASSWORD, USER, Dovecot
from tests.rounds import personas
from tests.rounds.helpers import open_harbourside, prompts

DOMAIN = "updates.harbourside.test"


def _counts(engine) -> dict[str, int]:
    with session_scope(engine, read_only=True) as s:
        return dict(
            s.execute(select(InboundMessage.state, func.count()).group_by(InboundMessage.state)).all()
        )


def mailbox(messages: int, backend: str) -> tuple[float, float]:
    """(stored msg/s, applied msg/s) for a mailbox holding `messages` replies."""
    dovecot = Dovecot().start()
    try:
        with tempfile.TemporaryDirectory() as tmp, fresh_database(backend, Path(tmp)) as url:
            engine = make_engine(url)
            upgrade(engine)
            clock = FrozenClock(datetime(2027, 3, 1, 9, 30, tzinfo=UTC))
            channel = RecordingChannel(name="email")
            channels = {"email": channel, "outbox": channel}
            settings = Settings(database_url=url, mail_domain=DOMAIN, var_dir=Path(tmp) / "var")
            with session_scope(engine) as s:
                world = personas.build(s, clock)
            opened = open_harbourside(engine, world, clock)
            tick(engine, channels, clock)
            to = reply_address(DOMAIN, prompts(engine, opened.round.id)["Jo"].token)
            with imaplib.IMAP4("127.0.0.1", dovecot.port) as client:
                client.login(USER, PASSWORD)
                for n in range(messages):
                    client.append("INBOX", None, None, _message(n, to))
            stored_at: list[float] = []

            def apply() -> None:
                process_pending(engine, channels, settings, clock)

            config = parse_mailbox_url(f"imap://{USER}@127.0.0.1:{dovecot.port}/INBOX")
            reader = MailboxReader(
                engine, config, DOMAIN, clock, password=PASSWORD, on_stored=apply, poll=0.2
            )
            start = time.perf_counter()
            thread = threading.Thread(target=reader.run, daemon=True)
            thread.start()
            while True:
                counts = _counts(engine)
                if not stored_at and sum(counts.values()) >= messages:
                    stored_at.append(time.perf_counter() - start)
                if counts.get("applied", 0) >= messages:
                    break
                time.sleep(0.02)
            applied = time.perf_counter() - start
            reader.stop.set()
            thread.join(30)
            engine.dispose()
            return messages / stored_at[0], messages / applied
    finally:
        dovecot.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=20, help="SMTP clients for the SMTP path")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    smtp_accepted, smtp_applied = ours(args.clients, args.messages, backend=args.backend)
    imap_stored, imap_applied = mailbox(args.messages, args.backend)
    print(f"{args.messages} replies, {args.backend}\n")
    rows = [
        ("path", "stored msg/s", "applied msg/s"),
        (f"SMTP ({args.clients} loopback clients)", f"{smtp_accepted:.0f}", f"{smtp_applied or 0:.0f}"),
        ("mailbox (Dovecot, IMAP reader)", f"{imap_stored:.0f}", f"{imap_applied:.0f}"),
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for r in rows:
        print(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )


if __name__ == "__main__":
    main()
