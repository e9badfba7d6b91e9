"""Storing one Slack payload raw, under a unique id, before anything acts on it; and reading it back.

Accept fast, persist raw, decide later (STYLE.md 1). Slack redelivers: Events API retries carry the same
event_id (X-Slack-Retry-Num 1-3), a double-clicked button or a twice-pressed Save sends the same view again,
and bolt deduplicates nothing (RELIABILITY.md section 3). UNIQUE(channel, external_id) on inbound_messages
makes the second copy a "duplicate" here, and the caller does nothing more with it.

External ids, one per kind of payload:
  event:{event_id}                                   Events API (message.im)
  action:{team}:{user}:{action_id}:{action_ts}       a button or select that changes something
  view:{view id}:{view hash}                         a modal's submission
  command:{trigger_id}                               a slash command
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine

from collector.clock import Clock
from store.inbound import Stored, store_raw
from store.models import InboundMessage

CHANNEL = "slack"
MAX_ID = 990


def event_id(body: dict[str, Any]) -> str:
    return f"event:{body['event_id']}"


def action_id(body: dict[str, Any], action: dict[str, Any]) -> str:
    team = (body.get("team") or {}).get("id", "")
    user = (body.get("user") or {}).get("id", "")
    return f"action:{team}:{user}:{action.get('action_id', '')}:{action.get('action_ts', '')}"


def view_id(body: dict[str, Any]) -> str:
    view = body.get("view") or {}
    return f"view:{view.get('id', '')}:{view.get('hash', '')}"


def command_id(body: dict[str, Any]) -> str:
    return f"command:{body.get('trigger_id', '')}"


def store(
    engine: Engine,
    clock: Clock,
    external_id: str,
    body: dict[str, Any],
    *,
    kind: str,
    user: str | None,
    retry_num: str | None = None,
) -> Stored:
    """Insert the payload and commit, or find the copy stored before. Raises on a database error (the
    caller answers so Slack retries, or tells the user)."""
    external_id = external_id[:MAX_ID]
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).replace("\x00", "").encode("utf-8")
    envelope = {"kind": kind, "user": user, "retry_num": retry_num}
    return store_raw(engine, CHANNEL, external_id, raw, envelope, clock.now())


def payload(message: InboundMessage) -> dict[str, Any]:
    return json.loads(bytes(message.raw).decode("utf-8"))
