"""The people directory: who leads what, how to reach them, and matching a plan's printed leads to people.

A plan prints its leads as initials ("JT"), names ("Kathryn Webster") or teams ("HR"); a people file later
says how to reach them. Matching is by email first (unambiguous), then by normalised name, and by code only
when no name was given or the name matched nobody: initials collide far more often than names do.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collector.clock import Clock, SystemClock
from collector.errors import ImportFileError, NotFound, UserError
from store.models import Action, ActionLead, AuditEvent, Delegation, Person, Plan, Team, TeamMember

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


def contact_channel(person: Person) -> str | None:
    """The channel we would prompt this person on: their preference if we can use it, else what works.

    An email address that has been bouncing (email_failing_since) does not count as a way to reach them.
    """
    usable = []
    if person.email and not person.email_failing_since:
        usable.append("email")
    if person.slack_user_id:
        usable.append("slack")
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
    session.add(
        AuditEvent(
            at=now,
            actor=actor,
            via="cli",
            entity="person",
            entity_id=person.id,
            event="person.updated",
            detail=changes,
        )
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


# --- the people file -------------------------------------------------------------------------------------

# Header (case-insensitive, "_" read as a space) -> field. Decisions as data: the one place a synonym goes.
PEOPLE_HEADERS = {
    "name": "name", "full name": "name",
    "code": "code", "initials": "code",
    "email": "email", "e-mail": "email", "email address": "email",
    "slack user id": "slack_user_id", "slack id": "slack_user_id", "slack": "slack_user_id",
    "preferred channel": "preferred_channel", "channel": "preferred_channel",
    "manager": "manager", "line manager": "manager",
    "delegate": "delegate", "delegates": "delegate",
    "team": "team", "teams": "team",
}  # fmt: skip
_PLAIN_FIELDS = ("name", "code", "email", "slack_user_id", "preferred_channel")


@dataclass
class PeopleImportResult:
    added: int
    updated: int
    relinked_leads: int


@dataclass
class _Row:
    number: int  # as a spreadsheet shows it: the header is row 1
    values: dict[str, str]

    def get(self, field: str) -> str | None:
        return self.values.get(field, "").strip() or None

    def refs(self, field: str) -> list[str]:
        return [r.strip() for r in self.values.get(field, "").split(";") if r.strip()]

    def is_called(self, ref: str) -> bool:
        """Whether a manager/delegate reference (an email, name or code) means this row."""
        name, code, email = self.get("name"), self.get("code"), self.get("email")
        if "@" in ref:
            return email is not None and email.casefold() == ref.casefold()
        return bool(name and normalise_name(name) == normalise_name(ref)) or bool(
            code and code.casefold() == ref.casefold()
        )


def import_people(session: Session, path: Path, clock: Clock, *, actor: str = "cli") -> PeopleImportResult:
    """Add or update everyone in a people CSV, then link plan leads that now match someone.

    Every row is checked before anything is written, so one bad row leaves the store untouched; the
    ImportFileError names the row as a spreadsheet numbers it. Blank cells leave existing details alone.
    Delegates and teams listed are added; ones not listed are kept (`collector people set` removes them).
    """
    rows = _read_people_csv(path)
    directory = Directory.load(session)
    _validate(rows, directory, str(path))
    now = clock.now()
    people: list[Person] = []
    added, updated = 0, set()
    for row in rows:
        person = directory.find(name=row.get("name"), code=row.get("code"), email=row.get("email"))
        if person is None:
            person = Person(created_at=now, updated_at=now)
            session.add(person)
            added += 1
        if _apply_row(person, row, now) and person.id is not None:
            updated.add(person.id)  # a person two rows both describe is still one update
        directory.add(person)
        people.append(person)
    session.flush()
    for row, person in zip(rows, people, strict=True):
        _link_row(session, row, person, rows, people, directory)
    session.flush()
    relinked = relink_leads(session, directory)
    detail = {"file": str(path), "added": added, "updated": len(updated), "relinked_leads": relinked}
    session.add(
        AuditEvent(at=now, actor=actor, via="import", entity="person", event="people.imported", detail=detail)
    )
    return PeopleImportResult(added=added, updated=len(updated), relinked_leads=relinked)


def _read_people_csv(path: Path) -> list[_Row]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")  # what Excel on Windows writes for "CSV" without "UTF-8"
        except UnicodeDecodeError:
            raise ImportFileError(
                str(path), "not UTF-8 or Windows-1252 text", hint="save it as CSV UTF-8"
            ) from None
    table = list(csv.reader(io.StringIO(text, newline="")))
    if not table:
        raise ImportFileError(str(path), "the file is empty", hint="the first row names the columns")
    fields = [PEOPLE_HEADERS.get(" ".join(h.casefold().replace("_", " ").split())) for h in table[0]]
    if "name" not in fields and "code" not in fields:
        raise ImportFileError(
            str(path),
            "no name or code column",
            row=1,
            hint="the first row names the columns: name, code, email, ...",
        )
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {f: c for f, c in zip(fields, cells, strict=False) if f}
        if any(v.strip() for v in values.values()):
            rows.append(_Row(number, values))
    return rows


def _validate(rows: list[_Row], directory: Directory, path: str) -> None:
    emails: dict[str, int] = {}
    for index, row in enumerate(rows):
        problem, hint = _row_problem(row, index, rows, directory, emails)
        if problem:
            raise ImportFileError(path, problem, row=row.number, hint=hint)


def _row_problem(
    row: _Row, index: int, rows: list[_Row], directory: Directory, emails: dict[str, int]
) -> tuple[str | None, str | None]:
    if not (row.get("name") or row.get("code")):
        return "no name or code", "every person needs at least one of them"
    if email := row.get("email"):
        if problem := email_problem(email):
            return problem, None
        if email.casefold() in emails:
            return f"email {email} is also on row {emails[email.casefold()]}", "each person needs their own"
        emails[email.casefold()] = row.number
    channel = (row.get("preferred_channel") or "").lower()
    if channel and channel not in CHANNELS:
        return f"unknown preferred channel {channel!r}", "use email or slack, or leave it blank"
    for field in ("manager", "delegate"):
        for ref in row.refs(field):
            target = _resolve_ref(ref, rows, directory)
            if target is None:
                return (
                    f"{field} {ref!r} is not in this file or the directory",
                    "give their name, code or email",
                )
            if target == index or target is directory.find(
                name=row.get("name"), code=row.get("code"), email=row.get("email")
            ):
                return f"{field} {ref!r} is this row's own person", None
    return None, None


def _resolve_ref(ref: str, rows: list[_Row], directory: Directory) -> int | Person | None:
    """A reference to another person: the index of a row of this file, else a person already known."""
    for index, row in enumerate(rows):
        if row.is_called(ref):
            return index
    if "@" in ref:
        return directory.find(email=ref)
    return directory.find(name=ref, code=ref)


def _apply_row(person: Person, row: _Row, now: datetime) -> bool:
    """Copy the row's non-blank details onto the person; True if anything changed."""
    changed = False
    for field in _PLAIN_FIELDS:
        value = row.get(field)
        if field == "preferred_channel" and value:
            value = value.lower()
        if value and value != getattr(person, field):
            if field == "email":
                person.email_failing_since = None
            setattr(person, field, value)
            changed = True
    if changed:
        person.updated_at = now
    return changed


def _link_row(
    session: Session, row: _Row, person: Person, rows: list[_Row], people: list[Person], directory: Directory
) -> None:
    """Set the row's manager and add its delegates and team memberships (after everyone has an id)."""

    def person_for(ref: str) -> Person:
        target = _resolve_ref(ref, rows, directory)
        assert target is not None, "validated before writing"
        return people[target] if isinstance(target, int) else target

    if managers := row.refs("manager"):
        person.manager_id = person_for(managers[0]).id
    for ref in row.refs("delegate"):
        delegate_id = person_for(ref).id
        if session.get(Delegation, (person.id, delegate_id)) is None:
            session.add(Delegation(person_id=person.id, delegate_id=delegate_id))
    for team_name in row.refs("team"):
        team = session.scalar(select(Team).where(func.lower(Team.name) == team_name.casefold()))
        if team is None:
            team = Team(name=team_name)
            session.add(team)
            session.flush()
        if session.get(TeamMember, (team.id, person.id)) is None:
            session.add(TeamMember(team_id=team.id, person_id=person.id))
