"""`collector round`: open a collection round, watch it, remind, close and reopen it.

Round commands act on the plan's open round (--plan), or on one round by id (--round). Opening writes the
round and its prompts in one transaction, then sends them at once with the scheduler's own claim-and-do
steps, so a prompt is never sent twice even if the scheduler is running too.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, overload
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from collector.core.errors import UserError

from .context import Runtime, console, runtime

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from collector.channels.protocol import Channel
    from collector.rounds.tick import TickReport
    from store.models.rounds import Round

app = typer.Typer(help="Collection rounds: open, list, status, remind, close, reopen.", no_args_is_help=True)

PLAN = typer.Option(None, "--plan", help="The plan's id or name: acts on its open round.")
ROUND = typer.Option(None, "--round", help="A round's id (from `collector round list`).")


_DAYS_AHEAD = re.compile(r"^\+?(\d{1,4})\s*d(?:ays?)?$", re.I)


@overload
def _date(value: str, option: str, today: date) -> date: ...
@overload
def _date(value: None, option: str, today: date) -> None: ...
@overload
def _date(value: str | None, option: str, today: date) -> date | None: ...
def _date(value: str | None, option: str, today: date) -> date | None:
    """YYYY-MM-DD, or a number of days from today ("14d"), so a guide's example never goes stale."""
    if value is None:
        return None
    if ahead := _DAYS_AHEAD.match(value.strip()):
        return today + timedelta(days=int(ahead[1]))
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date: write it as YYYY-MM-DD, or days from today: 14d", param_hint=option
        ) from None


def _today(rt: Runtime) -> date:
    return rt.clock.now().astimezone(rt.settings.tz).date()


def _list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _when(instant: datetime | None, tz: ZoneInfo) -> str:
    return f"{instant.astimezone(tz):%a %d %b %H:%M}" if instant else ""


def _closing_day(instant: datetime | None, tz: ZoneInfo) -> str:
    """A round closes at the end of its closing day: show that day, not the midnight after it."""
    return f"{(instant - timedelta(microseconds=1)).astimezone(tz):%a %d %b}" if instant else ""


def _round(s: Session, plan: str | None, round_id: int | None, state: str | None = "open") -> Round:
    from collector.rounds.lifecycle import find_round
    from store.queries import find_plan

    return find_round(s, plan=find_plan(s, plan) if plan else None, round_id=round_id, state=state)


def _channels(rt: Runtime) -> dict[str, Channel]:
    from collector.cli.wiring import channels_for

    return channels_for(rt.settings, rt.clock)


@app.command("open")
def open_(
    ctx: typer.Context,
    plan: str = typer.Option(..., "--plan", help="The plan's id or name."),
    due: str = typer.Option(..., "--due", help="When answers are due: YYYY-MM-DD, or days from today: 14d."),
    closes: str | None = typer.Option(None, "--closes", help="Close the round at the end of this day."),
    sections: str | None = typer.Option(None, "--sections", help="Only these sections, by ref: '1,2'."),
    leads: str | None = typer.Option(
        None, "--leads", help="Only these leads (code, name or email): 'AP,Jo Baker'."
    ),
    name: str | None = typer.Option(None, "--name", help="The round's name (default: season and year)."),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Show who would be asked about what; write nothing."
    ),
) -> None:
    """Open a round: one prompt per lead about all their open actions, sent straight away."""
    from collector.channels.registry import carrier, close_channels
    from collector.rounds.lifecycle import open_round
    from collector.rounds.tick import send_pending
    from store.models.directory import Person
    from store.people import usable_channels
    from store.queries import find_plan

    rt = runtime(ctx)
    due_day, closes_day = _date(due, "--due", _today(rt)), _date(closes, "--closes", _today(rt))
    subset = {"sections": _list(sections), "leads": _list(leads)}
    channels = _channels(rt)
    with rt.session(read_only=dry_run) as s:
        chosen = find_plan(s, plan)
        result = open_round(
            s,
            chosen,
            due=due_day,
            closes=closes_day,
            subset=subset,
            dry_run=dry_run,
            name=name,
            clock=rt.clock,
            actor=rt.actor,
            default_tz=rt.settings.timezone,
        )
        round_id = result.round.id if result.round else None
        usable = {a.person_id: usable_channels(s.get_one(Person, a.person_id)) for a in result.asks}
    table = Table("lead", "channel", "actions", title=f"{result.name}: due {result.due:%a %d %b %Y}")
    for ask in result.asks:
        by = carrier(list(channels), ask.channel, usable[ask.person_id])
        how = ask.channel if by == ask.channel else f"{ask.channel} (via {by})" if by else None
        if how is None:
            why = f"[yellow]unreachable: no configured channel ({', '.join(channels)}) can reach them[/]"
            table.add_row(ask.label, why, ", ".join(ask.refs), style="yellow")
        else:
            table.add_row(ask.label, how, ", ".join(ask.refs))
    for lost in result.unreachable:
        table.add_row(
            lost.lead, f"[yellow]cannot be prompted: {lost.why}[/]", ", ".join(lost.refs), style="yellow"
        )
    console.print(table)
    summary = f"{len(result.asks)} people asked about {result.actions} actions"
    if dry_run:
        console.print(f"{summary}. [dim]Dry run: nothing was written.[/]")
        return
    assert round_id is not None  # not a dry run: the round was written
    console.print(
        f"[green]Opened[/] round #{round_id} {result.name!r} of plan {result.plan.name}: {summary}."
    )
    with console.status(f"Sending {len(result.asks)} prompts…"):
        lease = timedelta(seconds=rt.settings.delivery_lease)
        try:
            report = send_pending(
                rt.engine,
                channels,
                rt.clock,
                round_id=round_id,
                lease=lease,
                timezone=rt.settings.timezone,
                actor=rt.actor,
            )
        finally:
            close_channels(channels)  # end the relay's SMTP session politely
    _say_where(rt, report)
    if result.unreachable:
        names = ", ".join(u.lead for u in result.unreachable)
        console.print(f"[yellow]Cannot be prompted:[/] {names} (`collector round status` lists them too).")


