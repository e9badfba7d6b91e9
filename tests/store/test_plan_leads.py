"""`plan leads`: everyone who leads a live action, once, with how a round would reach them (or why not)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from collector.core.errors import NotFound
from store.importers.draft import ActionDraft, LeadDraft, PlanDraft
from store.models.directory import Person, Team, TeamMember
from store.people_csv import import_people
from store.persist import save_plan
from store.queries import find_plan, natural_key, plan_leads
from store.teams import set_team
from tests.store.personas import equality_plan

JOANNE_ONLY = "Name,Code,Email\nJoanne Tilley,JT,joanne.tilley@brightwater.gov.uk\n"


def _leads(session, name: str) -> dict[str, object]:
    return {row.label: row for row in plan_leads(session, find_plan(session, name))}


def test_it_lists_each_lead_once_and_flags_the_unreachable_ones(session, clock, tmp_path):
    save_plan(session, equality_plan(), name="edi", update=False, clock=clock)
    (tmp_path / "people.csv").write_text(JOANNE_ONLY)
    import_people(session, tmp_path / "people.csv", clock)

    rows = plan_leads(session, find_plan(session, "edi"))

    assert [(r.label, r.kind, r.name, r.channel, r.reachable) for r in rows] == [
        ("HR", "team", "Human Resources", None, False),
        ("JT", "person", "Joanne Tilley", "email", True),
        ("Kathryn Webster", "person", "Kathryn Webster", None, False),
    ]
    hr, joanne, kathryn = rows
    assert joanne.action_refs == ["1.1", "1.2 b)", "2.2"] and joanne.why_not is None
    assert joanne.email == "joanne.tilley@brightwater.gov.uk"
    assert hr.action_refs == ["1.2 a)", "2.1"] and hr.why_not == "team has no contact or members"
    assert kathryn.why_not == "no email or Slack id"


def test_a_preferred_channel_is_used_only_when_the_person_has_it(session, clock):
    save_plan(session, equality_plan(), name="edi", update=False, clock=clock)
    joanne = session.scalars(select(Person).where(Person.code == "JT")).one()
    joanne.preferred_channel, joanne.slack_user_id, joanne.email = "email", "U01JT", None
    kathryn = session.scalars(select(Person).where(Person.name == "Kathryn Webster")).one()
    kathryn.email, kathryn.email_failing_since = (
        "kathryn.webster@brightwater.gov.uk",
        clock.now() - timedelta(days=3),
    )

    leads = _leads(session, "edi")

    assert leads["JT"].channel == "slack"
    assert not leads["Kathryn Webster"].reachable
    assert leads["Kathryn Webster"].why_not == "email failing since 2026-02-27 and no Slack id"


def test_a_team_is_reached_through_its_contact_or_else_its_members(session, clock):
    save_plan(session, equality_plan(), name="edi", update=False, clock=clock)
    hr = session.scalars(select(Team)).one()
    joanne = session.scalars(select(Person).where(Person.code == "JT")).one()
    joanne.email = "joanne.tilley@brightwater.gov.uk"
    session.add(TeamMember(team_id=hr.id, person_id=joanne.id))
    hr.prompt_members = True
    session.flush()
    session.expire(hr)

    assert _leads(session, "edi")["HR"].channel == "members"

    hr.prompt_members, hr.contact_id = False, joanne.id
    session.flush()
    session.expire(hr)
    row = _leads(session, "edi")["HR"]
    assert (row.channel, row.email, row.reachable) == ("email", "joanne.tilley@brightwater.gov.uk", True)


def test_refs_are_sorted_as_people_read_them(session, clock):
    jt = LeadDraft(name=None, code="JT")
    actions = [
        ActionDraft(ref=ref, text=f"Action {ref}", leads=[jt]) for ref in ("3.10", "3.9", "10.1", "3.2")
    ]
    draft = PlanDraft(title="Climate", source="climate.xlsx", actions=actions)
    save_plan(session, draft, name="climate", update=False, clock=clock)

    assert _leads(session, "climate")["JT"].action_refs == ["3.2", "3.9", "3.10", "10.1"]
    assert sorted(["2 b)", "2 a)", "10", "2"], key=natural_key) == ["2", "2 a)", "2 b)", "10"]


def test_retired_actions_do_not_count_towards_anyones_leads(session, clock):
    save_plan(session, equality_plan(), name="edi", update=False, clock=clock)
    draft = equality_plan()
    draft.actions = [a for a in draft.actions if a.ref not in ("1.2", "2.1")]  # every action HR led

    save_plan(session, draft, name="edi", update=True, clock=clock)

    assert sorted(_leads(session, "edi")) == ["JT", "Kathryn Webster"]


def test_a_team_without_a_contact_is_reached_through_its_members(session, clock):
    save_plan(session, equality_plan(), name="edi", update=False, clock=clock)
    hr = session.scalars(select(Team)).one()
    joanne = session.scalars(select(Person).where(Person.code == "JT")).one()
    session.add(TeamMember(team_id=hr.id, person_id=joanne.id))
    session.flush()
    session.expire(hr)
    assert _leads(session, "edi")["HR"].why_not == "none of its members has an email or Slack id"

    joanne.slack_user_id = "U024BE7LH"
    session.flush()
    assert _leads(session, "edi")["HR"].channel == "members"


def test_a_coordinator_names_a_teams_contact(session, clock):
    save_plan(session, equality_plan(), name="edi", update=False, clock=clock)
    joanne = session.scalars(select(Person).where(Person.code == "JT")).one()
    joanne.email = "joanne.tilley@brightwater.gov.uk"

    team = set_team(session, "hr", contact="Joanne Tilley", clock=clock)

    assert team.contact is joanne
    row = _leads(session, "edi")["HR"]
    assert (row.channel, row.email) == ("email", "joanne.tilley@brightwater.gov.uk")
    with pytest.raises(NotFound, match="no team called 'Finance'"):
        set_team(session, "Finance", contact="Joanne Tilley", clock=clock)
