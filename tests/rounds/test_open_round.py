"""Opening a round: who is asked about what, through which channel, and who cannot be asked."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from collector.core.errors import UserError
from collector.rounds.lifecycle import open_round
from store.db import session_scope
from store.models.records import AuditEvent
from store.models.rounds import Prompt, PromptAction, Round
from tests.rounds.personas import plan_of

DUE = date(2027, 3, 31)


def _open(engine, world, clock, **kwargs):
    kwargs.setdefault("due", DUE)
    kwargs.setdefault("closes", None)
    kwargs.setdefault("subset", None)
    with session_scope(engine) as s:
        return open_round(s, plan_of(s, world), clock=clock, actor="cli:test", **kwargs)


def _asked(result) -> dict[str, list[str]]:
    return {ask.label: ask.refs for ask in result.asks}


def test_each_person_is_asked_once_about_all_their_open_actions(engine, world, clock):
    result = _open(engine, world, clock)

    assert _asked(result) == {
        "Alex Price": ["1.3", "2.3 a)"],  # 2.3 is asked through its sub-actions: b) is Sam's
        "Chris Doe for Facilities": ["2.1"],
        "Jo Baker": ["1.1", "1.2"],
        "Sam Ortiz": ["1.2", "2.1", "2.3 b)"],
    }
    with session_scope(engine, read_only=True) as s:
        prompts = s.scalars(select(Prompt).where(Prompt.round_id == result.round.id)).all()
        assert sorted(p.lead_label for p in prompts) == sorted(_asked(result))
        assert {p.status for p in prompts} == {"pending"}
        assert s.scalar(select(func.count()).select_from(PromptAction)) == 8
        round_ = s.get_one(Round, result.round.id)
        assert (round_.state, round_.kind, round_.opened_by, round_.name) == (
            "open",
            "collection",
            "cli:test",
            "Spring 2027",
        )
        assert s.scalar(select(AuditEvent.event).where(AuditEvent.entity == "round")) == "round.opened"


def test_a_team_with_a_contact_is_asked_through_its_contact_and_one_without_through_each_member(
    engine, world, clock
):
    result = _open(engine, world, clock)
    by_person = {ask.name: ask for ask in result.asks}

    assert "1.3" in by_person["Alex Price"].refs  # HR's contact
    assert (
        "2.1" in by_person["Chris Doe"].refs and "2.1" in by_person["Sam Ortiz"].refs
    )  # Facilities' members
    assert by_person["Chris Doe"].team_id is not None
    assert by_person["Chris Doe"].label == "Chris Doe for Facilities"


def test_every_lead_of_a_shared_action_is_asked(engine, world, clock):
    result = _open(engine, world, clock)

    assert [ask.name for ask in result.asks if "1.2" in ask.refs] == ["Jo Baker", "Sam Ortiz"]


def test_completed_withdrawn_and_retired_actions_are_not_asked(engine, world, clock):
    refs = {ref for ask in _open(engine, world, clock).asks for ref in ask.refs}

    assert not refs & {"1.4", "1.5", "2.4"}


def test_a_sub_action_without_leads_of_its_own_is_asked_of_its_parents_lead(engine, world, clock):
    result = _open(engine, world, clock)

    assert "2.3 a)" in _asked(result)["Alex Price"] and "2.3 b)" in _asked(result)["Sam Ortiz"]


def test_a_person_without_any_contact_is_listed_as_cannot_be_prompted(engine, world, clock):
    result = _open(engine, world, clock)

    assert [(u.lead, u.why, u.refs) for u in result.unreachable] == [
        ("Nadia Khan", "no email or Slack id", ["2.2"])
    ]
    with session_scope(engine, read_only=True) as s:
        assert s.get_one(Round, result.round.id).unreachable == [
            {"lead": "Nadia Khan", "why": "no email or Slack id", "refs": ["2.2"]}
        ]


def test_the_preferred_channel_is_used_when_the_person_has_it_and_the_other_when_not(engine, world, clock):
    channels = {ask.name: ask.channel for ask in _open(engine, world, clock).asks}

    assert channels == {
        "Alex Price": "slack",
        "Chris Doe": "email",
        "Jo Baker": "email",
        "Sam Ortiz": "slack",
    }


def test_a_delegate_is_not_prompted_in_their_own_right(engine, world, clock):
    assert "Pat Lee" not in {ask.name for ask in _open(engine, world, clock).asks}


def test_a_subset_by_section_asks_only_that_sections_actions(engine, world, clock):
    result = _open(engine, world, clock, subset={"sections": ["2"]})

    assert _asked(result) == {
        "Alex Price": ["2.3 a)"],
        "Chris Doe for Facilities": ["2.1"],
        "Sam Ortiz": ["2.1", "2.3 b)"],
    }
    with session_scope(engine, read_only=True) as s:
        assert s.get_one(Round, result.round.id).subset == {"sections": ["2"]}


def test_a_subset_by_lead_asks_only_those_leads_by_code_or_name(engine, world, clock):
    result = _open(engine, world, clock, subset={"leads": ["JB", "Alex Price"]})

    assert _asked(result) == {"Alex Price": ["2.3 a)"], "Jo Baker": ["1.1", "1.2"]}


def test_a_subset_naming_what_the_plan_does_not_have_is_refused(engine, world, clock):
    with pytest.raises(UserError, match=r"has no section 9 \(sections: 1, 2\)"):
        _open(engine, world, clock, subset={"sections": ["9"]})
    with pytest.raises(UserError, match="led by zed"):
        _open(engine, world, clock, subset={"leads": ["Zed"]})


def test_a_dry_run_says_who_would_be_asked_and_writes_nothing(engine, world, clock):
    with session_scope(engine, read_only=True) as s:
        result = open_round(
            s, plan_of(s, world), due=DUE, closes=None, subset=None, clock=clock, actor="t", dry_run=True
        )

    assert result.round is None and len(result.asks) == 4 and result.actions == 6
    with session_scope(engine, read_only=True) as s:
        assert s.scalar(select(func.count()).select_from(Round).where(Round.kind == "collection")) == 0
        assert s.scalar(select(func.count()).select_from(Prompt)) == 0


def test_a_second_open_round_is_refused_naming_the_open_one(engine, world, clock):
    first = _open(engine, world, clock)

    with pytest.raises(UserError, match=rf"already has an open round: #{first.round.id} 'Spring 2027'"):
        _open(engine, world, clock)


def test_a_round_due_in_the_past_or_closing_before_it_is_due_is_refused(engine, world, clock):
    with pytest.raises(UserError, match="has already passed"):
        _open(engine, world, clock, due=date(2027, 2, 1))
    with pytest.raises(UserError, match="cannot close"):
        _open(engine, world, clock, closes=date(2027, 3, 30))


def test_each_prompt_gets_an_unguessable_reply_token_that_fits_an_email_local_part(engine, world, clock):
    result = _open(engine, world, clock)
    with session_scope(engine, read_only=True) as s:
        tokens = list(s.scalars(select(Prompt.token).where(Prompt.round_id == result.round.id)))

    assert len(set(tokens)) == len(tokens) == 4
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{24}", t) for t in tokens)
    assert all(len(f"progress+{t}") <= 64 for t in tokens)


def test_the_imported_baseline_is_history_not_an_open_round(engine, world):
    with session_scope(engine, read_only=True) as s:
        baseline = s.scalars(select(Round).where(Round.kind == "baseline")).one()
        assert baseline.state == "closed"


def test_a_sub_action_asked_alone_carries_its_parents_words(engine, world, clock):
    from collector.channels.messages import prompt_message
    from tests.rounds.helpers import prompts

    result = _open(engine, world, clock)
    sam = prompts(engine, result.round.id)["Sam"]
    with session_scope(engine, read_only=True) as s:
        items = {i.ref: i for i in prompt_message(s, sam).items}
    assert items["2.3 b)"].part_of == "2.3 Review the complaints process"
    assert items["2.1"].part_of is None


def test_messages_built_in_bulk_are_the_ones_built_one_by_one(engine, world, clock):
    from collector.channels.messages import prompt_message, prompt_messages

    result = _open(engine, world, clock)
    with session_scope(engine, read_only=True) as s:
        prompts = list(s.scalars(select(Prompt).where(Prompt.round_id == result.round.id)))
        bulk = prompt_messages(s, [p.id for p in prompts])
        assert len(prompts) >= 4 and bulk == {p.id: prompt_message(s, p) for p in prompts}
