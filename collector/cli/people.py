"""`collector people`: the directory of leads and how to reach them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TypedDict

import typer
from rich.markup import escape
from rich.table import Table

from .context import console, runtime
from .render import people_summary

app = typer.Typer(help="People: import the directory, list, set contact details.", no_args_is_help=True)


class PersonRow(TypedDict):
    """One person as `people list --json` prints them."""

    id: int
    name: str | None
    code: str | None
    email: str | None
    slack_user_id: str | None
    preferred_channel: str | None
    manager: str | None


@app.command("import")
def import_people(
    ctx: typer.Context,
    file: Path = typer.Argument(
        ...,
        help="CSV: name, code, email, slack_user_id, preferred_channel, manager, "
        "delegate (and optionally team).",
    ),
) -> None:
    """Add or update people from a CSV file, then link plan leads that now match someone."""
    from store.people_csv import import_people as run

    rt = runtime(ctx)
    with rt.session() as s:
        result = run(s, file, rt.clock, actor=rt.actor)
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False)
    console.print(f"[green]People imported[/] from {file}: {people_summary(result)}.")


@app.command("list")
def list_people(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print as JSON.")
) -> None:
    """List everyone in the directory with their contact details."""
    from store.people import list_people as query

    with runtime(ctx).session(read_only=True) as s:
        people = query(s)
        rows: list[PersonRow] = [
            {
                "id": p.id,
                "name": p.name,
                "code": p.code,
                "email": p.email,
                "slack_user_id": p.slack_user_id,
                "preferred_channel": p.preferred_channel,
                "manager": p.manager.name if p.manager else None,
            }
            for p in people
        ]
    if as_json:
        console.print_json(json.dumps(rows))
        return
    table = Table("id", "name", "code", "email", "slack", "prefers", "manager")
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["name"] or "",
            r["code"] or "",
            r["email"] or "",
            r["slack_user_id"] or "",
            r["preferred_channel"] or "",
            r["manager"] or "",
        )
    console.print(table)


@app.command("team")
def team(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The team's name (or code) as the plan prints it."),
    contact: str | None = typer.Option(
        None, help="The person who answers for the team (name, code or email)."
    ),
    members: bool | None = typer.Option(
        None, "--prompt-members/--prompt-contact", help="Prompt every member, or only the contact."
    ),
    add: list[str] = typer.Option([], "--add", help="Add a member (name, code or email; repeatable)."),
) -> None:
    """Say who answers for a team the plan names as a lead: its contact, or each of its members."""
    from store.teams import set_team, team_channel

    rt = runtime(ctx)
    with rt.session() as s:
        updated = set_team(
            s, name, contact=contact, prompt_members=members, add_members=add, clock=rt.clock, actor=rt.actor
        )
        how = team_channel(updated)
        label = updated.name
    console.print(
        f"[green]Updated[/] {label}: " + (f"prompted via {how}." if how else "[yellow]still unreachable[/].")
    )


@app.command("set")
def set_person(
    ctx: typer.Context,
    person: str = typer.Argument(..., help="The person's id, email, name or code."),
    name: str | None = typer.Option(None, help="Full name."),
    code: str | None = typer.Option(None, help="Initials as the plans print them."),
    email: str | None = typer.Option(None, help="Email address."),
    slack: str | None = typer.Option(None, "--slack", help="Slack user id (U...)."),
    channel: str | None = typer.Option(None, "--channel", help="Preferred channel: email or slack."),
    manager: str | None = typer.Option(None, help="Their manager (name, code or email)."),
    delegate: str | None = typer.Option(
        None, help="A delegate whose answers count for them (name, code or email)."
    ),
) -> None:
    """Change one person's details: only the options given (an empty value, e.g. --slack "", clears)."""
    from store.people import set_person as run

    given = {
        "name": name,
        "code": code,
        "email": email,
        "slack_user_id": slack,
        "preferred_channel": channel,
        "manager": manager,
        "delegate": delegate,
    }
    changes = {field: value for field, value in given.items() if value is not None}
    if not changes:
        raise typer.BadParameter("say what to change, e.g. --email or --channel", param_hint="options")
    rt = runtime(ctx)
    with rt.session() as s:
        updated = run(s, person, clock=rt.clock, actor=rt.actor, **changes)
        label = updated.name or updated.code
    console.print(f"[green]Updated[/] {label}.")
