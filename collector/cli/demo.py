"""`collector demo`: the main job end to end on embedded defaults, narrated step by step.

Import the example plan (Word) into a fresh SQLite database and the people directory; show the plan and who
can be prompted; open a round and send its prompts (email as .eml files in var/demo/outbox/, Slack standing
in as text files there until it is configured); then five leads reply by email in their own clients' styles
through the real SMTP server, the replies are applied and answered with receipts, the review queue is shown,
and the committee's report is built in every format into ./out/.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from .context import Runtime, console, runtime
from .render import people_summary, print_plan

if TYPE_CHECKING:
    from sqlalchemy import Engine

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def demo(
    ctx: typer.Context,
    directory: Path = typer.Option(Path("var/demo"), "--dir", help="Where the demo's database lives."),
    plan_file: Path = typer.Option(EXAMPLES / "riverside_edi_plan.docx", "--plan", help="Plan to import."),
    people_file: Path = typer.Option(EXAMPLES / "people.csv", "--people", help="People directory to import."),
    answers_file: Path = typer.Option(
        EXAMPLES / "demo_answers.csv",
        "--answers",
        help="What the leads say about each action (ref,status,progress).",
    ),
    out_dir: Path = typer.Option(Path("out"), "--out", help="Where the report's files are written."),
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
        console.print(f"  {row.name or row.label:<28} {how}  ({len(row.action_refs)} actions)")
    out = directory / "plan.json"
    out.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    outbox, round_id = _open_round(engine, rt, directory)
    _replies(engine, rt, directory, round_id, answers_file)
    _review(engine)
    built = _report(engine, rt, out_dir)
    console.print(
        f"\nDatabase: {db_file}\nThe plan as JSON (`collector plan show riverside --json`): {out}"
        f"\nThe prompts and receipts, as the leads would read them: {outbox}/"
        f"\nThe committee's report: {', '.join(str(b) for b in built)}"
    )


def _open_round(engine: Engine, rt: Runtime, directory: Path) -> tuple[Path, int]:
    """Step 5: a round due in ten working days, its prompts written to the outbox as a lead would get them."""
    from collector.cli.wiring import channels_for
    from collector.core.settings import Settings
    from collector.core.workdays import local_date, working_days_after, zone
    from collector.rounds.lifecycle import open_round
    from collector.rounds.tick import send_pending
    from store.db import session_scope
    from store.queries import find_plan

    console.rule("[bold]5. Open a round and send the prompts")
    settings = Settings(database_url=f"sqlite:///{directory / 'collector.db'}", var_dir=directory)
    outbox = directory / "outbox"
    if outbox.exists():
        for old in outbox.glob("*.txt"):
            old.unlink()
    due = working_days_after(local_date(rt.clock.now(), zone(None, settings.timezone)), 10)
    with session_scope(engine) as s:
        result = open_round(
            s,
            find_plan(s, "riverside"),
            due=due,
            closes=None,
            subset=None,
            clock=rt.clock,
            actor=rt.actor,
            default_tz=settings.timezone,
        )
        assert result.round is not None  # not a dry run: the round was written
        round_id = result.round.id
    report = send_pending(
        engine,
        channels_for(settings, rt.clock),
        rt.clock,
        round_id=round_id,
        timezone=settings.timezone,
        actor=rt.actor,
    )
    console.print(
        f"Round {result.name!r}, due {due:%a %d %b %Y}: {len(result.asks)} people asked about "
        f"{result.actions} actions; {report.prompts_sent} prompts written to {outbox}/ (not sent: no channel)"
    )
    for lost in result.unreachable:
        console.print(f"  [yellow]{lost.lead} cannot be prompted ({lost.why}): {', '.join(lost.refs)}[/]")
    first = min(outbox.glob("*-prompt-*"), key=lambda p: (p.suffix != ".txt", p.name))
    console.rule(f"[dim]{first.name}")
    console.print("\n".join(_readable(first).splitlines()[:24]) + "\n[dim]...[/]", highlight=False)
    return outbox, round_id


def _readable(path: Path) -> str:
    """An outbox file as a lead reads it: a text file as is, an .eml file's headers and plain-text part."""
    if path.suffix != ".eml":
        return path.read_text(encoding="utf-8")
    from email import message_from_bytes
    from email.policy import default

    msg = message_from_bytes(path.read_bytes(), policy=default)
    body = msg.get_body(preferencelist=("plain",))
    head = "\n".join(f"{k}: {msg[k]}" for k in ("To", "From", "Subject", "Reply-To") if msg[k])
    return f"{head}\n\n{body.get_content() if body is not None else ''}"


def _replies(engine: Engine, rt: Runtime, directory: Path, round_id: int, answers_file: Path) -> None:
    """Steps 6 and 7: five leads answer by email through the real SMTP server; what became of each."""
    from collector.core.settings import Settings

    from . import demo_mail

    console.rule("[bold]6. Leads reply by email, through our SMTP server")
    settings = Settings(database_url=f"sqlite:///{directory / 'collector.db'}", var_dir=directory)
    answers = demo_mail.load_answers(answers_file)
    replies = demo_mail.write_replies(engine, round_id, settings, rt.clock, answers)
    counts = demo_mail.receive(engine, settings, rt.clock, replies)
    for outcome in demo_mail.outcomes(engine, replies):
        state = {"applied": "[green]applied[/]", "needs_review": "[yellow]to review[/]"}.get(
            outcome.state, outcome.state.replace("_", " ")
        )
        line = f"  {outcome.who}\n      {state}: {outcome.updates} updates recorded"
        if outcome.reason and outcome.state != "applied":
            line += f" ({outcome.reason})"
        console.print(line, highlight=False)
    console.print(
        f"{len(replies)} replies accepted by the SMTP server; {counts.get('receipts', 0)} receipts "
        f"written to {directory / 'outbox'}/ (auto-replies are never answered)"
    )


def _review(engine: Engine) -> None:
    """Step 7: what the parser would not decide alone waits for a coordinator, with the reason."""
    from collector.replies import review
    from store.db import session_scope

    console.rule("[bold]7. The review queue")
    with session_scope(engine, read_only=True) as s:
        items = [(item.id, item.reason or "") for item in review.pending(s)]
    for item_id, reason in items:
        console.print(f"  #{item_id}: {reason}", highlight=False)
    console.print(
        f"{len(items)} waiting: `collector review show ID`, then `review apply ID` or `review reject ID`"
        if items
        else "Nothing waits for a coordinator."
    )


def _report(engine: Engine, rt: Runtime, out_dir: Path) -> list[Path]:
    """Step 8: the committee's report for the round, in every format, into out_dir."""
    from zoneinfo import ZoneInfo

    from reports.build import FORMATS, build_files, record
    from reports.compile import compile_report
    from store.db import session_scope
    from store.queries import find_plan

    console.rule("[bold]8. Build the committee's report")
    tz = ZoneInfo(rt.settings.timezone)
    with session_scope(engine, read_only=True) as s:
        data = compile_report(s, find_plan(s, "riverside"), today=rt.clock.now().astimezone(tz).date(), tz=tz)
    with console.status("rendering") as status:
        built = build_files(data, list(FORMATS), out_dir, progress=lambda f: status.update(f"rendering {f}"))
    with session_scope(engine) as s:
        record(s, data, built, now=rt.clock.now(), actor=rt.actor)
    for b in built:
        console.print(f"  {b.path}  ({b.path.stat().st_size // 1024 or 1} KB)", highlight=False)
    return [b.path for b in built]
