"""`collector update`: updates a coordinator types in (they came on paper, by phone, in a meeting), corrects
or withdraws, and the history of every update, withdrawn ones included.

`add` goes through intake like any reply, with the coordinator vouching for it; given only a status (or only
a revised target...), it corrects the round's latest update and keeps the rest
(collector/replies/corrections.py).
`withdraw` takes an update off the record without erasing it."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from collector.core.vocabulary import Status

from .context import console, runtime

app = typer.Typer(
    help="Updates typed in by a coordinator: add, correct, withdraw, and their history.", no_args_is_help=True
)


@app.command()
def add(
    ctx: typer.Context,
    plan: str = typer.Option(..., "--plan", help="The plan's id or name."),
    action: str = typer.Option(..., "--action", help="The action's ref as printed (1.1, 2.3 a))."),
    status: Status | None = typer.Option(
        None, help="completed, on_track, at_risk, off_track, not_started, withdrawn or no_change."
    ),
    progress: str = typer.Option("", help="What the lead said about it."),
    revised_target: str | None = typer.Option(
        None, "--revised-target", help="A new target, e.g. 'June 2027'."
    ),
    evidence: list[str] = typer.Option([], "--evidence", help="A link to evidence (repeatable)."),
    by: str | None = typer.Option(None, "--by", help="Who gave the update (name, code or email)."),
    round_id: int | None = typer.Option(None, "--round", help="The round (default: the plan's open round)."),
) -> None:
    """Record one action's update for the plan's open round (or --round). When the round already has one, the
    fields you leave out are kept from it: --status alone changes the status and keeps the lead's words."""
    from collector.replies.paper import record_paper_update

    rt = runtime(ctx)
    with rt.session() as s:
        result = record_paper_update(
            s,
            plan,
            action,
            status=status,
            progress=progress,
            revised_target=revised_target,
            evidence=evidence,
            by=by,
            round_id=round_id,
            clock=rt.clock,
            actor=rt.actor,
        )
        lines = [
            " ".join(filter(None, (f"{u.status or 'no status'}:", u.progress, f"(update {u.id})")))
            for u in result.recorded
        ]
    if result.review:
        console.print("[yellow]Not recorded:[/] " + "; ".join(result.review))
        raise typer.Exit(1)
    console.print(f"[green]Recorded[/] {action}: " + "; ".join(lines))


@app.command()
def withdraw(
    ctx: typer.Context,
    update_id: int = typer.Argument(..., metavar="ID", help="The update's id (`collector update list`)."),
    reason: str = typer.Option(..., "--reason", help="Why it is coming off the record."),
) -> None:
    """Take an update off the record: it stays in the history and the audit log, and counts nowhere (the
    round's update before it counts again)."""
    from collector.replies.corrections import withdraw as run

    rt = runtime(ctx)
    with rt.session() as s:
        run(s, update_id, reason=reason, actor=rt.actor, clock=rt.clock)
    console.print(f"Withdrew update {update_id}.")


@app.command("list")
def list_updates(
    ctx: typer.Context,
    plan: str = typer.Option(..., "--plan", help="The plan's id or name."),
    action: str | None = typer.Option(None, "--action", help="Only this action (its ref as printed)."),
    round_id: int | None = typer.Option(None, "--round", help="Only this round."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Every update of a plan, oldest first, with its id: corrections say what they changed, withdrawn
    updates say when, by whom and why."""
    from collector.replies.corrections import history_rows

    rt = runtime(ctx)
    with rt.session(read_only=True) as s:
        rows = history_rows(s, plan, action=action, round_id=round_id, default_tz=rt.settings.timezone)
    if as_json:
        console.print_json(json.dumps(rows))
        return
    if not rows:
        console.print("No updates.")
        return
    table = Table("id", "action", "round", "at", "status", "progress", "note")
    for row in rows:
        table.add_row(
            str(row["id"]),
            row["ref"],
            row["round"],
            row["at"][:16].replace("T", " "),
            row["status"] or "",
            (row["progress"] or "")[:60],
            row["note"],
            style="dim" if row["withdrawn"] else None,
        )
    console.print(table)
