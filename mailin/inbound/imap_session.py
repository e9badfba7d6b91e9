"""The IMAP commands the mailbox reader needs, over imaplib: connect, select, search, fetch, mark, idle.

Each function is one exchange with the server and raises on failure (imaplib.IMAP4.error, OSError); the
reader (mailin/inbound/imap_reader.py) decides what a failure means. Nothing here touches the database.
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import select
import ssl
import threading
import time
from collections.abc import Sequence

from collector.core.errors import UserError
from mailin.inbound.imap_config import MailboxConfig

TIMEOUT = 60  # seconds for any one read or write: a silent server is a dead connection
FLAG = "\\Flagged"
_UID = re.compile(rb"\bUID (\d+)")
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")
HEADERS = "TO CC DELIVERED-TO X-ORIGINAL-TO RETURN-PATH FROM"


class FolderMissing(imaplib.IMAP4.error):
    """The folder to read cannot be selected (deleted, renamed, or never there)."""


def connect(config: MailboxConfig, timeout: float = TIMEOUT) -> imaplib.IMAP4:
    """Open the connection: TLS for imaps, STARTTLS for imap (plain IMAP only to a loopback host)."""
    context = ssl.create_default_context()
    if config.scheme == "imaps":
        return imaplib.IMAP4_SSL(config.host, config.port, ssl_context=context, timeout=timeout)
    connection = imaplib.IMAP4(config.host, config.port, timeout=timeout)
    if "STARTTLS" in connection.capabilities:
        connection.starttls(context)
    elif not config.loopback:
        connection.shutdown()
        raise UserError(f"{config.host} offers no STARTTLS: use imaps:// (plain IMAP only on loopback)")
    return connection


def quote(name: str) -> str:
    """A folder name as an IMAP quoted string (spaces, quotes and backslashes are allowed in names)."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def select_folder(connection: imaplib.IMAP4, folder: str) -> int:
    """SELECT the folder (read-write: marking needs it) and return its UIDVALIDITY."""
    typ, data = connection.select(quote(folder))
    if typ != "OK":
        raise FolderMissing(f"cannot select {folder!r}: {_text(data)}")
    _, values = connection.response("UIDVALIDITY")
    if not values or values[0] is None:
        raise imaplib.IMAP4.error(f"{folder!r} reported no UIDVALIDITY")
    return int(values[0])


def uids_after(connection: imaplib.IMAP4, last_uid: int, *, unflagged: bool) -> list[int]:
    """The UIDs above last_uid, ascending. ("N:*" always names the newest message, even below N: dropped.)"""
    criteria = [f"UID {last_uid + 1}:*"] + (["UNFLAGGED"] if unflagged else [])
    typ, data = connection.uid("SEARCH", *criteria)
    if typ != "OK":
        raise imaplib.IMAP4.error(f"UID SEARCH failed: {_text(data)}")
    found = sorted(int(uid) for uid in b" ".join(d for d in data if d).split())
    return [uid for uid in found if uid > last_uid]


def fetch_headers(connection: imaplib.IMAP4, uids: list[int]) -> dict[int, tuple[int, bytes]]:
    """uid -> (size, the recipient and sender header fields), without setting \\Seen (BODY.PEEK)."""
    typ, data = connection.uid("FETCH", _set(uids), f"(UID RFC822.SIZE BODY.PEEK[HEADER.FIELDS ({HEADERS})])")
    if typ != "OK":
        raise imaplib.IMAP4.error(f"UID FETCH headers failed: {_text(data)}")
    found: dict[int, tuple[int, bytes]] = {}
    for item in data:
        if isinstance(item, tuple) and (uid := _UID.search(item[0])):
            size = _SIZE.search(item[0])
            found[int(uid.group(1))] = (int(size.group(1)) if size else 0, item[1])
    return found


