"""Saving an imported plan, reading it back through the `plan show --json` contract, and re-importing it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import event, func, select

from collector.core.dates import TargetDraft, TargetKind
from collector.core.errors import NotFound, UserError
from collector.core.text import slug
from collector.core.vocabulary import Status
from store.db import session_scope
from store.importers.draft import ActionDraft, LeadDraft, PlanDraft, ProgressDraft, SectionDraft
from store.models.directory import Person, Team
from store.models.plans import Action
from store.models.records import AuditEvent
from store.models.rounds import Round
from store.models.updates import Update
from store.persist import save_plan
from store.queries import find_plan, list_plans, plan_json
from tests.store.personas import HR, TITLE, equality_plan

NAME = "equality-diversity-inclusion-action-plan-2025-27"
AT = "2026-03-02T09:00:00+00:00"


def _baseline(progress: str, status: str | None, reported: str | None = None, at: str = AT) -> dict:
    return {
        "status": status,
        "progress": progress,
        "reported": reported,
        "round": "Imported baseline",
        "via": "import",
        "at": at,
        "revised_due": None,  # an imported baseline carries no revised target
    }


def _refs(actions: list[dict]) -> list[str]:
    return [a["ref"] for a in actions]


@pytest.fixture
def imported(session, clock):
    return save_plan(session, equality_plan(), name=None, update=False, clock=clock)


def test_it_shows_an_imported_plan_back_in_the_json_contract(session, imported):
    doc = plan_json(session, find_plan(session, NAME))

    assert list(doc) == ["id", "name", "title", "period", "sections", "actions"]
    assert (doc["name"], doc["title"], doc["period"]) == (NAME, TITLE, "2025–27")
    assert doc["sections"] == [
        {"ref": "1", "title": "Knowing our communities"},
        {"ref": "2", "title": "A fair workplace"},
    ]
    first, second, third, fourth = doc["actions"]
    assert list(first) == [
        "ref",
        "section_ref",
        "text",
        "leads",
        "target",
        "sub_actions",
        "updates",
        "fields",
    ]
    assert first == {
        "ref": "1.1",
        "section_ref": "1",
        "text": "Publish an annual equality data report",
        "leads": [{"code": "JT", "name": "Joanne Tilley"}],
        "target": {"text": "March 2026", "date": "2026-03-31", "kind": "date"},
        "sub_actions": [],
        "updates": [_baseline("Draft with the communications team", "on_track")],
        "fields": {"Success measure": "Report published on the council website"},
    }
    assert second["leads"] == [{"code": None, "name": "Kathryn Webster"}]
    assert second["target"] == {"text": "Ongoing", "date": None, "kind": "ongoing"}
    assert _refs(second["sub_actions"]) == ["a)", "b)"]
    train, audit = second["sub_actions"]
    assert (train["section_ref"], train["leads"], train["target"]) == (
        "1",
        [{"code": "HR", "name": "Human Resources"}],
        None,
    )
    assert audit["updates"] == [_baseline("No audits yet undertaken", "not_started")]
    assert third["target"] == {"text": "TBC", "date": None, "kind": "tbc"}
    assert fourth["leads"] == [
        {"code": "JT", "name": "Joanne Tilley"},
        {"code": None, "name": "Kathryn Webster"},
    ]
    assert fourth["updates"] == [_baseline("In place and operating", "completed", reported="12/01/2026")]


def test_it_reports_what_a_first_import_added(imported):
    assert imported.created and imported.name == NAME
    assert imported.added == ["1.1", "1.2", "1.2 a)", "1.2 b)", "2.1", "2.2"]
    assert (imported.changed, imported.removed, imported.baseline_updates) == ([], [], 4)
    assert imported.leads_linked == 0
    assert imported.leads_unlinked == ["HR", "JT", "Kathryn Webster"]


def test_leads_become_people_and_teams_shared_by_every_plan_that_names_them(session, clock, imported):
    save_plan(session, equality_plan(), name="edi-copy", update=False, clock=clock)

    people = session.execute(select(Person.name, Person.code).order_by(Person.name)).all()
    teams = session.execute(select(Team.name, Team.code)).all()
    assert people == [("Joanne Tilley", "JT"), ("Kathryn Webster", None)]
    assert teams == [("Human Resources", "HR")]


def test_a_plan_is_named_after_its_title_unless_given_a_name(session, clock):
    assert slug("Égalité & Climate Plan 2025–26", fallback="plan") == "egalite-climate-plan-2025-26"
    assert slug("???", fallback="plan") == "plan"
    assert len(slug("word " * 40, fallback="plan")) <= 60

    result = save_plan(session, equality_plan(), name="EDI", update=False, clock=clock)

    assert find_plan(session, "edi").id == result.plan_id
    assert find_plan(session, str(result.plan_id)).name == "EDI"


def test_a_second_plan_with_a_taken_name_is_refused_with_the_way_out(session, clock, imported):
    with pytest.raises(UserError, match=f"a plan named {NAME} already exists: use --update"):
        save_plan(session, equality_plan(), name=None, update=False, clock=clock)


def test_updating_a_plan_that_does_not_exist_is_not_found(session, clock):
    with pytest.raises(NotFound, match="no plan called climate"):
        save_plan(session, equality_plan(), name="climate", update=True, clock=clock)


def test_an_unknown_plan_points_at_the_list_of_plans(session):
    with pytest.raises(NotFound, match=r"no plan called 42: `collector plan list` shows the plans"):
        find_plan(session, "42")


def test_each_import_leaves_one_audit_event_with_its_counts(session, clock, imported):
    save_plan(session, equality_plan(), name=NAME, update=True, clock=clock)

    events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.event for e in events] == ["plan.imported", "plan.reimported"]
    assert events[0].detail["added"] == 6 and events[0].entity_id == imported.plan_id


def _next_year(draft: PlanDraft) -> PlanDraft:
    """The same plan a year on: 1.2's target moved, 2.1 dropped, 2.2 progressed, 2.3 new."""
    actions = {a.ref: a for a in draft.actions}
    actions["1.2"].target = TargetDraft("September 2026", TargetKind.DATE, date(2026, 9, 30))
    actions["2.2"].progress.append(ProgressDraft("Network now meets monthly", Status.COMPLETED))
    new = ActionDraft(
        ref="2.3",
        text="Publish gender pay gap figures",
        section_ref="2",
        leads=[HR],
        progress=[ProgressDraft("Figures with the data team", Status.ON_TRACK)],
    )
    draft.actions = [actions["1.1"], actions["1.2"], actions["2.2"], new]
    return draft


