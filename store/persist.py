"""Writing a PlanDraft into the store: a first import, or a re-import that changes a plan in place.

A re-import must never lose what people reported. Actions are matched to what is already stored (by ref,
or by text when the plan prints no refs); changed ones are edited in place, new ones added, and ones the
file no longer has are retired rather than deleted, so their updates survive. Updates collected in real
rounds are never touched; the file's own progress columns become the plan's "Imported baseline" round.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from collector.core.clock import Clock
from collector.core.errors import NotFound, UserError
from store.audit import audit
from store.bulk import LeadLink, insert_tree
from store.importers.draft import ActionDraft, LeadDraft, PlanDraft, ProgressDraft
from store.matching import Claimer, sync_sections
from store.models.directory import Person, Team
from store.models.plans import Action, ActionLead, Plan, Section
from store.models.rounds import Round
from store.models.updates import Update
from store.people import Directory, contact_channel
from store.plan_names import MAX_NAME, default_name
from store.queries import qualified_ref
from store.teams import team_channel

BASELINE_ROUND = "Imported baseline"


@dataclass
class SaveResult:
    """What an import did, for the CLI to report.

    leads_linked counts the distinct people and teams leading live actions whom a round could reach now;
    leads_unlinked names the others (no email or Slack id yet: `collector people import` fixes that).
    changed_fields says what changed on each changed action (ref -> "text", "target", "leads", "section"
    or a column's header), so a re-import (and its dry run) can say more than "changed". kept_updates
    counts the updates collected in rounds, which a re-import never touches.
    """

    plan_id: int
    name: str
    created: bool
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed_fields: dict[str, list[str]] = field(default_factory=dict)
    baseline_updates: int = 0
    kept_updates: int = 0
    leads_linked: int = 0
    leads_unlinked: list[str] = field(default_factory=list)


def save_plan(
    session: Session,
    draft: PlanDraft,
    *,
    name: str | None,
    update: bool,
    clock: Clock,
    actor: str = "cli",
    source_format: str = "",
    source_sha256: str = "",
) -> SaveResult:
    """Store `draft` as a new plan, or (update=True) as the new version of the plan called `name`.

    Raises UserError when a new plan's name is taken, NotFound when the plan to update does not exist.
    Never commits: the caller's session scope does, so a failure leaves nothing half-imported.
    """
    now = clock.now()
    name = (name or default_name(draft)).strip()
    if not name or len(name) > MAX_NAME:
        raise UserError(f"a plan's name must be 1 to {MAX_NAME} characters: give a shorter --plan-name")
    plan = session.scalar(select(Plan).where(func.lower(Plan.name) == name.lower()))
    if plan is not None and not update:
        raise UserError(
            f"a plan named {plan.name} already exists: use --update to re-import it, "
            "or --plan-name to import it as another plan"
        )
    if plan is None and update:
        raise NotFound(f"no plan called {name} to update: `collector plan list` shows the plans")
    created = plan is None
    if plan is None:
        plan = Plan(name=name, status_labels={}, created_at=now)
        session.add(plan)
    _copy_plan_fields(plan, draft, now, source_format, source_sha256)
    session.flush()
    writer = _PlanWriter(session, plan, draft, now)
    result = writer.write(created)
    if not created:
        result.kept_updates = _collected_updates(session, plan.id)
    audit(
        session,
        at=now,
        actor=actor,
        via="import",
        entity="plan",
        entity_id=plan.id,
        event="plan.imported" if created else "plan.reimported",
        file=draft.source,
        added=len(result.added),
        changed=len(result.changed),
        removed=len(result.removed),
        baseline_updates=result.baseline_updates,
        leads_unlinked=len(result.leads_unlinked),
    )
    session.flush()
    return result


def _copy_plan_fields(plan: Plan, draft: PlanDraft, now: datetime, source_format: str, sha256: str) -> None:
    plan.title = draft.title
    plan.period = draft.period
    plan.lead_key = dict(draft.lead_key)
    plan.columns = [{"header": c.header, "field": c.field, "position": c.position} for c in draft.columns]
    labels = getattr(draft, "status_labels", None)  # drafts do not carry labels yet; a user's survive
    if labels:
        plan.status_labels = dict(labels)
    plan.source_file = draft.source
    plan.import_warnings = list(draft.warnings)  # the latest import's: a re-import replaces them
    plan.source_format = source_format
    plan.source_sha256 = sha256
    plan.updated_at = now


class _PlanWriter:
    """One import's working state: the indexes it matches against and what it has done so far."""

    def __init__(self, session: Session, plan: Plan, draft: PlanDraft, now: datetime):
        self.session, self.plan, self.draft, self.now = session, plan, draft, now
        self.directory = Directory.load(session)
        self.teams = list(session.scalars(select(Team)))
        self.live: dict[int | None, list[Action]] = defaultdict(list)
        live = select(Action).where(Action.plan_id == plan.id, Action.retired_at.is_(None))
        for action in session.scalars(live.options(selectinload(Action.leads)).order_by(Action.position)):
            self.live[action.parent_id].append(action)
        self.latest_baseline = self._latest_baseline()
        self.round: Round | None = None
        self.leads: list[ActionLead | LeadLink] = []
        self.result = SaveResult(plan_id=plan.id, name=plan.name, created=False)

    def write(self, created: bool) -> SaveResult:
        self.result.created = created
        self.sections = sync_sections(self.session, self.plan, self.draft.sections)
        if created:  # nothing to match against: insert the whole tree in bulk
            added, links, count = insert_tree(
                self.session,
                self.plan.id,
                self.draft.actions,
                self.sections,
                self._resolve,
                self._flushed_baseline_round,
                self.now,
            )
            self.leads.extend(links)
            self.result.added, self.result.baseline_updates = added, count
        else:
            self._sync_children(None, None, self.draft.actions, None)
        self._count_leads()
        return self.result

    def _resolve(self, draft: LeadDraft) -> Person | Team:
        return self._team(draft) if draft.is_team else self._person(draft)

    def _flushed_baseline_round(self) -> Round:
        round_ = self._baseline_round()
        self.session.flush()
        return round_

    def _sync_children(
        self,
        parent: Action | None,
        parent_ref: str | None,
        drafts: list[ActionDraft],
        section: Section | None,
    ) -> None:
        # A parent added by this import (no id yet) has no stored children; None is the top level.
        existing = (
            self.live.get(None, []) if parent is None else self.live.get(parent.id, []) if parent.id else []
        )
        claim = Claimer(existing, drafts)
        for position, draft in enumerate(drafts):
            ref = qualified_ref(parent_ref, draft.ref)
            own_section = (self.sections.get(draft.section_ref) if draft.section_ref else None) or section
            action = claim.matches[position]
            if action is None:
                action = Action(plan_id=self.plan.id, parent=parent, created_at=self.now, leads=[])
                self.session.add(action)
                self.result.added.append(ref)
                self._fill(action, draft, own_section)
            elif changes := self._changes(action, draft, own_section):
                self.result.changed.append(ref)
                self.result.changed_fields[ref] = changes
                self._fill(action, draft, own_section)
            # Refs numbered by position shift when an action is inserted: follow the file, not history.
            action.ref, action.ref_synthetic, action.position = draft.ref, draft.ref_synthetic, position
            self.leads.extend(action.leads)
            self._baseline(action, draft.progress)
            self._sync_children(action, ref, draft.sub_actions, own_section)
        for action in claim.unclaimed():
            self._retire(action, qualified_ref(parent_ref, action.ref))

    def _fill(self, action: Action, draft: ActionDraft, section: Section | None) -> None:
        action.text = draft.text
        action.section = section
        target = draft.target
        action.target_text = target.text if target else None
        action.target_kind = target.kind.value if target else None
        action.target_date = target.date if target else None
        action.fields = dict(draft.fields)
        action.updated_at = self.now
        if _lead_keys(action.leads) != _draft_lead_keys(draft.leads):
            action.leads = [lead for i, d in enumerate(draft.leads) if (lead := self._lead(i, d)) is not None]

    def _changes(self, action: Action, draft: ActionDraft, section: Section | None) -> list[str]:
        """What the file changes on a stored action, by name (a column's header for its other columns)."""
        target = draft.target
        stored_fields = action.fields or {}
        checks = (
            ("text", action.text != draft.text),
            (
                "target",
                (action.target_text, action.target_kind, action.target_date)
                != ((target.text, target.kind.value, target.date) if target else (None, None, None)),
            ),
            ("leads", _lead_keys(action.leads) != _draft_lead_keys(draft.leads)),
            ("section", action.section_id != (section.id if section else None)),
        )
        headers = [
            h for h in {**stored_fields, **draft.fields} if stored_fields.get(h) != draft.fields.get(h)
        ]
        return [label for label, differs in checks if differs] + headers

    def _retire(self, action: Action, ref: str) -> None:
        action.retired_at = self.now
        self.result.removed.append(ref)
        for child in self.live.get(action.id, []):
            self._retire(child, qualified_ref(ref, child.ref))

    def _lead(self, position: int, draft: LeadDraft) -> ActionLead | None:
        label = (draft.code or draft.name or "").strip()
        if not label:
            return None
        lead = ActionLead(position=position, label=label, code=draft.code)
        if draft.is_team:
            lead.team = self._team(draft)
        else:
            lead.person = self._person(draft)
        return lead

    def _name_of(self, draft: LeadDraft) -> str | None:
        """The lead's name as printed, else what the plan's own key says its code stands for."""
        return draft.name or (self.plan.lead_key or {}).get(draft.code or "")

    def _person(self, draft: LeadDraft) -> Person:
        """The person a printed lead means, created with just a name/code when nobody matches yet."""
        name = self._name_of(draft)
        person = self.directory.find(name=name, code=draft.code)
        if person is None:
            person = Person(name=name, code=draft.code, created_at=self.now, updated_at=self.now)
            self.session.add(person)
            self.directory.add(person)
        return person

    def _team(self, draft: LeadDraft) -> Team:
        """The team a printed lead means (by name, else code, ignoring case), created when new."""
        name, code = self._name_of(draft), (draft.code or "").casefold()
        for team in self.teams:
            if (name and team.name.casefold() == name.casefold()) or (
                code and code == (team.code or "").casefold()
            ):
                return team
        team = Team(name=name or draft.code, code=draft.code)
        self.session.add(team)
        self.teams.append(team)
        return team

    def _latest_baseline(self) -> dict[int, tuple[str, str | None]]:
        rows = self.session.execute(
            select(Update.action_id, Update.progress, Update.reported_text)
            .join(Round, Update.round_id == Round.id)
            .where(Round.plan_id == self.plan.id, Round.kind == "baseline")
            .order_by(Update.created_at, Update.id)
        )
        return {action_id: (progress, reported) for action_id, progress, reported in rows}

    def _baseline(self, action: Action, progress: list[ProgressDraft]) -> None:
        """Add the file's progress as baseline updates, skipping what the last import already stored.

        Compared on text and reported date only: a status is inferred from the text, and a better inference
        in a later version should not make every action look updated.
        """
        latest = self.latest_baseline.get(action.id) if action.id is not None else None
        seen = [(p.text, p.reported) for p in progress]
        if not progress or latest == seen[-1]:
            return
        start = max((i + 1 for i, item in enumerate(seen) if item == latest), default=0)
        for item in progress[start:]:
            self.session.add(
                Update(
                    action=action,
                    round=self._baseline_round(),
                    status=item.status.value if item.status else None,
                    progress=item.text,
                    reported_text=item.reported,
                    evidence=[],
                    via="import",
                    created_at=self.now,
                )
            )
            self.result.baseline_updates += 1

    def _baseline_round(self) -> Round:
        if self.round is None:
            query = select(Round).where(Round.plan_id == self.plan.id, Round.kind == "baseline")
            self.round = self.session.scalar(query.order_by(Round.id)) or Round(
                plan_id=self.plan.id,
                kind="baseline",
                name=BASELINE_ROUND,
                opened_at=self.now,
                created_at=self.now,
            )
            self.session.add(self.round)
        return self.round

    def _count_leads(self) -> None:
        reachable: dict[int, bool] = {}
        labels: dict[int, str] = {}
        for lead in self.leads:
            target = lead.person or lead.team
            if target is None or id(target) in reachable:
                continue
            reachable[id(target)] = _reachable(target)
            labels[id(target)] = lead.label
        self.result.leads_linked = sum(reachable.values())
        self.result.leads_unlinked = sorted(
            {labels[k] for k, ok in reachable.items() if not ok}, key=str.casefold
        )


def _collected_updates(session: Session, plan_id: int) -> int:
    """Updates people reported in the plan's rounds (not the file's baseline): a re-import keeps them all."""
    query = (
        select(func.count(Update.id))
        .join(Round, Update.round_id == Round.id)
        .where(Round.plan_id == plan_id, Round.kind != "baseline")
    )
    return session.scalar(query) or 0


def _reachable(target: Person | Team) -> bool:
    if isinstance(target, Person):
        return contact_channel(target) is not None
    return team_channel(target) is not None


def _lead_keys(leads: list[ActionLead]) -> list[tuple[str, str | None, bool]]:
    return [(lead.label, lead.code, lead.team_id is not None or lead.team is not None) for lead in leads]


def _draft_lead_keys(leads: list[LeadDraft]) -> list[tuple[str, str | None, bool]]:
    return [
        ((d.code or d.name or "").strip(), d.code, d.is_team)
        for d in leads
        if (d.code or d.name or "").strip()
    ]
