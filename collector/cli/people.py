"""`collector people`: the directory of leads and how to reach them."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from .context import actor, clock, console, session

app = typer.Typer(help="People: import the directory, list, set contact details.", no_args_is_help=True)


@app.command("import")
def import_people(
    file: Path = typer.Argument(
        ...,
        help="CSV: name, code, email, slack_user_id, preferred_channel, manager, "
        "delegate (and optionally team).",
    ),
) -> None:
    """Add or update people from a CSV file, then link plan leads that now match someone."""
    from store.people import import_people as run

    with session() as s:
        result = run(s, file, clock())
    console.print(
        f"[green]People imported[/] from {file}: {result.added} added, {result.updated} updated, "
        f"{result.relinked_leads} plan leads linked to them."
    )


@app.command("list")
def list_people(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """List everyone in the directory with their contact details."""
    from store.people import list_people as query

    with session() as s:
        people = query(s)
        rows = [
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


@app.command("set")
def set_person(
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
    """Change one person's details."""
    from store.people import set_person as run

    with session() as s:
        updated = run(
            s,
            person,
            name=name,
            code=code,
            email=email,
            slack_user_id=slack,
            preferred_channel=channel,
            manager=manager,
            delegate=delegate,
            clock=clock(),
            actor=actor(),
        )
        label = updated.name or updated.code
    console.print(f"[green]Updated[/] {label}.")
