"""Blanket answers: one status for every asked action the reply does not answer on its own."""

from __future__ import annotations

import pytest

from collector.core.vocabulary import Status
from collector.replies.types import CONFIDENT

from .conftest import parse

THREE = ("1.1", "1.2", "1.3")


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("No change since last time", Status.NO_CHANGE),
        ("no change to all", Status.NO_CHANGE),
        ("All on track", Status.ON_TRACK),
        ("Everything is on target.", Status.ON_TRACK),
        ("As before", Status.NO_CHANGE),
        ("Hi Sam, all three are still on track. Thanks, Jo", Status.ON_TRACK),
        ("Nothing new to report since March", Status.NO_CHANGE),
    ],
)
def test_a_blanket_answer_applies_to_every_asked_action(text: str, status: Status) -> None:
    result = parse(text, *THREE)
    assert result.blanket == status
    assert [(u.ref, u.status) for u in result.updates] == [(ref, status) for ref in THREE]
    assert all(u.confidence >= CONFIDENT for u in result.updates)


@pytest.mark.parametrize(
    "text",
    ["Done", "Most of it is on track", "All on track apart from the survey", "Thanks, will reply next week"],
)
def test_without_refs_or_a_blanket_nothing_is_attributed_and_the_words_are_leftover(text: str) -> None:
    result = parse(text, *THREE)
    assert result.updates == []
    assert result.blanket is None
    assert result.leftover


def test_the_rest_of_the_actions_take_an_everything_else_clause() -> None:
    result = parse("1.3 slipped to June; everything else on track", *THREE)
    assert {u.ref: u.status for u in result.updates} == {
        "1.1": Status.ON_TRACK,
        "1.2": Status.ON_TRACK,
        "1.3": Status.AT_RISK,
    }
    assert result.blanket == Status.ON_TRACK
    assert next(u for u in result.updates if u.ref == "1.3").progress == "slipped to June"


def test_a_blanket_before_the_refs_gives_its_status_to_answers_without_one() -> None:
    result = parse("All on track, notes below.\n1.1 - draft with legal\n1.2 - report drafted", "1.1", "1.2")
    assert [(u.status, u.progress) for u in result.updates] == [
        (Status.ON_TRACK, "draft with legal"),
        (Status.ON_TRACK, "report drafted"),
    ]


def test_an_exception_after_a_blanket_keeps_its_own_status() -> None:
    result = parse("All on track except 1.3 which is delayed", *THREE)
    assert [u.status for u in result.updates] == [Status.ON_TRACK, Status.ON_TRACK, Status.AT_RISK]


def test_with_one_action_asked_a_blanket_is_simply_its_answer() -> None:
    result = parse("No change since last time")
    assert [(u.ref, u.status) for u in result.updates] == [("1.1", Status.NO_CHANGE)]
    assert result.blanket is None
