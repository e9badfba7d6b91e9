"""Send the committee's report: the one service behind both `collector report send` and Slack's
`/progress report`, so the two agree on who receives a report and on what is kept about it.

A send picks the plan (and round), works out the audience (the committee's email list and its Slack channel:
the plan's own, else the installation's SLACK_COMMITTEE_CHANNEL), compiles the report in a read-only
transaction, renders the files and records each one. The planned recipients are recorded BEFORE the email or
Slack call and the time it went after, so a crash mid-send shows in `report list` as "not confirmed" rather
than being lost or quietly repeated. The transports are passed in (a relay, a Slack client), so this module
imports neither mailin nor slack_sdk.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from collector.channels.protocol import ChannelError
from collector.core.clock import Clock
from collector.core.errors import UserError
from collector.core.settings import Settings
from collector.core.workdays import zone
from reports.build import Built, build_files, record
from reports.compile import compile_report
from reports.distribute import Relay, SlackClient, check_addresses, compose, post_to_slack, send_email
from reports.model import ReportData
from reports.render.md import render_md
from store.db import session_scope
from store.models.plans import Plan
from store.models.records import Report
from store.queries import find_plan

log = logging.getLogger(__name__)

COMMITTEE = "committee"  # in `to`: the plan's committee list, and its Slack channel


@dataclass(frozen=True)
class SendRequest:
    plan: str | None  # the plan's id or name; None when the installation has exactly one plan
    round_ref: str | None = None  # a round's id or name; None for the latest
    exceptions: bool = False
    to: tuple[str, ...] = (COMMITTEE,)  # "committee" and/or email addresses
    email: bool = True  # False: post to the committee's Slack channel only (Slack's `/progress report`)
    formats: tuple[str, ...] = ("pdf", "docx", "xlsx")
    out_dir: Path | None = None  # where the files are kept; None for var/reports


@dataclass(frozen=True)
class Audience:
    addresses: list[str]  # emailed
    channel: str | None  # the Slack channel posted to, when there is a client to post with


@dataclass(frozen=True)
class Sent:
    data: ReportData
    files: list[Built]
    addresses: list[str]
    emailed: str | None  # "relay" or the .eml file written; None when nobody was emailed
    posted: str | None  # the Slack channel posted to
    not_posted: str | None  # a committee channel that is set but had no Slack client to post with


class NotPosted(UserError):
    """Slack refused the post (or could not be reached): the files are built and recorded, and any email has
    gone; the recipients stay on record without a sent time."""

    def __init__(self, message: str, *, channel: str, reason: str) -> None:
        super().__init__(message)
        self.channel, self.reason = channel, reason


def send_report(
    engine: Engine,
    request: SendRequest,
    *,
    settings: Settings,
    clock: Clock,
    actor: str,
    relay: Relay | None = None,
    slack: SlackClient | None = None,
    progress: Callable[[str], None] | None = None,
) -> Sent:
    """Compile, build, record the files, record the recipients, email and/or post, then mark it sent.
    `relay` None writes the email to var/outbox/; `slack` None posts nothing. `progress(text)` is told
    each step as it starts. Raises UserError (one line for the person who asked) for anything they can
    fix; NotPosted when only the Slack post failed."""
    say = progress or (lambda _text: None)
    with session_scope(engine, read_only=True) as s:
        plan = _plan(s, request.plan)
        audience = _audience(plan, request, settings.slack_committee_channel)
        if not request.email and slack is None:
            raise UserError("Slack is not configured, so the report cannot be posted to its channel")
        tz = zone(plan.timezone, settings.timezone)
        today = clock.now().astimezone(tz).date()
        data = compile_report(s, plan, request.round_ref, today=today, tz=tz, exceptions=request.exceptions)
    out_dir = request.out_dir or Path(settings.var_dir) / "reports"
    built = build_files(
        data, list(request.formats), out_dir, progress=lambda n: say(f"Building the report: {n}…")
    )
    with session_scope(engine) as s:
        ids = [row.id for row in record(s, data, built, now=clock.now(), actor=actor)]
    channel = audience.channel if slack is not None else None
    planned = [f"email:{a}" for a in audience.addresses] + ([f"slack:{channel}"] if channel else [])
    _mark(engine, ids, planned, sent=None)  # the attempt is on record before anything goes out
    emailed = None
    if audience.addresses:
        say("Sending the email…")
        emailed = _email(data, built, audience.addresses, settings=settings, clock=clock, relay=relay)
    if slack is not None and channel:
        say("Posting to Slack…")
        _post(slack, channel, data, built, emailed=emailed is not None)
    _mark(engine, ids, planned, sent=clock)
    not_posted = audience.channel if channel is None else None
    return Sent(data, built, audience.addresses, emailed, channel, not_posted)


def _plan(session: Session, ident: str | None) -> Plan:
    """The plan named, or the installation's only one when none is."""
    if ident:
        return find_plan(session, ident)
    plans = list(session.scalars(select(Plan).limit(2)))
    if len(plans) != 1:
        raise UserError("say which plan: `report PLAN` (there is more than one)" if plans else "no plans yet")
    return plans[0]