def test_a_reimport_adds_changes_and_retires_actions_but_keeps_collected_updates(engine, clock):
    with session_scope(engine) as session:
        save_plan(session, equality_plan(), name=None, update=False, clock=clock)
    with session_scope(engine) as session:
        spring = Round(
            plan_id=1, kind="collection", name="Spring 2026", opened_at=clock.now(), created_at=clock.now()
        )
        for ref in ("1.1", "2.1"):
            action = session.scalars(select(Action).where(Action.ref == ref)).one()
            collected = Update(
                action=action, round=spring, status="on_track", progress="Going well", via="email"
            )
            collected.created_at, collected.evidence = clock.now(), []
            session.add(collected)
    clock.advance(timedelta(days=30))

    with session_scope(engine) as session:
        result = save_plan(session, _next_year(equality_plan()), name=NAME, update=True, clock=clock)
        doc = plan_json(session, find_plan(session, NAME))

    assert not result.created
    assert (result.added, result.changed, result.removed) == (["2.3"], ["1.2"], ["2.1"])
    assert result.baseline_updates == 2  # 2.2's new progress and 2.3's first
    assert _refs(doc["actions"]) == ["1.1", "1.2", "2.2", "2.3"]
    first, moved, network, _ = doc["actions"]
    assert [(u["round"], u["via"]) for u in first["updates"]] == [
        ("Imported baseline", "import"),
        ("Spring 2026", "email"),
    ]
    assert moved["target"] == {"text": "September 2026", "date": "2026-09-30", "kind": "date"}
    assert [u["progress"] for u in network["updates"]] == [
        "In place and operating",
        "Network now meets monthly",
    ]
    assert network["updates"][1]["at"] == "2026-04-01T09:00:00+00:00"
    with session_scope(engine) as session:
        retired = session.scalars(select(Action).where(Action.ref == "2.1")).one()
        kept = session.scalar(select(func.count(Update.id)).where(Update.action_id == retired.id))
    assert retired.retired_at == clock.now()
    assert kept == 2  # its baseline and its collected update both survive
    with session_scope(engine) as session:
        assert [(plan.name, count) for plan, count in list_plans(session)] == [(NAME, 4)]


