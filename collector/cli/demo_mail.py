"""The demo's leads answering by email, each as their own mail client writes a reply, sent with smtplib to the
real SMTP server and then processed exactly as `collector serve mail` processes them.

The replies are written from the prompts the round actually sent (their refs, their reply address, their
Message-ID), so they exercise the same paths as a real reply: Outlook desktop top-posted above its header
block, Gmail inline under the quoted actions, an iPhone one-liner to the bare address, an out-of-office, and a
PA answering for her director. What each lead says about an action is that action's own answer, read from an
answers file (examples/demo_answers.csv for the example plan); an action the file does not cover is answered
from its own text, so a committee never reads a reply about some other piece of work.
"""

from __future__ import annotations

import csv
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from pathlib import Path

from sqlalchemy import Engine, func, select

from collector.channels.messages import prompt_message
from collector.channels.reply_address import reply_address
from collector.cli.wiring import channels_for
from collector.core.clock import Clock
from collector.core.settings import Settings
from store.db import session_scope
from store.models.directory import Delegation, Person
from store.models.records import InboundMessage
from store.models.rounds import Prompt
from store.models.updates import Update

Answer = tuple[str, str]  # a status in the lead's words, then what happened: ("on track", "survey out")
DISCLAIMER = (
    "This email and any attachments are intended solely for the addressee and may contain confidential "
    "information. If you are not the intended recipient, please notify the sender and delete it. Riverside "
    "Borough Council may monitor email traffic. Think before you print."
)


@dataclass(frozen=True)
class Asked:
    """One prompt as its lead received it."""

    name: str
    email: str | None
    token: str
    message_id: str | None
    subject: str
    refs: tuple[str, ...]
    text: str  # the prompt's text part, as a client would quote it
    answers: tuple[Answer, ...] = ()  # what the lead says about each of refs, in the same order


@dataclass(frozen=True)
class DemoReply:
    who: str  # "James Mensah, Outlook on Windows, answers above the original"
    raw: bytes
    mail_from: str
    to: str


def load_answers(path: Path | None) -> dict[str, Answer]:
    """ref -> (status words, what happened), from a CSV with columns ref, status, progress."""
    if path is None or not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            row["ref"].strip(): (row["status"].strip(), row["progress"].strip())
            for row in csv.DictReader(handle)
        }


def answer_for(ref: str, text: str, answers: dict[str, Answer]) -> Answer:
    """The lead's answer about one action: its own from the answers file, or else one about its own text."""
    if ref in answers:
        return answers[ref]
    what = " ".join(text.split()).rstrip(".:;")
    what = what[:1].lower() + what[1:]
    if len(what) > 90:
        what = what[:90].rsplit(" ", 1)[0] + "…"
    return ("in hand", f"work has started to {what}; more detail at the next round")


def _asked(
    engine: Engine, round_id: int, settings: Settings, clock: Clock, answers: dict[str, Answer]
) -> dict[str, Asked]:
    from mailin.compose import Envelope, compose_prompt

    out: dict[str, Asked] = {}
    with session_scope(engine, read_only=True) as s:
        for prompt in s.scalars(select(Prompt).where(Prompt.round_id == round_id).order_by(Prompt.id)):
            person = s.get(Person, prompt.person_id) if prompt.person_id else None
            message = prompt_message(s, prompt)
            if person is None or person.name is None or message is None:
                continue
            envelope = Envelope(settings.sender, settings.mail_domain, clock.now(), reply_token=prompt.token)
            composed = compose_prompt(message, envelope)
            body = composed.get_body(("plain",))
            out[person.name] = Asked(
                name=person.name,
                email=person.email,
                token=prompt.token,
                message_id=prompt.message_id,
                subject=str(composed["Subject"]),
                refs=tuple(item.ref for item in message.items),
                text=body.get_content() if body is not None else "",
                answers=tuple(answer_for(item.ref, item.text, answers) for item in message.items),
            )
    return out


def _mail(frm: str, to: str, subject: str, body: str, when: datetime, **headers: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = frm, to, subject
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = make_msgid(domain="riverside.example.gov.uk")
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body, cte="quoted-printable")
    return msg


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def outlook_top_posted(a: Asked, reply_to: str, when: datetime, frm: str) -> EmailMessage:
    pairs = zip(a.refs, a.answers, strict=True)
    lines = [f"{ref} {status} - {_sentence(what)}" for ref, (status, what) in pairs]
    body = (
        "Hi,\n\nUpdates below.\n\n" + "\n".join(lines) + "\n\nKind regards\n\n"
        f"{a.name}\nRiverside Borough Council | Tel: 020 7946 0321\n\n"
        f"{DISCLAIMER}\n\n________________________________\nFrom: Action Plan Progress <{reply_to}>\n"
        f"Sent: {when:%d %B %Y %H:%M}\nTo: {a.name} <{a.email}>\nSubject: {a.subject}\n\n{a.text}"
    )
    headers = {"In_Reply_To": a.message_id, "References": a.message_id} if a.message_id else {}
    return _mail(frm, reply_to, f"RE: {a.subject}", body, when, Thread_Topic=a.subject, **headers)


def gmail_inline(a: Asked, reply_to: str, when: datetime, frm: str) -> EmailMessage:
    out, n, pending = [], 0, False
    for line in a.text.splitlines():
        out.append(f"> {line}" if line else ">")
        if line.startswith("[") and "]" in line:
            pending = True
        elif line.strip() == "Status:" and pending and n < len(a.answers):
            out.append(_sentence(a.answers[n][0]))
        elif line.strip() == "Progress:" and pending and n < len(a.answers):
            out.append(_sentence(a.answers[n][1]) + ".")
            n, pending = n + 1, False
    body = (
        f"Hello, my answers are inline below.\n\n{a.name.split()[0]}\n\n"
        f"On {when:%a, %d %b %Y at %H:%M}, Action Plan Progress <{reply_to}> wrote:\n" + "\n".join(out)
    )
    headers = {"In_Reply_To": a.message_id, "References": a.message_id} if a.message_id else {}
    return _mail(frm, reply_to, f"Re: {a.subject}", body, when, **headers)


