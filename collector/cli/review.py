"""`collector review`: the replies that could not be applied by themselves, and what to do with each."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, TypedDict

import typer
from rich.table import Table

from collector.core.vocabulary import Status

from .context import console, runtime

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from store.models.records import InboundMessage

app = typer.Typer(
    help="The review queue: list, show, apply, reject (which also withdraws what an item applied), replay.",
    no_args_is_help=True,
)


# One review item as `review list --json` prints it ("from" is a keyword, hence the call form).
ItemRow = TypedDict(
    "ItemRow", {"id": int, "received": str, "channel": str, "from": str | None, "reason": str | None}
)


@app.command("list")
def list_items(
    ctx: typer.Context,
    plan: str | None = typer.Option(None, "--plan", help="Only this plan's items."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Everything waiting for a person, oldest first, with the reason."""
    from collector.replies.review import pending
    from store.queries import find_plan

    with runtime(ctx).session(read_only=True) as s:
        plan_id = find_plan(s, plan).id if plan else None
        rows: list[ItemRow] = [
            {
                "id": m.id,
                "received": m.received_at.isoformat(),
                "channel": m.channel,
                "from": (m.parsed or {}).get("sender_address") or m.envelope.get("from"),
                "reason": m.reason,
            }
            for m in pending(s, plan_id=plan_id)
        ]
    if as_json:
        console.print_json(json.dumps(rows))
        return
    if not rows:
        console.print("The review queue is empty.")
        return
    table = Table("id", "received", "via", "from", "why it needs a person")
    for row in rows:
        table.add_row(
            str(row["id"]),
            row["received"][:16].replace("T", " "),
            row["channel"],
            row["from"] or "",
            row["reason"] or "",
        )
    console.print(table)


@app.command()
def show(ctx: typer.Context, item: int = typer.Argument(..., help="The item's id.")) -> None:
    """The reply as the person wrote it, why it waits, and what the parser read in it."""
    from collector.replies.review import get, parsed_updates

    with runtime(ctx).session(read_only=True) as s:
        message = get(s, item)
        parsed = message.parsed or {}
        updates = parsed_updates(message)
        console.print(
            f"[bold]Message {message.id}[/] via {message.channel}, {message.state.replace('_', ' ')}"
            + (f": {message.reason}" if message.reason else "")
        )
        console.rule("what they wrote")
        console.print(parsed.get("text") or _written(message), highlight=False)
    if updates:
        table = Table(
            "ref",
            "status",
            "progress",
            "revised target",
            "confidence",
            "doubts",
            title="What the parser read",
            title_justify="left",
        )
        for u in updates:
            table.add_row(
                u.ref,
                u.status.value if u.status else "",
                u.progress[:80],
                u.revised_target_text or "",
                f"{u.confidence:.2f}",
                "; ".join(u.reasons),
            )
        console.print(table)


@app.command("apply")
def apply_item(
    ctx: typer.Context,
    item: int = typer.Argument(..., help="The item's id."),
    ref: str | None = typer.Option(None, "--ref", help="Record this action instead of what the parser read."),
    status: Status | None = typer.Option(None, help="The status to record with --ref."),
    progress: str = typer.Option("", help="The progress text to record with --ref."),
    lead: str | None = typer.Option(
        None, "--lead", help="Whose answer it is, when the reply was not tied to a prompt."
    ),
) -> None:
    """Put an item on the record: as the parser read it, or corrected with --ref/--status/--progress (what
    you leave out keeps what the reply said about that action)."""
    from collector.replies.review import apply_item as run
    from collector.replies.review import get
    from collector.replies.types import ParsedUpdate
    from store.people import resolve_person

    rt = runtime(ctx)
    with rt.session() as s:
        updates = [ParsedUpdate(ref=ref, status=status, progress=progress)] if ref else None
        prompt_id = _lead_prompt(s, get(s, item), resolve_person(s, lead).id) if lead else None
        result = run(s, item, coordinator=rt.actor, clock=rt.clock, updates=updates, prompt_id=prompt_id)
        recorded = len(result.recorded)
    if result.review:
        console.print(f"[yellow]Still not applied:[/] {'; '.join(result.review)}")
        raise typer.Exit(1)
    console.print(
        f"[green]Applied[/] message {item}: {recorded} update{'s' if recorded != 1 else ''} recorded."
    )


def _lead_prompt(session: Session, message: InboundMessage, person_id: int) -> int:
    from sqlalchemy import select

    from collector.core.errors import UserError
    from store.models.rounds import Prompt, Round

    prompt: int | None = session.scalar(
        select(Prompt.id)
        .join(Round, Prompt.round_id == Round.id)
        .where(Prompt.person_id == person_id, Round.kind == "collection")
        .order_by(Round.closed_at.is_not(None), Round.opened_at.desc())
        .limit(1)
    )
    if prompt is None:
        raise UserError("that lead has no prompt in any round")
    return prompt


@app.command()
def reject(
    ctx: typer.Context,
    item: int = typer.Argument(..., help="The item's id."),
    reason: str = typer.Option(..., "--reason", help="Why it is not going on the record."),
) -> None:
    """Keep an item off the record, saying why (it stays stored, with the reason). An item already applied,
    or partly applied beside a question, can be rejected too: the updates it recorded are withdrawn."""
    from collector.replies.review import reject_item

    rt = runtime(ctx)
    with rt.session() as s:
        _, withdrawn = reject_item(s, item, reason=reason, coordinator=rt.actor, clock=rt.clock)
        ids = [u.id for u in withdrawn]
    console.print(f"Rejected message {item}.")
    if ids:
        console.print(
            f"Withdrew update{'s' if len(ids) != 1 else ''} {', '.join(map(str, ids))} it had recorded."
        )


@app.command()
def replay(ctx: typer.Context, item: int = typer.Argument(..., help="The item's id.")) -> None:
    """Run an item through intake again (after adding the sender to the directory, say)."""
    from collector.replies.review import replay as run

    rt = runtime(ctx)
    with rt.session() as s:
        result = run(s, item, clock=rt.clock, coordinator=rt.actor)
        recorded = len(result.recorded)
    if result.review:
        console.print(f"[yellow]Still needs review:[/] {'; '.join(result.review)}")
        raise typer.Exit(1)
    console.print(f"[green]Applied[/] message {item} on replay: {recorded} updates recorded.")


def _written(message: InboundMessage) -> str:
    """What the person wrote, as their mail client shows it: an email decoded (any charset or transfer
    encoding) with its quoted original cut; anything else as stored."""
    raw = bytes(message.raw)
    if message.channel == "email":
        from mailin.inbound.extract import parse_message

        parts = parse_message(raw)
        header = f"From: {parts.from_address or '?'}\nSubject: {parts.subject or ''}\n\n"
        return header + (parts.reply or "(no new text)")
    return raw[:4000].decode("utf-8", "replace")
