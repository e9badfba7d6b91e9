"""The database itself refuses what must never happen, whichever code path tries it."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from store.db import session_scope
from store.models.directory import Person, Team
from store.models.plans import Action, ActionLead, Plan
from store.models.records import InboundMessage

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
RAW = b"Message-ID: <reply-1@brightwater.gov.uk>\r\nSubject: Re: progress\r\n\r\n1.1 done\r\n"


def _inbound(channel: str = "email", external_id: str = "<reply-1@brightwater.gov.uk>") -> InboundMessage:
    return InboundMessage(
        channel=channel,
        external_id=external_id,
        raw=RAW,
        sha256=hashlib.sha256(RAW).hexdigest(),
        envelope={"mail_from": "joanne.tilley@brightwater.gov.uk"},
        received_at=AT,
    )


def test_a_redelivered_message_cannot_be_stored_twice(engine):
    with session_scope(engine) as session:
        session.add(_inbound())
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.add(_inbound())
    with session_scope(engine) as session:
        stored = session.scalars(select(InboundMessage)).one()
    assert stored.state == "new" and stored.attempts == 0 and stored.raw == RAW


def test_the_same_external_id_on_another_channel_is_a_different_message(engine):
    with session_scope(engine) as session:
        session.add_all([_inbound("email", "abc"), _inbound("slack", "abc")])
    with session_scope(engine) as session:
        assert session.scalar(select(func.count(InboundMessage.id))) == 2


def test_a_lead_is_a_person_or_a_team_never_both(engine):
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        plan = Plan(name="p", title="P", created_at=AT, updated_at=AT)
        action = Action(plan=plan, ref="1", text="Do it", position=0, created_at=AT, updated_at=AT)
        person = Person(name="Joanne Tilley", created_at=AT, updated_at=AT)
        team = Team(name="Human Resources")
        session.add(ActionLead(action=action, position=0, label="JT", person=person, team=team))


def test_two_people_cannot_share_an_email_but_any_number_can_have_none(engine):
    with session_scope(engine) as session:
        session.add_all([Person(name=f"Placeholder {i}", created_at=AT, updated_at=AT) for i in range(3)])
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.add_all(
            [Person(name=n, email="hr@brightwater.gov.uk", created_at=AT, updated_at=AT) for n in ("A", "B")]
        )
