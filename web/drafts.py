"""Saving a lead's form part-done: the field values kept for the prompt until the form is sent.

A draft records nothing and sends nothing: it is only what the lead typed, so opening the link again shows
it. Only the form's own fields for the actions the prompt asked about are kept (a crafted field name is
dropped, not stored), each cut to the length the page would record.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from collector.core.clock import Clock
from store.db import session_scope
from store.models.rounds import Prompt
from store.models.web import LeadDraft
from web.lead import MAX_FIELD, asked_actions

KINDS = ("status", "progress", "target")


def kept(form: dict[str, str], asked: set[int]) -> dict[str, str]:
    """The draft's values: the asked actions' fields, as typed, cut to MAX_FIELD characters."""
    values: dict[str, str] = {}
    for name, value in form.items():
        kind, dash, rest = name.partition("-")
        if dash and kind in KINDS and rest.isascii() and rest.isdigit() and int(rest) in asked and value:
            values[name] = value[:MAX_FIELD]
    return values


def save(engine: Engine, clock: Clock, prompt_id: int, form: dict[str, str]) -> None:
    with session_scope(engine) as s:
        asked = set(asked_actions(s, s.get_one(Prompt, prompt_id)))
        values = kept(form, asked)
        draft = s.get(LeadDraft, prompt_id)
        if draft is None:
            s.add(LeadDraft(prompt_id=prompt_id, values=values, updated_at=clock.now()))
        else:
            draft.values, draft.updated_at = values, clock.now()


def load(session: Session, prompt_id: int) -> dict[str, str]:
    draft = session.get(LeadDraft, prompt_id)
    return {str(k): str(v) for k, v in draft.values.items()} if draft is not None else {}
