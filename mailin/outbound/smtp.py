"""The outbound relay: a reused smtplib connection, STARTTLS or implicit TLS, retries that tell 4xx from 5xx.

    smtp://user:pass@relay.example.org:587   plain connection, upgraded with STARTTLS when the relay offers it
    smtps://user:pass@relay.example.org:465  implicit TLS

Failures follow docs/reliability.md C10: a refused or dropped connection, a timeout or a 4xx reply is retried
inside one send (backoff 0.5 s, 2 s), then reported as ChannelError(permanent=False) so the caller's policy
retries later; a 5xx for the recipient (RCPT or DATA) is ChannelError(permanent=True) carrying the relay's
reply; a CR/LF in an address makes smtplib raise ValueError, which is permanent too. The password never
reaches a log or an error message: only redacted() URLs do.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from collector.channels.protocol import ChannelError
from mailin.compose import check_address

log = logging.getLogger(__name__)

TIMEOUT = 30.0
DELAYS = (0.5, 2.0)  # the waits between the three attempts of one send
_LOOPBACK = {"localhost", "127.0.0.1", "::1"}


@dataclass(frozen=True)
class RelayConfig:
    scheme: str  # "smtp" | "smtps"
    host: str
    port: int
    username: str | None = None
    password: str | None = None

    @classmethod
    def parse(cls, url: str) -> RelayConfig:
        """Read SMTP_URL; user and password are percent-decoded ("p%40ss" is "p@ss")."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(f"SMTP_URL must look like smtp://user:pass@relay:587, not {redact(url)!r}")
        port = parts.port or (465 if scheme == "smtps" else 25)
        user = unquote(parts.username) if parts.username else None
        password = unquote(parts.password) if parts.password else None
        return cls(scheme, parts.hostname, port, user, password)

    def redacted(self) -> str:
        user = f"{self.username}:***@" if self.username else ""
        return f"{self.scheme}://{user}{self.host}:{self.port}"


