"""The coordinators' slash command: start, status, remind, close, report. Each subcommand is the CLI's own
service call (collector.rounds.lifecycle, remind, round_status, tick), so Slack and the CLI cannot drift
apart.

Each function returns what to tell the coordinator, in mrkdwn; a UserError's one line is the answer too.
"""

from __future__ import annotations

import logging
import shlex
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks.common import md
from bot.context import Bot
from collector.core.errors import UserError
from collector.core.workdays import local_date, zone
from collector.rounds.lifecycle import close_round, open_round, open_round_of
from collector.rounds.remind import remind_now
from collector.rounds.status import round_status
from collector.rounds.tick import send_pending
from store.db import session_scope
from store.models.directory import Person
from store.models.plans import ActionLead, Plan
from store.models.rounds import Round
from store.queries import find_plan

log = logging.getLogger(__name__)

USAGE = (
    "*{cmd} start [plan] [due date]*  open a round and send every lead their prompt "
    "(due date as YYYY-MM-DD)\n"
    "*{cmd} status [plan]*  response rates by lead for the open round\n"
    "*{cmd} remind [lead]*  remind everyone (or one lead) still owing answers\n"
    "*{cmd} close [plan]*  close the open round\n"
    "*{cmd} report [plan]*  build the progress report and post it to the committee channel"
)

Say = Callable[[str], None]


def run(bot: Bot, text: str, *, actor: str, say: Say) -> None:
    """Do the subcommand in `text`, telling the coordinator how it goes (several messages for start)."""
    try:
        words = shlex.split(text or "")
    except ValueError:
        words = (text or "").split()
    verb, args = (words[0].lower(), words[1:]) if words else ("help", [])
    handlers: dict[str, Callable[..., None]] = {
        "start": start,
        "status": status,
        "remind": remind,
        "close": close,
        "report": report,
    }
    if verb not in handlers:
        say(USAGE.format(cmd=bot.settings.slack_command))
        return
    try:
        handlers[verb](bot, args, actor=actor, say=say)
    except UserError as exc:
        say(f"Nothing done: {md(str(exc))}")


def _plan(s: Session, ident: str | None) -> Plan:
    if ident:
        return find_plan(s, ident)
    plans = list(s.scalars(select(Plan).order_by(Plan.id)))
    if len(plans) == 1:
        return plans[0]
    names = ", ".join(p.name for p in plans) or "none yet"
    raise UserError(f"say which plan: {names}")


def _open_round(s: Session, ident: str | None) -> Round:
    if ident:
        found = open_round_of(s, find_plan(s, ident))
        if found is None:
            raise UserError(f"plan {ident} has no open round")
        return found
    rounds = list(s.scalars(select(Round).where(Round.kind == "collection", Round.state == "open")))
    if len(rounds) != 1:
        raise UserError("no round is open" if not rounds else "several rounds are open: say which plan")
    return rounds[0]


def start(bot: Bot, args: list[str], *, actor: str, say: Say) -> None:
    due_text = next((a for a in args if a[:1].isdigit() and "-" in a), None)
    plan_ident = next((a for a in args if a != due_text), None)
    with session_scope(bot.engine, read_only=True) as s:
        plan = _plan(s, plan_ident)
        plan_id = plan.id
        tz = zone(plan.timezone, bot.settings.timezone)
        today = local_date(bot.clock.now(), tz)
        waiting = _slack_leads_without_id(s, plan_id)
    try:
        due = date.fromisoformat(due_text) if due_text else today + timedelta(days=plan.due_after_days)
    except ValueError:
        raise UserError(f"{due_text!r} is not a date: write it as YYYY-MM-DD") from None
    for person_id, email in waiting:  # leads who prefer Slack but have no id yet: look them up first
        try:
            bot.directory.slack_id_for(person_id, email)
        except Exception:
            log.warning("could not look up a Slack id for person %s", person_id, exc_info=True)
    with session_scope(bot.engine) as s:
        opened = open_round(
            s,
            s.get_one(Plan, plan_id),
            due=due,
            closes=None,
            subset=None,
            clock=bot.clock,
            actor=actor,
            via="slack",
            default_tz=bot.settings.timezone,
        )
        if opened.round is None:  # only a dry run opens no round, and this is not one
            raise UserError("the round was not opened")
        round_id, name, asks = opened.round.id, opened.name, len(opened.asks)
        actions, unreachable = opened.actions, [u.lead for u in opened.unreachable]
    say(
        f"Opened *{md(name)}* (round #{round_id}): {asks} leads asked about {actions} actions, "
        f"due {due:%A %d %B %Y}. Sending now…"
    )
    report = send_pending(
        bot.engine, bot.channels, bot.clock, round_id=round_id, timezone=bot.settings.timezone, actor=actor
    )
    by = ", ".join(f"{n} by {channel}" for channel, n in sorted(report.channels.items())) or "none"
    lines = [f"Sent {report.prompts_sent} of {asks} prompts ({by})."]
    if report.retrying:
        lines.append(f"{report.retrying} could not be sent yet: they will be tried again shortly.")
    if report.failed:
        lines.append(f"{report.failed} failed: `{bot.settings.slack_command} status` says why.")
    if unreachable:
        lines.append("Cannot be prompted (no email or Slack): " + md(", ".join(unreachable)))
    say(" ".join(lines))


