"""A channel message as JSON and back, so a send claimed by a process that then died can be re-made as is.

The Delivery row keeps what it carries (store.models.Delivery.payload). Re-sending from that copy, rather
than rebuilding the message, is what lets receipts and notices (built from a reply that is now applied) be
sent again at all, and keeps the copy identical to the first try.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from collector.channels import (
    AskedItem,
    EscalationMessage,
    Missing,
    NoticeMessage,
    PromptMessage,
    ReceiptLine,
    ReceiptMessage,
    Recipient,
)

# kind of send -> the message class it carries
MESSAGES: dict[str, type] = {
    "prompt": PromptMessage,
    "reminder": PromptMessage,
    "escalation": EscalationMessage,
    "receipt": ReceiptMessage,
    "notice": NoticeMessage,
}
# fields holding other dataclasses: a single one, or a tuple of them
_NESTED: dict[str, type] = {
    "recipient": Recipient,
    "contact": Recipient,  # whom a prompt names to ask about the round
    "items": AskedItem,
    "missing": Missing,
    "lines": ReceiptLine,  # a NoticeMessage's lines are plain strings: they stay strings
}


def dump(message: Any, covers: list[int] | None = None) -> dict[str, Any]:
    """The message (and the prompts an escalation covers) as JSON-ready data."""
    data = dataclasses.asdict(message)
    if isinstance(data.get("due"), date):
        data["due"] = data["due"].isoformat()
    return {"message": data, "covers": list(covers or [])}


def load(kind: str, payload: dict[str, Any]) -> tuple[Any, list[int]]:
    """(message, covers) from what `dump` made; KeyError or TypeError when it cannot be read."""
    message = _thaw(MESSAGES[kind], payload["message"])
    return message, list(payload.get("covers") or [])


def _thaw(cls: type, data: dict[str, Any]) -> Any:
    """Rebuild a frozen dataclass: dicts into their dataclass, lists into tuples, ISO dates into dates."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name not in data:
            continue
        value, nested = data[f.name], _NESTED.get(f.name)
        if isinstance(value, dict) and nested is not None:
            value = _thaw(nested, value)
        elif isinstance(value, list):
            value = tuple(_thaw(nested, v) if isinstance(v, dict) and nested else v for v in value)
        elif f.name == "due" and isinstance(value, str):
            value = date.fromisoformat(value)
        out[f.name] = value
    return cls(**out)
