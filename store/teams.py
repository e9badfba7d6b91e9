"""Teams as leads: how a team is reached, and the coordinator's settings for it.

A plan may name a team ("HR", "Equality team") as the lead. A team is prompted through its contact when it
has one; otherwise (or when set to prompt its members) each member is prompted, and the first answer counts.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collector.core.clock import Clock, SystemClock
from collector.core.errors import NotFound
from store.audit import audit
from store.models.directory import Team, TeamMember
from store.people import contact_channel, resolve_person


def team_channel(team: Team) -> str | None:
    """'members', or the contact's channel, or None when nobody in or for the team can be reached."""
    members_reachable = any(contact_channel(m) for m in team.members)
    if team.prompt_members and members_reachable:
        return "members"
    if team.contact is not None and (channel := contact_channel(team.contact)):
        return channel
    return "members" if members_reachable else None


def team_unreachable_reason(team: Team) -> str:
    if team.contact is not None:
        return f"team contact {team.contact.display} has no usable email or Slack id"
    if team.members:
        return "none of its members has an email or Slack id"
    return "team has no contact or members"


def find_team(session: Session, name: str) -> Team:
    wanted = name.strip().lower()
    team = session.scalar(
        select(Team).where((func.lower(Team.name) == wanted) | (func.lower(Team.code) == wanted))
    )
    if team is None:
        known = ", ".join(session.scalars(select(Team.name).order_by(Team.name))) or "none yet"
        raise NotFound(f"no team called {name!r} (teams: {known})")
    return team


def set_team(
    session: Session,
    name: str,
    *,
    contact: str | None = None,
    prompt_members: bool | None = None,
    add_members: list[str] | None = None,
    clock: Clock | None = None,
    actor: str = "cli",
) -> Team:
    """Set who answers for a team: its contact, whether each member is prompted, extra members."""
    team = find_team(session, name)
    changes: dict[str, object] = {}
    if contact is not None:
        team.contact = resolve_person(session, contact) if contact.strip() else None
        changes["contact"] = team.contact.display if team.contact else None
    if prompt_members is not None:
        team.prompt_members = prompt_members
        changes["prompt_members"] = prompt_members
    added: list[str] = []
    for ident in add_members or []:
        person = resolve_person(session, ident)
        if session.get(TeamMember, (team.id, person.id)) is None:
            session.add(TeamMember(team_id=team.id, person_id=person.id))
        added.append(person.display)
    if added:
        changes["added_members"] = added
    at = (clock or SystemClock()).now()
    audit(session, at=at, actor=actor, entity="team", entity_id=team.id, event="team.updated", detail=changes)
    session.flush()
    session.expire(team, ["members"])
    return team
