"""Matching a re-imported file to what the store already holds: sections by ref or title, actions by ref or
(when the plan prints no refs) by text. Matching decides what counts as changed, added or removed, so
collected updates stay attached to the action they were about.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session

from store.importers.draft import ActionDraft, SectionDraft
from store.models.plans import Action, Plan, Section


def norm_text(text: str) -> str:
    return " ".join(text.casefold().split())


def sync_sections(session: Session, plan: Plan, drafts: list[SectionDraft]) -> dict[str, Section]:
    """Make the plan's sections the draft's, reusing rows by ref (or title); the map is ref/title -> row.

    A section the file no longer has is deleted: sections carry no history, and the retired actions that
    pointed at it keep their own ref and text.
    """
    pool: dict[str, list[Section]] = defaultdict(list)
    for offset, section in enumerate(session.scalars(select(Section).where(Section.plan_id == plan.id))):
        section.position = -1 - offset  # out of the way of unique (plan_id, position) while reordering
        pool[_section_key(section.ref, section.title)].append(section)
    session.flush()
    found: dict[str, Section] = {}
    for position, draft in enumerate(drafts):
        matches = pool.get(_section_key(draft.ref, draft.title))
        section = matches.pop(0) if matches else Section(plan_id=plan.id)
        section.ref, section.title, section.position = draft.ref or None, draft.title, position
        session.add(section)
        for key in (draft.ref, draft.title):
            if key:
                found.setdefault(key, section)
    for stale in (section for group in pool.values() for section in group):
        session.execute(sql_update(Action).where(Action.section_id == stale.id).values(section_id=None))
        session.delete(stale)
    session.flush()
    return found


def _section_key(ref: str | None, title: str) -> str:
    return f"ref:{ref.strip().casefold()}" if ref and ref.strip() else f"title:{norm_text(title)}"


class Claimer:
    """Matches a parent's drafts to its stored actions, each stored action at most once.

    By ref; when the plan prints no refs (ref_synthetic), by normalised text first, because numbering by
    position shifts every later ref when one action is inserted. Only drafts whose text matched nothing
    then fall back to the ref, so an inserted action cannot take the place of one that merely moved.
    """

    def __init__(self, existing: list[Action], drafts: list[ActionDraft]):
        self.existing = existing
        self.claimed: set[int] = set()
        by_ref: dict[str, list[Action]] = defaultdict(list)
        by_text: dict[str, list[Action]] = defaultdict(list)
        for action in existing:
            by_ref[action.ref].append(action)
            by_text[norm_text(action.text)].append(action)
        self.matches: list[Action | None] = [
            self._take(by_text.get(norm_text(d.text), []))
            if d.ref_synthetic
            else self._take(by_ref.get(d.ref, []))
            for d in drafts
        ]
        for i, draft in enumerate(drafts):
            if draft.ref_synthetic and self.matches[i] is None:
                self.matches[i] = self._take(by_ref.get(draft.ref, []))

    def _take(self, candidates: list[Action]) -> Action | None:
        for action in candidates:
            if action.id not in self.claimed:
                self.claimed.add(action.id)
                return action
        return None

    def unclaimed(self) -> list[Action]:
        return [action for action in self.existing if action.id not in self.claimed]