def redact(url: str) -> str:
    """`url` with any password replaced by ***, for logs and errors."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@", 1)).geturl()


class _Retry(Exception):
    """A failure worth another attempt (connection trouble or a 4xx)."""


class SmtpSender:
    """Sends composed messages through the relay in SMTP_URL, reusing one connection between sends."""

    def __init__(
        self,
        url: str,
        *,
        timeout: float = TIMEOUT,
        delays: Sequence[float] = DELAYS,
        sleep: Callable[[float], None] = time.sleep,
        ssl_context: ssl.SSLContext | None = None,
        local_hostname: str | None = None,
    ):
        self.config = RelayConfig.parse(url)
        self.timeout, self.delays, self.sleep = timeout, tuple(delays), sleep
        self.ssl_context = ssl_context or ssl.create_default_context()
        self.local_hostname = local_hostname
        self._conn: smtplib.SMTP | None = None
        self.connections_opened = 0  # for tests and logs: how often a connection was (re)opened

    def send(
        self, msg: EmailMessage, *, from_addr: str | None = None, to_addrs: list[str] | None = None
    ) -> None:
        """Deliver `msg` (envelope from its headers unless given), or raise ChannelError saying whether a
        later retry may help."""
        # smtplib 3.12 does not raise for a CR/LF inside an address: quoteaddr() quietly cuts
        # "jo@exa\r\nmple.org" to "jo@exa", a different mailbox. So envelope addresses are checked here.
        for address in [*([from_addr] if from_addr else []), *(to_addrs or [])]:
            check_address(address)
        msg_id = msg.get("Message-ID", "")
        last = ""
        for attempt, delay in enumerate((*self.delays, None), start=1):
            try:
                self._send_once(msg, from_addr, to_addrs)
                log.info("%s accepted by %s (attempt %d)", msg_id, self.config.redacted(), attempt)
                return
            except _Retry as exc:
                last = str(exc)
                log.warning("%s attempt %d via %s failed: %s", msg_id, attempt, self.config.redacted(), last)
                if delay is not None:
                    self.sleep(delay)
        raise ChannelError(f"relay {self.config.redacted()} failed {len(self.delays) + 1} times: {last}")

    def check(self) -> str:
        """Connect, greet, STARTTLS and log in exactly as a send would, then quit without sending: what
        `collector doctor` reports. Raises what the connection raised."""
        conn = self._open()
        try:
            tls = isinstance(conn.sock, ssl.SSLSocket)
            login = f", logged in as {self.config.username}" if self.config.username else ", no login"
            return f"{self.config.host}:{self.config.port} answered{' over TLS' if tls else ''}{login}"
        finally:
            try:
                conn.quit()
            except (smtplib.SMTPException, OSError):
                conn.close()

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.quit()
            except (smtplib.SMTPException, OSError):
                conn.close()

    def _send_once(self, msg: EmailMessage, from_addr: str | None, to_addrs: list[str] | None) -> None:
        try:
            refused = self._connection().send_message(msg, from_addr, to_addrs)
        except ValueError as exc:  # smtplib: "...may not contain CR or LF line breaks" (C10)
            raise ChannelError(f"refused before sending: {exc}", permanent=True) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            self._answer("recipient refused", list(exc.recipients.values()))
        except smtplib.SMTPSenderRefused as exc:
            # Our sender address, not the lead's: a 5xx is a configuration problem, not this person's fault.
            if exc.smtp_code >= 500:
                raise ChannelError(
                    f"relay refused the sender: {_reply(exc.smtp_code, exc.smtp_error)}"
                ) from exc
            raise _Retry(f"sender deferred: {_reply(exc.smtp_code, exc.smtp_error)}") from exc
        except smtplib.SMTPAuthenticationError as exc:
            self._drop()
            raise ChannelError(f"relay login failed: {_reply(exc.smtp_code, exc.smtp_error)}") from exc
        except (smtplib.SMTPNotSupportedError, ssl.SSLCertVerificationError) as exc:
            # The relay offers no AUTH, or its certificate does not verify: configuration, not a passing
            # fault. Trying again within this send cannot help; say what to fix.
            self._drop()
            raise ChannelError(f"relay {self.config.redacted()}: {type(exc).__name__}: {exc}") from exc
        except smtplib.SMTPResponseException as exc:  # SMTPDataError and a 4xx/5xx anywhere else
            if exc.smtp_code == 421:
                self._drop()  # RFC 5321 4.2.2: the server is closing the channel
            self._answer("relay answered", [(exc.smtp_code, exc.smtp_error)])
        except (smtplib.SMTPException, OSError) as exc:  # refused, reset, dropped, timed out, TLS trouble
            self._drop()
            raise _Retry(f"{type(exc).__name__}: {exc}") from exc
        if refused:  # some recipients accepted, some not: only ever one To, but be exact
            self._answer("recipient refused", list(refused.values()))

    @staticmethod
    def _answer(what: str, replies: list[tuple[int, bytes | str]]) -> None:
        text = "; ".join(_reply(code, error) for code, error in replies)
        if any(code >= 500 for code, _ in replies):
            raise ChannelError(f"{what}: {text}", permanent=True)
        raise _Retry(f"{what}: {text}")

    def _connection(self) -> smtplib.SMTP:
        """The open connection, checked with NOOP when reused; (re)opened when there is none or it dropped."""
        if self._conn is not None:
            try:
                if self._conn.noop()[0] == 250:
                    return self._conn
            except (smtplib.SMTPException, OSError):
                pass
            self._drop()
        self._conn = self._open()
        self.connections_opened += 1
        return self._conn

    def _open(self) -> smtplib.SMTP:
        c = self.config
        log.debug("connecting to %s", c.redacted())
        conn: smtplib.SMTP
        if c.scheme == "smtps":
            conn = smtplib.SMTP_SSL(
                c.host,
                c.port,
                local_hostname=self.local_hostname,
                timeout=self.timeout,
                context=self.ssl_context,
            )
        else:
            conn = smtplib.SMTP(c.host, c.port, local_hostname=self.local_hostname, timeout=self.timeout)
        try:
            conn.ehlo()
            tls = c.scheme == "smtps"
            if not tls and conn.has_extn("starttls"):
                conn.starttls(context=self.ssl_context)
                conn.ehlo()
                tls = True
            if c.username:
                if not tls and c.host not in _LOOPBACK:
                    raise ChannelError(
                        f"{c.redacted()} offers no STARTTLS: not sending the password in clear"
                    )
                conn.login(c.username, c.password or "")
        except BaseException:
            conn.close()
            raise
        return conn

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()


def _reply(code: int, error: bytes | str) -> str:
    text = error.decode("utf-8", "replace") if isinstance(error, bytes) else str(error)
    return f"{code} {' '.join(text.split())}"