def _slack_leads_without_id(s: Session, plan_id: int) -> list[tuple[int, str]]:
    from store.models.plans import Action

    query = (
        select(Person.id, Person.email)
        .join(ActionLead, ActionLead.person_id == Person.id)
        .join(Action, Action.id == ActionLead.action_id)
        .where(Action.plan_id == plan_id, Person.slack_user_id.is_(None), Person.email.is_not(None))
        .where(Person.preferred_channel == "slack")
        .distinct()
    )
    return [(pid, email) for pid, email in s.execute(query) if email is not None]  # the query's own filter


def status(bot: Bot, args: list[str], *, actor: str, say: Say) -> None:
    with session_scope(bot.engine, read_only=True) as s:
        st = round_status(s, _open_round(s, args[0] if args else None))
        t = st.totals
        rate = f"{100 * t['complete'] // t['prompts']}%" if t["prompts"] else "n/a"
        head = (
            f"*{md(st.round.name)}* ({md(st.plan.title)}), due {st.round.due_date}: "
            f"{t['complete']} of {t['prompts']} leads done ({rate}), "
            f"{t['answered']} of {t['asked']} actions answered."
        )
        rows = []
        for row in st.rows:
            state = "done" if row.asked == row.answered else f"{row.answered}/{row.asked} answered"
            extra = f", {row.reminders} reminders" if row.reminders else ""
            extra += f", *{row.status}*" if row.status != "sent" else ""
            rows.append(f"• {md(row.lead)} ({row.channel}): {state}{extra}")
        rows += [f"• {md(u['lead'])}: cannot be prompted ({md(u['why'])})" for u in st.unreachable]
    say(head + "\n" + "\n".join(rows)[:2800])


def remind(bot: Bot, args: list[str], *, actor: str, say: Say) -> None:
    lead = " ".join(args) or None
    with session_scope(bot.engine, read_only=True) as s:
        round_id = _open_round(s, None).id
    result = remind_now(
        bot.engine,
        bot.channels,
        bot.clock,
        round_id=round_id,
        lead=lead,
        timezone=bot.settings.timezone,
        actor=actor,
    )
    groups = ([("Reminded", result.sent)] if result.sent else []) + result.unsent()
    parts = [f"{label}: {md(', '.join(names))}" for label, names in groups]
    say(". ".join(parts) + "." if parts else "Nobody to remind.")


def close(bot: Bot, args: list[str], *, actor: str, say: Say) -> None:
    with session_scope(bot.engine) as s:
        round_ = _open_round(s, args[0] if args else None)
        close_round(s, round_, clock=bot.clock, actor=actor, via="slack", reason="closed in Slack")
        name, round_id = round_.name, round_.id
    say(f"Closed *{md(name)}* (round #{round_id}). Late answers are still recorded.")


def report(bot: Bot, args: list[str], *, actor: str, say: Say) -> None:
    from bot import reporting

    reporting.build_and_post(bot, args[0] if args else None, actor=actor, say=say)


def describe(value: Any) -> str:
    return md(str(value))
