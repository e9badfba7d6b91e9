"""A channel message as JSON and back, so a send claimed by a process that then died can be re-made as is.

The Delivery row keeps what it carries (store.models.rounds.Delivery.payload). Re-sending from that copy,
rather than rebuilding the message, is what lets receipts and notices (built from a reply that is now
applied) be sent again at all, and keeps the copy identical to the first try.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date
from typing import Any

from collector.channels.protocol import (
    EscalationMessage,
    NoticeMessage,
    PromptMessage,
    ReceiptMessage,
)

# kind of send -> the message class it carries
MESSAGES: dict[str, type] = {
    "prompt": PromptMessage,
    "reminder": PromptMessage,
    "escalation": EscalationMessage,
    "receipt": ReceiptMessage,
    "notice": NoticeMessage,
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
    """Rebuild a frozen dataclass from its field types: a dict into the dataclass its field names (alone or
    in a union with None), a list into a tuple (of that dataclass when it holds one), an ISO date into a
    date. Reading the types, not a list of field names, keeps a field added later from coming back a dict."""
    hints = typing.get_type_hints(cls)
    out: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name in data:
            out[f.name] = _value(hints[f.name], data[f.name])
    return cls(**out)


def _value(hint: Any, value: Any) -> Any:
    inner = _dataclass_in(hint)
    if isinstance(value, dict) and inner is not None:
        return _thaw(inner, value)
    if isinstance(value, list):
        return tuple(_value(_item_type(hint), v) for v in value)
    if isinstance(value, str) and date in _types_in(hint):
        return date.fromisoformat(value)
    return value


def _types_in(hint: Any) -> tuple[Any, ...]:
    """The types a hint allows: (A, B) for `A | B`, (A,) for A."""
    return (
        typing.get_args(hint)
        if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union
        else (hint,)
    )


def _dataclass_in(hint: Any) -> type | None:
    return next((t for t in _types_in(hint) if isinstance(t, type) and dataclasses.is_dataclass(t)), None)


def _item_type(hint: Any) -> Any:
    """What a tuple[X, ...] (or list[X]) hint holds; Any when it says nothing."""
    for t in _types_in(hint):
        args = typing.get_args(t)
        if typing.get_origin(t) in (tuple, list) and args:
            return args[0]
    return Any
