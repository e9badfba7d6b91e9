"""EmailChannel: the Channel (collector/channels/protocol.py) that sends prompts, reminders, escalations,
receipts and
notices as multipart email, through the SMTP_URL relay or, without one, as .eml files in var/outbox.

Reply routing: prompts and reminders carry Reply-To: progress+TOKEN@MAIL_DOMAIN (style.md 3); reminders and
receipts thread under the prompt (In-Reply-To/References = the prompt's Message-ID). The Message-ID is made
here and returned as Sent.external_id, so it is known even when the relay times out after accepting. When
the message carries a send_id (every send of the delivery engine: a Delivery row), the Message-ID derives
from it alone, so a send made again after a crash or a timeout is the same message to the relay and to the
reader's client, which can drop the copy (at least once, docs/reliability.md C5).
"""

from __future__ import annotations

import logging
import re
import uuid
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path
from typing import Protocol

from collector.channels.outbox import file_slug, write_outbox
from collector.channels.protocol import (
    EscalationMessage,
    NoticeMessage,
    PromptMessage,
    ReceiptMessage,
    Recipient,
    Sent,
)
from collector.core.clock import Clock, SystemClock
from collector.core.settings import Settings
from mailin import compose
from mailin.outbound.smtp import SmtpSender

log = logging.getLogger(__name__)


class Relay(Protocol):
    def send(self, msg: EmailMessage) -> None: ...


class EmailChannel:
    """Thin: compose (mailin/compose.py), then hand to the relay (mailin/outbound/smtp.py) or write
    an .eml file."""

    name = "email"

    def __init__(self, settings: Settings, clock: Clock | None = None, *, smtp: Relay | None = None):
        self.settings = settings
        self.clock = clock or SystemClock()
        self.relay: Relay | None = smtp
        if self.relay is None and settings.smtp_url:
            self.relay = SmtpSender(settings.smtp_url)  # connects lazily, on the first send
        self.directory = Path(settings.var_dir) / "outbox"

    def send_prompt(self, message: PromptMessage) -> Sent:
        return self._prompt(message)

    def send_reminder(self, message: PromptMessage) -> Sent:
        return self._prompt(message)

    def send_escalation(self, message: EscalationMessage) -> Sent:
        msg = compose.compose_escalation(message, self._envelope())
        return self._deliver("escalation", message.recipient, msg, message.send_id)

    def send_receipt(self, message: ReceiptMessage) -> Sent:
        msg = compose.compose_receipt(message, self._envelope(thread_ref=message.thread_ref))
        return self._deliver("receipt", message.recipient, msg, message.send_id)

    def send_notice(self, message: NoticeMessage) -> Sent:
        msg = compose.compose_notice(message, self._envelope())
        return self._deliver("notice", message.recipient, msg, message.send_id)

    def close(self) -> None:
        """Close the relay connection, if one is open (the scheduler calls it on shutdown)."""
        close = getattr(self.relay, "close", None)
        if close is not None:
            close()

    def _prompt(self, message: PromptMessage) -> Sent:
        envelope = self._envelope(reply_token=message.reply_token, thread_ref=message.thread_ref)
        msg = compose.compose_prompt(message, envelope)
        return self._deliver(message.kind, message.recipient, msg, message.send_id)

    def _envelope(self, *, reply_token: str | None = None, thread_ref: str | None = None) -> compose.Envelope:
        return compose.Envelope(
            sender=self.settings.sender,
            mail_domain=self.settings.mail_domain,
            now=self.clock.now(),
            reply_token=reply_token,
            thread_ref=thread_ref,
        )

    def _deliver(self, kind: str, to: Recipient, msg: EmailMessage, send_id: str | None) -> Sent:
        if send_id:
            msg.replace_header("Message-ID", message_id(send_id, self.settings.mail_domain))
        external_id = str(msg["Message-ID"])
        if self.relay is not None:
            self.relay.send(msg)
            return Sent(external_id=external_id, detail={"to": str(msg["To"])})
        path = self._write(kind, to, msg)
        log.info("%s %s written to %s", external_id, kind, path)
        return Sent(external_id=external_id, detail={"path": str(path), "to": str(msg["To"])})

    def _write(self, kind: str, to: Recipient, msg: EmailMessage) -> Path:
        """The message as an .eml file, written whole or not at all
        (collector.channels.outbox.write_outbox)."""
        data, label = msg.as_bytes(policy=SMTP), f"{kind}-{file_slug(to.name)}"
        return write_outbox(
            self.directory,
            data,
            now=self.clock.now(),
            label=label,
            unique=uuid.uuid4().hex[:8],
            suffix=".eml",
        )


def message_id(send_id: str, mail_domain: str) -> str:
    """The Message-ID of the send `send_id`: the same every time it is made (RFC 5322 section 3.6.4)."""
    local = re.sub(r"[^A-Za-z0-9.-]", "", send_id) or uuid.uuid4().hex
    domain = re.sub(r"[^A-Za-z0-9.-]", "", mail_domain) or "localhost"
    return f"<{local}@{domain}>"
