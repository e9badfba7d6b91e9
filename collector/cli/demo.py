"""`collector demo`: the main job end to end on embedded defaults, narrated step by step.

For now the loop is: import the example plan (Word) into a fresh SQLite database, import the people
directory, show the plan and who can be prompted. Later steps (a round, replies, the report) join it as
they are built.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import typer

from .context import console, runtime
from .render import people_summary, print_plan

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def demo(
    ctx: typer.Context,
    directory: Path = typer.Option(Path("var/demo"), "--dir", help="Where the demo's database lives."),
    plan_file: Path = typer.Option(EXAMPLES / "riverside_edi_plan.docx", "--plan", help="Plan to import."),
    people_file: Path = typer.Option(EXAMPLES / "people.csv", "--people", help="People directory to import."),
) -> None:
    """Run the main job on embedded defaults (SQLite, no credentials) and show what happened."""
    from store.db import make_engine, session_scope, upgrade
    from store.importers.pipeline import load_plan
    from store.people_csv import import_people
    from store.persist import save_plan
    from store.queries import find_plan, plan_json, plan_leads

    rt = runtime(ctx)
    directory.mkdir(parents=True, exist_ok=True)
    db_file = directory / "collector.db"
    db_file.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{db_file}")
    upgrade(engine)
    console.rule("[bold]1. Import the plan")
    draft = load_plan(plan_file)
    with session_scope(engine) as s:
        result = save_plan(
            s,
            draft,
            name="riverside",
            update=False,
            clock=rt.clock,
            actor=rt.actor,
            source_format=plan_file.suffix.lstrip("."),
            source_sha256=hashlib.sha256(plan_file.read_bytes()).hexdigest(),
        )
    subs = sum(len(a.sub_actions) for a in draft.walk())
    console.print(
        f"{plan_file.name}: {draft.title}: {len(draft.sections)} sections, {len(draft.actions)} actions, "
        f"{subs} sub-actions, {result.baseline_updates} progress entries as the baseline"
    )
    console.rule("[bold]2. Import the people directory")
    with session_scope(engine) as s:
        people = import_people(s, people_file, rt.clock, actor=rt.actor)
    console.print(f"{people_file.name}: {people_summary(people)}")
    console.rule("[bold]3. The plan as stored")
    with session_scope(engine) as s:
        plan = find_plan(s, "riverside")
        data = plan_json(s, plan)
        leads = plan_leads(s, plan)
    print_plan(data)
    console.rule("[bold]4. Who can be prompted")
    for row in leads:
        how = row.channel if row.reachable else f"[yellow]cannot be prompted: {row.why_not}[/]"
        console.print(f"  {row.label:<28} {how}  ({len(row.action_refs)} actions)")
    out = directory / "plan.json"
    out.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    console.print(f"\nDatabase: {db_file}\nThe plan as JSON (`collector plan show riverside --json`): {out}")
