"""Harbourside Council's equality plan and the people who lead it: the personas every rounds test uses.

Jo Baker       JB   email                      manager Priya Shah, delegate Pat Lee
Sam Ortiz      SO   Slack only                 in the Facilities team
Alex Price     AP   email and Slack, prefers Slack; the HR team's contact
Chris Doe      CD   email                      in the Facilities team
Nadia Khan     NK   no email, no Slack         (cannot be prompted)
Priya Shah          email                      the plan's coordinator; Jo's manager
Pat Lee             email                      Jo's delegate

1.1  JB                  open (baseline: on track)
1.2  JB and SO           open: two leads
1.3  HR team             open: asked through its contact, Alex
1.4  JB                  completed in the baseline: not asked
1.5  JB                  retired by a re-import: not asked
2.1  Facilities team     open: no contact, so each member (Sam, Chris) is asked
2.2  NK                  open, but Nadia cannot be prompted
2.3  AP                  open, with sub-actions a) (no leads: Alex's) and b) (SO)
2.4  SO                  withdrawn in the baseline: not asked
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector.core.clock import Clock
from collector.core.dates import TargetDraft, TargetKind
from collector.core.vocabulary import Status
from store.importers.draft import ActionDraft, LeadDraft, PlanDraft, ProgressDraft, SectionDraft
from store.models.directory import Delegation, Person, Team, TeamMember
from store.models.plans import Action, Plan, PlanCoordinator
from store.persist import save_plan

JB, SO, AP, NK = (LeadDraft(name=None, code=c) for c in ("JB", "SO", "AP", "NK"))
HR = LeadDraft(name="Human Resources", code="HR", is_team=True)
FACILITIES = LeadDraft(name="Facilities", is_team=True)
LONG_TEXT = (
    "Refresh the recruitment and selection training for every hiring manager, including a new module on "
    "reasonable adjustments for disabled applicants and a short film about anonymised shortlisting, then "
    "report completion rates by directorate to the workforce board each quarter"
)


def harbourside_plan() -> PlanDraft:
    def action(ref, text, leads, *, section=None, target=None, progress=None, subs=()):
        return ActionDraft(
            ref=ref,
            text=text,
            section_ref=section,
            leads=list(leads),
            target=target,
            progress=[progress] if progress else [],
            sub_actions=list(subs),
        )

    march = TargetDraft("March 2027", TargetKind.DATE, date(2027, 3, 31))
    return PlanDraft(
        title="Equality Action Plan 2026–28",
        source="harbourside.docx",
        sections=[SectionDraft("1", "Workforce"), SectionDraft("2", "Services")],
        lead_key={"JB": "Jo Baker", "SO": "Sam Ortiz", "AP": "Alex Price", "NK": "Nadia Khan"},
        actions=[
            action("1.1", "Publish the workforce equality report", [JB], section="1", target=march,
                   progress=ProgressDraft("Draft with the communications team", Status.ON_TRACK)),
            action("1.2", "Set up a staff network for carers", [JB, SO], section="1",
                   target=TargetDraft("Ongoing", TargetKind.ONGOING)),
            action("1.3", LONG_TEXT, [HR], section="1", target=TargetDraft("Sept 2027", TargetKind.TEXT)),
            action("1.4", "Adopt the new equality policy", [JB], section="1",
                   progress=ProgressDraft("Adopted by cabinet", Status.COMPLETED)),
            action("1.5", "Pilot blind marking", [JB], section="1"),
            action("2.1", "Audit building access", [FACILITIES], section="2"),
            action("2.2", "Translate the housing forms", [NK], section="2"),
            action("2.3", "Review the complaints process", [AP], section="2", subs=[
                ActionDraft(ref="a)", text="Map the current process"),
                ActionDraft(ref="b)", text="Survey complainants", leads=[SO]),
            ]),
            action("2.4", "Open a second helpdesk", [SO], section="2",
                   progress=ProgressDraft("No longer needed", Status.WITHDRAWN)),
        ],
    )  # fmt: skip


@dataclass
class World:
    plan_id: int
    people: dict[str, int]  # first name -> person id
    actions: dict[str, int]  # qualified ref -> action id


def build(session: Session, clock: Clock) -> World:
    """Save the plan, fill in the directory, retire 1.5, and make Priya the coordinator."""
    saved = save_plan(session, harbourside_plan(), name="harbourside", update=False, clock=clock)
    now = clock.now()
    people = {p.code: p for p in session.scalars(select(Person)) if p.code}
    jo, sam, alex, nadia = people["JB"], people["SO"], people["AP"], people["NK"]
    jo.email = "jo.baker@harbourside.gov.uk"
    sam.slack_user_id, sam.preferred_channel = "U02SAM", "slack"
    alex.email, alex.slack_user_id, alex.preferred_channel = (
        "alex.price@harbourside.gov.uk",
        "U03ALEX",
        "slack",
    )
    extra = {
        name: Person(
            name=name, email=f"{name.split()[0].lower()}@harbourside.gov.uk", created_at=now, updated_at=now
        )
        for name in ("Chris Doe", "Priya Shah", "Pat Lee")
    }
    session.add_all(extra.values())
    session.flush()
    jo.manager_id = extra["Priya Shah"].id
    session.add(Delegation(person_id=jo.id, delegate_id=extra["Pat Lee"].id))
    session.add(PlanCoordinator(plan_id=saved.plan_id, person_id=extra["Priya Shah"].id))
    teams = {t.name: t for t in session.scalars(select(Team))}
    teams["Human Resources"].contact_id = alex.id
    for member in (sam, extra["Chris Doe"]):
        session.add(TeamMember(team_id=teams["Facilities"].id, person_id=member.id))
    actions = {a.ref: a for a in session.scalars(select(Action).where(Action.plan_id == saved.plan_id))}
    actions["1.5"].retired_at = now
    session.flush()
    everyone = [jo, sam, alex, nadia, *extra.values()]
    refs = {}
    for a in actions.values():
        parent = session.get(Action, a.parent_id) if a.parent_id else None
        refs[f"{parent.ref} {a.ref}" if parent else a.ref] = a.id
    return World(saved.plan_id, {p.name.split()[0]: p.id for p in everyone}, refs)


def plan_of(session: Session, world: World) -> Plan:
    return session.get_one(Plan, world.plan_id)
