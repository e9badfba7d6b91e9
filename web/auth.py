"""Who may sign in to the console, and the emailed sign-in link: made, mailed, and used once.

A link carries a random token (secrets.token_urlsafe, 256 bits); only its SHA-256 is stored, so the table
opens nothing if copied. A link works for LINK_LIFETIME and once: using it is one compare-and-set UPDATE,
so two clicks racing cannot both win. Who may ask: an admin (ADMIN_EMAILS) or a person who coordinates at
least one plan; everyone else gets the same answer and no mail, so the form says nothing about who exists.

The link is sent straight through the installation's email channel (the outbox when none is configured)
rather than through the delivery engine: the engine keeps each message's text to send it again, and the
plain link must not sit in the database. A lost link costs the person one more request.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine, func, select, update

from collector.channels.protocol import Channel, NoticeMessage, Recipient
from collector.core.clock import Clock
from store.db import changed_rows, session_scope
from store.models.console import SigninToken
from store.models.directory import Person
from store.models.plans import Plan, PlanCoordinator

log = logging.getLogger(__name__)

LINK_LIFETIME = timedelta(minutes=15)


@dataclass(frozen=True)
class Access:
    """What a signed-in address may see: every plan (admin), or the plans it coordinates."""

    email: str
    admin: bool
    plan_ids: frozenset[int]

    def may_see(self, plan_id: int) -> bool:
        return self.admin or plan_id in self.plan_ids


def normal(address: str) -> str:
    return address.strip().lower()


def admins(setting: str) -> frozenset[str]:
    return frozenset(normal(a) for a in setting.split(",") if a.strip())


def access(engine: Engine, admin_emails: frozenset[str], address: str) -> Access | None:
    """What `address` may see now, or None when it may not sign in (read on every request, so taking a
    coordinator off a plan takes effect at once)."""
    email = normal(address)
    if not email:
        return None
    with session_scope(engine, read_only=True) as s:
        query = (
            select(PlanCoordinator.plan_id)
            .join(Person, Person.id == PlanCoordinator.person_id)
            .where(func.lower(Person.email) == email)
        )
        plan_ids = frozenset(s.scalars(query))
    admin = email in admin_emails
    return Access(email, admin, plan_ids) if admin or plan_ids else None


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_link(engine: Engine, clock: Clock, email: str) -> str:
    """Store a fresh token's hash for `email` and return the token."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    with session_scope(engine) as s:
        s.add(SigninToken(token_sha256=digest(token), email=normal(email), created_at=now,
                          expires_at=now + LINK_LIFETIME))  # fmt: skip
    return token


def link_email(engine: Engine, clock: Clock, token: str) -> str | None:
    """The address a live link was made for, without spending it: opening a link only shows the sign-in
    button, because mail scanners (Outlook's Safe Links among them) fetch links before the person does."""
    with session_scope(engine, read_only=True) as s:
        return s.scalar(
            select(SigninToken.email).where(
                SigninToken.token_sha256 == digest(token),
                SigninToken.used_at.is_(None),
                SigninToken.expires_at > clock.now(),
            )
        )


def use_link(engine: Engine, clock: Clock, token: str) -> str | None:
    """Spend the token: the address it was made for, or None when unknown, used or expired."""
    now = clock.now()
    hashed = digest(token)
    with session_scope(engine) as s:
        spend = (
            update(SigninToken)
            .where(SigninToken.token_sha256 == hashed, SigninToken.used_at.is_(None))
            .where(SigninToken.expires_at > now)
            .values(used_at=now)
        )
        if changed_rows(s, spend) != 1:
            return None
        return s.scalar(select(SigninToken.email).where(SigninToken.token_sha256 == hashed))


def send_link(engine: Engine, channels: dict[str, Channel], email: str, link: str) -> None:
    """Mail the link as a notice, by email (or into the outbox); a failure is logged, never shown."""
    channel = channels.get("email") or channels.get("outbox")
    if channel is None:
        log.warning("console sign-in: no email channel or outbox to send the link")
        return
    with session_scope(engine, read_only=True) as s:
        person = s.scalar(select(Person).where(func.lower(Person.email) == email))
        recipient = Recipient(person.id, person.display, email) if person else Recipient(None, "", email)
        titles = list(
            s.scalars(
                select(Plan.title)
                .join(PlanCoordinator, PlanCoordinator.plan_id == Plan.id)
                .where(PlanCoordinator.person_id == (person.id if person else -1))
            )
        )
    notice = NoticeMessage(
        subject="Your sign-in link",
        recipient=recipient,
        lines=(
            "Here is your link to sign in to the progress console:",
            "",
            link,
            "",
            f"It works once, for {int(LINK_LIFETIME.total_seconds() // 60)} minutes. "
            "If you did not ask for it, ignore this message: nobody can sign in without it.",
        ),
        plan_title=titles[0] if len(titles) == 1 else None,
    )
    try:
        channel.send_notice(notice)
    except Exception:  # a relay down: the person asks again; the page must not say who exists
        log.exception("console sign-in: the link could not be sent")


class RateLimit:
    """At most `limit` events per key in a sliding `window` of seconds, in this process only."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self._seen: dict[str, deque[float]] = defaultdict(deque)

    def allow(self, key: str, now: float | None = None) -> bool:
        at = time.monotonic() if now is None else now
        seen = self._seen[key]
        while seen and seen[0] <= at - self.window:
            seen.popleft()
        if len(seen) >= self.limit:
            return False
        seen.append(at)
        if len(self._seen) > 10_000:  # keep memory bounded under a spray of addresses
            for stale in [k for k, v in self._seen.items() if not v or v[-1] <= at - self.window]:
                del self._seen[stale]
        return True
