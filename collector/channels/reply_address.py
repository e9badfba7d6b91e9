"""The reply address: `progress+TOKEN@DOMAIN` routes a lead's answer to the prompt that carries TOKEN, and
`progress@DOMAIN` is the bare address (no token). Built (reply_address) and read (read_reply_address,
find_reply_addresses) here only, so every writer (the email composer, the outbox, the demo) and every
reader (the SMTP server's RCPT check, routing, the shared-mailbox filter) keep to one rule.

It lives with the channels, not with mail, because the outbox writes the address too and sits below mail in
the layers.

The rule:
  * TOKEN is what collector.rounds.lifecycle.new_token makes: URL-safe base64, [A-Za-z0-9_-], one to 55
    characters, so the local part "progress+TOKEN" fits the 64 characters RFC 5321 allows;
  * "progress" and the domain compare without ASCII case (relays and clients may change it; DNS names are
    case-insensitive in ASCII only, so "progreſs" or a Kelvin sign is never ours); the token exactly,
    because it is a bearer capability.
A string that names our domain but no address this module could build is ours and malformed.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

LOCAL = "progress"
TOKEN_MAX = 64 - len(LOCAL) - 1  # the local part "progress+TOKEN" is at most 64 characters (RFC 5321)
_TOKEN_CHARS = "A-Za-z0-9_-"
_TOKEN = re.compile(rf"[{_TOKEN_CHARS}]{{1,{TOKEN_MAX}}}")
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _fold(text: str) -> str:
    """`text` with only A-Z lowered: str.casefold would take "ſ" for "s" and a Kelvin sign for "k"."""
    return text.translate(_ASCII_LOWER)


def _any_case(text: str) -> str:
    """A pattern for `text` in any ASCII case, and only that (re.IGNORECASE is Unicode-wide)."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c in string.ascii_letters else re.escape(c) for c in text)


@dataclass(frozen=True)
class ReplyAddress:
    """What an address is to us: ours or not, and the token it carries (None for the bare address)."""

    ours: bool
    token: str | None = None
    malformed: bool = False  # ours (our domain), but not progress@ or progress+TOKEN@


def is_token(token: str) -> bool:
    """Whether `token` can go into a reply address."""
    return _TOKEN.fullmatch(token) is not None


def reply_address(domain: str, token: str | None = None) -> str:
    """`progress+TOKEN@DOMAIN`, or `progress@DOMAIN` without a token. ValueError for a token that cannot go
    into one: ours come from new_token, so anything else is a bug. The domain is the configured one, used as
    given; a header that carries the address checks it whole (mailin.compose.check_address)."""
    if token is None:
        return f"{LOCAL}@{domain}"
    if not is_token(token):
        raise ValueError(f"reply token {token!r} cannot go into an address")
    return f"{LOCAL}+{token}@{domain}"


def read_reply_address(address: str, domain: str) -> ReplyAddress:
    """Classify one address (an envelope recipient, angle brackets allowed) against our domain. Never
    raises."""
    address = (address or "").strip().strip("<>")
    local, at, host = address.rpartition("@")
    if not at or _fold(host) != _fold(domain):
        return ReplyAddress(ours=False)
    base, plus, token = local.partition("+")
    if _fold(base) != LOCAL:
        return ReplyAddress(ours=True, malformed=True)
    if not plus:
        return ReplyAddress(ours=True)
    if not is_token(token):
        return ReplyAddress(ours=True, malformed=True)
    return ReplyAddress(ours=True, token=token)


def find_reply_addresses(text: str, domain: str) -> list[str]:
    """The well-formed reply addresses for `domain` in `text` (a header's value), in order, as written.
    Each is one read_reply_address reads as ours and well-formed."""
    pattern = re.compile(
        rf"(?<![\w.+-]){_any_case(LOCAL)}(?:\+[{_TOKEN_CHARS}]{{1,{TOKEN_MAX}}})?@{_any_case(domain)}"
        r"(?![\w-]|\.\w)"
    )
    return [m.group(0) for m in pattern.finditer(text)]
