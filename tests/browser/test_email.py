"""The HTML emails a lead or coordinator reads, in a real browser: WCAG 2.2 AA by axe-core, on a phone.

Mail clients show the HTML part much as a browser does (inline styles, no scripts), so axe-core on the
rendered part is a fair check of what a lead sees; 390 px is a phone, where most of them read it first.
Each takes well under a second once the browser is up (about 2 s, once a run), so they are not marked slow.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import SMTP, default
from pathlib import Path
from typing import cast

import pytest

from collector.channels.protocol import (
    AskedItem,
    EscalationMessage,
    Missing,
    NoticeMessage,
    PromptMessage,
    ReceiptLine,
    ReceiptMessage,
    Recipient,
)
from mailin import compose
from tests.browser.browser import DESKTOP, PHONE, Page, blocking, everything

JO = Recipient(4, "Dr Jo Baker", "jo.baker@harbourside.example.org")
ENVELOPE = compose.Envelope(
    sender="Action Plan Progress <progress@progress.example.org>",
    mail_domain="progress.example.org",
    now=datetime(2027, 3, 1, 9, 30, tzinfo=UTC),
    reply_token="t0k3n",
)
ITEMS = (
    AskedItem(1, "1.1", "Open the harbour walk to the public", "March 2027", "on_track", "Going well"),
    AskedItem(2, "1.2", "Publish the access audit", None, answered_by="Sam Ortiz"),
    AskedItem(
        3,
        "2.3 b)",
        "Survey complainants",
        "June 2027",
        part_of="2.3 Review the complaints process",
    ),
)


def prompt(kind: str) -> EmailMessage:
    message = PromptMessage(
        kind=kind,
        plan_title="Harbourside Action Plan",
        round_name="Spring 2027",
        due=date(2027, 3, 31),
        recipient=JO,
        items=ITEMS,
        reply_token="t0k3n",
    )
    return compose.compose_prompt(message, ENVELOPE)


def receipt() -> EmailMessage:
    message = ReceiptMessage(
        "Harbourside Action Plan",
        "Spring 2027",
        JO,
        (
            ReceiptLine("1.1", "at_risk", "Delayed by the data audit", "June 2027"),
            ReceiptLine("1.2", None, "No change since the last report.", title="Publish the access audit"),
        ),
        needs_review=("Your note about 9.9: the plan has no action 9.9",),
    )
    return compose.compose_receipt(message, ENVELOPE)


def escalation() -> EmailMessage:
    missing = (Missing("Jo Baker", ("1.1", "1.2")), Missing("Sam Ortiz", ("2.1",)))
    message = EscalationMessage("Harbourside Action Plan", "Spring 2027", date(2027, 3, 31), JO, missing)
    return compose.compose_escalation(message, ENVELOPE)


def notice() -> EmailMessage:
    message = NoticeMessage("Address bounces: Jo Baker", JO, ("jo@old.example.org bounced.", "Please fix."))
    return compose.compose_notice(message, ENVELOPE)


EMAILS = {
    "prompt": lambda: prompt("prompt"),
    "reminder": lambda: prompt("reminder"),
    "receipt": receipt,
    "escalation": escalation,
    "notice": notice,
}


def html_part(msg: EmailMessage) -> str:
    """The HTML alternative as a mail client decodes it, after a round trip through bytes."""
    parsed = message_from_bytes(msg.as_bytes(policy=SMTP), policy=default)
    body = parsed.get_body(("html",))
    assert body is not None
    return cast(str, body.get_content())


@pytest.mark.parametrize("name", sorted(EMAILS))
@pytest.mark.parametrize("width", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_an_email_has_no_serious_accessibility_failures(
    page: Page, tmp_path: Path, name: str, width: int
) -> None:
    page.open(html_part(EMAILS[name]()), tmp_path, width=width, name=name)
    results = page.axe()

    assert blocking(results) == [], everything(results)
    assert page.width() <= width


@pytest.mark.parametrize("name", ["prompt", "receipt"])
def test_an_email_is_photographed_on_a_phone(page: Page, shots: Path, name: str) -> None:
    page.open(html_part(EMAILS[name]()), shots, width=PHONE, name=f"email-{name}")
    png = page.screenshot(shots / f"email-{name}-{PHONE}.png")

    assert png[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(png[16:20], "big") == PHONE
