"""The people file: a CSV of who leads what and how to reach them, checked whole before anything is written.

Every row is validated first (a bad email, an unknown manager, one person described twice with different
details: one line per bad row naming it and what to do, every bad row in one run), so a bad file changes
nothing; then rows update the people the directory already matches (placeholders a plan import created
included) and add the rest. A row repeating another exactly is harmless and only warned about.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collector.core.clock import Clock
from collector.core.errors import ImportFileError
from store.audit import audit
from store.models.directory import Delegation, Person, Team, TeamMember
from store.people import CHANNELS, Directory, email_problem, normalise_name, relink_leads

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
    warnings: list[str] = dataclasses.field(default_factory=list)  # "row 7 repeats row 3" and the like


class PeopleFileErrors(ImportFileError):
    """Every bad row of a people file, one line each; `row`, `problem` and `hint` are the first one's."""

    def __init__(self, path: str, problems: list[tuple[int, str, str | None]]):
        row, problem, hint = problems[0]
        super().__init__(path, problem, row=row, hint=hint)
        self.problems = problems
        if len(problems) > 1:
            lines = [f"row {r}: {p}" + (f" ({h})" if h else "") for r, p, h in problems]
            head = f"{path}: {len(problems)} rows need fixing, nothing was imported:"
            self.args = ("\n  ".join([head, *lines]),)


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
    warnings = _validate(rows, directory, str(path))
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
        session.flush()  # a repeated row must find the links its first row made
    relinked = relink_leads(session, directory)
    detail = {"file": str(path), "added": added, "updated": len(updated), "relinked_leads": relinked}
    audit(session, at=now, actor=actor, via="import", entity="person", event="people.imported", detail=detail)
    return PeopleImportResult(added=added, updated=len(updated), relinked_leads=relinked, warnings=warnings)


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


def _validate(rows: list[_Row], directory: Directory, path: str) -> list[str]:
    """Check every row; raise one PeopleFileErrors naming each bad row, else return the warnings."""
    problems: list[tuple[int, str, str | None]] = []
    warnings: list[str] = []
    seen: dict[tuple[str, str], _Row] = {}  # ("email" | "name" | "code", key) -> the first row with it
    for index, row in enumerate(rows):
        problem, hint = _row_problem(row, index, rows, directory)
        if problem is None:
            problem, hint, warning = _repeat_problem(row, seen)
            if warning:
                warnings.append(warning)
        if problem:
            problems.append((row.number, problem, hint))
    if problems:
        raise PeopleFileErrors(path, problems)
    return warnings


def _identity(row: _Row) -> list[tuple[str, str]]:
    """What makes a row one person: its email, its name (as names are compared) and its code."""
    keys = []
    if email := row.get("email"):
        keys.append(("email", email.casefold()))
    if (name := row.get("name")) and normalise_name(name):
        keys.append(("name", normalise_name(name)))
    if code := row.get("code"):
        keys.append(("code", code.casefold()))
    return keys


def _comparable(field: str, value: str) -> str:
    if field == "name":
        return normalise_name(value)
    return " ".join(value.split()).casefold()


def _repeat_problem(
    row: _Row, seen: dict[tuple[str, str], _Row]
) -> tuple[str | None, str | None, str | None]:
    """A row describing someone an earlier row already describes: (problem, hint, warning).

    Two rows of one person that disagree (a second email, another Slack id...) would leave whichever came
    last, silently; so that is an error naming both rows. Rows that agree (blank cells agree with anything)
    are a harmless repeat: a warning."""
    keys = _identity(row)
    match = next(((kind, key) for kind, key in keys if (kind, key) in seen), None)
    for key in keys:
        seen.setdefault(key, row)
    if match is None:
        return None, None, None
    earlier = seen[match]
    same = f"same {match[0]} as row {earlier.number}"
    for field in (*_PLAIN_FIELDS, "manager"):
        mine, theirs = row.get(field), earlier.get(field)
        if mine and theirs and _comparable(field, mine) != _comparable(field, theirs):
            label = field.replace("_", " ")
            return (
                f"{same} but another {label}: {theirs!r} on row {earlier.number}, {mine!r} here",
                "one row per person: correct or delete one of them",
                None,
            )
    who = earlier.get("name") or earlier.get("code")
    return None, None, f"row {row.number} repeats row {earlier.number} ({who}): read once"


def _row_problem(
    row: _Row, index: int, rows: list[_Row], directory: Directory
) -> tuple[str | None, str | None]:
    if not (row.get("name") or row.get("code")):
        return "no name or code", "every person needs at least one of them"
    if (email := row.get("email")) and (problem := email_problem(email)):
        return problem, "correct it, or leave the cell empty until you know it"
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
                return f"{field} {ref!r} is this row's own person", f"name someone else as {field}"
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
