"""Helpers for the parser's tests: parse a reply to a prompt that asked about some refs, on a fixed day."""

from __future__ import annotations

from datetime import date

import pytest

from collector.replies.parsing import parse_reply
from collector.replies.types import AskedAction, ParseResult

TODAY = date(2026, 4, 15)


def parse(
    text: str, *refs: str, today: date | None = TODAY, texts: dict[str, str] | None = None
) -> ParseResult:
    """parse_reply for a prompt that asked about `refs` (default: just 1.1)."""
    asked = [AskedAction(ref, (texts or {}).get(ref, "")) for ref in refs or ("1.1",)]
    return parse_reply(text, asked, today=today)


@pytest.fixture
def today() -> date:
    return TODAY
