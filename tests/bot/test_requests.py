"""docs/reliability.md S1, S3, S11 and the token rule: what reaches /slack/events and what it answers."""

from __future__ import annotations

import json
import logging
import time

import pytest
from sqlalchemy import func, select

from store.db import session_scope
from store.models.records import InboundMessage
from tests.bot import slack
from tests.bot.conftest import SAM, wait_for
from tests.fakes.slack_api import TOKEN

CHALLENGE = {
    "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
    "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
    "type": "url_verification",
}


def _post(h, body: bytes, content_type="application/json", **kw):
    return slack.post(h.events, body, content_type, **kw)


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("valid", 200),
        ("bad signature", 401),
        ("330 s old", 401),
        ("270 s old", 200),
        ("330 s ahead", 401),
        ("timestamp abc", 401),
        ("timestamp empty", 401),
        ("no headers", 401),
        ("body changed after signing", 401),
    ],
)
def test_every_request_is_verified_and_malformed_ones_never_get_a_500(harness, case, expected):
    body = json.dumps(CHALLENGE).encode()
    now = int(time.time())
    ts = {"330 s old": now - 330, "270 s old": now - 270, "330 s ahead": now + 330}.get(case, now)
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": slack.sign(body, str(ts)),
    }
    if case == "bad signature":
        headers["X-Slack-Signature"] = slack.sign(body, str(ts), "not-the-secret")
    if case == "timestamp abc":
        headers["X-Slack-Request-Timestamp"] = "abc"
    if case == "timestamp empty":
        headers["X-Slack-Request-Timestamp"] = ""
    if case == "no headers":
        headers = {"Content-Type": "application/json"}
    sent = body.replace(b"3eZb", b"XXXX") if case == "body changed after signing" else body
    answer = slack.post(harness.events, sent, "application/json", headers, signed=False)
    assert answer.status == expected
    if expected == 200:
        assert answer.json() == {"challenge": CHALLENGE["challenge"]}


@pytest.mark.parametrize(
    ("body", "content_type", "signed", "expected"),
    [
        (b"payload=%7Bnot-json", "application/x-www-form-urlencoded", False, 401),
        (b"payload=%7Bnot-json", "application/x-www-form-urlencoded", True, 400),
        (b"{not json", "application/json", True, 400),
        (b"payload=%5B1%2C2%5D", "application/x-www-form-urlencoded", True, 400),
        (b"\xff\xfe\x00garbage", "text/plain", True, 400),
        (b"", "application/json", True, 400),
    ],
)
def test_garbage_gets_400_or_401_and_no_traceback(harness, caplog, body, content_type, signed, expected):
    with caplog.at_level(logging.DEBUG):
        assert _post(harness, body, content_type, signed=signed).status == expected
    assert "Traceback" not in caplog.text


def test_a_ten_megabyte_body_is_refused_before_it_is_read(harness):
    import socket
    from urllib.parse import urlparse

    url = urlparse(harness.events)
    with socket.create_connection((url.hostname, url.port), timeout=5) as sock:
        head = f"POST {url.path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        head += f"Content-Length: {10 * 1024 * 1024}\r\n\r\n"
        sock.sendall(head.encode() + b"{" * 1000)
        status_line = sock.makefile("rb").readline()
    assert status_line.split()[1] == b"413"


def test_healthz_says_the_database_answers_and_slack_takes_the_token(harness):
    status, report = wait_for(lambda: (h := harness.health())[1]["slack"]["reachable"] and h)
    assert status == 200 and report["ok"] is True
    assert report["slack"]["reason"] is None and report["slack"]["checked_at"]


def test_a_retry_storm_stores_the_event_once_and_answers_fast(harness, world, engine):
    payload = slack.event(slack.dm(SAM, "hello"), event_id="Ev0STORM01")
    answers = [
        harness.event(
            payload, **({"X-Slack-Retry-Num": str(n), "X-Slack-Retry-Reason": "http_timeout"} if n else {})
        )
        for n in range(4)
    ]
    assert [a.status for a in answers] == [200] * 4
    # inside Slack's 3 s: a redelivery stops at the stored event_id and never waits on the listener
    assert max(a.seconds for a in answers) < 3
    with session_scope(engine, read_only=True) as s:
        count = s.scalar(
            select(func.count())
            .select_from(InboundMessage)
            .where(InboundMessage.external_id == "event:Ev0STORM01")
        )
    assert count == 1


def test_the_bot_token_never_reaches_the_logs(harness, world, caplog):
    logging.getLogger("slack_sdk").setLevel(logging.DEBUG)
    try:
        with caplog.at_level(logging.DEBUG):
            harness.command("U09PRIYA", "start harbourside 2027-03-31")
            wait_for(lambda: any("Sent" in r.get("text", "") for r in harness.api.state.responses))
            harness.bot.client.chat_postMessage(channel=SAM, text="a message that logs its request headers")
            logging.getLogger("test").warning("the token is %s", TOKEN)
    finally:
        logging.getLogger("slack_sdk").setLevel(logging.NOTSET)
    assert "slack_sdk" in caplog.text  # the SDK did log at DEBUG, request headers included
    assert TOKEN not in caplog.text and "xoxb-1111" not in caplog.text
    for record in caplog.records:
        assert TOKEN not in record.getMessage()
