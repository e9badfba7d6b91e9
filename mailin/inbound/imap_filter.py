"""Which messages in a shared mailbox are ours to take: those addressed to the progress address.

An organisation's mailbox also holds mail that has nothing to do with us (newsletters, people writing to the
mailbox by hand about something else). We take a message only when To, Cc, Delivered-To or X-Original-To
names progress@MAIL_DOMAIN or progress+TOKEN@MAIL_DOMAIN (Exchange Online and Gmail both deliver plus
addresses to the base mailbox and keep the full address in To); everything else is left exactly as it was,
unread state included. Pure: header bytes in, addresses out; never raises on a malformed header.
"""

from __future__ import annotations

from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses, parseaddr

from collector.channels.reply_address import find_reply_addresses

RECIPIENT_FIELDS = ("to", "cc", "delivered-to", "x-original-to")
_PARSER = BytesHeaderParser(policy=compat32)  # compat32: a malformed header is kept as text, never raised


def progress_recipients(headers: bytes, domain: str) -> list[str]:
    """The progress addresses the recipient fields name, in order, without repeats (empty: not ours)."""
    message = _PARSER.parsebytes(headers)
    found: dict[str, None] = {}
    for field in RECIPIENT_FIELDS:
        for value in message.get_all(field) or []:
            for address in find_reply_addresses(str(value), domain):
                found[address] = None
    return list(found)


def envelope_sender(headers: bytes) -> str:
    """The sender as the SMTP envelope had it: Return-Path when present ("" for a bounce's <>), else From."""
    message = _PARSER.parsebytes(headers)
    return_path = message.get("return-path")
    if return_path is not None:
        return parseaddr(str(return_path))[1]
    senders = getaddresses([str(value) for value in message.get_all("from") or []])
    return next((address for _, address in senders if address), "")
