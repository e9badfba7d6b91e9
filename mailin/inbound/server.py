"""Our SMTP server: accept replies at our mail domain, store each one durably, then answer 250.

Policy (docs/reliability.md section 1 and 2, findings F1-F3):
  MAIL FROM  control characters or NUL (F2), or an over-long address: 553 5.1.7. `<>` (bounces) is accepted.
  RCPT TO    only progress@DOMAIN or progress+TOKEN@DOMAIN (domain case-insensitive). Another domain, another
             local part, a malformed token or a token that matches no prompt: 550 5.1.1, in-session, so the
             sender's own MTA writes the bounce and we send no backscatter. The bare address is accepted
             (routed later by thread or sender). A database error while checking a token: 451 4.3.0.
  DATA       stored raw with its envelope in ONE committed transaction (mailin.inbound.store, off the event
  loop),
             then "250 2.0.0 Ok: queued as <id>". A redelivery answers 250 again with no second row. Any
             error while storing is 451 4.3.0 (handle_exception too): never a 5xx for our own fault (F1),
             never internal text. Over data_size_limit (10 MiB, advertised as SIZE): aiosmtpd's 552.
  Sessions   at most max_sessions at once, and at most max_per_peer from one IP address (MAIL_MAX_PER_PEER):
             the excess is told 421 4.7.0 and closed (F3: aiosmtpd has no cap), so one client cannot take
             every slot. A session ending at any stage (even right after DATA's final dot) ends only that
             session: the shared commit thread never depends on a sender still being there
             (mailin.inbound.store).
  Shutdown   the listener closes at once; idle sessions get 421 4.3.2; a session inside MAIL..DATA may finish
             (its 250 comes only after its commit) for `grace` seconds, then it is cut with 421. A 250 without
             a stored row cannot happen: the 250 is written only after store_message returned.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import Engine

from collector.channels.reply_address import read_reply_address
from collector.core.clock import Clock
from mailin.inbound import routing
from mailin.inbound.store import store_message
from store.inbound import Stored

log = logging.getLogger(__name__)

DATA_SIZE_LIMIT = 10 * 1024 * 1024
MAX_SESSIONS = 100
MAX_RECIPIENTS = 20
MAX_ADDRESS = 320
TEMPORARY = "451 4.3.0 Temporary failure, try again later"
BAD_MAILBOX = "550 5.1.1 Bad destination mailbox address"
BAD_SENDER = "553 5.1.7 Bad sender address syntax"
TOO_MANY = "421 4.7.0 Too many connections, try again later"
TOO_MANY_FROM_PEER = "421 4.7.0 Too many connections from your address, try again later"
STORE_WAIT = 120.0  # the longest a sender waits for its commit before being told 451
SHUTTING_DOWN = "421 4.3.2 Service shutting down, try again later"


def _clean_address(address: str) -> bool:
    """No control characters (NUL, CR, LF, DEL...), no spaces, a sane length."""
    return len(address) <= MAX_ADDRESS and all(32 < ord(c) != 127 for c in address)


class MailHandler:
    """aiosmtpd hooks. `store` is mailin.inbound.store.store_message (a test may replace it); `on_stored` is
    called on the event loop after a NEW message is committed (it wakes the processing loop)."""

    def __init__(
        self,
        engine: Engine,
        domain: str,
        clock: Clock,
        *,
        store: Callable[..., Stored] = store_message,
        on_stored: Callable[[Stored], None] | None = None,
    ):
        self.engine, self.domain, self.clock = engine, domain, clock
        self.store = store
        self._reader = engine.execution_options(read_only=True)  # plain BEGIN: no write lock (store.db)
        self.on_stored = on_stored

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if not _clean_address(address) or (address not in ("", "<>") and "@" not in address):
            log.info("refused MAIL FROM %r from %s", address[:80], session.peer)
            return BAD_SENDER
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 2.1.0 Ok"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if not _clean_address(address):
            return BAD_MAILBOX
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return "452 4.5.3 Too many recipients"
        recipient = read_reply_address(address, self.domain)
        if not recipient.ours or recipient.malformed:
            log.info("refused RCPT TO %r from %s", address[:80], session.peer)
            return BAD_MAILBOX
        if recipient.token is not None:
            try:
                known = await asyncio.to_thread(self._token_exists, recipient.token)
            except Exception:
                log.exception("checking a reply token failed: answered 451")
                return TEMPORARY
            if not known:
                log.info("refused RCPT TO with an unknown token from %s", session.peer)
                return BAD_MAILBOX
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 2.1.5 Ok"

    def _token_exists(self, token: str) -> bool:
        """One indexed look-up on a pooled connection (Core, no ORM session: this runs for every RCPT)."""
        with self._reader.connect() as connection:
            return routing.token_exists(connection, token)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        if isinstance(raw, str):  # only with decode_data=True, which we never set
            raw = raw.encode("utf-8", "surrogateescape")
        meta: dict[str, Any] = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "peer": _peer(session.peer),
            "helo": (session.host_name or "")[:255],
        }
        try:
            submit = getattr(self.store, "submit", None)
            if submit is not None:  # group commit: wait for our batch's commit without holding a thread
                # shield: a client hanging up cancels this wait, never the commit others share
                waiting = asyncio.shield(asyncio.wrap_future(submit(raw, meta)))
                stored = await asyncio.wait_for(waiting, STORE_WAIT)
            else:
                stored = await asyncio.to_thread(self.store, self.engine, raw, meta, self.clock)
        except Exception:
            log.exception("storing a message from %s failed: answered 451", meta["peer"])
            return TEMPORARY
        if stored.duplicate:
            log.info("%s already stored as %d: redelivery absorbed", stored.external_id, stored.id)
        else:
            log.info(
                "%s stored as %d (%d bytes from %s)", stored.external_id, stored.id, len(raw), meta["peer"]
            )
            if self.on_stored is not None:
                self.on_stored(stored)
        return f"250 2.0.0 Ok: queued as {stored.id}"

    async def handle_exception(self, error: Exception) -> str:
        # aiosmtpd's default answers "500 Error: (OperationalError) ..." (F1): permanent, and it leaks.
        log.error("SMTP session error (answered 451): %r", error, exc_info=error)
        return TEMPORARY


def _peer(peer: Any) -> str:
    if isinstance(peer, tuple) and len(peer) >= 2:
        return f"{peer[0]}:{peer[1]}"
    return str(peer)


class _Session(SMTP):
    """One SMTP session that tells its server when it ends (for the session cap and shutdown)."""

    def __init__(self, owner: MailServer, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._owner = owner
        self.peer_ip = ""
        self._refused = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        peer = transport.get_extra_info("peername")
        self.peer_ip = str(peer[0]) if isinstance(peer, tuple) and peer else str(peer)
        if not self._owner._admit(self):
            self._refused = True
            self._owner._sessions.discard(self)
            transport.write((TOO_MANY_FROM_PEER + "\r\n").encode("ascii"))  # type: ignore[attr-defined]
            transport.close()
            return
        super().connection_made(transport)

    def data_received(self, data: bytes) -> None:
        if not self._refused:
            super().data_received(data)

    def eof_received(self) -> bool | None:
        return False if self._refused else super().eof_received()

    def connection_lost(self, error: Exception | None) -> None:
        self._owner._sessions.discard(self)
        if not self._refused:
            super().connection_lost(error)

    @property
    def busy(self) -> bool:
        """Inside a mail transaction (MAIL given, DATA not finished): shutdown lets it finish."""
        return self.envelope is not None and self.envelope.mail_from is not None


class _Refuse(asyncio.Protocol):
    """What a connection over the cap (or during shutdown) gets: one line, then the door."""

    def __init__(self, line: str):
        self.line = line

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport.write((self.line + "\r\n").encode("ascii"))  # type: ignore[attr-defined]
        transport.close()


class MailServer:
    """The listener and its sessions, on the running event loop."""

    def __init__(
        self,
        handler: MailHandler,
        host: str,
        port: int,
        *,
        max_sessions: int = MAX_SESSIONS,
        max_per_peer: int | None = None,
        data_size_limit: int = DATA_SIZE_LIMIT,
        timeout: float = 300,
        hostname: str | None = None,
    ):
        self.handler, self.host, self.port = handler, host, port
        self.max_sessions, self.data_size_limit, self.timeout = max_sessions, data_size_limit, timeout
        self.max_per_peer = max_per_peer  # None: only max_sessions bounds one address
        self.hostname = hostname or handler.domain
        self._sessions: set[_Session] = set()
        self._server: asyncio.base_events.Server | None = None
        self._closing = False

    def _factory(self) -> asyncio.Protocol:
        if self._closing:
            return _Refuse(SHUTTING_DOWN)
        if len(self._sessions) >= self.max_sessions:
            log.warning("session cap (%d) reached: a connection was told 421", self.max_sessions)
            return _Refuse(TOO_MANY)
        session = _Session(
            self,
            self.handler,
            data_size_limit=self.data_size_limit,
            enable_SMTPUTF8=True,
            decode_data=False,
            hostname=self.hostname,
            ident="progress-collector ESMTP",
            timeout=self.timeout,
            loop=asyncio.get_running_loop(),
        )
        self._sessions.add(session)
        return session

    def _admit(self, session: _Session) -> bool:
        """Whether a new session fits under the per-address cap (it is already counted in _sessions)."""
        if self.max_per_peer is None:
            return True
        same = sum(1 for other in self._sessions if other.peer_ip == session.peer_ip)
        if same <= self.max_per_peer:
            return True
        log.warning("per-address cap (%d) reached for %s: told 421", self.max_per_peer, session.peer_ip)
        return False

    async def start(self) -> int:
        """Listen; the port actually bound (port 0 picks a free one)."""
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(self._factory, self.host, self.port, reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("listening for mail on %s:%d for @%s", self.host, self.port, self.handler.domain)
        return self.port

    async def stop(self, grace: float = 30) -> None:
        """Stop accepting; close idle sessions; let sessions inside a transaction finish for `grace` s."""
        self._closing = True
        if self._server is not None:
            self._server.close()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace
        while self._sessions:
            for session in list(self._sessions):
                if not session.busy or loop.time() >= deadline:
                    self._cut(session)
            if not self._sessions:
                break
            await asyncio.sleep(0.05)
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 5)
        log.info("mail listener stopped")

    def _cut(self, session: _Session) -> None:
        self._sessions.discard(session)
        transport = session.transport
        if transport is not None and not transport.is_closing():
            with contextlib.suppress(Exception):
                transport.write((SHUTTING_DOWN + "\r\n").encode("ascii"))  # type: ignore[attr-defined]
            transport.close()


class ServerThread:
    """A MailServer on its own event loop in a thread: for tests and the bench (cf. aiosmtpd Controller)."""

    def __init__(self, handler: MailHandler, host: str = "127.0.0.1", port: int = 0, **kwargs: Any):
        self.server = MailServer(handler, host, port, **kwargs)
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="mail-server", daemon=True)
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def port(self) -> int:
        return self.server.port

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self.server.start())
        except BaseException as exc:  # e.g. the port is taken: re-raised in start()
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self.loop.run_forever()
        pending = [t for t in asyncio.all_tasks(self.loop) if not t.done()]
        for task in pending:
            task.cancel()
        self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self.loop.close()

    def start(self) -> ServerThread:
        self._thread.start()
        self._ready.wait(10)
        if self._error is not None:
            raise self._error
        return self

    def stop(self, grace: float = 5) -> None:
        if self.loop.is_running():
            asyncio.run_coroutine_threadsafe(self.server.stop(grace), self.loop).result(grace + 10)
            self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(15)

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
