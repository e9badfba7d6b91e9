"""Inbound mail throughput: N concurrent smtplib clients over loopback, from a load generator in its own
process (remote senders do not share the server's GIL), against (a) a bare aiosmtpd handler that answers 250
at once, (b) our server storing only (store-before-250, group commit, SQLite in a temp dir) and (c) our server
with processing running as `collector serve mail` runs it. Prints accepted messages/s for each and end-to-end
applied messages/s for (c), side by side, measured in the same run.

    .venv/bin/python bench/mail_bench.py [--clients 20] [--messages 1000]

Goal (the issue): accepted >= 70% of bare, applied >= 35% of bare. Prints figures; never a test.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import smtplib
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select

from collector.channels.reply_address import reply_address
from collector.core.clock import FrozenClock
from collector.core.settings import Settings
from collector.rounds.tick import tick
from mailin.inbound.process import process_pending
from mailin.inbound.server import MailHandler, ServerThread
from mailin.inbound.store import GroupCommitter
from store.db import make_engine, session_scope, upgrade
from store.models.records import InboundMessage
from tests.databases import fresh_database
from tests.fakes.channels import RecordingChannel
from tests.rounds import personas
from tests.rounds.helpers import open_harbourside, prompts

DOMAIN = "updates.harbourside.test"
JO = "jo.baker@harbourside.gov.uk"
BODY = (
    "Hi,\r\n\r\n1.1 on track: the draft report is with the communications team, sign-off next week\r\n"
    "1.2 completed, the carers network met for the first time on {n}\r\n\r\nThanks,\r\nJo\r\n\r\n"
    "On Mon, 1 Mar 2027 at 09:30, Action Plan Progress <progress@{domain}> wrote:\r\n"
    "> Please reply with a status for each action.\r\n> 1.1 Publish the workforce equality report\r\n"
)


class _Bare:
    domain = "bench"

    async def handle_DATA(self, server, session, envelope):
        return "250 OK"


def _message(n: int, to: str) -> bytes:
    return (
        f"From: Jo Baker <{JO}>\r\nTo: {to}\r\nSubject: Re: Progress update\r\n"
        f"Message-ID: <bench-{n}-{time.monotonic_ns()}@client.test>\r\n"
        "Date: Mon, 01 Mar 2027 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n" + BODY.format(n=n, domain=DOMAIN)
    ).encode()


def _send_all(port: int, to: str, clients: int, messages: int) -> float:
    """Send `messages` over `clients` connections (each reused); seconds until every 250 came back."""
    per = [range(i, messages, clients) for i in range(clients)]

    def one(numbers: range) -> int:
        with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
            for n in numbers:
                client.sendmail(JO, [to], _message(n, to))
        return len(numbers)

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        assert sum(pool.map(one, per)) == messages
    return time.perf_counter() - start


def _blast(port: int, to: str, clients: int, messages: int) -> float:
    """The load generator runs in its own process, as remote senders would: its threads must not share the
    server's GIL. Same generator for both servers."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as generator:
        return generator.submit(_send_all, port, to, clients, messages).result()


def bare(clients: int, messages: int) -> float:
    with ServerThread(_Bare(), hostname="bench", max_sessions=clients + 10) as server:  # type: ignore[arg-type]
        return messages / _blast(server.port, reply_address(DOMAIN), clients, messages)


def ours(
    clients: int, messages: int, *, processing: bool = True, backend: str = "sqlite"
) -> tuple[float, float | None]:
    """(accepted msg/s, applied msg/s); with processing=False the store-before-250 path runs alone, then
    the stored backlog is processed with nothing arriving (applied msg/s is then that backlog's rate).
    backend "postgresql" uses a fresh schema on TEST_DATABASE_URL."""
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
        stop, wake = threading.Event(), threading.Event()

        def work() -> None:
            while not stop.is_set():
                if not process_pending(engine, channels, settings, clock, limit=200, busy=committer.busy):
                    wake.wait(0.05)
                    wake.clear()

        worker = threading.Thread(target=work, daemon=True)
        committer = GroupCommitter(engine, clock)  # as `collector serve mail` runs it
        handler = MailHandler(engine, DOMAIN, clock, store=committer, on_stored=lambda _stored: wake.set())
        with ServerThread(handler, max_sessions=clients + 10) as server:
            start = time.perf_counter()
            if not processing:
                accepted = _blast(server.port, to, clients, messages)
                committer.close()
                # then the stored backlog alone, nothing arriving: the decision and receipt path's own rate
                start = time.perf_counter()
                while process_pending(engine, channels, settings, clock, limit=200):
                    pass
                alone = time.perf_counter() - start
                engine.dispose()
                return messages / accepted, messages / alone
            worker.start()
            accepted = _blast(server.port, to, clients, messages)
            while True:
                with session_scope(engine, read_only=True) as s:
                    left = s.scalar(
                        select(func.count(InboundMessage.id)).where(InboundMessage.state == "new")
                    )
                    states = dict(
                        s.execute(
                            select(InboundMessage.state, func.count()).group_by(InboundMessage.state)
                        ).all()
                    )
                if not left:
                    break
                time.sleep(0.02)
            applied = time.perf_counter() - start
        stop.set()
        wake.set()
        worker.join(30)
        engine.dispose()
        assert states.get("applied", 0) == messages, states
        return messages / accepted, messages / applied


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument(
        "--backend", choices=("sqlite", "postgresql"), default="sqlite",
        help="postgresql: a fresh schema on TEST_DATABASE_URL",
    )  # fmt: skip
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    base = bare(args.clients, args.messages)
    stored_only, alone = ours(args.clients, args.messages, processing=False, backend=args.backend)
    accepted, applied = ours(args.clients, args.messages, backend=args.backend)
    assert applied is not None
    print(f"{args.messages} messages over {args.clients} loopback clients\n")
    rows = [
        ("server", "accepted msg/s", "applied msg/s", "accepted % of bare", "applied % of bare"),
        ("bare aiosmtpd (250 at once)", f"{base:.0f}", "-", "100%", "-"),
        ("ours, storing only (no processing)", f"{stored_only:.0f}", "-", f"{stored_only / base:.0%}", "-"),
        ("ours, the stored backlog processed alone", "-", f"{alone:.0f}", "-", f"{alone / base:.0%}"),
        (f"ours ({args.backend}, store + process)", f"{accepted:.0f}", f"{applied:.0f}",
         f"{accepted / base:.0%}", f"{applied / base:.0%}"),
        ("goal", "", "", ">= 70%", ">= 35%"),
    ]  # fmt: skip
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )


if __name__ == "__main__":
    main()
