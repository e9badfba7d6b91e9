"""`collector update add`: an update that arrived on paper, by phone or in a meeting, typed in by a
coordinator. It goes through intake like any reply, with the coordinator vouching for it."""

from __future__ import annotations

import typer

from collector.vocabulary import Status

from .context import console, runtime

app = typer.Typer(help="Updates that did not arrive by Slack or email.", no_args_is_help=True)


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
    """Record one action's update for the plan's open round (or --round)."""
    from collector.paper import record_paper_update

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
        lines = [f"{u.status or 'no status'}: {u.progress or ''}".strip() for u in result.recorded]
    if result.review:
        console.print("[yellow]Not recorded:[/] " + "; ".join(result.review))
        raise typer.Exit(1)
    console.print(f"[green]Recorded[/] {action}: " + "; ".join(lines))
