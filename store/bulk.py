"""A plan's first import in bulk: every action is new, so rows go in level by level with Core inserts.

The ORM flushes a self-referencing table one row at a time (each sub-action waits for its parent's id), so
a 5,000-action plan spent seconds in the unit of work. One executemany per level of the tree, RETURNING the
new ids, writes the same rows in a handful of statements. Re-imports keep the ORM path:
they match and edit rows in place, and usually touch few of them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from store.importers.draft import ActionDraft, LeadDraft
from store.models.base import table_of
from store.models.directory import Person, Team
from store.models.plans import Action, ActionLead, Section
from store.models.rounds import Round
from store.models.updates import Update
from store.queries import qualified_ref

LeadKey = tuple[str | None, str | None, bool]  # a printed lead: name, code, and whether it is a team


class LeadLink(NamedTuple):
    """What the import summary needs of each lead link (the ORM rows are not loaded)."""

    label: str
    person: Person | None
    team: Team | None


class Level(NamedTuple):
    draft: ActionDraft
    parent_id: int | None
    parent_ref: str | None
    section: Section | None
    position: int


def insert_tree(
    session: Session,
    plan_id: int,
    drafts: list[ActionDraft],
    sections: dict[str, Section],
    resolve: Callable[[LeadDraft], Person | Team],
    baseline: Callable[[], Round],
    now: datetime,
) -> tuple[list[str], list[LeadLink], int]:
    """Insert every action and sub-action; return (refs added, lead links, baseline updates written)."""
    targets = _resolve_leads(session, drafts, resolve)
    added = _refs_in_file_order(drafts, None)
    links: list[LeadLink] = []
    lead_rows: list[dict[str, Any]] = []
    update_rows: list[dict[str, Any]] = []
    round_id: int | None = None
    level = [Level(d, None, None, None, i) for i, d in enumerate(drafts)]
    while level:
        sections_of = [(sections.get(x.draft.section_ref or "") or x.section) for x in level]
        rows = [_action_row(plan_id, x, section, now) for x, section in zip(level, sections_of, strict=True)]
        # (parent, position) is unique within a plan, so the ids map back without asking the database to
        # keep parameter order (which makes SQLAlchemy fall back to one INSERT per row on PostgreSQL).
        # Core, not ORM, inserts: the ORM splits a batch wherever the set of non-null columns changes.
        table = table_of(Action)
        statement = table.insert().returning(table.c.id, table.c.parent_id, table.c.position)
        ids = {(parent, position): id_ for id_, parent, position in session.execute(statement, rows)}
        following: list[Level] = []
        for item, section in zip(level, sections_of, strict=True):
            action_id = ids[(item.parent_id, item.position)]
            ref = qualified_ref(item.parent_ref, item.draft.ref)
            for position, lead in enumerate(item.draft.leads):
                label = (lead.code or lead.name or "").strip()
                if not label:
                    continue
                target = targets[_lead_key(lead)]
                person = target if isinstance(target, Person) else None
                team = target if isinstance(target, Team) else None
                links.append(LeadLink(label, person, team))
                lead_rows.append(
                    {
                        "action_id": action_id,
                        "position": position,
                        "label": label,
                        "code": lead.code,
                        "person_id": person.id if person else None,
                        "team_id": team.id if team else None,
                    }
                )
            if item.draft.progress and round_id is None:
                round_id = baseline().id
            for progress in item.draft.progress:
                update_rows.append(
                    {
                        "action_id": action_id,
                        "round_id": round_id,
                        "status": progress.status.value if progress.status else None,
                        "progress": progress.text,
                        "reported_text": progress.reported,
                        "evidence": [],
                        "via": "import",
                        "late": False,
                        "created_at": now,
                    }
                )
            following.extend(
                Level(sub, action_id, ref, section, i) for i, sub in enumerate(item.draft.sub_actions)
            )
        level = following
    if lead_rows:
        session.execute(table_of(ActionLead).insert(), lead_rows)
    if update_rows:
        session.execute(table_of(Update).insert(), update_rows)
    return added, links, len(update_rows)


def _refs_in_file_order(drafts: list[ActionDraft], parent_ref: str | None) -> list[str]:
    refs: list[str] = []
    for draft in drafts:
        ref = qualified_ref(parent_ref, draft.ref)
        refs.append(ref)
        refs.extend(_refs_in_file_order(draft.sub_actions, ref))
    return refs


def _lead_key(lead: LeadDraft) -> LeadKey:
    return (lead.name, lead.code, lead.is_team)


def _resolve_leads(
    session: Session, drafts: list[ActionDraft], resolve: Callable[[LeadDraft], Person | Team]
) -> dict[LeadKey, Person | Team]:
    """Each distinct lead once, then one flush so the new people and teams have ids."""
    targets: dict[LeadKey, Person | Team] = {}
    stack = list(drafts)
    while stack:
        draft = stack.pop()
        for lead in draft.leads:
            if (lead.name or lead.code) and _lead_key(lead) not in targets:
                targets[_lead_key(lead)] = resolve(lead)
        stack.extend(draft.sub_actions)
    session.flush()
    return targets


def _action_row(plan_id: int, item: Level, section: Section | None, now: datetime) -> dict[str, Any]:
    draft, target = item.draft, item.draft.target
    return {
        "plan_id": plan_id,
        "parent_id": item.parent_id,
        "section_id": section.id if section else None,
        "ref": draft.ref,
        "ref_synthetic": draft.ref_synthetic,
        "text": draft.text,
        "position": item.position,
        "target_text": target.text if target else None,
        "target_kind": target.kind.value if target else None,
        "target_date": target.date if target else None,
        "fields": dict(draft.fields),
        "created_at": now,
        "updated_at": now,
    }
