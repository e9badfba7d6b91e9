"""Who each configured channel would reach: the leads of the plans in use, counted per channel (`collector
doctor`), by the same rule the sender uses (collector.channels.registry.carrier).

The plans in use are those with an open round or a schedule; before any has either, every plan. A lead is
counted once however many plans name them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from collector.channels.registry import CONFIGURABLE, FALLBACK, carrier
from collector.rounds.asking import in_subset, open_action_ids, who_is_asked
from store.models.directory import Person
from store.models.plans import Plan
from store.models.rounds import Round
from store.people import usable_channels
from store.queries import load_tree, natural_key


@dataclass
class Reach:
    """How the leads of the plans in use would be reached."""

    configured: list[str]  # the installation's channels: ["email", "slack"], or [] for the outbox alone
    by_channel: Counter[str] = field(default_factory=Counter)  # carrier name -> leads
    moved: Counter[tuple[str, str]] = field(default_factory=Counter)  # (preferred, carrier) -> leads
    unreachable: list[str] = field(default_factory=list)  # names, sorted
    plans: int = 0

    def lines(self) -> list[str]:
        """'email: 12 leads', 'slack: not configured, 3 leads who prefer it go by email', 'unreachable: 1
        (Nadia Khan)'."""
        out = []
        if not self.configured:
            n = self.by_channel[FALLBACK]
            out.append(f"outbox: {_leads(n)} (written to var/outbox/, not sent: no channel is configured)")
        for name in CONFIGURABLE:
            if name in self.configured:
                out.append(f"{name}: {_leads(self.by_channel[name])}")
            elif self.configured:
                gone = {to: n for (wanted, to), n in self.moved.items() if wanted == name}
                how = "; ".join(_moved(n, to) for to, n in sorted(gone.items()))
                out.append(f"{name}: not configured" + (f", {how}" if how else ""))
        if self.unreachable:
            names = ", ".join(self.unreachable[:10]) + (" ..." if len(self.unreachable) > 10 else "")
            out.append(f"unreachable: {len(self.unreachable)} ({names})")
        return out


def _moved(n: int, to: str) -> str:
    return f"1 lead who prefers it goes by {to}" if n == 1 else f"{n} leads who prefer it go by {to}"


def _leads(n: int) -> str:
    return f"{n} lead" if n == 1 else f"{n} leads"


def plans_in_use(session: Session) -> list[Plan]:
    open_round = select(Round.plan_id).where(Round.state == "open", Round.kind == "collection")
    query = select(Plan).where(or_(Plan.id.in_(open_round), Plan.review_cron.is_not(None)))
    return list(session.scalars(query.order_by(Plan.id))) or list(
        session.scalars(select(Plan).order_by(Plan.id))
    )


def reach(session: Session, configured: list[str]) -> Reach:
    """Each lead of the plans in use, carried by which channel (or by none)."""
    channels = configured or [FALLBACK]
    out, seen, lost = Reach(configured), set(), set()
    for plan in plans_in_use(session):
        out.plans += 1
        tree = load_tree(session, plan, with_updates=False)
        asks, unreachable = who_is_asked(tree, in_subset(tree, {}, open_action_ids(session, plan)))
        lost |= {u.lead for u in unreachable}
        for ask in asks:
            if ask.person_id in seen:
                continue
            seen.add(ask.person_id)
            usable = usable_channels(session.get_one(Person, ask.person_id))
            name = carrier(channels, ask.channel, usable)
            if name is None:
                lost.add(ask.name)
                continue
            out.by_channel[name] += 1
            if name != ask.channel and name != FALLBACK:
                out.moved[(ask.channel, name)] += 1
    out.unreachable = sorted(lost, key=natural_key)
    return out