def iphone_no_change(a: Asked, reply_to: str, when: datetime, frm: str) -> EmailMessage:
    return _mail(
        frm, reply_to, "Re: progress update", "No change since the last report.\n\nSent from my iPhone", when
    )


def out_of_office(a: Asked, reply_to: str, when: datetime, frm: str) -> EmailMessage:
    back = when + timedelta(days=14)
    body = (
        f"Thank you for your email. I am on annual leave until {back:%A} {back.day} {back:%B} with limited "
        "access to email. For anything urgent please contact the Community Safety team on 020 7946 0456."
    )
    return _mail(
        frm, reply_to, f"Automatic reply: {a.subject}", body, when,
        Auto_Submitted="auto-replied", X_Auto_Response_Suppress="All",
    )  # fmt: skip


def from_the_pa(a: Asked, reply_to: str, when: datetime, frm: str) -> EmailMessage:
    lines = [f"{ref}: {status}, {what}" for ref, (status, what) in zip(a.refs, a.answers, strict=True)]
    body = (
        f"Good morning,\n\n{a.name.split()[0]} has asked me to send her update, as she is at the LGA "
        "conference this week.\n\n" + "\n".join(lines) + "\n\nMany thanks,\nPriya\n\n"
        "Priya Shah\nPA to the Chief Executive\nRiverside Borough Council"
    )
    headers = {"In_Reply_To": a.message_id} if a.message_id else {}
    return _mail(frm, reply_to, f"RE: {a.subject}", body, when, **headers)


Writer = Callable[[Asked, str, datetime, str], EmailMessage]


def write_replies(
    engine: Engine,
    round_id: int,
    settings: Settings,
    clock: Clock,
    answers: dict[str, Answer] | None = None,
) -> list[DemoReply]:
    """Five leads answer, each in their own client's style; the others stay silent (the report shows it)."""
    asked = _asked(engine, round_id, settings, clock, answers or {})
    boss, pa = None, None
    with session_scope(engine, read_only=True) as s:
        pair = s.execute(
            select(Delegation.person_id, Delegation.delegate_id)
            .join(Prompt, Prompt.person_id == Delegation.person_id)
            .where(Prompt.round_id == round_id)
            .limit(1)
        ).first()
        if pair is not None:
            delegate = s.get_one(Person, pair.delegate_id)
            boss, pa = s.get_one(Person, pair.person_id).name, (delegate.name, delegate.email or "")
    # who answers how: the first lead of each kind found in this round
    plan: list[tuple[str, str, Writer, bool]] = []  # (lead, who writes, writer, with token)
    by_email = [a for a in asked.values() if a.email and a.name != boss]
    styles: list[tuple[str, Writer, bool]] = [
        ("Outlook on Windows, answers above the original", outlook_top_posted, True),
        ("Gmail, answers typed under each quoted action", gmail_inline, True),
        ("iPhone Mail, one line to the bare address", iphone_no_change, False),
        ("an out-of-office auto-reply", out_of_office, True),
    ]
    for a, (how, writer, token) in zip(by_email, styles, strict=False):
        plan.append((a.name, f"{a.name}, {how}", writer, token))
    if boss and pa and boss in asked:
        plan.append((boss, f"{pa[0]}, PA, answering for {boss}", from_the_pa, True))
    replies = []
    for lead, who, writer, with_token in plan:
        a = asked[lead]
        to = reply_address(settings.mail_domain, a.token if with_token else None)
        name, address = pa if writer is from_the_pa and pa else (a.name, a.email or "")
        msg = writer(a, to, clock.now(), f"{name} <{address}>")
        replies.append(DemoReply(who, msg.as_bytes(policy=SMTP), address, to))  # CRLF, as clients send
    return replies


def send(replies: list[DemoReply], port: int) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        for reply in replies:
            client.sendmail(reply.mail_from, [reply.to], reply.raw)


@dataclass(frozen=True)
class Outcome:
    who: str
    state: str
    updates: int
    reason: str | None


def outcomes(engine: Engine, replies: list[DemoReply]) -> list[Outcome]:
    """What became of each reply: its state, how many updates it recorded, and why it waits for review."""
    from mailin.inbound.store import external_id_for

    out = []
    with session_scope(engine, read_only=True) as s:
        for reply in replies:
            row = s.scalar(
                select(InboundMessage).where(InboundMessage.external_id == external_id_for(reply.raw))
            )
            if row is None:
                out.append(Outcome(reply.who, "not stored", 0, None))
                continue
            count = s.scalar(select(func.count(Update.id)).where(Update.inbound_message_id == row.id)) or 0
            out.append(Outcome(reply.who, row.state, count, row.reason))
    return out


def receive(engine: Engine, settings: Settings, clock: Clock, replies: list[DemoReply]) -> dict[str, int]:
    """Start the real SMTP server on a free loopback port, send the replies to it, process what it stored
    (receipts included), and stop it."""
    from mailin.inbound.process import process_pending
    from mailin.inbound.server import MailHandler, ServerThread
    from mailin.inbound.store import GroupCommitter

    committer = GroupCommitter(engine, clock)
    try:
        with ServerThread(MailHandler(engine, settings.mail_domain, clock, store=committer)) as server:
            send(replies, server.port)
    finally:
        committer.close()
    channels = channels_for(settings, clock)
    return dict(process_pending(engine, channels, settings, clock))
