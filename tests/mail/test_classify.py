"""Auto-replies and bounces, by header and by shape (RFC 3834, RFC 3464, docs/reliability.md L1-L3)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailin.inbound.classify import (
    AUTO_REPLY_PHRASES,
    AUTO_REPLY_WORDS,
    failed_recipients,
    is_auto_reply,
    is_bounce,
)
from mailin.inbound.extract import parse_message


def headers(**values: str):
    table = {k.replace("_", "-").lower(): v for k, v in values.items()}
    return lambda name: table.get(name.lower())


@pytest.mark.parametrize(
    "values",
    [
        {"Auto_Submitted": "auto-replied"},
        {"Auto_Submitted": "auto-generated"},
        {"X_Autoreply": "yes"},
        {"X_Autorespond": "x"},
        {"Precedence": "bulk"},
        {"Precedence": "junk"},
        {"Precedence": "list"},
        {"Precedence": "auto_reply"},
    ],
)
def test_it_knows_an_auto_reply_by_its_headers(values: dict[str, str]) -> None:
    assert is_auto_reply(headers(**values), "Re: your update")


@pytest.mark.parametrize(
    "subject",
    [
        "Automatic reply: your update",
        "Auto-Reply: away",
        "Autoreply: away",
        "Out of Office: back Monday",
        "Out of the office until 10 March",
        "Away from the office",
    ],
)
def test_it_knows_an_auto_reply_by_its_subject_alone(subject: str) -> None:
    assert is_auto_reply(headers(), subject)


def test_a_human_reply_is_not_an_auto_reply_even_with_suppress_all() -> None:
    assert not is_auto_reply(headers(Auto_Submitted="no", X_Auto_Response_Suppress="All"), "RE: update")


def test_bounces_by_report_type_sender_or_subject() -> None:
    assert is_bounce("multipart/report", "delivery-status", "x@y.test", "hello")
    assert is_bounce("text/plain", None, "mailer-daemon@mx.test", "hello")
    assert is_bounce("text/plain", None, "jo@x.test", "Undeliverable: update")
    assert is_bounce("text/plain", None, "jo@x.test", "Delivery Status Notification (Failure)")
    assert is_bounce("text/plain", None, "jo@x.test", "Returned mail: see transcript")
    assert not is_bounce("multipart/report", "disposition-notification", "jo@x.test", "Read: update")


def test_failed_recipients_come_from_failed_actions_only() -> None:
    status = (
        "Reporting-MTA: dns; mx\n\nFinal-Recipient: rfc822; A@x.test\nAction: failed\n\n"
        "Final-Recipient: rfc822; b@x.test\nAction: delayed\n"
    )
    assert failed_recipients(status) == ["a@x.test"]


def test_a_reply_with_inline_status_words_is_not_a_bounce() -> None:
    raw = b"From: jo@x.test\r\nSubject: Re: update\r\n\r\nStatus: failed to start, 1.1 at risk\r\n"
    parts = parse_message(raw)
    assert not parts.bounce and not parts.auto_reply


def test_a_standard_dsn_names_its_failed_recipients_even_when_the_text_does_not():
    from mailin.inbound.extract import parse_message

    raw = (
        b"From: Mail Delivery System <MAILER-DAEMON@mx.riverside.example.gov.uk>\r\n"
        b"To: progress@riverside.example.gov.uk\r\n"
        b"Subject: Undelivered Mail Returned to Sender\r\n"
        b"Message-ID: <dsn-1@mx.riverside.example.gov.uk>\r\n"
        b"Auto-Submitted: auto-replied\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r\n'
        b"\r\n"
        b"--b1\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
        b"Your message could not be delivered to one or more recipients.\r\n\r\n"
        b"--b1\r\nContent-Type: message/delivery-status\r\n\r\n"
        b"Reporting-MTA: dns; mx.riverside.example.gov.uk\r\n\r\n"
        b"Final-Recipient: rfc822; lucy.oneill@riverside.example.gov.uk\r\n"
        b"Action: failed\r\nStatus: 5.1.1\r\n"
        b"Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\r\n"
        b"--b1--\r\n"
    )
    parts = parse_message(raw)
    assert parts.bounce is True
    assert parts.bounced_recipients == ["lucy.oneill@riverside.example.gov.uk"]


# -- auto-reply subjects in many languages (issue 13: four common styles were applied and answered) --------

ISSUE_13 = ["[Auto-Reply] I am away", "Re: Out of Office", "Vacation reply", "Automatische Antwort"]
TASK_EXAMPLES = [
    "Automatic reply", "Auto-Reply", "Out of Office", "Vacation reply", "Abwesenheitsnotiz",
    "Automatische Antwort", "Réponse automatique", "Absence", "Afwezig", "Respuesta automática",
    "Risposta automatica", "Ateb awtomatig", "Automatiskt svar", "Automatisk svar", "Fraværende",
]  # fmt: skip
EXAMPLES = [example for _, _, example in AUTO_REPLY_PHRASES + AUTO_REPLY_WORDS]
PREFIXES = ["", "Re: ", "RE: ", "AW: ", "SV: ", "Antw: ", "Fwd: ", "WG: ", "TR: ", "R: ", "Re[2]: ", "[", "("]
SUFFIXES = ["", ": Equality Action Plan: your update", " - back on Monday", "] until 10 March", ": ", ")"]


def _any_case(draw_bits: list[bool], text: str) -> str:
    """`text` with each letter's case flipped where `draw_bits` says (letters whose other case is one
    character: "ß" upper-cases to "SS", which no mail client writes for it)."""
    out = []
    for i, char in enumerate(text):
        flip = draw_bits[i % len(draw_bits)] if draw_bits else False
        other = char.swapcase()
        out.append(other if flip and len(other) == 1 else char)
    return "".join(out)


@pytest.mark.parametrize("subject", ISSUE_13 + TASK_EXAMPLES)
def test_the_issue_and_task_examples_are_auto_replies(subject: str) -> None:
    assert is_auto_reply(headers(), subject)


@given(
    example=st.sampled_from(EXAMPLES + TASK_EXAMPLES),
    prefix=st.lists(st.sampled_from(PREFIXES), max_size=3).map("".join),
    suffix=st.sampled_from(SUFFIXES),
    bits=st.lists(st.booleans(), min_size=1, max_size=16),
    space=st.sampled_from(["", " ", "  ", "\t"]),
)
def test_every_auto_reply_subject_is_known_in_any_case_and_behind_any_prefix(
    example: str, prefix: str, suffix: str, bits: list[bool], space: str
) -> None:
    subject = space + _any_case(bits, prefix + example) + suffix
    assert is_auto_reply(headers(), subject), subject


@given(
    title=st.sampled_from([
        "Absence Management Action Plan", "Away Day Programme", "Vacation Policy Review",
        "Ausente Strategy", "Equality, Diversity and Inclusion Action Plan 2026-2029", "Urlaubsplanung 2027",
        "Out-patient Services Plan", "Auto Enrolment Plan", "Ferienprogramm",
    ]),
    prefix=st.sampled_from(["", "Re: ", "RE: ", "AW: ", "SV: ", "Fwd: "]),
)  # fmt: skip
def test_a_reply_to_a_prompt_whose_plan_title_starts_with_such_a_word_is_not_an_auto_reply(
    title: str, prefix: str
) -> None:
    subject = f"{prefix}{title}: your update for the Spring 2027 round, due 14 Mar 2027"
    assert not is_auto_reply(headers(), subject), subject
