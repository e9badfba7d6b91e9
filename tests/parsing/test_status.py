"""Reading a status with its negations and hedges: "not yet complete" is not completed, "not behind" is on
track, and a status the parser had to work out is less certain than one written down."""

from __future__ import annotations

import pytest

from collector.core.vocabulary import Status
from collector.replies.types import CONFIDENT

from .conftest import parse

C, OT, AR, OFF, NS, W, NC = (
    Status.COMPLETED,
    Status.ON_TRACK,
    Status.AT_RISK,
    Status.OFF_TRACK,
    Status.NOT_STARTED,
    Status.WITHDRAWN,
    Status.NO_CHANGE,
)


def status_of(text: str) -> tuple[Status | None, float]:
    (update,) = parse(f"1.1 {text}").updates
    return update.status, update.confidence


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("done", C), ("complete", C), ("completed", C), ("finished", C), ("in place and operating", C),
        ("on target", OT), ("on track", OT), ("in hand", OT), ("ongoing", OT), ("progressing well", OT),
        ("some slippage", AR), ("delayed", OFF), ("at risk", AR), ("RAG: amber", AR), ("amber", AR),
        ("behind schedule", OFF), ("slipped", AR), ("red", OFF), ("green", OT),
        ("not started yet", NS), ("not yet started", NS), ("withdrawn - no longer relevant", W),
        ("cancelled", W), ("no change", NC),
    ],
)  # fmt: skip
def test_it_reads_the_loose_words_people_use(text: str, status: Status) -> None:
    assert status_of(text) == (status, 1.0)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("not yet complete", OT), ("not complete", OT), ("nearly finished", OT), ("almost done", OT),
        ("should be finished by May", OT), ("hope to complete in June", OT),
        ("will be done by the summer", OT), ("expected to complete in the autumn", OT),
        ("aiming to finish soon", OT), ("hasn't been completed", OT), ("complete apart from sign-off", OT),
        ("draft complete", OT), ("we have delivered two of the sessions", OT),
    ],
)  # fmt: skip
def test_a_hedged_or_negated_completion_is_on_track_and_less_certain(text: str, status: Status) -> None:
    got, confidence = status_of(text)
    assert got == status
    assert confidence < CONFIDENT


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("not started", NS), ("hasn't started yet", NS), ("no longer on track", OFF), ("not on track", OFF),
        ("not behind", OT), ("not at risk", OT), ("no longer at risk", OT), ("no slippage", OT),
        ("no delays", OT), ("slightly behind", AR), ("won't be finished in time", AR),
        ("unlikely to be completed", AR),
    ],
)  # fmt: skip
def test_negation_turns_a_status_round(text: str, status: Status) -> None:
    assert status_of(text)[0] == status


def test_a_completion_that_depends_on_something_else_is_not_a_status() -> None:
    assert status_of("once the review is complete the policy goes to Cabinet")[0] is None


def test_a_status_in_the_middle_of_a_sentence_is_read_with_a_little_less_certainty() -> None:
    status, confidence = status_of("the team tell me we are behind because of sickness")
    assert status == OFF
    assert CONFIDENT <= confidence < 1.0


def test_a_contradictory_answer_keeps_its_label_but_goes_to_a_person() -> None:
    (update,) = parse("1.1 done but slipped").updates
    assert update.status == C
    assert update.confidence < CONFIDENT
    assert any("contradicts" in reason for reason in update.reasons)


def test_on_track_with_a_caveat_is_the_caveat() -> None:
    (update,) = parse("1.1 progressing well but a bit behind").updates
    assert update.status == AR
    assert CONFIDENT <= update.confidence < 1.0
    assert any("several statuses" in reason for reason in update.reasons)


def test_the_most_telling_status_wins_when_no_label_opens_the_answer() -> None:
    assert status_of("the survey was completed but analysis is delayed by IT issues")[0] == AR


def test_no_change_with_a_status_after_it_is_that_status() -> None:
    assert status_of("no change - still on track")[0] == OT
    assert status_of("no change")[0] == NC


def test_a_progress_note_without_a_status_is_a_confident_update() -> None:
    (update,) = parse("1.1 the working group met on 3 March, minutes attached").updates
    assert update.status is None
    assert update.progress == "the working group met on 3 March, minutes attached"
    assert update.confidence >= CONFIDENT


def test_it_reads_through_common_typos_with_a_little_less_certainty() -> None:
    assert status_of("compelted") == (C, 0.9)
    assert status_of("on trak") == (OT, 0.9)
    assert status_of("as stated in my last email")[0] is None


def test_status_words_in_set_phrases_are_not_statuses() -> None:
    assert status_of("improving our green spaces: the survey went out in March")[0] is None
    assert status_of("Jo is signed off sick so nothing this quarter")[0] is None


def test_as_above_takes_the_status_of_the_answer_above() -> None:
    result = parse("1.1 slipped to June\n1.2 as above", "1.1", "1.2")
    assert [u.status for u in result.updates] == [AR, AR]


def test_a_ref_answered_twice_with_different_statuses_keeps_the_later_and_asks_a_person() -> None:
    (update,) = parse("1.1 on track\n1.1 - sorry, correction: it has slipped").updates
    assert update.status == AR
    assert update.confidence < CONFIDENT
    assert "on track" in update.progress or "correction" in update.progress
