"""Send a built report to the committee: an email with the summary in its body and the files attached, and
a Slack post when the plan has a committee channel and Slack is configured.

The transport is passed in (style.md 11): `relay` is anything with `send(EmailMessage)` (mailin's SmtpSender
when SMTP_URL is set); without one the message is written as an .eml file to the outbox folder, exactly as
mailin's EmailChannel does. Slack is any client with slack_sdk's `chat_postMessage` and `files_upload_v2`, so
this module imports neither mailin nor slack_sdk (reports/ and mailin are siblings: docs/architecture.md).
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any, Protocol

from collector.channels.outbox import write_outbox
from collector.core.errors import UserError
from reports.build import FORMATS, Built
from reports.model import ReportData
from reports.render.html import render_email_html
from reports.render.text import render_text
from reports.render.words import round_label
from reports.safe import one_line, truncate

MAX_ATTACHMENTS = 20 * 1024 * 1024  # most relays refuse messages over 25 MB once base64 adds its third
_ADDRESS = re.compile(r"^[^@\s<>,;:\"()\[\]\\]+@[^@\s<>,;:\"()\[\]\\]+\.[^@\s<>,;:\"()\[\]\\]+$")


class Relay(Protocol):
    def send(self, msg: EmailMessage) -> None: ...


class SlackClient(Protocol):
    """The two slack_sdk WebClient methods a committee post needs."""

    def chat_postMessage(
        self,
        *,
        channel: str,
        text: str | None = ...,
        unfurl_links: bool | None = ...,
        unfurl_media: bool | None = ...,
        **kwargs: Any,
    ) -> Any: ...

    def files_upload_v2(
        self,
        *,
        file_uploads: list[dict[str, Any]] | None = ...,
        channel: str | None = ...,
        thread_ts: str | None = ...,
        **kwargs: Any,
    ) -> Any: ...


def check_addresses(addresses: Sequence[str]) -> list[str]:
    """The addresses, stripped and de-duplicated, each one plain local@domain.tld; else a UserError."""
    out: list[str] = []
    for raw in addresses:
        address = raw.strip()
        if not _ADDRESS.match(address) or any(unicodedata.category(c) == "Cc" for c in address):
            raise UserError(f"not a usable email address: {address!r}")
        if address.casefold() not in {a.casefold() for a in out}:
            out.append(address)
    return out


def subject(data: ReportData) -> str:
    kind = "exceptions report" if data.exceptions else "progress report"
    round_name = round_label(data.round_name) or data.round_name
    return truncate(one_line(f"{data.plan_title}: {kind}, {round_name}"), 180, "…")


def compose(
    data: ReportData, files: list[Built], *, sender: str, to: list[str], now: datetime, domain: str
) -> EmailMessage:
    """The committee's email: a plain-text summary (render_text: readable as it is, nothing escaped), the
    HTML summary, then every file as an attachment."""
    total = sum(b.size for b in files)
    if total > MAX_ATTACHMENTS:
        raise UserError(
            f"the report files come to {total / 1_048_576:.1f} MB, too big to email: send fewer formats "
            "(--format pdf) or share the folder they are in"
        )
    msg = EmailMessage()
    msg["From"] = one_line(sender)
    msg["To"] = ", ".join(check_addresses(to))
    msg["Subject"] = subject(data)
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = make_msgid(domain=re.sub(r"[^A-Za-z0-9.-]", "", domain)[:100] or "localhost")
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies back to us
    names = [b.path.name for b in files]
    text = render_text(data) + "\nAttached:\n" + "".join(f"  * {name}\n" for name in names)
    msg.set_content(text)
    msg.add_alternative(render_email_html(data, names), subtype="html")
    for built in files:
        maintype, subtype = FORMATS[built.format].media_type.split("/")
        msg.add_attachment(
            built.path.read_bytes(), maintype=maintype, subtype=subtype, filename=built.path.name
        )
    return msg


@dataclass(frozen=True)
class Delivered:
    where: str  # "relay" or the .eml file written
    message_id: str


def send_email(msg: EmailMessage, *, relay: Relay | None, outbox: Path, now: datetime) -> Delivered:
    """Through the relay, or (no SMTP_URL) as an .eml file in `outbox`, written whole and renamed."""
    message_id = str(msg["Message-ID"])
    if relay is not None:
        relay.send(msg)
        return Delivered("relay", message_id)
    data = msg.as_bytes(policy=SMTP)
    path = write_outbox(outbox, data, now=now, label="report", unique=uuid.uuid4().hex[:8], suffix=".eml")
    return Delivered(str(path), message_id)


def post_to_slack(
    client: SlackClient, channel_id: str, summary_markdown: str, files: Sequence[Path]
) -> str | None:
    """Post the summary (Slack mrkdwn: render_md(data, "slack")) to the channel, then the files in its
    thread (files_upload_v2). Returns the message's ts. Errors are slack_sdk's own, for the caller to
    report. The one way a report reaches Slack: `report send` and the bot's `/progress report` both use it."""
    if not re.fullmatch(r"[CGD][A-Z0-9]{2,30}", channel_id):
        raise UserError(f"{channel_id!r} is not a Slack channel id (it looks like C0123ABCD)")
    text = truncate(summary_markdown, 3900, "\n…")  # chat.postMessage text is cut at 4,000 characters
    posted = client.chat_postMessage(channel=channel_id, text=text, unfurl_links=False, unfurl_media=False)
    ts = posted.get("ts") if hasattr(posted, "get") else None
    if files:
        uploads = [{"file": str(path), "filename": path.name, "title": path.name} for path in files]
        client.files_upload_v2(channel=channel_id, file_uploads=uploads, thread_ts=ts)
    return ts
