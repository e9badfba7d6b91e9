"""Who may answer a prompt: its lead, or one of the lead's delegates. The one rule, read by intake (to
authorise a reply from any channel, and to route one that names no prompt) and by Slack before it opens a
modal or records a button, so a click and an email are never judged differently. Anyone who can see a
message can click it or forward it: holding its token is not enough.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models.directory import Delegation
from store.models.rounds import Prompt


def principals(session: Session, person_id: int) -> list[int]:
    """The leads this person may answer for (they are those leads' delegate)."""
    return list(session.scalars(select(Delegation.person_id).where(Delegation.delegate_id == person_id)))


def may_answer(session: Session, prompt: Prompt, person_id: int | None) -> bool:
    """The person is the prompt's lead or one of their delegates; nobody (None) may not."""
    if person_id is None:
        return False
    return person_id == prompt.person_id or prompt.person_id in principals(session, person_id)
