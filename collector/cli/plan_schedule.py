"""`collector plan schedule` and `collector plan coordinators`: the settings that run a plan's rounds (when
they open, fall due, remind and escalate, and who is told), apart from the import and reading commands in
plan.py, which registers these two on the same `collector plan` group.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.table import Table

from .context import console, runtime

if TYPE_CHECKING:
    from collector.rounds.schedule import Cadence


def _days(value: str | None, option: str) -> int | None:
    """'14d', '2w' or '14' as days; None when not given."""
    if value is None:
        return None
    text = value.strip().lower()
    scale = 7 if text.endswith("w") else 1
    number = text.rstrip("dw").strip()
    if not number.isdigit():
        raise typer.BadParameter(
            f"{value!r}: write a number of days such as 14d (or weeks: 2w)", param_hint=option
        )
    return int(number) * scale


def schedule(
    ctx: typer.Context,
    plan: str = typer.Argument(..., help="The plan's id or name."),
    cron: str | None = typer.Option(
        None, "--cron", help="When rounds open: 5-field cron in the plan's time zone, e.g. '0 9 1 3,9 *'."
    ),
    due_after: str | None = typer.Option(
        None, "--due-after", help="A round is due this long after opening: 14d."
    ),
    close_after: str | None = typer.Option(
        None,
        "--close-after",
        help="...and closes this long after opening: 28d ('0' never closes it by itself).",
    ),
    remind: str | None = typer.Option(
        None, "--remind", help="Reminders, in working days before the due date (0 = on it): 7,2,0."
    ),
    escalate_after: str | None = typer.Option(
        None, "--escalate-after", help="Escalate this many working days after the due date: 3."
    ),
    timezone: str | None = typer.Option(None, "--timezone", help="The plan's time zone (default: TIMEZONE)."),
    clear: bool = typer.Option(False, "--clear", help="Stop opening rounds automatically."),
) -> None:
    """Set (or, with no options, show) when a plan's rounds open, fall due, remind, escalate and close."""
    from collector.rounds.schedule import cadence, set_schedule
    from store.queries import find_plan

    rt = runtime(ctx)
    reminders = None
    if remind is not None:
        try:
            reminders = [int(x) for x in remind.replace(" ", "").split(",") if x]
        except ValueError:
            raise typer.BadParameter(
                f"{remind!r}: write working days such as 7,2,0", param_hint="--remind"
            ) from None
    changing = (
        any(v is not None for v in (cron, due_after, close_after, remind, escalate_after, timezone)) or clear
    )
    with rt.session(read_only=not changing) as s:
        chosen = find_plan(s, plan)
        if changing:
            result = set_schedule(
                s,
                chosen,
                clock=rt.clock,
                default_tz=rt.settings.timezone,
                actor=rt.actor,
                cron=cron,
                due_after_days=_days(due_after, "--due-after"),
                close_after_days=_days(close_after, "--close-after"),
                reminder_days=reminders,
                escalate_after_days=_days(escalate_after, "--escalate-after"),
                timezone=timezone,
                clear=clear,
            )
        else:
            result = cadence(chosen, rt.settings.timezone)
        name = chosen.name
    _print_cadence(name, result)


def _print_cadence(name: str, c: Cadence) -> None:
    from zoneinfo import ZoneInfo

    if c.cron:
        nxt = c.next_opening_at.astimezone(ZoneInfo(c.timezone)) if c.next_opening_at else None
        when = f"{nxt:%a %d %b %Y %H:%M} ({c.timezone})" if nxt else "never again"
        console.print(f"Plan [bold]{name}[/]: rounds open on cron '{c.cron}'; next opening {when}.")
    else:
        console.print(
            f"Plan [bold]{name}[/]: no automatic openings (`collector round open` opens one by hand)."
        )
    closes = (
        f"closes {c.close_after_days} days after opening" if c.close_after_days else "stays open until closed"
    )
    reminders = ", ".join(str(d) for d in c.reminder_days) or "none"
    console.print(
        f"  due {c.due_after_days} days after opening, {closes}; reminders {reminders} working days "
        f"before the due date; escalation {c.escalate_after_days} working days after it."
    )


def coordinators(
    ctx: typer.Context,
    plan: str = typer.Argument(..., help="The plan's id or name."),
    add: list[str] = typer.Option(
        [], "--add", help="Make this person a coordinator (id, email, name or code)."
    ),
    remove: list[str] = typer.Option([], "--remove", help="Stop this person being a coordinator."),
) -> None:
    """List (or change) who coordinates a plan: they receive its escalations."""
    from collector.rounds.schedule import coordinators as current
    from collector.rounds.schedule import set_coordinators
    from store.people import contact_channel
    from store.queries import find_plan

    rt = runtime(ctx)
    with rt.session(read_only=not (add or remove)) as s:
        chosen = find_plan(s, plan)
        people = (
            set_coordinators(s, chosen, add=add, remove=remove, clock=rt.clock, actor=rt.actor)
            if add or remove
            else current(s, chosen)
        )
        rows = [
            (p.display, p.email or "", contact_channel(p) or "[yellow]no usable contact[/]") for p in people
        ]
    if not rows:
        console.print(
            f"Plan {plan} has no coordinators: `collector plan coordinators {plan} --add NAME` adds one."
        )
        return
    table = Table("coordinator", "email", "channel")
    for row in rows:
        table.add_row(*row)
    console.print(table)
