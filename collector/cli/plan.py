"""`collector plan`: import a plan file, list, show, what to check after an import, who can be prompted.
The commands that set how a plan's rounds run (schedule, coordinators) live in plan_schedule.py and are
registered here, so `collector plan` stays one group."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from store.importers.headers import FIELDS

from . import plan_schedule
from .context import console, runtime
from .render import (
    draft_summary,
    print_draft_preview,
    print_import_result,
    print_import_warnings,
    print_plan,
)

if TYPE_CHECKING:
    from store.importers.draft import PlanDraft
    from store.persist import SaveResult

app = typer.Typer(help="Action plans: import, list, show, warnings, leads.", no_args_is_help=True)


_COLUMN_LETTERS = re.compile(r"[A-Za-z]{1,2}")  # A..ZZ: 702 columns
MAX_COLUMNS = 1000  # the interpreter reads "#0".."#999"
_QUOTES = ("'", '"')


def _column_key(key: str) -> tuple[str, str]:
    """A --map key as the interpreter takes it, and how to name it in a message.

    One or two letters are a spreadsheet column letter and digits a position from 1: both become
    "#<0-based index>" ("A" -> "#0", "AB" -> "#27", "3" -> "#2"). Anything else, or a key in quotes
    ('"ID"=ref', for a header that is itself one or two letters), is a header as printed.
    """
    key = key.strip()
    if len(key) >= 2 and key[0] in _QUOTES and key[-1] == key[0]:
        header = key[1:-1].strip()
        return header, f"header {header!r}"
    if _COLUMN_LETTERS.fullmatch(key):
        index = 0
        for letter in key.upper():
            index = index * 26 + ord(letter) - ord("A") + 1
        return f"#{index - 1}", f"column {key.upper()}"
    if key.isdigit():
        if not 1 <= int(key) <= MAX_COLUMNS:
            raise typer.BadParameter(
                f"{key!r}: columns are numbered from 1 to {MAX_COLUMNS}", param_hint="--map"
            )
        return f"#{int(key) - 1}", f"column {int(key)}"
    return key, f"header {key!r}"


def _parse_maps(values: list[str]) -> dict[str, str]:
    """--map values as the overrides load_plans takes: header as printed, or "#N" for a position."""
    out: dict[str, str] = {}
    named: dict[str, str] = {}
    for value in values:
        header, sep, field = value.rpartition("=")
        field = field.strip().lower()
        if not sep or not header.strip() or not header.strip().strip("'\"").strip():
            raise typer.BadParameter(
                f"{value!r}: write it as 'Header as printed=field', 'C=field' or '3=field'",
                param_hint="--map",
            )
        if field not in FIELDS:
            raise typer.BadParameter(
                f"{value!r}: unknown field {field!r}; fields are {', '.join(FIELDS)}", param_hint="--map"
            )
        key, label = _column_key(header)
        if key.startswith("#") and key in out:
            raise typer.BadParameter(f"{value!r}: {named[key]} is already mapped", param_hint="--map")
        out[key], named[key] = field, label
    return out


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


@app.command("import")
def import_plan(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="The plan: .docx, .xlsx, .csv or a tab-separated .txt export."),
    plan_name: str | None = typer.Option(
        None, "--plan-name", help="Handle for the plan (default: from its title)."
    ),
    update: bool = typer.Option(
        False, "--update", help="Re-import an existing plan in place, keeping its updates."
    ),
    dry_run: bool = typer.Option(
        False,
        "--dry-run",
        help="Show the column mapping and first actions (with --update: what would change); write nothing.",
    ),
    maps: list[str] = typer.Option(
        [],
        "--map",
        help="Say what a column is: 'Header as printed=field', 'C=field' (column letter) or '3=field' "
        "(position from 1). One or two letters always mean a column letter: quote a header such as "
        "ID inside, '\"ID\"=ref'. Repeatable.",
    ),
    sheets: list[str] = typer.Option(
        [], "--sheet", help="Read only this sheet of a workbook (repeatable); the others are skipped."
    ),
    title: str | None = typer.Option(None, "--title", help="The plan's title, instead of the file's."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Import a plan: its sections, actions, sub-actions, leads, targets and any progress columns."""
    from store.importers.pipeline import load_plans

    overrides = _parse_maps(maps)
    new_title = _check_title(title)
    with _progress() as progress:
        progress.add_task(f"Reading {file}", total=None)
        drafts = load_plans(file, overrides=overrides, sheets=sheets or None)
    if new_title:
        drafts[0].title = new_title  # the main plan; a second one in the file keeps its own
    if dry_run and not update:
        _print_preview(drafts, as_json)
        return
    results = _save(ctx, file, drafts, plan_name, update=update, dry_run=dry_run)
    if as_json:
        rows = [{**r.__dict__, "dry_run": True} if dry_run else r.__dict__ for r in results]
        console.print_json(json.dumps(rows, default=str))
        return
    for draft, result in zip(drafts, results, strict=True):
        print_import_result(draft, result, dry_run=dry_run)
    if dry_run:
        console.print("[dim]Dry run: nothing was written.[/]")