def test_reimporting_the_same_file_changes_nothing(session, clock, imported):
    before = session.scalar(select(func.count(Update.id)))

    again = save_plan(session, equality_plan(), name=NAME, update=True, clock=clock)

    assert (again.added, again.changed, again.removed, again.baseline_updates) == ([], [], [], 0)
    assert session.scalar(select(func.count(Update.id))) == before


def test_dropping_an_action_retires_its_sub_actions_with_it(session, clock, imported):
    draft = equality_plan()
    draft.actions = [a for a in draft.actions if a.ref != "1.2"]

    result = save_plan(session, draft, name=NAME, update=True, clock=clock)

    assert result.removed == ["1.2", "1.2 a)", "1.2 b)"]
    assert _refs(plan_json(session, find_plan(session, NAME))["actions"]) == ["1.1", "2.1", "2.2"]


def test_reordered_and_renamed_sections_are_updated_in_place(session, clock, imported):
    draft = equality_plan()
    draft.sections = [
        SectionDraft("2", "A fair and inclusive workplace"),
        SectionDraft("1", "Knowing our communities"),
    ]

    result = save_plan(session, draft, name=NAME, update=True, clock=clock)

    doc = plan_json(session, find_plan(session, NAME))
    assert doc["sections"] == [
        {"ref": "2", "title": "A fair and inclusive workplace"},
        {"ref": "1", "title": "Knowing our communities"},
    ]
    assert result.changed == []


def _unnumbered(texts: list[str]) -> PlanDraft:
    actions = [
        ActionDraft(ref=str(i), text=text, ref_synthetic=True, leads=[LeadDraft("Kathryn Webster")])
        for i, text in enumerate(texts, start=1)
    ]
    return PlanDraft(title="Accessible services", source="services.txt", actions=actions)


def test_actions_without_printed_refs_are_matched_by_their_text_on_reimport(session, clock):
    save_plan(
        session,
        _unnumbered(["Caption every video", "Audit the website"]),
        name="a11y",
        update=False,
        clock=clock,
    )
    ids = dict(session.execute(select(Action.text, Action.id)).all())

    result = save_plan(
        session,
        _unnumbered(["Offer BSL interpreting", "Caption every video", "Audit the website"]),
        name="a11y",
        update=True,
        clock=clock,
    )

    assert (result.added, result.changed, result.removed) == (["1"], [], [])
    refs = dict(session.execute(select(Action.id, Action.ref)).all())
    assert refs[ids["Caption every video"]] == "2" and refs[ids["Audit the website"]] == "3"


def _numbered(count: int) -> PlanDraft:
    leads = [LeadDraft(name=None, code="JT"), HR, LeadDraft("Kathryn Webster")]
    actions = [
        ActionDraft(
            ref=str(i),
            text=f"Action {i}",
            leads=[leads[i % 3]],
            progress=[ProgressDraft("Started")],
            sub_actions=[
                ActionDraft(ref="a)", text="Part", leads=[leads[(i + 1) % 3]], progress=[ProgressDraft("x")])
            ],
        )
        for i in range(1, count + 1)
    ]
    return PlanDraft(title="Numbered", source="n.csv", actions=actions, lead_key={"JT": "Joanne Tilley"})


def test_showing_a_plan_takes_the_same_few_queries_whatever_its_size(engine, clock):
    statements: list[str] = []
    with session_scope(engine) as session:
        save_plan(session, _numbered(3), name="small", update=False, clock=clock)
        save_plan(session, _numbered(60), name="large", update=False, clock=clock)
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))

    counts = {}
    for name in ("small", "large"):
        statements.clear()
        with session_scope(engine) as session:
            doc = plan_json(session, find_plan(session, name))
        counts[name] = len(statements)
        assert len(doc["actions"]) == (3 if name == "small" else 60)

    assert counts["small"] == counts["large"] <= 10