def _say_where(rt: Runtime, report: TickReport) -> None:
    for channel, n in sorted(report.channels.items()):
        noun = "prompt" if n == 1 else "prompts"
        if channel == "outbox":  # no channel configured: written, and said so, never counted as sent
            console.print(
                f"{n} {noun} written to {rt.settings.var_dir / 'outbox'}/ (not sent: no channel is "
                "configured; set SMTP_URL or SLACK_BOT_TOKEN to send them)"
            )
        else:
            console.print(f"{n} {noun} sent by {channel}")
    if report.unreachable:
        console.print(
            f"[yellow]{report.unreachable} unreachable[/]: no configured channel can reach them "
            "(`collector round status` names them; the escalation lists them)."
        )
    if report.retrying:
        console.print(
            f"[yellow]{report.retrying} could not be sent yet[/]: the scheduler tries again shortly."
        )
    if report.failed:
        console.print(f"[red]{report.failed} failed[/]: `collector round status` says why.")


@app.command("list")
def list_(ctx: typer.Context, plan: str | None = PLAN) -> None:
    """List collection rounds, newest first."""
    from collector.rounds.status import list_rounds
    from store.queries import find_plan

    rt = runtime(ctx)
    with rt.session(read_only=True) as s:
        rows = list_rounds(s, find_plan(s, plan) if plan else None)
        table = Table("id", "plan", "round", "state", "opened", "due", "closes", "prompts")
        for r, p, n in rows:
            tz = ZoneInfo(p.timezone or rt.settings.timezone)
            due = str(r.due_date or "")
            table.add_row(
                str(r.id),
                p.name,
                r.name,
                r.state,
                _when(r.opened_at, tz),
                due,
                _closing_day(r.closes_at, tz),
                str(n),
            )
    if not rows:
        console.print("No rounds yet: `collector round open --plan PLAN --due YYYY-MM-DD` opens one.")
        return
    console.print(table)


