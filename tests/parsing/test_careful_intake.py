"""What intake does with the parser's notes for the coordinator: a question or a handover goes to review
with its reason, never into the record, and confident updates beside it are recorded all the same.
(Brightwater's Spring round from tests/intake: Jo leads 1.1 and shares 2.1.)"""

from __future__ import annotations

from sqlalchemy import select

from collector.replies.intake import apply
from store.models.updates import Update

from ..intake.test_intake import _reply, spring  # noqa: F401 - spring is a fixture


def test_a_reply_that_only_asks_goes_to_review_and_records_nothing(session, clock, spring) -> None:  # noqa: F811
    result = apply(session, _reply(spring, sender=spring.jo, text="Is 1.1 still mine?"), clock=clock)
    assert result.state == "needs_review"
    assert result.review == ["the reply asks a question: 'Is 1.1 still mine?'"]
    assert session.scalars(select(Update).where(Update.round_id == spring.round.id)).all() == []


def test_a_question_beside_an_update_is_noted_and_the_update_recorded(session, clock, spring) -> None:  # noqa: F811
    text = "2.1 is on track. Is 1.1 still mine?"
    result = apply(session, _reply(spring, sender=spring.jo, text=text), clock=clock)
    assert [(spring.actions["2.1"].id, "on_track")] == [(u.action_id, u.status) for u in result.recorded]
    assert result.state == "needs_review"
    assert result.review == ["the reply asks a question: 'Is 1.1 still mine?'"]


def test_a_handed_over_action_gets_no_update_and_the_coordinator_is_told(session, clock, spring) -> None:  # noqa: F811
    text = "1.1 is now with Estates. 2.1 complete."
    result = apply(session, _reply(spring, sender=spring.jo, text=text), clock=clock)
    assert [u.action_id for u in result.recorded] == [spring.actions["2.1"].id]
    assert result.review == ["handed over: 1.1 is now with Estates."]
