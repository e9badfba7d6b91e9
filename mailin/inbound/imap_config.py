"""What MAILBOX_URL and its companion settings say: where the mailbox is, how to sign in, how to mark mail.

    imaps://user@host[:993]/FOLDER   TLS from the first byte (Exchange Online, Gmail)
    imap://user@host[:143]/FOLDER    STARTTLS, required unless the host is a loopback address (tests, a
                                     local relay), where plain IMAP is allowed
The user may be written percent-encoded (progress%40council.gov.uk) or plain (progress@council.gov.uk@host:
the last @ separates the host). The folder defaults to INBOX. A password in the URL is refused: it belongs in
MAILBOX_PASSWORD, so the URL can be logged and shown by `collector doctor`.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from collector.core.errors import UserError

DEFAULT_PORTS = {"imaps": 993, "imap": 143}


@dataclass(frozen=True)
class MailboxConfig:
    scheme: str  # imaps | imap
    host: str
    port: int
    user: str
    folder: str
    done: str  # "flag", or "move"
    done_folder: str  # where "move" puts taken messages

    @property
    def key(self) -> str:
        """The mailbox's name in mailbox_states and in logs: no secret in it."""
        return f"{self.user}@{self.host}:{self.port}/{self.folder}"[:500]

    @property
    def loopback(self) -> bool:
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return self.host == "localhost"


def parse_mailbox_url(url: str, done: str = "move:Processed") -> MailboxConfig:
    """Parse MAILBOX_URL and MAILBOX_DONE; raise UserError saying what is wrong."""
    parts = urlsplit(url.strip())
    if parts.scheme not in DEFAULT_PORTS:
        raise UserError(f"MAILBOX_URL must start with imaps:// or imap://, not {parts.scheme or url!r}")
    netloc = parts.netloc
    userinfo, at, hostport = netloc.rpartition("@")
    if not at or not userinfo:
        raise UserError("MAILBOX_URL needs the mailbox's user: imaps://user@host/INBOX")
    if ":" in userinfo:
        raise UserError("MAILBOX_URL must not carry a password: set MAILBOX_PASSWORD instead")
    host, colon, port_text = hostport.rpartition(":") if hostport.count(":") == 1 else (hostport, "", "")
    if not colon:
        host = hostport
    try:
        port = int(port_text) if port_text else DEFAULT_PORTS[parts.scheme]
    except ValueError as exc:
        raise UserError(f"MAILBOX_URL has a bad port {port_text!r}") from exc
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    kind, _, target = done.partition(":")
    if kind not in ("move", "flag") or (kind == "move" and not target.strip()):
        raise UserError(f"MAILBOX_DONE must be move:FOLDER or flag, not {done!r}")
    return MailboxConfig(
        scheme=parts.scheme,
        host=host.strip("[]"),
        port=port,
        user=unquote(userinfo),
        folder=folder,
        done=kind,
        done_folder=target.strip() if kind == "move" else "",
    )
