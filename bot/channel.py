"""SlackChannel: prompts, reminders, escalations, receipts and notices as DMs from the bot.

Every message goes to the person's DM with the app (chat.postMessage with their user id as the channel);
the reply says which D... conversation it landed in, and Sent.external_id records it with each message's
ts (bot/ids.py), so reminders thread under the prompt and answers update it in place.

Errors (collector/channels/protocol.py): Slack answering ok:false about the person (user_not_found,
account_inactive,
cannot_dm_bot...) is permanent; 429s and 5xx that outlast slack_sdk's retry handlers, and connection errors,
are temporary. Either way, when the person has an email address, SLACK_FALLBACK_EMAIL is on and email is
configured (SMTP_URL: a relay that really sends), the message goes by email instead, with the same send_id
(so the same Message-ID on a second try), and an audit event records that it did. Without a relay there is
no fallback: writing a file to var/outbox/ is not reaching anyone, so the Slack error stands.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine, select

from bot.blocks.messages import escalation_message, notice_message, receipt_message
from bot.blocks.prompt import PromptView, prompt_messages
from bot.client import Pacer, make_client, scrub
from bot.ids import Posted, parse_posted
from bot.people import SlackDirectory
from bot.prompts import by_token, view_of
from collector.channels.protocol import (
    Channel,
    ChannelError,
    EscalationMessage,
    NoticeMessage,
    PromptMessage,
    ReceiptMessage,
    Recipient,
    Sent,
)
from collector.core.clock import Clock
from collector.core.settings import Settings
from store.audit import audit
from store.db import session_scope
from store.models.records import AuditEvent

log = logging.getLogger(__name__)

# ok:false errors that say this person cannot be reached on Slack (retrying will not help)
PERMANENT = {
    "channel_not_found",
    "user_not_found",
    "users_not_found",
    "account_inactive",
    "user_disabled",
    "cannot_dm_bot",
    "messages_tab_disabled",
    "is_archived",
}
# A prompt split over several messages that fails part-way is resumed, not resent: the parts already in the
# DM are recorded (an audit event per failed try) and the next try sends only the rest. A record older than
# this is ignored (the Ticker's retries span a few hours; a reminder tomorrow is a new message).
PARTS_EVENT = "slack.prompt.parts"
RESUME_WINDOW = timedelta(hours=12)
AUTH = {"invalid_auth", "not_authed", "token_revoked", "token_expired", "no_permission", "missing_scope"}


class SlackChannel:
    name = "slack"

    def __init__(
        self,
        client: WebClient,
        engine: Engine,
        clock: Clock,
        *,
        directory: SlackDirectory,
        pacer: Pacer,
        fallback: Channel | None = None,
    ):
        self.client, self.engine, self.clock = client, engine, clock
        self.directory, self.pacer, self.fallback = directory, pacer, fallback

    # -- the Channel protocol ----------------------------------------------------------------------------

    def send_prompt(self, message: PromptMessage) -> Sent:
        return self._guarded("prompt", message, lambda: self._post_prompt(message))

    def send_reminder(self, message: PromptMessage) -> Sent:
        return self._guarded("reminder", message, lambda: self._post_prompt(message))

    def send_escalation(self, message: EscalationMessage) -> Sent:
        return self._guarded(
            "escalation", message, lambda: self._post(message.recipient, escalation_message(message))
        )

    def send_receipt(self, message: ReceiptMessage) -> Sent:
        body = receipt_message(message)
        return self._guarded(
            "receipt", message, lambda: self._post(message.recipient, body, thread=message.thread_ref)
        )

    def send_notice(self, message: NoticeMessage) -> Sent:
        return self._guarded(
            "notice", message, lambda: self._post(message.recipient, notice_message(message))
        )

    # -- posting -------------------------------------------------------------------------------------------

    def _post_prompt(self, message: PromptMessage) -> Sent:
        with session_scope(self.engine, read_only=True) as s:
            prompt = by_token(s, message.reply_token) if message.reply_token else None
            view = view_of(s, prompt, message) if prompt is not None else None
            prompt_id = prompt.id if prompt is not None else None
        if view is None:
            view = PromptView(
                message.kind, message.reply_token or "", message.recipient.name, message.plan_title,
                message.round_name, message.due, message.items, link=message.link,
            )  # fmt: skip
        thread = message.thread_ref if message.kind == "reminder" else None
        key = {"kind": message.kind, "token": message.reply_token or "", "thread": thread}
        parts = prompt_messages(view)
        posted = resumed = self._parts_sent(key)
        if resumed is not None:
            log.info(
                "%s: resuming a split %s after part %d", resumed.external_id, message.kind, len(resumed.ts)
            )
        try:
            for part in parts[len(posted.ts) if posted else 0 :]:
                sent = self._post(
                    message.recipient, part, thread=thread if posted is None else None, to=posted
                )
                got = parse_posted(sent.external_id)
                if got is None:  # _post always answers with a Posted id
                    raise ChannelError(f"Slack's answer named no message: {sent.external_id!r}")
                if posted is not None:
                    got = Posted(posted.channel, (*posted.ts, *got.ts))
                posted = got
        except Exception:
            if posted is not None and posted != resumed:  # part of it is in the DM: never send that again
                self._record_parts(key, posted, len(parts), prompt_id)
            raise
        if posted is None:  # prompt_messages always gives at least one part, so one was posted
            raise ChannelError("the prompt had no message to post", permanent=True)
        if resumed is not None:
            self._record_parts(key, posted, len(parts), prompt_id, complete=True)
        return Sent(posted.external_id)

    def _parts_sent(self, key: dict[str, Any]) -> Posted | None:
        """The parts of this split prompt a failed try already posted (RESUME_WINDOW), or None."""
        since = self.clock.now() - RESUME_WINDOW
        with session_scope(self.engine, read_only=True) as s:
            rows = s.scalars(
                select(AuditEvent)
                .where(AuditEvent.event == PARTS_EVENT, AuditEvent.at >= since)
                .order_by(AuditEvent.id.desc())
                .limit(200)
            )
            latest = next((e.detail for e in rows if {k: e.detail.get(k) for k in key} == key), None)
        if latest is None or latest.get("complete"):
            return None
        return parse_posted(latest.get("posted"))

    def _record_parts(
        self,
        key: dict[str, Any],
        posted: Posted,
        total: int,
        prompt_id: int | None,
        *,
        complete: bool = False,
    ) -> None:
        with session_scope(self.engine) as s:
            audit(
                s, at=self.clock.now(), actor="slack", via="slack", entity="prompt", entity_id=prompt_id,
                event=PARTS_EVENT,
                detail={**key, "posted": posted.external_id, "sent": len(posted.ts), "of": total,
                        "complete": complete},
            )  # fmt: skip

    def _post(
        self,
        recipient: Recipient,
        body: dict[str, Any],
        *,
        thread: str | None = None,
        to: Posted | None = None,
    ) -> Sent:
        user = self._user(recipient)
        parent = parse_posted(thread)
        channel = to.channel if to else parent.channel if parent else user
        self.pacer.wait(channel)
        response = self.client.chat_postMessage(
            channel=channel,
            text=body["text"],
            blocks=body["blocks"],
            thread_ts=parent.thread_ts if parent and not to else None,
            unfurl_links=False,
            unfurl_media=False,
        )
        return Sent(Posted(response["channel"], (response["ts"],)).external_id)

    def _user(self, recipient: Recipient) -> str:
        user = recipient.slack_user_id or self.directory.slack_id_for(recipient.person_id, recipient.email)
        if not user:
            raise ChannelError(f"{recipient.name} has no Slack account we can find", permanent=True)
        return user

    # -- errors and the email fallback -------------------------------------------------------------------

    def _guarded(self, kind: str, message: Any, send: Callable[[], Sent]) -> Sent:
        try:
            return send()
        except SlackApiError as exc:
            error = exc.response.get("error") or f"HTTP {exc.response.status_code}"
            if error in AUTH:
                log.error(
                    "Slack refused the bot's credentials (%s): nothing can be sent until this is fixed", error
                )
            status = exc.response.status_code
            shown = f"{error} (HTTP {status})" if status != 200 else error
            failure = ChannelError(f"Slack: {shown}", permanent=error in PERMANENT and status == 200)
        except ChannelError as exc:
            failure = exc
        except OSError as exc:  # connection refused, reset, timed out: slack_sdk's own retries are spent
            failure = ChannelError(f"Slack unreachable: {scrub(str(exc))[:200]}")
        recipient: Recipient = message.recipient
        if self.fallback is None or not recipient.email or str(failure).startswith("Slack: invalid_blocks"):
            raise failure
        return self._by_email(kind, message, failure)

    def _by_email(self, kind: str, message: Any, failure: ChannelError) -> Sent:
        if hasattr(message, "thread_ref"):
            message = dataclasses.replace(message, thread_ref=None)  # a Slack ts means nothing to email
        sent = getattr(self.fallback, f"send_{kind}")(message)
        recipient: Recipient = message.recipient
        log.warning("%s %s to %s went by email: %s", sent.external_id, kind, recipient.name, failure)
        with session_scope(self.engine) as s:
            audit(
                s,
                at=self.clock.now(),
                actor="slack",
                via="slack",
                entity="person",
                entity_id=recipient.person_id,
                event="delivery.fallback",
                detail={
                    "kind": kind,
                    "error": str(failure),
                    "to": "email",
                    "external_id": sent.external_id,
                },
            )
        return Sent(sent.external_id, {**sent.detail, "fallback": "email", "slack_error": str(failure)})


def slack_channel(
    settings: Settings,
    clock: Clock | None = None,
    *,
    engine: Engine | None = None,
    client: WebClient | None = None,
    fallback: Channel | None = None,
) -> SlackChannel:
    """The Slack channel these settings configure (collector/channels/registry.py builds it when
    SLACK_BOT_TOKEN is set). Without an engine it opens its own on DATABASE_URL."""
    from collector.core.clock import SystemClock
    from store.db import make_engine

    clock = clock or SystemClock()
    engine = engine or make_engine(settings.database_url)
    client = client or make_client(settings)
    directory = SlackDirectory(engine, client, clock, coordinators=settings.slack_coordinators)
    return SlackChannel(
        client,
        engine,
        clock,
        directory=directory,
        pacer=Pacer(settings.slack_rate),
        fallback=fallback if settings.slack_fallback_email and _sends(fallback) else None,
    )


def _sends(channel: Channel | None) -> bool:
    """Whether `channel` really sends: an email channel without a relay only writes files."""
    return channel is not None and getattr(channel, "relay", True) is not None
