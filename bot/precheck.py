"""The front check: what a request to /slack/events must be before bolt sees it, in one place.

bolt trusts its input (docs/reliability.md F5): a timestamp header that is not a number, a signature with a
non-ASCII character, a body nested ten thousand deep, or a signed payload whose `team` is a string, whose
`actions` is not a list, whose `event` is a string or whose modal has no `view.type` each raise inside bolt
(or inside our listeners) and become a 500, or a traceback that ends the handling thread. Slack never sends
those, so anything shaped otherwise is refused here, in this order:

  401  timestamp header not 1-12 ASCII digits; signature header not `v0=` and 64 hex digits; a stale
       timestamp or a wrong signature (slack_sdk's verifier: five minutes either way);
  400  body not UTF-8; nested deeper than MAX_DEPTH; does not parse the way bolt parses it (JSON, or a
       form whose `payload` is JSON, or a plain form); not a non-empty object; or not shaped as Slack
       shapes its payloads (see `shape_problem`).

The size limit (MAX_BODY, 413) is applied by the server before the body is read. bolt then verifies the
signature again itself; the check here comes first so a forged request costs nothing but an HMAC.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

from slack_sdk.signature import SignatureVerifier

MAX_BODY = 1024 * 1024  # bytes: Slack's largest payloads (a full modal's state) are tens of kilobytes
MAX_DEPTH = 32  # JSON nesting: Slack's deepest (rich text in a message in an event) is about 10
_TIMESTAMP = re.compile(r"[0-9]{1,12}")  # ASCII digits only: str.isdigit() also accepts "¹²³"
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
_TOKEN = re.compile(r'["\[\]{}]')


@dataclass(frozen=True)
class Refusal:
    status: int
    reason: str


def check(headers: Mapping[str, str], body: bytes, verifier: SignatureVerifier) -> Refusal | None:
    """Why the request must not reach bolt, or None when it may. `headers`: lower-case names."""
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not _TIMESTAMP.fullmatch(timestamp) or not _SIGNATURE.fullmatch(signature):
        return Refusal(HTTPStatus.UNAUTHORIZED, "missing or malformed signature headers")
    try:
        text = body.decode("utf-8")  # slack_sdk's verifier decodes too, and would raise
    except UnicodeDecodeError:
        return Refusal(HTTPStatus.BAD_REQUEST, "body is not UTF-8")
    if not verifier.is_valid(body=text, timestamp=timestamp, signature=signature):
        return Refusal(HTTPStatus.UNAUTHORIZED, "invalid signature or stale timestamp")
    try:
        parsed = parse(text, headers.get("content-type", ""))
    except ValueError as exc:
        return Refusal(HTTPStatus.BAD_REQUEST, str(exc) or "body does not parse")
    if not isinstance(parsed, dict) or not parsed:
        return Refusal(HTTPStatus.BAD_REQUEST, "body is not an object")
    problem = shape_problem(parsed)
    if problem is not None:
        return Refusal(HTTPStatus.BAD_REQUEST, problem)
    return None


def parse(text: str, content_type: str) -> Any:
    """The body as bolt will read it (slack_bolt.request.internals.parse_body): JSON when the content type
    says so or the body starts with `{`; else a form, whose `payload` field is JSON when present. Raises
    ValueError, also for JSON nested deeper than MAX_DEPTH (checked before parsing)."""
    if content_type.split(";")[0] == "application/json" or text.startswith("{"):
        return _json(text)
    form = dict(parse_qsl(text, keep_blank_values=True))
    if "payload" in text:
        return _json(form["payload"]) if "payload" in form else {}
    return form


def _json(text: str) -> Any:
    if too_deep(text, MAX_DEPTH):
        raise ValueError(f"JSON nested deeper than {MAX_DEPTH}")
    try:
        return json.loads(text)
    except RecursionError:  # cannot happen after too_deep; kept so a parser change stays a 400
        raise ValueError("JSON nested too deep") from None


def too_deep(text: str, limit: int) -> bool:
    """Whether the brackets outside strings nest deeper than `limit`. Linear in the text: jumps from one
    bracket or quote to the next, and over each string to its closing quote."""
    depth, pos = 0, 0
    while (found := _TOKEN.search(text, pos)) is not None:
        char, pos = found.group(), found.end()
        if char == '"':
            pos = _string_end(text, pos)
            if pos < 0:
                return False  # unterminated: json.loads says so
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def _string_end(text: str, start: int) -> int:
    """The index after the quote closing the string that starts at `start`, or -1."""
    pos = start
    while (quote := text.find('"', pos)) >= 0:
        back = quote - 1
        while back >= start and text[back] == "\\":
            back -= 1
        if (quote - 1 - back) % 2 == 0:  # an even run of backslashes: the quote is not escaped
            return quote + 1
        pos = quote + 1
    return -1


# -- shapes ----------------------------------------------------------------------------------------------
# Keys bolt's context builders (slack_bolt.request.internals) and our listeners read, wherever they read
# them: ids are strings; the holders of an id are a string or an object whose `id` is a string.
_SCALARS = ("type", "token", "team_id", "user_id", "enterprise_id", "channel_id", "api_app_id", "event_id",
            "trigger_id", "callback_id", "command", "text", "user_name", "response_url", "action_id",
            "thread_ts", "function_execution_id", "app_installed_team_id")  # fmt: skip
_HOLDERS = ("team", "user", "enterprise", "channel")
_NESTED = ("message", "previous_message", "item", "assistant_thread")  # bolt looks for ids inside these
_MESSAGE_FIELDS = ("user", "channel", "text", "ts", "channel_type", "subtype", "bot_id", "thread_ts")
_VIEW_FIELDS = ("id", "hash", "callback_id", "private_metadata", "root_view_id", "team_id")


def shape_problem(body: dict[str, Any]) -> str | None:
    """The first way `body` differs from how Slack shapes a payload, or None. Only what bolt or a listener
    relies on is checked; unknown keys pass."""
    problem = _ids("", body, holders_are_objects=True)
    if problem:
        return problem
    kind = body.get("type")
    for key in ("event", "view"):  # bolt reads both with .get() and `in` whenever they are present
        if key in body and not isinstance(body[key], dict):
            return f"{key} is not an object"
    if body.get("container") is not None and not isinstance(body["container"], dict):
        return "container is not an object"
    problem = _authorizations(body.get("authorizations"))
    problem = problem or _event(body.get("event"))
    problem = problem or _view(body.get("view"), required=kind in ("view_submission", "view_closed"))
    problem = problem or _state("state", body.get("state"))
    problem = problem or _actions(body, block_actions=kind == "block_actions")
    if problem:
        return problem
    urls = body.get("response_urls")
    if urls is not None and not (isinstance(urls, list) and all(isinstance(u, dict) for u in urls)):
        return "response_urls is not a list of objects"
    return None


def _ids(where: str, obj: dict[str, Any], *, holders_are_objects: bool = False) -> str | None:
    for key in _SCALARS:
        if obj.get(key) is not None and not isinstance(obj[key], str):
            return f"{where}{key} is not a string"
    for key in _HOLDERS:
        value = obj.get(key)
        if value is None or (isinstance(value, str) and not holders_are_objects):
            continue
        if not isinstance(value, dict):
            return f"{where}{key} is not an object"
        for inner in ("id", "team_id", "enterprise_id"):
            if value.get(inner) is not None and not isinstance(value[inner], str):
                return f"{where}{key}.{inner} is not a string"
    for key in _NESTED:
        value = obj.get(key)
        if value is None:
            continue
        if not isinstance(value, dict):
            return f"{where}{key} is not an object"
        problem = _ids(f"{where}{key}.", value)
        if problem:
            return problem
    return None


def _authorizations(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(a, dict) for a in value):
        return "authorizations is not a list of objects"
    return next((p for a in value if (p := _ids("authorizations[].", a))), None)


def _event(event: dict[str, Any] | None) -> str | None:
    if event is None:
        return None
    if not isinstance(event.get("type"), str):
        return "event.type is not a string"
    problem = _ids("event.", event)
    if problem or event["type"] != "message":
        return problem
    for key in _MESSAGE_FIELDS:
        if event.get(key) is not None and not isinstance(event[key], str):
            return f"event.{key} is not a string"
    return None


def _view(view: dict[str, Any] | None, *, required: bool) -> str | None:
    if view is None:
        return "a view payload without a view" if required else None
    if not isinstance(view.get("type"), str):
        return "view.type is not a string"
    for key in _VIEW_FIELDS:
        if view.get(key) is not None and not isinstance(view[key], str):
            return f"view.{key} is not a string"
    blocks = view.get("blocks")
    if blocks is not None and not isinstance(blocks, list):
        return "view.blocks is not a list"
    return _ids("view.", view) or _state("view.state", view.get("state"))


def _state(where: str, state: Any) -> str | None:
    """state.values: {block_id: {action_id: {...}}}; listeners read two levels down with .get()."""
    if state is None:
        return None
    if not isinstance(state, dict):
        return f"{where} is not an object"
    values = state.get("values")
    if values is None:
        return None
    if not isinstance(values, dict) or not all(v is None or isinstance(v, dict) for v in values.values()):
        return f"{where}.values is not an object of objects"
    return None


def _actions(body: dict[str, Any], *, block_actions: bool) -> str | None:
    actions = body.get("actions")
    if actions is None and not block_actions:
        return None
    if not isinstance(actions, list) or not all(isinstance(a, dict) for a in actions):
        return "actions is not a list of objects"
    if block_actions and not actions:
        return "block_actions without an action"
    for action in actions:
        if block_actions and not isinstance(action.get("action_id"), str):
            return "actions[].action_id is not a string"
        for key in ("block_id", "value", "action_ts", "type"):
            if action.get(key) is not None and not isinstance(action[key], str):
                return f"actions[].{key} is not a string"
        if action.get("selected_option") is not None and not isinstance(action["selected_option"], dict):
            return "actions[].selected_option is not an object"
    return None