def _audience(plan: Plan, request: SendRequest, default_channel: str | None) -> Audience:
    """Who the send reaches. "committee" is the plan's list and its channel (the plan's own, else the
    installation's); a send to named people only is not a post to the committee's channel."""
    parts = [p.strip() for p in request.to if p.strip()]
    committee = any(p.casefold() == COMMITTEE for p in parts)
    channel = (plan.committee_slack_channel or default_channel) if committee else None
    if not request.email:
        if not channel:
            raise UserError(
                f"plan {plan.name} has no committee channel and SLACK_COMMITTEE_CHANNEL is not set, so there "
                f"is nowhere to post the report: set one with "
                f"`collector report committee --plan {plan.name} --slack-channel C0123ABCD`"
            )
        return Audience([], channel)
    addresses = [p for p in parts if p.casefold() != COMMITTEE]
    if committee:
        listed = list(plan.committee_emails or [])
        if not listed:
            raise UserError(
                f"plan {plan.name} has no committee list: add one with "
                f"`collector report committee --plan {plan.name} --add clerk@example.org`, "
                "or give --to addresses"
            )
        addresses = listed + addresses
    if not addresses:
        raise UserError("nobody to send the report to: give --to committee or email addresses")
    return Audience(check_addresses(addresses), channel)


def _email(
    data: ReportData,
    built: list[Built],
    addresses: list[str],
    *,
    settings: Settings,
    clock: Clock,
    relay: Relay | None,
) -> str:
    msg = compose(
        data, built, sender=settings.sender, to=addresses, now=clock.now(), domain=settings.mail_domain
    )
    try:
        delivered = send_email(msg, relay=relay, outbox=Path(settings.var_dir) / "outbox", now=clock.now())
    except ChannelError as exc:
        raise UserError(f"the report was not emailed: {exc}") from exc
    return delivered.where


def _post(slack: SlackClient, channel: str, data: ReportData, built: list[Built], *, emailed: bool) -> None:
    try:
        post_to_slack(slack, channel, render_md(data, "slack"), [b.path for b in built])
    except UserError:
        raise
    except Exception as exc:  # slack_sdk's SlackApiError or a connection error: one line for the user
        response: Any = getattr(exc, "response", None)  # a SlackResponse, when Slack answered at all
        reason = str(response.get("error") if hasattr(response, "get") else exc)
        log.warning("posting the report to %s failed: %s", channel, reason)
        if emailed:
            message = f"the email went, but posting to Slack channel {channel} failed: {exc}"
        else:
            message = f"the report was built but Slack refused the post ({reason})"
        raise NotPosted(message, channel=channel, reason=reason) from exc


def _mark(engine: Engine, ids: list[int], recipients: list[str], *, sent: Clock | None) -> None:
    """Record who the files go to; with `sent`, the time they went."""
    with session_scope(engine) as s:
        for row in s.scalars(select(Report).where(Report.id.in_(ids))):
            row.recipients = list(recipients)
            if sent is not None:
                row.sent_at = sent.now()
