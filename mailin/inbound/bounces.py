"""A bounce counts only when it is about a message we sent (issue 13: a forged bounce naming a lead marked
their address failing, and the next round left them out).

A delivery status notification carries the original message or its headers (RFC 3464: message/rfc822 or
text/rfc822-headers), older bounces quote them in the text, and some relays thread the bounce under the
original (In-Reply-To, References). Any of those Message-IDs that is one we sent (deliveries.external_id,
prompts.message_id) ties the bounce to the person we sent it to. Outbound mail uses no VERP return
address, so the Message-ID is the only tie. Then:

    ties to a sent message   addresses the bounce names      marked failing
    -----------------------  ------------------------------  -----------------------------------------
    none                     any                             nobody: stored, state "bounce", ignored
    to person P              P's address among them          P
    to person P              none found                      P (the message went to P alone)
    to person P              only others (P's forward?)      nobody: those others were never sent to

Whoever forges a bounce would have to know the Message-ID of a message we sent to that lead, which only
the lead's mailbox has seen.
"""

from __future__ import annotations

import re
from email import message_from_bytes
from email.message import Message
from email.policy import compat32

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector.channels.protocol import NoticeMessage, Recipient
from collector.rounds.work import Work
from store.models.directory import Person
from store.models.plans import Plan, PlanCoordinator
from store.models.rounds import Delivery, Prompt, Round
from store.people import contact_channel

_ID = re.compile(r"<[^<>\s]+>")
_QUOTED_ID = re.compile(r"(?im)^message-id:\s*(<[^<>\s]+>)")
_HEADER_PARTS = {"message/rfc822", "text/rfc822-headers", "message/rfc822-headers", "message/global"}
MAX_IDS = 20


def original_ids(raw: bytes) -> list[str]:
    """The Message-IDs a bounce refers to: its In-Reply-To and References, the Message-ID of the returned
    original (attached, or its headers), and any "Message-ID:" line the text quotes. Never raises."""
    try:
        msg = message_from_bytes(raw, policy=compat32)
    except Exception:
        return []
    found: list[str] = []
    for name in ("In-Reply-To", "References"):
        found += _ID.findall(re.sub(r"\s+", "", str(msg.get(name) or "")))
    own = "".join(str(msg.get("Message-ID") or "").split())
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype in _HEADER_PARTS or ctype == "text/plain":
            found += _QUOTED_ID.findall(_payload_text(part))
    return [i for i in dict.fromkeys(found) if i != own][:MAX_IDS]


def _payload_text(part: Message) -> str:
    payload = part.get_payload()
    if isinstance(payload, list):  # message/rfc822: the attached message, parsed
        return "\n".join(f"{k}: {v}" for sub in payload if isinstance(sub, Message) for k, v in sub.items())
    data = part.get_payload(decode=True)
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    return str(payload or "")


def who_bounced(s: Session, message_ids: list[str], addresses: list[str]) -> tuple[list[Person], str]:
    """(the people to mark failing, why), by the table above."""
    if not message_ids:
        return [], "ignored: it refers to no message we sent"
    person_ids = set(
        s.scalars(
            select(Delivery.person_id).where(
                Delivery.external_id.in_(message_ids), Delivery.person_id.is_not(None)
            )
        )
    )
    person_ids |= set(
        s.scalars(
            select(Prompt.person_id).where(Prompt.message_id.in_(message_ids), Prompt.person_id.is_not(None))
        )
    )
    if not person_ids:
        return [], "ignored: it refers to no message we sent"
    people = list(s.scalars(select(Person).where(Person.id.in_(person_ids)).order_by(Person.id)))
    named = {a.casefold() for a in addresses if a}
    if not named:
        return people, "bounced: a message we sent"
    failing = [p for p in people if p.email and p.email.casefold() in named]
    if not failing:
        return [], "ignored: it names addresses we never sent that message to"
    return failing, "bounced"


def notices(s: Session, inbound_id: int, failing: list[Person]) -> list[Work]:
    """One notice per coordinator of the plans that prompt the failing people."""
    plans = _plans_of(s, [p.id for p in failing])
    by_coordinator: dict[int, list[str]] = {}
    titles: dict[int, str] = {}
    for plan in plans:
        for coordinator_id in s.scalars(
            select(PlanCoordinator.person_id).where(PlanCoordinator.plan_id == plan.id)
        ):
            by_coordinator.setdefault(coordinator_id, [])
            titles.setdefault(coordinator_id, plan.title)
    work = []
    for coordinator_id in by_coordinator:
        coordinator = s.get_one(Person, coordinator_id)
        lines = tuple(
            f"Email to {p.display} <{p.email}> bounced: they will be asked another way if they can be."
            for p in failing
        )
        notice = NoticeMessage(
            subject="An address bounces",
            recipient=Recipient(
                coordinator.id, coordinator.display, coordinator.email, coordinator.slack_user_id
            ),
            lines=lines,
            plan_title=titles.get(coordinator_id),
        )
        wanted = "email" if coordinator.email else contact_channel(coordinator)
        work.append(
            Work(
                f"notice:bounce:{inbound_id}:{coordinator_id}",
                "notice",
                None,
                None,
                coordinator_id,
                wanted,
                coordinator.display,
                (lambda n: lambda _s: n)(notice),
            )
        )
    return work


def _plans_of(s: Session, person_ids: list[int]) -> list[Plan]:
    """The plans that prompted these people: open rounds first; any round if none is open."""
    base = select(Round.plan_id).join(Prompt, Prompt.round_id == Round.id)
    base = base.where(Prompt.person_id.in_(person_ids)).distinct()  # ids: PostgreSQL cannot DISTINCT json
    ids = list(s.scalars(base.where(Round.closed_at.is_(None)))) or list(s.scalars(base))
    return [s.get_one(Plan, plan_id) for plan_id in sorted(ids)]
