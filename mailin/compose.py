"""Build the email a person receives (text + HTML, safe headers) from a channel-neutral message.

Wording follows the outbox channel (collector/channels/outbox.py), whose helpers this module reuses, so a
lead reads
the same prompt whether it arrives by email or lands in var/outbox. Templates: the named triple (style.md 14)
(`prompt.subject.j2`, `prompt.text.j2`, `prompt.html`) in mailin/templates; only the `.html` ones are
autoescaped, because select_autoescape() works by extension and never escapes `*.j2` (docs/reliability.md F9).

Header safety (docs/reliability.md F4, C10): every header value built from plan, person or action text passes
through clean_header(), which removes CR, LF and every other control character, and every address through
check_address(), which refuses anything that is not one plain addr-spec.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from collector.channels.outbox import (
    bullet_lines,
    contact_line,
    first_name,
    fit_subject,
    how_to_answer,
    item_lines,
    receipt_line_lines,
    receipt_title,
    recorded,
    sender_name,
    shorten,
)
from collector.channels.protocol import (
    AskedItem,
    ChannelError,
    EscalationMessage,
    NoticeMessage,
    PromptMessage,
    ReceiptMessage,
    Recipient,
)
from collector.channels.reply_address import reply_address
from collector.core.vocabulary import Status, label, status_from_word
from collector.core.workdays import format_due

_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
# One addr-spec: a local part and a domain, nothing that could end the header or start another address.
_ADDRESS = re.compile(r"^[^@\s<>,;:\"()\[\]\\]+@[^@\s<>,;:\"()\[\]\\]+$")
KINDS = ("prompt", "reminder", "escalation", "receipt", "notice")


def clean_header(value: str | None, width: int = 200) -> str:
    """`value` on one line, without control or bidi-override characters, at most `width` characters."""
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in value or "")
    text = "".join(c for c in text.translate(_BIDI) if unicodedata.category(c) != "Cf" or c == "\u200d")
    return shorten(text, width)


def check_address(value: str | None) -> str:
    """The address itself when it is one plain `local@domain`; otherwise a permanent ChannelError."""
    if not value:
        raise ChannelError("no email address", permanent=True)
    if not _ADDRESS.match(value) or any(unicodedata.category(c) == "Cc" for c in value):
        raise ChannelError(f"not a usable email address: {value!r}", permanent=True)
    return value


def recipient_address(to: Recipient) -> Address:
    """`Name <email>` for the To header; the display name is cleaned and quoted by the email package."""
    local, domain = check_address(to.email).split("@")
    return Address(display_name=clean_header(to.name, 100), username=local, domain=domain)


@cache
def environment() -> Environment:
    """The templates, loaded from the installed package (needs package-data for mailin/templates/*)."""
    return Environment(
        loader=PackageLoader("mailin", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False, default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(template: str, context: dict[str, Any], sender: str = "") -> tuple[str, str, str]:
    """(subject, text, html) for `template` ("prompt", "reminder", ...): the named triple.

    `sender` is MAIL_FROM: its display name signs the message off and, when the plan has no coordinator,
    it is whom a prompt says to ask. The subject names the plan by `subject_title`, its title shortened by
    words only when the whole subject would pass SUBJECT_WIDTH."""
    env = environment()
    context = {"sign_off": sender_name(sender), **context}
    if "contact" in context:
        context["contact_line"] = contact_line(context["contact"], sender)
    subject_template = env.get_template(f"{template}.subject.j2")
    subject = fit_subject(
        lambda title: clean_header(subject_template.render({**context, "subject_title": title}), 998),
        context.get("plan_title") or "",
    )
    text = env.get_template(f"{template}.text.j2").render(context)
    html = env.get_template(f"{template}.html").render(context)
    return clean_header(subject), text, html


def _status_label(value: str | None) -> str | None:
    try:
        return label(Status(value)) if value else None
    except ValueError:
        return value


def _last_reported(item: AskedItem) -> str:
    status, progress = _status_label(item.last_status), item.last_progress or ""
    if status and status_from_word(progress) is not None:
        progress = ""  # "On target" under "On track" says nothing more (as the outbox shows it)
    return " - ".join(x for x in (status, shorten(progress, 140)) if x) or "nothing yet"


def _greeting(to: Recipient) -> str:
    return first_name(_one_line(to.name)) if to.name.strip() else "there"


def _one_line(text: str | None) -> str:
    """Titles and names in a body stay on one line, whatever line breaks the plan's cell held."""
    return " ".join((text or "").split())


def prompt_context(message: PromptMessage) -> dict[str, Any]:
    items = [
        {
            "ref": item.ref,
            "text": (item.intro or "") if item.parts else _one_line(item.text),
            "parts": list(item.parts),
            "target": shorten(item.target, 100) if item.target else "none given",
            "last": _last_reported(item),
            "answered_by": item.answered_by,
            "part_of": _one_line(item.part_of) if item.part_of else None,
            "lines": item_lines(item),
        }
        for item in message.items
    ]
    refs = [item.ref for item in message.items] or ["1.1"]
    return {
        "name": _greeting(message.recipient),
        "plan_title": _one_line(message.plan_title),
        "round_name": _one_line(message.round_name),
        "due": format_due(message.due) if message.due else None,
        "due_long": format_due(message.due, long=True) if message.due else None,
        "items": items,
        "link": message.link,
        "contact": message.contact,
        "how_lines": how_to_answer(message.items) if message.items else [],
        "example": refs[0],
        "other": refs[1] if len(refs) > 1 else refs[0],
    }


def escalation_context(message: EscalationMessage) -> dict[str, Any]:
    return {
        "name": _greeting(message.recipient),
        "plan_title": _one_line(message.plan_title),
        "round_name": _one_line(message.round_name),
        "due_long": format_due(message.due, long=True) if message.due else "its due date",
        "missing": [{"lead": _one_line(m.lead), "refs": ", ".join(m.refs)} for m in message.missing],
    }


def receipt_context(message: ReceiptMessage) -> dict[str, Any]:
    lines = [
        {
            "title": receipt_title(line),
            "recorded": recorded(line),
            "has_status": bool(line.status),
            "progress": line.progress.strip() or "none given",
            "lines": receipt_line_lines(line),
        }
        for line in message.lines
    ]
    return {
        "name": _greeting(message.recipient),
        "plan_title": _one_line(message.plan_title),
        "round_name": _one_line(message.round_name),
        "lines": lines,
        "needs_review": list(message.needs_review),
        "review_lines": [text for item in message.needs_review for text in bullet_lines(item)],
    }


def notice_context(message: NoticeMessage) -> dict[str, Any]:
    return {
        "name": _greeting(message.recipient),
        "subject": message.subject,
        "plan_title": _one_line(message.plan_title),
        "lines": list(message.lines),
    }


@dataclass(frozen=True)
class Envelope:
    """Who and where: everything besides the wording that goes into the headers."""

    sender: str
    mail_domain: str
    now: datetime
    reply_token: str | None = None
    thread_ref: str | None = None


def compose(template: str, context: dict[str, Any], to: Recipient, envelope: Envelope) -> EmailMessage:
    """The complete multipart/alternative message, with a fresh Message-ID, ready for the relay."""
    recipient = recipient_address(to)  # first: a person without a usable address fails before rendering
    domain = clean_header(envelope.mail_domain, 100).replace(" ", "") or "localhost"
    subject, text, html = render(template, context, envelope.sender)
    msg = EmailMessage()
    msg["From"] = clean_header(envelope.sender)
    msg["To"] = recipient
    msg["Subject"] = subject
    msg["Date"] = format_datetime(envelope.now)
    msg["Message-ID"] = make_msgid(domain=domain)
    if envelope.reply_token:  # a token that cannot go into an address is a bug: ValueError
        msg["Reply-To"] = check_address(reply_address(domain, envelope.reply_token))
    if envelope.thread_ref:
        ref = clean_header(envelope.thread_ref, 250).replace(" ", "")
        msg["In-Reply-To"] = ref
        msg["References"] = ref
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: autoresponders must not answer it
    msg["X-Auto-Response-Suppress"] = "All"  # Exchange: no out-of-office or read receipts back to us
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg


def compose_prompt(message: PromptMessage, envelope: Envelope) -> EmailMessage:
    """A prompt or (kind="reminder") its reminder; the Reply-To carries the token that routes the answer."""
    template = "reminder" if message.kind == "reminder" else "prompt"
    return compose(template, prompt_context(message), message.recipient, envelope)


def compose_escalation(message: EscalationMessage, envelope: Envelope) -> EmailMessage:
    return compose("escalation", escalation_context(message), message.recipient, envelope)


def compose_receipt(message: ReceiptMessage, envelope: Envelope) -> EmailMessage:
    return compose("receipt", receipt_context(message), message.recipient, envelope)


def compose_notice(message: NoticeMessage, envelope: Envelope) -> EmailMessage:
    return compose("notice", notice_context(message), message.recipient, envelope)