def fetch_messages(connection: imaplib.IMAP4, uids: list[int]) -> dict[int, bytes]:
    """uid -> the whole message as the server keeps it, without setting \\Seen."""
    typ, data = connection.uid("FETCH", _set(uids), "(UID BODY.PEEK[])")
    if typ != "OK":
        raise imaplib.IMAP4.error(f"UID FETCH failed: {_text(data)}")
    return {
        int(uid.group(1)): item[1]
        for item in data
        if isinstance(item, tuple) and (uid := _UID.search(item[0]))
    }


def mark(connection: imaplib.IMAP4, uids: list[int], config: MailboxConfig) -> None:
    """Mark taken messages: \\Flagged, or moved to the done folder (created when missing). MOVE (RFC 6851)
    when offered, else COPY, \\Deleted and UID EXPUNGE (RFC 4315) or EXPUNGE."""
    if not uids:
        return
    if config.done == "flag":
        _ok(connection.uid("STORE", _set(uids), "+FLAGS.SILENT", f"({FLAG})"), "STORE")
        return
    target = quote(config.done_folder)
    command = "MOVE" if "MOVE" in connection.capabilities else "COPY"
    typ, data = connection.uid(command, _set(uids), target)
    if typ != "OK" and b"TRYCREATE" in b" ".join(d for d in data if isinstance(d, bytes)):
        connection.create(target)  # the done folder was deleted, or never made: make it and try once more
        typ, data = connection.uid(command, _set(uids), target)
    _ok((typ, data), command)
    if command == "COPY":
        _ok(connection.uid("STORE", _set(uids), "+FLAGS.SILENT", "(\\Deleted)"), "STORE")
        if "UIDPLUS" in connection.capabilities:
            _ok(connection.uid("EXPUNGE", _set(uids)), "UID EXPUNGE")
        else:
            _ok(connection.expunge(), "EXPUNGE")


def idle(connection: imaplib.IMAP4, seconds: float, stop: threading.Event) -> bool:
    """IDLE (RFC 2177) for up to `seconds`, or until `stop`: True when the server reported new mail.

    imaplib has no IDLE before Python 3.14: the command is written by hand and the socket watched with
    select(), one second at a time so that `stop` is honoured promptly."""
    tag = connection._new_tag()  # imaplib's own tag counter, so later commands stay in sequence
    connection.send(tag + b" IDLE\r\n")
    first = connection.readline()
    if not first.startswith(b"+"):
        raise imaplib.IMAP4.error(f"IDLE refused: {first[:200]!r}")
    news = False
    sock = connection.socket()
    deadline = time.monotonic() + seconds
    while not stop.is_set() and time.monotonic() < deadline and not news:
        pending = isinstance(sock, ssl.SSLSocket) and sock.pending() > 0
        if pending or select.select([sock], [], [], 1.0)[0]:
            line = connection.readline()
            if not line:
                raise imaplib.IMAP4.abort("connection closed during IDLE")
            news = b"EXISTS" in line or b"RECENT" in line
    connection.send(b"DONE\r\n")
    while True:
        line = connection.readline()
        if not line:
            raise imaplib.IMAP4.abort("connection closed ending IDLE")
        if line.startswith(tag):
            if not line[len(tag) :].strip().startswith(b"OK"):
                raise imaplib.IMAP4.error(f"IDLE ended badly: {line[:200]!r}")
            return news
        news = news or b"EXISTS" in line


def close(connection: imaplib.IMAP4 | None) -> None:
    """LOGOUT when the connection still works; drop it in any case."""
    if connection is None:
        return
    try:
        connection.logout()
    except Exception:  # a broken connection cannot log out: closing the socket is all there is
        with contextlib.suppress(Exception):  # already closed
            connection.shutdown()


def _set(uids: list[int]) -> str:
    return ",".join(str(uid) for uid in uids)


def _ok(result: tuple[str, Sequence[object]], what: str) -> None:
    typ, data = result
    if typ != "OK":
        raise imaplib.IMAP4.error(f"{what} failed: {_text(data)}")


def _text(data: Sequence[object]) -> str:
    return b" ".join(d for d in data if isinstance(d, bytes)).decode("utf-8", "replace")[:300]
