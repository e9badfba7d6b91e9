"""`collector db`: bring the schema up to date, or say where it stands."""

from __future__ import annotations

import typer

from .context import console, runtime

app = typer.Typer(help="Database schema: upgrade and status.", no_args_is_help=True)


@app.command()
def upgrade(ctx: typer.Context) -> None:
    """Apply every pending migration (safe to run again)."""
    from store.db import current_revision, head_revision, make_engine
    from store.db import upgrade as run_upgrade

    eng = make_engine(runtime(ctx).settings.database_url)
    before = current_revision(eng)
    run_upgrade(eng)
    after = current_revision(eng)
    if before == after:
        console.print(f"Database already at the latest revision ({after}).")
    else:
        console.print(f"Database upgraded from {before or 'empty'} to {after} (latest: {head_revision()}).")


@app.command()
def status(ctx: typer.Context) -> None:
    """Show the database's revision and whether it is current."""
    from store.db import current_revision, head_revision, make_engine

    eng = make_engine(runtime(ctx).settings.database_url)
    current, head = current_revision(eng), head_revision()
    state = "current" if current == head else "behind: run `collector db upgrade`"
    console.print(f"revision {current or 'none (empty database)'}; latest {head}; {state}")