@app.command()
def status(ctx: typer.Context, plan: str | None = PLAN, round_id: int | None = ROUND) -> None:
    """Who was asked, through which channel, what was sent, and what has been answered."""
    from collector.rounds.status import delivery_line, round_status

    rt = runtime(ctx)
    lease = timedelta(seconds=rt.settings.delivery_lease)
    with rt.session(read_only=True) as s:
        st = round_status(s, _round(s, plan, round_id, state=None), now=rt.clock.now(), lease=lease)
        tz = ZoneInfo(st.plan.timezone or rt.settings.timezone)
        r = st.round
        title = f"#{r.id} {r.name} ({st.plan.name}): {r.state}, due {r.due_date}"
    table = Table("lead", "channel", "sent", "reminders", "answered", "last activity", title=title)
    for row in st.rows:
        channel = f"{row.channel} (via {row.via})" if row.via else row.channel
        sent = _when(row.sent_at, tz) if row.delivery == "sent" else f"[red]{row.delivery}[/]"
        if row.delivery == "written":
            sent = f"written {_when(row.sent_at, tz)} (not sent)"
        style = "yellow" if row.delivery != "sent" else None
        answered = f"{row.answered}/{row.asked}"
        table.add_row(
            row.lead, channel, sent, str(row.reminders), answered, _when(row.last_activity, tz), style=style
        )
    for lost in st.unreachable:
        table.add_row(lost["lead"], "[yellow]cannot be prompted[/]", lost["why"], "", "", "", style="yellow")
    console.print(table)
    t = st.totals
    outbox = rt.settings.var_dir / "outbox"
    written = f", {t['written']} written to {outbox}/ (not sent)" if t["written"] else ""
    stuck = f", {t['stuck']} stuck (claimed longer than the lease: sent again shortly)" if t["stuck"] else ""
    console.print(
        f"{t['prompts']} prompts: {t['sent']} sent{written}, {t['failed']} failed, "
        f"{t['unreachable']} unreachable, {t['pending']} pending{stuck}; "
        f"{t['answered']}/{t['asked']} actions answered; {t['complete']} leads done; "
        f"{t['cannot_prompt']} cannot be prompted."
    )
    if sum(st.messages.values()) > t["prompts"]:
        console.print(f"All messages of the round: {delivery_line(st.messages)}.")
    for row in st.rows:
        if row.failure:
            console.print(f"[red]problem:[/] prompt to {row.lead}: {row.failure}")
    for problem in st.problems:
        console.print(f"[red]problem:[/] {problem}")


@app.command()
def remind(
    ctx: typer.Context,
    plan: str | None = PLAN,
    round_id: int | None = ROUND,
    lead: str | None = typer.Option(None, "--lead", help="Only this lead (name, code or email)."),
) -> None:
    """Send a reminder now, outside the schedule, about the actions still unanswered (once a day)."""
    from collector.rounds.remind import remind_now

    rt = runtime(ctx)
    with rt.session(read_only=True) as s:
        target = _round(s, plan, round_id).id
    from collector.channels.registry import close_channels

    channels = _channels(rt)
    try:
        result = remind_now(
            rt.engine,
            channels,
            rt.clock,
            round_id=target,
            lead=lead,
            timezone=rt.settings.timezone,
            actor=rt.actor,
        )
    finally:
        close_channels(channels)
    if not result.sent and result.already:
        who = ", ".join(result.already)
        raise UserError(f"already reminded today ({result.today}): {who}; one reminder a day, try tomorrow")
    if result.sent:
        console.print(f"[green]Reminded[/] {len(result.sent)}: {', '.join(result.sent)}.")
    for why, names in result.unsent():
        label = "[red]failed[/]" if why == "failed" else why
        console.print(f"{label}: {', '.join(names)}")
    if not (result.sent or result.failed):
        console.print("Nobody to remind.")


@app.command()
def close(ctx: typer.Context, plan: str | None = PLAN, round_id: int | None = ROUND) -> None:
    """Close a round: no more reminders or escalations (late answers are still recorded)."""
    from collector.rounds.lifecycle import close_round

    rt = runtime(ctx)
    with rt.session() as s:
        r = _round(s, plan, round_id)
        close_round(s, r, clock=rt.clock, actor=rt.actor)
        console.print(f"Closed round #{r.id} {r.name!r}.")


@app.command()
def reopen(
    ctx: typer.Context,
    plan: str | None = PLAN,
    round_id: int | None = ROUND,
    closes: str | None = typer.Option(None, "--closes", help="Close it again at the end of this day."),
) -> None:
    """Reopen a closed round (the plan's latest closed one with --plan)."""
    from collector.rounds.lifecycle import reopen_round

    rt = runtime(ctx)
    with rt.session() as s:
        r = _round(s, plan, round_id, state="closed")
        reopen_round(
            s,
            r,
            clock=rt.clock,
            actor=rt.actor,
            closes=_date(closes, "--closes", _today(rt)),
            default_tz=rt.settings.timezone,
        )
        console.print(f"Reopened round #{r.id} {r.name!r}.")
