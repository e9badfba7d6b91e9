"""Which prompt a received email answers: the reply token, then the thread, else none (intake then routes by
the sender's open prompt). The reply address is the router (docs/style.md 3).

Addresses: `progress@DOMAIN` (no token) and `progress+TOKEN@DOMAIN`, read by
collector.channels.reply_address, which also builds them, so what we send and what we accept agree.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from collector.channels.reply_address import read_reply_address
from store.models.rounds import Delivery, Prompt


def token_from(recipients: Iterable[str], domain: str) -> str | None:
    """The first reply token among the envelope recipients."""
    for address in recipients:
        parsed = read_reply_address(address, domain)
        if parsed.ours and parsed.token:
            return parsed.token
    return None


def prompt_for_token(session: Session, token: str) -> Prompt | None:
    return session.scalar(select(Prompt).where(Prompt.token == token))


def token_exists(connection: Connection | Session, token: str) -> bool:
    return connection.scalar(select(Prompt.id).where(Prompt.token == token)) is not None


def prompt_for_thread(session: Session, in_reply_to: str | None, references: list[str]) -> Prompt | None:
    """The prompt whose message (or one of its reminders) this mail replies to: In-Reply-To first, then the
    References from newest to oldest."""
    ids = [i for i in [in_reply_to, *reversed(references or [])] if i]
    for message_id in dict.fromkeys(ids):
        prompt = session.scalar(select(Prompt).where(Prompt.message_id == message_id))
        if prompt is not None:
            return prompt
        prompt_id = session.scalar(
            select(Delivery.prompt_id)
            .where(Delivery.external_id == message_id, Delivery.prompt_id.is_not(None))
            .limit(1)
        )
        if prompt_id is not None:
            return session.get(Prompt, prompt_id)
    return None


def route(
    session: Session,
    recipients: Iterable[str],
    domain: str,
    in_reply_to: str | None,
    references: list[str],
) -> tuple[Prompt | None, str]:
    """(prompt, how it was found: "token" | "thread" | "none")."""
    token = token_from(recipients, domain)
    if token is not None and (prompt := prompt_for_token(session, token)) is not None:
        return prompt, "token"
    if (prompt := prompt_for_thread(session, in_reply_to, references)) is not None:
        return prompt, "thread"
    return None, "none"