def _check_title(title: str | None) -> str | None:
    if title is None:
        return None
    text = " ".join(title.split())
    if not text:
        raise typer.BadParameter("give the plan's title as text", param_hint="--title")
    return text


def _print_preview(drafts: list[PlanDraft], as_json: bool) -> None:
    if as_json:
        console.print_json(json.dumps([draft_summary(d) for d in drafts]))
        return
    for draft in drafts:
        print_draft_preview(draft)
    console.print("[dim]Dry run: nothing was written.[/]")


def _save(
    ctx: typer.Context,
    file: Path,
    drafts: list[PlanDraft],
    plan_name: str | None,
    *,
    update: bool,
    dry_run: bool,
) -> list[SaveResult]:
    """Save every plan of the file in one transaction; a dry run makes the very same writes, then rolls them
    back, so what it reports is what the import would do."""
    from store.persist import save_plan
    from store.plan_names import plan_names

    digest = hashlib.sha256(file.read_bytes()).hexdigest()
    rt = runtime(ctx)
    results: list[SaveResult] = []
    with _progress() as progress, rt.session() as s:
        for draft, name in zip(drafts, plan_names(drafts, plan_name), strict=True):
            progress.add_task(f"Saving {draft.title[:60]}", total=None)
            results.append(
                save_plan(
                    s,
                    draft,
                    name=name,
                    update=update,
                    clock=rt.clock,
                    actor=rt.actor,
                    source_format=file.suffix.lstrip(".").lower(),
                    source_sha256=digest,
                )
            )
        if dry_run:
            s.rollback()
    return results


@app.command("warnings")
def list_warnings(
    ctx: typer.Context,
    plan: str = typer.Argument(..., help="The plan's id or name."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """List what the plan's last import noted for you to check: skipped rows, guessed columns, sheets."""
    from store.queries import find_plan

    with runtime(ctx).session(read_only=True) as s:
        chosen = find_plan(s, plan)
        name, source, notes = chosen.name, chosen.source_file, list(chosen.import_warnings or [])
    if as_json:
        typer.echo(json.dumps({"plan": name, "source_file": source, "warnings": notes}, ensure_ascii=False))
        return
    print_import_warnings(name, source, notes)


class PlanRow(TypedDict):
    """One plan as `plan list --json` prints it."""

    id: int
    name: str
    title: str
    period: str | None
    actions: int


@app.command("list")
def list_plans(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print as JSON.")
) -> None:
    """List the imported plans."""
    from store.queries import list_plans as query

    with runtime(ctx).session(read_only=True) as s:
        rows = query(s)
        data: list[PlanRow] = [
            {"id": p.id, "name": p.name, "title": p.title, "period": p.period, "actions": n} for p, n in rows
        ]
    if as_json:
        console.print_json(json.dumps(data))
        return
    if not data:
        console.print("No plans yet: `collector plan import FILE` imports one.")
        return
    table = Table("id")
    # A long name folds onto more lines, never cut with "…": it is the handle people type.
    table.add_column("name", overflow="fold")
    for header in ("title", "period", "actions"):
        table.add_column(header)
    for row in data:
        table.add_row(str(row["id"]), row["name"], row["title"], row["period"] or "", str(row["actions"]))
    console.print(table)


@app.command()
def show(
    ctx: typer.Context,
    plan: str = typer.Argument(..., help="The plan's id or name."),
    as_json: bool = typer.Option(False, "--json", help="Print the plan as JSON (the stable contract)."),
) -> None:
    """Show a plan: sections, actions, leads, targets and the latest progress."""
    from store.queries import find_plan, plan_json

    with runtime(ctx).session(read_only=True) as s:
        data = plan_json(s, find_plan(s, plan))
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        print_plan(data)


@app.command()
def leads(
    ctx: typer.Context,
    plan: str = typer.Argument(..., help="The plan's id or name."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """List every lead of a plan with how they would be prompted, flagging those nobody can reach yet."""
    from store.queries import find_plan, plan_leads

    with runtime(ctx).session(read_only=True) as s:
        rows = plan_leads(s, find_plan(s, plan))
    if as_json:
        console.print_json(json.dumps([r.__dict__ for r in rows], default=str))
        return
    table = Table("lead", "kind", "name", "email", "slack", "channel", "actions")
    for r in rows:
        style = None if r.reachable else "yellow"
        table.add_row(
            r.label,
            r.kind,
            r.name or "",
            r.email or "",
            r.slack_user_id or "",
            r.channel or f"none: {r.why_not}",
            ", ".join(r.action_refs),
            style=style,
        )
    console.print(table)
    missing = [r.label for r in rows if not r.reachable]
    if missing:
        console.print(
            f"[yellow]{len(missing)} lead{'s have' if len(missing) != 1 else ' has'} no contact:[/] "
            f"{', '.join(missing)}"
        )
    else:
        console.print(f"[green]All {len(rows)} leads can be prompted.[/]")


app.command()(plan_schedule.schedule)
app.command()(plan_schedule.coordinators)
