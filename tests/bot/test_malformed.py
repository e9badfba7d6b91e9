"""What is not well formed gets a 4xx from /slack/events, never a 500 and never a dropped connection:
signed bodies of the wrong shape (400), odd timestamps (401), deep nesting (400). And the fuzz: any signed
JSON object, however odd, is answered with something below 500."""

from __future__ import annotations

import copy
import json
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import precheck
from tests.bot import slack
from tests.bot.conftest import SAM

pytestmark = pytest.mark.slow  # two backends times a hundred-odd requests each

FUZZ = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None
)
URL = "http://127.0.0.1:9/response"


def _block_action() -> dict[str, Any]:
    action = {"type": "button", "action_id": "no_change_all", "block_id": "b", "value": "tok"}
    return slack.block_action(SAM, action, URL)


def _view() -> dict[str, Any]:
    return slack.view_submission(SAM, {"type": "modal", "callback_id": "detail", "blocks": []}, {})


def _event() -> dict[str, Any]:
    return slack.event(slack.dm(SAM, "on track"))


GOOD = {"block_actions": _block_action, "view_submission": _view, "event_callback": _event}

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=5))
not_object = st.one_of(st.booleans(), st.integers(), st.text(max_size=5), st.lists(scalars, max_size=3))
not_list = st.one_of(
    st.booleans(), st.integers(), st.text(max_size=5), st.dictionaries(st.text(max_size=3), scalars)
)
not_string = st.one_of(
    st.booleans(), st.integers(), st.lists(scalars, max_size=2), st.dictionaries(st.text(), scalars)
)

# (payload kind, where, strategy of wrong values): set payload[where...] to a wrong value
WRONG = [
    ("block_actions", ("team",), not_object),
    ("block_actions", ("user",), not_object),
    ("block_actions", ("actions",), not_list),
    ("block_actions", ("actions",), st.just([])),
    ("block_actions", ("actions",), st.lists(not_object, min_size=1, max_size=2)),
    ("block_actions", ("actions", 0, "action_id"), not_string),
    ("block_actions", ("actions", 0, "selected_option"), st.one_of(st.integers(), st.text(max_size=3))),
    ("block_actions", ("container",), not_object),
    ("block_actions", ("state", "values"), not_object.filter(lambda v: v is not None)),
    ("block_actions", ("response_url",), not_string),
    ("view_submission", ("view",), st.one_of(st.none(), not_object)),
    ("view_submission", ("view", "type"), st.one_of(st.none(), not_string)),
    ("view_submission", ("view", "callback_id"), not_string),
    ("view_submission", ("view", "state"), not_object),
    ("view_submission", ("view", "state", "values"), st.lists(scalars, max_size=2)),
    ("view_submission", ("team",), not_object),
    ("view_submission", ("user", "id"), not_string),
    ("event_callback", ("event",), st.one_of(st.none(), not_object)),
    ("event_callback", ("event", "type"), st.one_of(st.none(), not_string)),
    ("event_callback", ("event", "user"), not_string.filter(lambda v: not isinstance(v, dict))),
    ("event_callback", ("event", "text"), not_string),
    ("event_callback", ("authorizations",), st.one_of(st.text(min_size=1), st.lists(scalars, min_size=1))),
    ("event_callback", ("team_id",), not_string),
    ("event_callback", ("event_id",), not_string),
]  # fmt: skip


def _set(payload: dict[str, Any], where: tuple, value: Any) -> dict[str, Any]:
    target = payload
    for step in where[:-1]:
        target = target[step]
    if value is _DELETE:
        target.pop(where[-1], None)
    else:
        target[where[-1]] = value
    return payload


_DELETE = object()


@st.composite
def wrong_shapes(draw: st.DrawFn) -> tuple[bytes, str]:
    kind, where, values = draw(st.sampled_from(WRONG))
    payload = _set(copy.deepcopy(GOOD[kind]()), where, draw(values))
    if kind == "event_callback":
        return json.dumps(payload).encode(), "application/json"
    return slack.interaction(payload), "application/x-www-form-urlencoded"


