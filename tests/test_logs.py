"""Log lines: one per event, JSON on request, and no token or password whichever way it got in."""

from __future__ import annotations

import io
import json
import logging

import pytest

from collector.core.logs import configure_logging, redact


@pytest.fixture
def stream():
    out = io.StringIO()
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    yield out
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in before[0]:
        root.addHandler(handler)
    root.setLevel(before[1])


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("posting with xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp", "AbCdEfGhIjKlMnOp"),
        ("socket mode xapp-1-A0123-456-abcdef0123", "abcdef0123"),
        ("headers {'Authorization': 'Bearer xoxp-9-8-7-secret'}", "secret"),
        ("relay smtp://progress%40riverside.gov.uk:hunter2@smtp.office365.com:587 down", "hunter2"),
        ("DATABASE_URL postgresql+psycopg://collector:pg-pass@db:5432/collector", "pg-pass"),
        ("signing_secret=8f14e45fceea167a5a36dedd4bea2543 was rejected", "8f14e45fceea167a5a36dedd4bea2543"),
    ],
)
def test_secrets_are_masked(text, secret):
    assert secret not in redact(text)


def test_a_json_line_per_event_with_extra_fields_and_a_masked_exception(stream):
    configure_logging("json", "INFO", stream)
    log = logging.getLogger("mailin.inbound.process")
    log.info("inbound %d applied", 42, extra={"external_id": "<a@b>", "updates": 2})
    try:
        raise RuntimeError("auth failed for xoxb-1-2-topsecret")
    except RuntimeError:
        log.exception("sending failed with token %s", "xoxb-1-2-topsecret")
    log.debug("not shown at info")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert len(lines) == 2
    first, second = lines
    assert first["message"] == "inbound 42 applied" and first["level"] == "info"
    assert (
        first["external_id"] == "<a@b>"
        and first["updates"] == 2
        and first["logger"] == "mailin.inbound.process"
    )
    assert "topsecret" not in json.dumps(second) and "RuntimeError" in second["exception"]


def test_text_lines_are_masked_too(stream):
    configure_logging("text", "INFO", stream)
    logging.getLogger("bot").warning("retrying with %s", "xoxb-1-2-topsecret")
    assert "topsecret" not in stream.getvalue() and "WARNING bot: retrying with xox?-***" in stream.getvalue()
