"""Composing the emails a lead or coordinator reads: headers, threading, the two parts, and header safety."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import SMTP, default

import pytest

from collector.channels.messages import intro_before
from collector.channels.outbox import part_lines
from collector.channels.protocol import (
    AskedItem,
    ChannelError,
    EscalationMessage,
    Missing,
    NoticeMessage,
    PromptMessage,
    ReceiptLine,
    ReceiptMessage,
    Recipient,
)
from collector.replies.parsing import parse_reply
from collector.replies.types import AskedAction
from mailin import compose
from mailin.compose import Envelope
from mailin.inbound.extract import parse_message

NOW = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
JO = Recipient(4, "Dr Jo Baker", "jo.baker@harbourside.example.org")
CHRIS = Recipient(5, "Chris Doe", "chris@harbourside.example.org")
PROMPT_REF = "<first.prompt@progress.example.org>"
HOSTILE = "<script>alert(1)</script> & Budget < 5%"


def envelope(**kw) -> Envelope:
    return Envelope(
        sender="Action Plan Progress <progress@progress.example.org>",
        mail_domain="progress.example.org",
        now=NOW,
        **kw,
    )


def prompt(
    kind: str = "prompt", *, title: str = "Harbourside Action Plan", to: Recipient = JO
) -> PromptMessage:
    return PromptMessage(
        kind=kind,
        plan_title=title,
        round_name="Spring 2027",
        due=date(2027, 3, 31),
        recipient=to,
        items=(
            AskedItem(
                1, "1.1", "Open the harbour walk to the public", "March 2027", "on_track", "Going well"
            ),
            AskedItem(2, "1.2", "Publish the access audit", None),
        ),
        reply_token="t0k3n",
        thread_ref=PROMPT_REF if kind == "reminder" else None,
    )


def parts(msg: EmailMessage) -> tuple[str, str]:
    """(text, html) as a mail client shows them, after a round trip through bytes."""
    parsed = message_from_bytes(msg.as_bytes(policy=SMTP), policy=default)
    assert parsed.get_content_type() == "multipart/alternative"
    text = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    return text.replace("\r\n", "\n"), html.replace("\r\n", "\n")


def test_a_prompt_has_the_headers_a_relay_and_a_reply_need():
    msg = compose.compose_prompt(prompt(), envelope(reply_token="t0k3n"))

    assert msg["From"] == "Action Plan Progress <progress@progress.example.org>"
    assert msg["To"] == "Dr Jo Baker <jo.baker@harbourside.example.org>"
    assert msg["Subject"] == "Harbourside Action Plan: your Spring 2027 update, due Wed 31 Mar"
    assert msg["Reply-To"] == "progress+t0k3n@progress.example.org"
    assert msg["Message-ID"].startswith("<") and msg["Message-ID"].endswith("@progress.example.org>")
    assert msg["Date"] == "Mon, 01 Mar 2027 09:30:00 +0000"
    assert msg["Auto-Submitted"] == "auto-generated" and msg["X-Auto-Response-Suppress"] == "All"
    assert msg["In-Reply-To"] is None and msg["References"] is None
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]


def test_the_text_a_lead_reads_has_each_action_with_blank_lines_to_answer_on():
    text, html = parts(compose.compose_prompt(prompt(), envelope(reply_token="t0k3n")))

    assert text.startswith(
        "Hello Jo,\n\nThe Spring 2027 progress round of the Harbourside Action Plan is open."
    )
    block = "[1.1] Open the harbour walk to the public\nTarget: March 2027\n"
    block += "Last reported: On track - Going well\n"
    assert block + "Status:\nProgress:\n" in text
    assert "[1.2] Publish the access audit\nTarget: none given\nLast reported: nothing yet\nStatus:\n" in text
    assert "How to answer" in text and "1.1: on track - what has happened since the last report" in text
    assert "Wednesday\n31 March 2027" in text
    for words in (
        "[1.1] Open the harbour walk",
        "Target: March 2027",
        "Status:",
        "Progress:",
        "How to answer",
    ):
        assert words in html
    assert "<table" not in html and "<style" not in html  # inline CSS, no tables: readable on a phone


def test_a_reminder_threads_under_the_prompt_and_keeps_the_reply_token():
    msg = compose.compose_prompt(prompt("reminder"), envelope(reply_token="t0k3n", thread_ref=PROMPT_REF))

    assert msg["Subject"] == "Reminder - Harbourside Action Plan: Spring 2027 update, due Wed 31 Mar"
    assert msg["In-Reply-To"] == PROMPT_REF and msg["References"] == PROMPT_REF
    assert msg["Reply-To"] == "progress+t0k3n@progress.example.org"
    assert "A reminder: we have not yet heard from you" in parts(msg)[0]


def test_an_escalation_goes_to_the_coordinator_without_a_reply_token():
    message = EscalationMessage(
        "Harbourside Action Plan",
        "Spring 2027",
        date(2027, 3, 31),
        CHRIS,
        (Missing("Jo Baker", ("1.1", "1.2")), Missing("Sam Ortiz", ("2.1",))),
    )
    msg = compose.compose_escalation(message, envelope())
    text, html = parts(msg)

    assert msg["Reply-To"] is None and msg["In-Reply-To"] is None
    assert msg["Subject"] == "Harbourside Action Plan: Spring 2027 round - who has not answered yet"
    assert "  * Jo Baker: 1.1, 1.2\n  * Sam Ortiz: 2.1\n" in text and "Wednesday 31 March 2027" in text
    assert "<bdi>Jo Baker</bdi>: 1.1, 1.2" in html


def test_a_receipt_says_what_was_recorded_how_to_correct_it_and_what_a_person_will_review():
    message = ReceiptMessage(
        "Harbourside Action Plan",
        "Spring 2027",
        JO,
        (
            ReceiptLine("1.1", "at_risk", "Delayed by the data audit", "June 2027"),
            ReceiptLine("1.2", "completed", "Published in February"),
        ),
        needs_review=("Your note about 9.9: the plan has no action 9.9",),
        thread_ref=PROMPT_REF,
    )
    msg = compose.compose_receipt(message, envelope(thread_ref=PROMPT_REF))
    text, html = parts(msg)

    assert msg["In-Reply-To"] == PROMPT_REF and msg["References"] == PROMPT_REF and msg["Reply-To"] is None
    assert msg["Subject"] == "Harbourside Action Plan: we recorded your update"
    assert "[1.1]\n    At risk; revised target: June 2027\n    Progress: Delayed by the data audit\n" in text
    assert "[1.2]\n    Completed\n    Progress: Published in February\n" in text
    assert "A person will look at:\n  * Your note about 9.9: the plan has no action 9.9\n" in text
    assert "reply to this message with the corrected answer: the\nlatest answer counts." in text
    assert "At risk; revised target: June 2027" in html and "A person will look at" in html


def test_a_notice_carries_its_own_subject_and_lines():
    message = NoticeMessage(
        "Address bounces: Jo Baker", CHRIS, ("jo@old.example.org bounced.", "Please fix.")
    )
    msg = compose.compose_notice(message, envelope())

    assert msg["Subject"] == "Address bounces: Jo Baker" and msg["Reply-To"] is None
    assert "Hello Chris,\n\njo@old.example.org bounced.\nPlease fix.\n" in parts(msg)[0]


def test_no_header_can_be_injected_through_a_plan_title_or_a_name():
    evil = Recipient(4, "Jo\r\nBcc: victim@example.org\r\n", "jo.baker@harbourside.example.org")
    msg = compose.compose_prompt(prompt(title="Plan\r\nBcc: victim@example.org", to=evil), envelope())
    raw = msg.as_bytes(policy=SMTP)
    parsed = message_from_bytes(raw, policy=default)

    assert parsed["Bcc"] is None and parsed["X-Evil"] is None
    assert b"\r\nBcc:" not in raw and b"\nBcc:" not in raw
    assert parsed["Subject"].startswith("Plan Bcc: victim@example.org: your Spring 2027 update")
    assert parsed["To"].addresses[0].addr_spec == "jo.baker@harbourside.example.org"
    assert len(parsed["To"].addresses) == 1
    assert all("\n" not in value and "\r" not in value for value in parsed.values())


def test_a_reply_token_that_does_not_fit_an_address_is_refused_as_a_bug():
    with pytest.raises(ValueError, match="cannot go into an address"):
        compose.compose_prompt(prompt(), envelope(reply_token="t\r\nX-Evil: 1"))


@pytest.mark.parametrize(
    "email",
    [
        None,
        "",
        "jo.baker@harbourside.example.org\r\nBcc: victim@example.org",
        "jo baker@harbourside.example.org",
        "Jo <jo@harbourside.example.org>",
        "jo@harbourside.example.org,victim@example.org",
        "jo@@harbourside.example.org",
        "jo.harbourside.example.org",
        "jo@harbour\x00side.example.org",
    ],
)
def test_an_unusable_address_is_a_permanent_error(email):
    with pytest.raises(ChannelError) as caught:
        compose.compose_prompt(prompt(to=Recipient(4, "Jo Baker", email)), envelope())

    assert caught.value.permanent is True
    assert ("no email address" if not email else "not a usable email address") in str(caught.value)


def test_clean_header_removes_line_breaks_controls_and_bidi_overrides():
    assert compose.clean_header("Plan\r\nBcc: x@y\x00\x0b\u202eevil") == "Plan Bcc: x@y evil"


def test_every_html_template_is_autoescaped_and_no_text_template_is():
    env = compose.environment()
    names = env.list_templates()

    for kind in compose.KINDS:
        assert {f"{kind}.subject.j2", f"{kind}.text.j2", f"{kind}.html"} <= set(names)
    for name in names:
        assert env.autoescape(name) is name.endswith(".html"), name  # docs/reliability.md F9


def _hostile_messages():
    who = Recipient(4, HOSTILE, "jo.baker@harbourside.example.org")
    yield (
        compose.compose_prompt,
        PromptMessage(
            "prompt",
            HOSTILE,
            HOSTILE,
            date(2027, 3, 31),
            who,
            (AskedItem(1, "1.1", HOSTILE, HOSTILE, "on_track", HOSTILE, answered_by=HOSTILE),),
        ),
    )
    yield (
        compose.compose_prompt,
        PromptMessage("reminder", HOSTILE, HOSTILE, None, who, (AskedItem(1, "1.1", HOSTILE, HOSTILE),)),
    )
    yield (
        compose.compose_escalation,
        EscalationMessage(HOSTILE, HOSTILE, None, who, (Missing(HOSTILE, ("1.1",)),)),
    )
    yield (
        compose.compose_receipt,
        ReceiptMessage(
            HOSTILE, HOSTILE, who, (ReceiptLine("1.1", "at_risk", HOSTILE, HOSTILE),), needs_review=(HOSTILE,)
        ),
    )
    yield compose.compose_notice, NoticeMessage(HOSTILE, who, (HOSTILE,), HOSTILE)


@pytest.mark.parametrize(("build", "message"), list(_hostile_messages()), ids=compose.KINDS)
def test_hostile_text_is_escaped_in_html_and_kept_literally_in_text(build, message):
    msg = build(message, envelope())
    text, html = parts(msg)

    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Budget &lt; 5%" in html
    assert HOSTILE in text
    assert HOSTILE in msg["Subject"] or message.__class__ is EscalationMessage or "<script>" in msg["Subject"]


def test_a_sub_action_says_which_action_it_is_part_of_and_an_inline_answer_still_finds_it():
    item = AskedItem(
        7, "2.3 b)", "Publish the results", None, part_of="2.3 Review the complaints process <with staff>"
    )
    message = PromptMessage(
        "prompt", "Harbourside Action Plan", "Spring 2027", date(2027, 3, 31), JO, (item,)
    )
    text, html = parts(compose.compose_prompt(message, envelope(reply_token="t0k3n")))

    assert "[2.3 b)] Publish the results\nPart of 2.3 Review the complaints process <with staff>\n" in text
    assert "Part of 2.3 Review the complaints process &lt;with staff&gt;</p>" in html

    # answered inline, Gmail style: the "Part of 2.3" line must not be read as an answer about 2.3
    quoted = "\n".join(f"> {line}" if line else ">" for line in text.splitlines())
    quoted = quoted.replace("> Status:", "> Status:\nCompleted", 1)
    reply = (
        "From: Dr Jo Baker <jo.baker@harbourside.example.org>\nTo: progress+t0k3n@progress.example.org\n"
        "Subject: Re: Progress update\nContent-Type: text/plain; charset=utf-8\n\n"
        f"See below.\n\nOn Mon, 1 Mar 2027 at 09:30, Action Plan Progress wrote:\n{quoted}\n"
    ).encode()
    body = parse_message(reply).body or ""
    result = parse_reply(body, [AskedAction("2.3 b)", "Publish the results")], today=date(2027, 3, 5))
    assert [(u.ref, u.status) for u in result.updates] == [("2.3 b)", "completed")]


PAY_GAP = (
    "Publish our pay gap reports, as the regulations require of every employer with 250 or more staff, and"
)
PAY_GAP += " explain each gap with an action plan agreed by the workforce board before publication:"
ITEMS = ("a) Gender pay gap (statutory), with bonus pay shown separately.", "b) Ethnicity pay gap.")


def _pay_gap_prompt(**kw) -> PromptMessage:
    item = AskedItem(7, "3.2", f"{PAY_GAP} {' '.join(ITEMS)}", "March 2027", parts=ITEMS, intro=PAY_GAP)
    return dataclasses.replace(prompt(), items=(item,), **kw)


def test_an_action_is_sent_whole_and_wrapped_with_each_of_its_items_listed_once_under_it():
    text, html = parts(compose.compose_prompt(_pay_gap_prompt(), envelope(reply_token="t0k3n")))

    block = text.split("[3.2] ", 1)[1].split("Target:", 1)[0]
    assert "…" not in block and "..." not in block
    assert " ".join(block.split()) == " ".join([PAY_GAP, *ITEMS])  # every word, in order, once
    assert "\n  a) Gender pay gap (statutory), with bonus pay shown separately.\n  b) Ethnicity" in block
    assert all(len(line) <= 76 for line in text.splitlines())
    assert html.count("Ethnicity pay gap.") == 1 and '<li dir="auto">a) Gender pay gap' in html


def test_an_items_long_text_wraps_under_its_words_not_under_its_label():
    item = "c) " + "Disability pay gap, published voluntarily with the workforce data we already hold " * 2
    lines = part_lines(item)
    assert lines[0].startswith("  c) Disability") and all(line.startswith("     ") for line in lines[1:])


@pytest.mark.parametrize(
    ("text", "items", "intro"),
    [
        (
            "a) Collect 100% of profile data. b) Collect 40%.",
            ["a) Collect 100% of profile data.", "b) Collect 40%."],
            "",
        ),
        (
            "Develop a project plan which aims to:",
            ["a) Target gaps in data.", "b) Keep data current."],
            "Develop a project plan which aims to:",
        ),
        ("Publish:  A)  GENDER pay gap b) ethnicity", ["a) Gender pay gap", "b) Ethnicity"], "Publish:"),
    ],
    ids=["only items", "items kept apart", "spacing and case"],
)
def test_an_actions_own_words_stop_where_its_items_begin(text, items, intro):
    assert intro_before(text, items) == intro


def test_a_long_plan_title_is_shortened_by_words_in_the_subject_and_kept_whole_in_the_body():
    title = "Riverside Borough Council Equality, Diversity and Inclusion Action Plan 2026-2028"
    for kind in ("prompt", "reminder"):
        msg = compose.compose_prompt(prompt(kind, title=title), envelope(reply_token="t0k3n"))
        subject = msg["Subject"]
        assert len(subject) <= 78 and subject.endswith("Spring 2027 update, due Wed 31 Mar")
        shown = subject.split("…")[0].removeprefix("Reminder - ")
        assert "…" in subject and title.startswith(shown) and title[len(shown)] in " ,"  # cut between words
        assert "Diversity and Inclusion Action Plan 2026-2028 is open" in " ".join(parts(msg)[0].split()) or (
            kind == "reminder"
        )
    receipt = ReceiptMessage(title, "Spring 2027", JO, (ReceiptLine("1.1", "completed", "Done"),))
    assert len(compose.compose_receipt(receipt, envelope())["Subject"]) <= 78


def test_a_prompt_names_the_coordinator_to_ask_or_else_the_sender_and_is_signed_by_the_sender():
    priya = Recipient(9, "Priya Shah", "priya.shah@harbourside.example.org")
    sender = envelope(reply_token="t0k3n")
    sender = dataclasses.replace(sender, sender="Harbourside Equality Team <progress@progress.example.org>")

    with_coordinator, html = parts(
        compose.compose_prompt(dataclasses.replace(prompt(), contact=priya), sender)
    )
    without, _ = parts(compose.compose_prompt(prompt(), sender))

    assert "Questions about this round? Ask Priya Shah (priya.shah@harbourside.example.org)." in " ".join(
        with_coordinator.split()
    )
    assert (
        "Questions about this round? Write to Harbourside Equality Team\n(progress@progress.example.org)."
        in without
    )
    assert with_coordinator.endswith("Thank you,\nHarbourside Equality Team\n")
    assert (
        "Ask Priya Shah (priya.shah@harbourside.example.org)." in html
        and "<br>Harbourside Equality Team" in html
    )


def test_a_receipt_names_each_action_and_asks_for_a_status_when_none_was_recorded():
    long_title = (
        "Build equality requirements into procurement for every contract over £100,000, from tender to review"
    )
    message = ReceiptMessage(
        "Harbourside Action Plan",
        "Spring 2027",
        JO,
        (
            ReceiptLine(
                "2.1 b)", None, "No change since the last report.", title="Fix the high-priority issues."
            ),
            ReceiptLine("4.4", "On track", "Tender live", "June 2027", title=long_title),
        ),
    )
    text, html = parts(compose.compose_receipt(message, envelope()))

    assert (
        "[2.1 b)] Fix the high-priority issues.\n"
        '    No status was recorded: please reply with one, e.g. "2.1 b): on track".\n'
        "    Progress: No change since the last report.\n"
    ) in text
    assert "[4.4] Build equality requirements into procurement for every…\n" in text
    assert "    On track; revised target: June 2027\n    Progress: Tender live\n" in text
    assert "No status was recorded" in html and "[4.4] Build equality requirements" in html
