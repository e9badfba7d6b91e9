"""Talking to the bolt app as Slack does: signed HTTP requests carrying payloads in Slack's exact shapes."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import itertools
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlparse

from tests.fakes.slack_api import TEAM

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
_n = itertools.count(1)


@dataclass
class Answer:
    status: int
    body: str
    seconds: float

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def sign(body: bytes, timestamp: str, secret: str = SECRET) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def post(
    url: str,
    body: bytes,
    content_type: str,
    headers: dict[str, str] | None = None,
    *,
    signed: bool = True,
    ts: str | None = None,
) -> Answer:
    ts = ts if ts is not None else str(int(time.time()))
    all_headers = {"Content-Type": content_type}
    if signed:
        all_headers |= {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sign(body, ts)}
    all_headers |= headers or {}
    parts = urlparse(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    started = time.perf_counter()
    connection.request("POST", parts.path, body=body, headers=all_headers)
    response = connection.getresponse()
    text = response.read().decode()
    connection.close()
    return Answer(response.status, text, time.perf_counter() - started)


def form(fields: dict[str, str]) -> bytes:
    return urlencode(fields).encode()


def interaction(payload: dict[str, Any]) -> bytes:
    return form({"payload": json.dumps(payload)})


def user(user_id: str) -> dict[str, Any]:
    return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": TEAM}


def command(user_id: str, text: str, response_url: str, *, command: str = "/progress") -> dict[str, str]:
    n = next(_n)
    return {
        "token": "gIkuvaNzQIHg97ATvDxqgjtO",
        "team_id": TEAM,
        "team_domain": "harbourside",
        "channel_id": f"D{user_id[1:]}",
        "channel_name": "directmessage",
        "user_id": user_id,
        "user_name": user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": "A0PROGRESS",
        "is_enterprise_install": "false",
        "response_url": f"{response_url}/commands/{n}",
        "trigger_id": f"{n}.1234567890.abcdef{n:04d}",
    }


def block_action(
    user_id: str,
    action: dict[str, Any],
    response_url: str,
    *,
    message: dict[str, Any] | None = None,
    container: dict[str, Any] | None = None,
) -> dict[str, Any]:
    n = next(_n)
    message = message or {}
    return {
        "type": "block_actions",
        "user": user(user_id),
        "api_app_id": "A0PROGRESS",
        "token": "gIkuvaNzQIHg97ATvDxqgjtO",
        "container": container
        or {
            "type": "message",
            "message_ts": message.get("ts", "1.0"),
            "channel_id": message.get("channel", "D0"),
            "is_ephemeral": False,
        },
        "trigger_id": f"{n}.1234567890.trigger{n:04d}",
        "team": {"id": TEAM, "domain": "harbourside"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": message.get("channel", "D0"), "name": "directmessage"},
        "message": message,
        "state": {"values": {}},
        "response_url": f"{response_url}/actions/{n}",
        "actions": [{**action, "action_ts": f"1700000{n:03d}.{n:06d}"}],
    }


def select_status(block: dict[str, Any], value: str) -> dict[str, Any]:
    """The action Slack sends when a status is picked in the select of a prompt's section block."""
    accessory = block["accessory"]
    option = next(o for o in accessory["options"] if o["value"] == value)
    return {
        "type": "static_select",
        "action_id": accessory["action_id"],
        "block_id": block["block_id"],
        "selected_option": option,
        "placeholder": accessory["placeholder"],
    }


def click(block: dict[str, Any], action_id: str) -> dict[str, Any]:
    element = next(e for e in block["elements"] if e["action_id"] == action_id)
    return {
        "type": "button",
        "action_id": action_id,
        "block_id": block["block_id"],
        "text": element["text"],
        "value": element["value"],
    }


def view_submission(
    user_id: str,
    view: dict[str, Any],
    values: dict[str, dict[str, Any]],
    *,
    view_id: str = "V0001",
    hash_: str = "1700000000.h1",
) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": {"id": TEAM, "domain": "harbourside"},
        "user": user(user_id),
        "api_app_id": "A0PROGRESS",
        "token": "gIkuvaNzQIHg97ATvDxqgjtO",
        "trigger_id": "9.1234567890.submit",
        "view": {
            **view,
            "id": view_id,
            "team_id": TEAM,
            "state": {"values": values},
            "hash": hash_,
            "root_view_id": view_id,
            "app_id": "A0PROGRESS",
            "bot_id": "B0BOT",
        },
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def event(ev: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    n = next(_n)
    return {
        "token": "gIkuvaNzQIHg97ATvDxqgjtO",
        "team_id": TEAM,
        "api_app_id": "A0PROGRESS",
        "event": ev,
        "type": "event_callback",
        "event_id": event_id or f"Ev0{n:08d}",
        "event_time": 1700000000 + n,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": TEAM,
                "user_id": "U0BOT",
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }


def dm(user_id: str, text: str) -> dict[str, Any]:
    n = next(_n)
    ts = f"1700001{n:03d}.{n:06d}"
    return {
        "type": "message",
        "channel": f"D{user_id[1:]}",
        "user": user_id,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel_type": "im",
        "client_msg_id": f"c{n:08d}-aaaa-bbbb-cccc-dddddddddddd",
        "team": TEAM,
    }


def home_opened(user_id: str) -> dict[str, Any]:
    return {
        "type": "app_home_opened",
        "user": user_id,
        "channel": f"D{user_id[1:]}",
        "tab": "home",
        "event_ts": "1700002000.000100",
    }
