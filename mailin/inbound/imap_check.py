"""What `collector doctor` says about the mailbox: sign-in, the folder, IDLE and the token's lifetime.

Read-only: it selects the folder with EXAMINE, so nothing is marked, moved or flagged by looking.
"""

from __future__ import annotations

import imaplib
import time

from collector.core.errors import UserError
from collector.core.settings import Settings
from mailin.inbound import imap_session
from mailin.inbound.imap_auth import sign_in, token_source
from mailin.inbound.imap_config import parse_mailbox_url

OK, WARN, FAIL = "ok", "warning", "failed"


def inspect_mailbox(settings: Settings) -> tuple[str, str, str]:
    """(status, what was found, how to fix it) for MAILBOX_URL, which must be set."""
    try:
        config = parse_mailbox_url(settings.mailbox_url or "", settings.mailbox_done)
        tokens = token_source(settings, config.user)
    except UserError as exc:
        return FAIL, str(exc), "see README, Receiving replies"
    password = settings.mailbox_password.get_secret_value() if settings.mailbox_password else None
    if tokens is None and password is None:
        return FAIL, "no MAILBOX_PASSWORD and no MAILBOX_OAUTH", "set one (README, Receiving replies)"
    notes: list[str] = []
    if tokens is not None:
        try:
            token = tokens.token()
        except Exception as exc:  # any refusal from the token endpoint, shown as it came
            return FAIL, f"no OAuth 2.0 token: {exc}"[:300], "check the client id, secret or key and tenant"
        left = token.expires_at - time.time()
        notes.append(f"token valid for {left / 60:.0f} min")
        if left < 600:
            return WARN, f"{config.key}: the token expires in {left:.0f} s", "check the token lifetime"
    try:
        connection = imap_session.connect(config, timeout=15)
    except (OSError, UserError) as exc:
        return FAIL, f"cannot reach {config.host}:{config.port}: {exc}", "check MAILBOX_URL's host and port"
    try:
        try:
            sign_in(connection, config.user, password, tokens)
        except imaplib.IMAP4.error as exc:
            return FAIL, f"{config.user} cannot sign in: {exc}"[:300], _sign_in_fix(settings)
        typ, data = connection.select(imap_session.quote(config.folder), readonly=True)
        if typ != "OK":
            return FAIL, f"{config.key}: no folder {config.folder!r}", "check the folder in MAILBOX_URL"
        notes.insert(0, f"{int(data[0] or 0)} messages in {config.folder}")
        idles = "IDLE" in connection.capabilities
        notes.append("IDLE" if idles else f"no IDLE: polled every {settings.mailbox_poll:.0f} s")
    except (OSError, imaplib.IMAP4.error) as exc:
        return FAIL, f"{config.key}: {exc}"[:300], "check the server"
    finally:
        imap_session.close(connection)
    detail = f"{config.key} signed in ({'XOAUTH2' if tokens else 'password'}): " + ", ".join(notes)
    return (OK if idles else WARN), detail, "" if idles else "replies are picked up at each poll"


def _sign_in_fix(settings: Settings) -> str:
    if settings.mailbox_oauth == "microsoft":
        return (
            "grant the app IMAP.AccessAsApp, register its service principal in Exchange Online and give it "
            "FullAccess to the mailbox (README)"
        )
    if settings.mailbox_oauth == "google":
        return "give the service account's client id https://mail.google.com/ (domain-wide delegation)"
    return "check MAILBOX_PASSWORD (Microsoft 365 refuses passwords: use MAILBOX_OAUTH=microsoft)"
