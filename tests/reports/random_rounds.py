"""Random plans put through a real round, for the property tests that every figure agrees.

A plan has a few actions, each with one or two leads from a pool of three people, an imported baseline
status or none, a target in the past, the future or "Ongoing", and up to three lettered items (with leads of
their own or their action's). A round opens (collector.rounds.lifecycle.open_round) and the leads answer
through
intake.apply, as replies do: an asked action with a status, without one, or "no change"; an action its
items were asked through answered as a whole (a coordinator typing in what the lead said); a co-lead
answering for both; a lead sending nothing at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import count

from hypothesis import strategies as st
from sqlalchemy import select

from collector.core.dates import TargetDraft, TargetKind
from collector.core.vocabulary import Status
from collector.replies.intake import apply
from collector.replies.types import ParsedUpdate, Reply
from collector.rounds.lifecycle import open_round
from store.importers.draft import ActionDraft, LeadDraft, PlanDraft, ProgressDraft
from store.models.directory import Person
from store.models.plans import Action, Plan
from store.models.rounds import Prompt, PromptAction
from store.persist import save_plan

OPENED = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
PEOPLE = 3
STATUSES = [Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.COMPLETED, Status.NOT_STARTED]
TARGETS = {
    "past": TargetDraft("January 2027", TargetKind.DATE, date(2027, 1, 31)),
    "future": TargetDraft("December 2027", TargetKind.DATE, date(2027, 12, 31)),
    "ongoing": TargetDraft("Ongoing", TargetKind.ONGOING),
}
_plans = count(1)

leads = st.lists(st.integers(0, PEOPLE - 1), min_size=1, max_size=2, unique=True)
baseline = st.sampled_from([None, None, Status.ON_TRACK, Status.AT_RISK, Status.COMPLETED])
item = st.fixed_dictionaries({"leads": st.one_of(st.just([]), leads), "baseline": baseline})
action = st.fixed_dictionaries(
    {
        "leads": leads,
        "baseline": baseline,
        "target": st.sampled_from(sorted(TARGETS)),
        "items": st.lists(item, max_size=3),
    }
)
# (who answers, which of their candidates, what they say): "status", "none" (no status), "no_change"
answer = st.tuples(
    st.integers(0, PEOPLE - 1), st.integers(0, 50), st.sampled_from(["status", "none", "no_change"])
)
rounds = st.fixed_dictionaries(
    {"actions": st.lists(action, min_size=1, max_size=4), "answers": st.lists(answer, max_size=8)}
)


@dataclass
class Played:
    plan_id: int
    round_id: int


def play(engine, clock, spec: dict) -> Played | None:
    """Import the plan, open a round and give the answers; None when nobody is left to ask (every action
    closed in the baseline), which open_round refuses."""
    from collector.core.errors import UserError
    from store.db import session_scope

    n = next(_plans)
    names = [f"Lead {n}-{i}" for i in range(PEOPLE)]
    clock.set(OPENED)
    with session_scope(engine) as s:
        saved = save_plan(s, _draft(spec, names, n), name=f"random-{n}", update=False, clock=clock)
        for person in s.scalars(select(Person).where(Person.name.in_(names))):
            person.email = f"lead-{n}-{names.index(person.name)}@example.org"
    with session_scope(engine) as s:
        try:
            opened = open_round(
                s,
                s.get_one(Plan, saved.plan_id),
                due=date(2027, 3, 31),
                closes=None,
                subset=None,
                clock=clock,
                actor="cli:test",
                name="Spring 2027",
            )
        except UserError:
            return None
        round_id = opened.round.id
    for index, (who, pick, says) in enumerate(spec["answers"]):
        clock.set(OPENED + timedelta(hours=index + 1))
        with session_scope(engine) as s:
            _answer(s, clock, saved.plan_id, round_id, names[who], pick, says)
    return Played(saved.plan_id, round_id)


def _draft(spec: dict, names: list[str], n: int) -> PlanDraft:
    def progress(status: Status | None) -> list[ProgressDraft]:
        return [ProgressDraft(f"Imported: {status.value}", status)] if status else []

    actions = []
    for number, a in enumerate(spec["actions"], start=1):
        items = [
            ActionDraft(
                ref=f"{number}{'abc'[i]}",
                text=f"Item {'abc'[i]} of action {number}",
                leads=[LeadDraft(names[x]) for x in it["leads"]],
                progress=progress(it["baseline"]),
            )
            for i, it in enumerate(a["items"])
        ]
        actions.append(
            ActionDraft(
                ref=str(number),
                text=f"Action {number} of plan {n}",
                leads=[LeadDraft(names[x]) for x in a["leads"]],
                target=TARGETS[a["target"]],
                progress=progress(a["baseline"]),
                sub_actions=items,
            )
        )
    return PlanDraft(title=f"Random plan {n}", source="random.txt", actions=actions)


def _answer(s, clock, plan_id: int, round_id: int, name: str, pick: int, says: str) -> None:
    """One lead answers one of: the actions their prompt asked, or an action whose items it asked (as a
    whole). A lead the round did not ask answers nothing."""
    person = s.scalar(select(Person).where(Person.name == name))
    prompt = (
        s.scalar(select(Prompt).where(Prompt.round_id == round_id, Prompt.person_id == person.id))
        if person is not None
        else None
    )
    if prompt is None:  # the plan does not name them, or the round did not ask them
        return
    asked = list(
        s.scalars(
            select(Action).join(PromptAction).where(PromptAction.prompt_id == prompt.id).order_by(Action.id)
        )
    )
    wholes = sorted({a.parent_id for a in asked if a.parent_id is not None} - {a.id for a in asked})
    candidates = [(a, True) for a in asked] + [(s.get_one(Action, p), False) for p in wholes]
    target, through_prompt = candidates[pick % len(candidates)]
    status = {"status": STATUSES[pick % len(STATUSES)], "none": None, "no_change": Status.NO_CHANGE}[says]
    words = "" if says == "no_change" else f"{name} on {target.ref}"
    update = ParsedUpdate(ref=target.ref, status=status, progress=words)
    reply = Reply(
        channel="email" if through_prompt else "cli",
        text=words,
        received_at=clock.now(),
        sender_person_id=person.id,
        prompt_id=prompt.id if through_prompt else None,
        round_id=round_id,
        structured=[update],
    )
    # an action answered as a whole was not asked itself: a coordinator types in what the lead said
    apply(s, reply, clock=clock, coordinator=None if through_prompt else "cli:test")
