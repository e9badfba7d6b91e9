"""The people directory: who leads what, how to reach them, and matching a plan's printed leads to people.

A plan prints its leads as initials ("JT"), names ("Kathryn Webster") or teams ("HR"); a people file later
says how to reach them. Matching is by email first (unambiguous), then by normalised name, and by code only
when no name was given or the name matched nobody: initials collide far more often than names do.
"""

from __future__ import annotations

import re
import unicodedata
from enum import Enum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collector.core.clock import Clock, SystemClock
from collector.core.errors import NotFound, UserError
from store.audit import audit
from store.models.directory import Delegation, Person
from store.models.plans import Action, ActionLead, Plan

CHANNELS = ("email", "slack")
_TITLES = frozenset(
    {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "cllr", "councillor", "sir", "dame", "rev"}
)
# Deliberately loose (one @, a dot in the domain, no spaces): the mail server is the real judge. CR and LF
# are refused explicitly because an address ends up in a header.
_EMAIL = re.compile(r"[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;.]+")


def normalise_name(s: str) -> str:
    """A name reduced to what identifies it: "Dr. Joanne  TILLEY," and "joanne tilley" are the same."""
    s = unicodedata.normalize("NFKC", s).replace("’", "'").casefold()
    words = [w.strip(".,;:!?()[]{}\"'*-–—/\\") for w in s.split()]
    words = [w for w in words if w]
    while len(words) > 1 and words[0].rstrip(".") in _TITLES:
        words.pop(0)
    return " ".join(words)


def email_problem(email: str) -> str | None:
    """Why `email` cannot be used as an address, or None when it can."""
    if "\r" in email or "\n" in email:
        return "an email address cannot contain a line break"
    if not _EMAIL.fullmatch(email):
        return f"{email!r} is not an email address"
    return None


class Directory:
    """Every person indexed by email, normalised name and code: match thousands of leads in one pass."""

    def __init__(self, people: list[Person]):
        self._email: dict[str, Person] = {}
        self._name: dict[str, list[Person]] = {}
        self._code: dict[str, list[Person]] = {}
        for person in people:
            self.add(person)

    @classmethod
    def load(cls, session: Session) -> Directory:
        return cls(list(session.scalars(select(Person).order_by(Person.id))))

    def add(self, person: Person) -> None:
        """Index a new or changed person (a changed one stays findable under its old keys too)."""
        if person.email:
            self._email.setdefault(person.email.casefold(), person)
        if person.name and normalise_name(person.name):
            _append(self._name, normalise_name(person.name), person)
        if person.code:
            _append(self._code, person.code.strip().casefold(), person)

    def find(
        self, *, name: str | None = None, code: str | None = None, email: str | None = None
    ) -> Person | None:
        if email and (person := self._email.get(email.strip().casefold())):
            return person
        if name and (named := self._name.get(normalise_name(name))):
            return named[0]
        if code and (coded := self._code.get(code.strip().casefold())):
            return coded[0]
        return None

    def matches(self, ident: str) -> list[Person]:
        """Everyone `ident` (an email, a name or a code) could mean: more than one is ambiguous."""
        if "@" in ident:
            person = self._email.get(ident.strip().casefold())
            return [person] if person else []
        return self._name.get(normalise_name(ident)) or self._code.get(ident.strip().casefold()) or []


def _append(index: dict[str, list[Person]], key: str, person: Person) -> None:
    bucket = index.setdefault(key, [])
    if person not in bucket:
        bucket.append(person)


def find_person(
    session: Session, *, name: str | None = None, code: str | None = None, email: str | None = None
) -> Person | None:
    """The person these details point at (email, then name, then code), or None."""
    return Directory.load(session).find(name=name, code=code, email=email)


def resolve_person(session: Session, ident: str) -> Person:
    """The one person `ident` (an id, email, name or code) means; NotFound or UserError otherwise."""
    ident = ident.strip()
    if ident.isdigit() and (person := session.get(Person, int(ident))):
        return person
    found = Directory.load(session).matches(ident)
    if not found:
        raise NotFound(f"no person matches {ident!r}: `collector people list` shows everyone")
    if len(found) > 1:
        raise UserError(f"{ident!r} matches {len(found)} people: use their id or email instead")
    return found[0]


def list_people(session: Session) -> list[Person]:
    """Everyone, alphabetically by whatever identifies them best."""
    key = func.lower(func.coalesce(Person.name, Person.code, Person.email, ""))
    return list(session.scalars(select(Person).order_by(key, Person.id)))


def usable_channels(person: Person) -> list[str]:
    """The channels we have a working address for: "email" (unless it has been bouncing), "slack"."""
    usable = []
    if person.email and not person.email_failing_since:
        usable.append("email")
    if person.slack_user_id:
        usable.append("slack")
    return usable