def _send(h, body: bytes, content_type: str, ts: str | None = None) -> slack.Answer:
    """Signed as Slack signs; a dropped connection raises here (http.client), so it fails the test."""
    return slack.post(h.events, body, content_type, ts=ts)


@FUZZ
@given(shape=wrong_shapes())
def test_signed_bodies_of_the_wrong_shape_get_400(harness, shape):
    body, content_type = shape
    answer = _send(harness, body, content_type)
    assert answer.status == 400, (answer.status, answer.body, body[:300])


def _odd_timestamps() -> st.SearchStrategy[str]:
    now = str(int(time.time()))
    return st.one_of(
        st.just("¹²³"),
        st.just("١٧٠٠٠٠٠٠٠٠"),  # Arabic-Indic digits: str.isdigit() says yes
        st.just("9" * 5000),
        st.just(now + "0" * 20),
        st.just(" " + now),
        st.just("-" + now),
        st.just(now + ".5"),
        st.just("0x" + now),
        st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=30).filter(
            lambda t: not (t.isascii() and 10 <= len(t) <= 12)
        ),
    )


@FUZZ
@given(ts=_odd_timestamps())
def test_odd_timestamps_get_401_even_when_signed_with_them(harness, ts):
    body = json.dumps({"type": "url_verification", "challenge": "c"}).encode()
    headers = {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": slack.sign(body, ts)}
    raw = {k: v.encode("utf-8").decode("latin-1") for k, v in headers.items()}  # how a header carries UTF-8
    answer = slack.post(harness.events, body, "application/json", raw, signed=False)
    assert answer.status == 401


@FUZZ
@given(
    depth=st.integers(precheck.MAX_DEPTH + 1, 50_000),  # under MAX_BODY even form-encoded
    opener=st.sampled_from(["[", '{"a":']),
    kind=st.sampled_from(["block_actions", "event_callback"]),
)
def test_deep_nesting_gets_400(harness, depth, opener, kind):
    closer = "]" if opener == "[" else "}"
    deep = opener * depth + "1" + closer * depth
    payload = json.dumps(GOOD[kind]())
    text = payload[:-1] + ',"deep":' + deep + "}"
    if kind == "event_callback":
        answer = _send(harness, text.encode(), "application/json")
    else:
        answer = _send(harness, slack.form({"payload": text}), "application/x-www-form-urlencoded")
    assert answer.status == 400


KEYS = ["type", "team", "user", "actions", "event", "view", "container", "state", "authorizations",
        "enterprise", "channel", "message", "response_urls", "response_url", "command", "text", "trigger_id",
        "callback_id", "event_id", "user_id", "team_id", "challenge", "action_id", "values", "id", "blocks",
        "selected_option", "value", "private_metadata", "is_ext_shared_channel", "channel_type"]  # fmt: skip
TYPES = ["block_actions", "view_submission", "view_closed", "event_callback", "url_verification", "message",
         "app_home_opened", "shortcut", "message_action", "block_suggestion", "interactive_message", "modal",
         "ssl_check", "status", "detail", "no_change_all", "im", "/progress"]  # fmt: skip
json_values = st.recursive(
    st.one_of(scalars, st.sampled_from(TYPES)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)
    ),
    max_leaves=12,
)


@FUZZ
@given(
    payload=st.dictionaries(st.sampled_from(KEYS), json_values, min_size=1, max_size=6), form=st.booleans()
)
def test_any_signed_object_is_answered_below_500(harness, payload, form):
    if form:
        answer = _send(harness, slack.interaction(payload), "application/x-www-form-urlencoded")
    else:
        answer = _send(harness, json.dumps(payload).encode(), "application/json")
    assert answer.status < 500, (answer.status, payload)
