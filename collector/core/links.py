"""A lead's update-page link: the prompt's reply token, signed with WEB_SECRET (itsdangerous, HMAC-SHA256).

Why signed rather than a second random token kept in the database (docs/web.md says more): a reminder sent
days after the prompt must carry the same link, so a hash-only column could not rebuild it, and a second
token kept in the clear would add nothing the reply token does not already give. The reply token is
already in the lead's Reply-To address, so the link reveals nothing the message did not; only the server
can make the signature, so a reply address seen elsewhere (a forward, a CC) does not open the page. The
link is scoped to one prompt, that is one lead in one round; changing WEB_SECRET stops every link at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from itsdangerous import BadSignature, Signer

from collector.core.settings import Settings

SALT = "lead-link"
PATH = "/u/"


def _signer(secret: str) -> Signer:
    return Signer(secret, salt=SALT, digest_method=hashlib.sha256)


def lead_token(secret: str, reply_token: str) -> str:
    """The token in the link: "<reply token>.<signature>"."""
    return _signer(secret).sign(reply_token).decode("ascii")


def read_lead_token(secret: str, token: str) -> str | None:
    """The reply token a link names, or None when the signature does not check out (tampered, made up,
    or signed with another secret)."""
    try:
        return _signer(secret).unsign(token).decode("ascii")
    except (BadSignature, UnicodeError):
        return None


def lead_link(public_url: str, secret: str, reply_token: str) -> str:
    """The whole link a lead follows: PUBLIC_URL + /u/ + the token."""
    return public_url.rstrip("/") + PATH + lead_token(secret, reply_token)


def lead_links(settings: Settings) -> Callable[[str], str] | None:
    """The lead's link for a reply token, or None: links exist only when PUBLIC_URL and WEB_SECRET are both
    set. The one rule for every place that adds a link (email, outbox, Slack) or serves the page."""
    if not settings.public_url or settings.web_secret is None:
        return None
    public_url, secret = settings.public_url, settings.web_secret.get_secret_value()
    return lambda token: lead_link(public_url, secret, token)
