"""Block Kit pieces every surface shares: escaping user text for mrkdwn, text objects clipped to Slack's
limits, sections, buttons, the status select, and the item ids carried by interactive elements. Kept in one
place so a prompt, a modal and the Home tab escape, clip and name things the same way; no I/O.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot import limits
from bot.limits import clip
from collector.core.vocabulary import Status, label

ANSWERABLE = [s for s in Status if s is not Status.NO_CHANGE]


def md(text: str) -> str:
    """Escape user text for mrkdwn: Slack reads <, > and & as markup (links, mentions)."""
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def day(value: date | None) -> str:
    return f"{value:%A} {value.day} {value:%B %Y}" if value else "no date set"


def status_label(value: str | None, labels: dict[str, str]) -> str:
    return label(Status(value), labels) if value else "no status"


def text_object(text: str, *, kind: str = "mrkdwn", limit: int = limits.SECTION_TEXT) -> dict[str, Any]:
    return {"type": kind, "text": clip(text, limit), **({"emoji": True} if kind == "plain_text" else {})}


def plain(text: str, limit: int) -> dict[str, Any]:
    return text_object(text, kind="plain_text", limit=limit)


def section(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": text_object(text), **extra}


def context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [text_object(text)]}


def button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    out = {"type": "button", "text": plain(text, limits.BUTTON_TEXT), "action_id": action_id, "value": value}
    return out | ({"style": style} if style else {})


def url_button(text: str, action_id: str, url: str) -> dict[str, Any]:
    """A button that opens `url` in the person's browser; Slack still posts its click to the app."""
    return {"type": "button", "text": plain(text, limits.BUTTON_TEXT), "action_id": action_id, "url": url}


def _option(status: Status, labels: dict[str, str]) -> dict[str, Any]:
    return {"text": plain(label(status, labels), limits.OPTION_TEXT), "value": status.value}


def status_select(action_id: str, labels: dict[str, str], current: str | None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": action_id,
        "placeholder": plain("Choose a status", limits.PLACEHOLDER),
        "options": [_option(s, labels) for s in ANSWERABLE],
    }
    if current and current in {s.value for s in ANSWERABLE}:
        element["initial_option"] = _option(Status(current), labels)
    return element


# -- ids carried by interactive elements --------------------------------------------------------------------


def item_value(token: str, action_id: int) -> str:
    return f"{token}:{action_id}"


def parse_item_value(value: str) -> tuple[str, int]:
    """(token, action id) from an element's value or a block id; ValueError when it is not one of ours."""
    token, _, action = value.rpartition(":")
    if not token or not action.isdigit():
        raise ValueError(f"not an item value: {value[:60]!r}")
    return token.removeprefix("u:"), int(action)


def bullets(lines: list[str]) -> list[dict[str, Any]]:
    """Lines as few sections as fit 3,000 characters each."""
    out, current = [], ""
    for line in lines:
        entry = "• " + clip(line, 2500)
        if current and len(current) + len(entry) + 1 > limits.SECTION_TEXT:
            out.append(section(current))
            current = ""
        current = f"{current}\n{entry}" if current else entry
    if current:
        out.append(section(current))
    return out