def contact_channel(person: Person) -> str | None:
    """The channel we would prompt this person on: their preference if we can use it, else what works.

    An email address that has been bouncing (email_failing_since) does not count as a way to reach them.
    Which of these an installation can use is collector.channels.registry's to say.
    """
    usable = usable_channels(person)
    if person.preferred_channel in usable:
        return person.preferred_channel
    return usable[0] if usable else None


def unreachable_reason(person: Person) -> str:
    if person.email and person.email_failing_since:
        return f"email failing since {person.email_failing_since:%Y-%m-%d} and no Slack id"
    return "no email or Slack id"


def relink_leads(session: Session, directory: Directory) -> int:
    """Link every lead still pointing at nobody to the person its label or code now matches."""
    rows = session.execute(
        select(ActionLead, Plan.lead_key)
        .join(Action, ActionLead.action_id == Action.id)
        .join(Plan, Action.plan_id == Plan.id)
        .where(ActionLead.person_id.is_(None), ActionLead.team_id.is_(None))
    ).all()
    linked = 0
    for lead, lead_key in rows:
        is_code = lead.code is not None and lead.label == lead.code
        name = (lead_key or {}).get(lead.code) if is_code else lead.label
        person = directory.find(name=name, code=lead.code or lead.label)
        if person is not None:
            lead.person_id = person.id
            linked += 1
    return linked


class Unset(Enum):
    """Marks a keyword argument of set_person that was not given (None means "clear it")."""

    UNSET = 0


UNSET = Unset.UNSET


def set_person(
    session: Session,
    ident: str,
    *,
    email: str | Unset | None = UNSET,
    slack_user_id: str | Unset | None = UNSET,
    preferred_channel: str | Unset | None = UNSET,
    manager: str | Unset | None = UNSET,
    delegate: str | list[str] | Unset | None = UNSET,
    code: str | Unset | None = UNSET,
    name: str | Unset | None = UNSET,
    clock: Clock | None = None,
    actor: str = "cli",
) -> Person:
    """Change one person's details. None or "" clears a field; `delegate` replaces the delegates.

    Raises NotFound for an unknown ident and UserError (one line) for a value that cannot be used.
    """
    person = resolve_person(session, ident)
    changes: dict[str, object] = {}
    for field, value in (("name", name), ("code", code), ("slack_user_id", slack_user_id)):
        if value is not UNSET:
            changes[field] = (value or "").strip() or None
    if email is not UNSET:
        changes["email"] = _checked_email(session, person, email)
    if preferred_channel is not UNSET:
        changes["preferred_channel"] = _checked_channel(preferred_channel)
    if not (changes.get("name", person.name) or changes.get("code", person.code)):
        raise UserError("a person needs a name or a code")
    if manager is not UNSET:
        boss = _other_person(session, person, manager, "manager") if manager else None
        person.manager_id = boss.id if boss else None
        changes["manager"] = boss.display if boss else None
    if delegate is not UNSET:
        idents = delegate.split(";") if isinstance(delegate, str) else (delegate or [])
        chosen = [_other_person(session, person, i, "delegate") for i in idents if i.strip()]
        _replace_delegates(session, person, chosen)
        changes["delegates"] = [p.display for p in chosen]
    now = (clock or SystemClock()).now()
    if "email" in changes and changes["email"] != person.email:
        person.email_failing_since = None  # a new address has not failed yet
    for field in ("name", "code", "email", "slack_user_id", "preferred_channel"):
        if field in changes:
            setattr(person, field, changes[field])
    person.updated_at = now
    audit(
        session,
        at=now,
        actor=actor,
        entity="person",
        entity_id=person.id,
        event="person.updated",
        detail=changes,
    )
    return person


def _checked_email(session: Session, person: Person, email: str | None) -> str | None:
    email = (email or "").strip()
    if not email:
        return None
    if problem := email_problem(email):
        raise UserError(problem)
    owner = session.scalar(select(Person).where(func.lower(Person.email) == email.casefold()))
    if owner is not None and owner.id != person.id:
        raise UserError(f"{email} already belongs to {owner.display}")
    return email


def _checked_channel(channel: str | None) -> str | None:
    channel = (channel or "").strip().lower()
    if channel and channel not in CHANNELS:
        raise UserError(f"unknown channel {channel!r}: use email or slack")
    return channel or None


def _other_person(session: Session, person: Person, ident: str, role: str) -> Person:
    try:
        other = resolve_person(session, ident)
    except NotFound:
        raise UserError(f"no person matches {role} {ident.strip()!r}") from None
    if other.id == person.id:
        raise UserError(f"{person.display} cannot be their own {role}")
    return other


def _replace_delegates(session: Session, person: Person, delegates: list[Person]) -> None:
    for row in session.scalars(select(Delegation).where(Delegation.person_id == person.id)):
        session.delete(row)
    session.flush()
    for delegate in {d.id: d for d in delegates}.values():
        session.add(Delegation(person_id=person.id, delegate_id=delegate.id))
    session.expire(person, ["delegates"])  # a view-only relationship does not see the rows above
