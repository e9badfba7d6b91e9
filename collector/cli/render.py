"""Rich renderings for people at a terminal: an import preview and a plan overview."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from store.importers.draft import ActionDraft, PlanDraft
from store.importers.header_rows import column_letter

from .context import console

if TYPE_CHECKING:  # persist pulls in the database layer: not needed to start the CLI
    from store.people_csv import PeopleImportResult
    from store.persist import SaveResult

PREVIEW_ACTIONS = 12


def _target(action: ActionDraft) -> str:
    if action.target is None:
        return ""
    when = f" ({action.target.date.isoformat()})" if action.target.date else f" ({action.target.kind})"
    return action.target.text + when


def _leads(action: ActionDraft) -> str:
    return ", ".join(
        f"{lead.code} = {lead.name}" if lead.code and lead.name else lead.label for lead in action.leads
    )


def draft_summary(draft: PlanDraft) -> dict[str, Any]:
    """What --dry-run --json prints: the mapping, the counts and every action in brief."""
    return {
        "title": draft.title,
        "period": draft.period,
        "columns": [
            {
                "column": column_letter(c.position),
                "header": c.header,
                "field": c.field,
                "confidence": c.confidence,
                "reason": c.reason,
            }
            for c in draft.columns
        ],
        "sections": [{"ref": s.ref, "title": s.title} for s in draft.sections],
        "lead_key": draft.lead_key,
        "actions": [
            {
                "ref": a.ref,
                "section_ref": a.section_ref,
                "text": a.text,
                "leads": _leads(a),
                "target": _target(a),
                "sub_actions": [s.ref for s in a.sub_actions],
                "progress": [p.text for p in a.progress],
            }
            for a in draft.actions
        ],
        "warnings": draft.warnings,
    }


def print_draft_preview(draft: PlanDraft) -> None:
    console.rule(f"[bold]{draft.title}[/]")
    mapping = Table(
        "", "column as printed", "read as", "sure", "because", title="Column mapping", title_justify="left"
    )
    for column in draft.columns:
        mapping.add_row(
            column_letter(column.position),
            column.header,
            column.field if column.field != "extra" else "[dim]kept as a field[/]",
            f"{column.confidence:.0%}",
            column.reason,
        )
    console.print(mapping)
    n_subs = sum(len(a.sub_actions) for a in draft.walk())
    console.print(
        f"{len(draft.sections)} sections, {len(draft.actions)} actions, {n_subs} sub-actions, "
        f"{len(draft.lead_key)} codes in the lead key"
    )
    table = Table(
        "ref", "action", "leads", "target", "sub", "progress", title="First actions", title_justify="left"
    )
    for action in draft.actions[:PREVIEW_ACTIONS]:
        table.add_row(
            action.ref,
            action.text[:70],
            _leads(action),
            _target(action),
            str(len(action.sub_actions)) if action.sub_actions else "",
            action.progress[0].text[:40] if action.progress else "",
        )
    console.print(table)
    for warning in draft.warnings:
        console.print(f"[yellow]note:[/] {warning}")


def _things(n: int) -> str:
    return f"{n} thing{'s' if n != 1 else ''} to check"


def print_import_result(draft: PlanDraft, result: SaveResult, *, dry_run: bool = False) -> None:
    """What an import did (or, in a dry run, would do): counts, what a re-import changes, what to check."""
    n_subs = sum(len(a.sub_actions) for a in draft.walk())
    verb = (
        ("Would import" if result.created else "Would update")
        if dry_run
        else ("Imported" if result.created else "Updated")
    )
    console.print(
        f"[green]{verb}[/] plan [bold]{escape(result.name)}[/] (id {result.plan_id}): {escape(draft.title)}\n"
        f"  {len(draft.sections)} sections, {len(draft.actions)} actions, {n_subs} sub-actions, "
        f"{result.baseline_updates} progress entries recorded as the imported baseline",
        highlight=False,
    )
    if not result.created:
        _print_changes(result, dry_run=dry_run)
    for warning in draft.warnings:
        console.print(f"  [yellow]note:[/] {escape(warning)}", highlight=False)
    if draft.warnings and not dry_run:
        console.print(f"  {_things(len(draft.warnings))}: `collector plan warnings {escape(result.name)}`")
    if result.leads_unlinked and not dry_run:
        unlinked = result.leads_unlinked
        console.print(
            f"  [yellow]{len(unlinked)} leads have no contact yet[/]: "
            f"{escape(', '.join(unlinked[:8]))}{' ...' if len(unlinked) > 8 else ''}\n"
            f"  Add them with `collector people import people.csv`; "
            f"`collector plan leads {escape(result.name)}` lists them."
        )


def _print_changes(result: SaveResult, *, dry_run: bool) -> None:
    """A re-import's added, changed (with what changed) and removed actions, and the updates it keeps."""
    changed = [
        f"{ref} ({', '.join(result.changed_fields[ref])})" if result.changed_fields.get(ref) else ref
        for ref in result.changed
    ]
    for label, refs in (("added", result.added), ("changed", changed), ("removed", result.removed)):
        if refs:
            console.print(f"  {label}: {escape(', '.join(refs))}", highlight=False)
    if result.removed:
        console.print("  [dim]removed actions are retired, not deleted: their updates stay[/]")
    if not (result.added or result.changed or result.removed):
        console.print("  no actions changed")
    kept = result.kept_updates
    if kept:
        console.print(f"  {kept} update{'s' if kept != 1 else ''} collected in rounds kept")
    elif dry_run:
        console.print("  no updates collected in rounds yet (any would be kept)")


def print_import_warnings(name: str, source: str, warnings: list[str]) -> None:
    """`collector plan warnings`: the last import's notes, one a line."""
    if not warnings:
        console.print(f"Plan [bold]{escape(name)}[/]: its last import noted nothing to check.")
        return
    where = f" of {escape(source)}" if source else ""
    console.print(f"Plan [bold]{escape(name)}[/]: {_things(len(warnings))} from the last import{where}:")
    for warning in warnings:
        console.print(f"  • {escape(warning)}", highlight=False)


def people_summary(result: PeopleImportResult) -> str:
    """'1 added, 7 updated' (+ how many plan leads that pointed at nobody now point at someone)."""
    text = f"{result.added} added, {result.updated} updated"
    if result.relinked_leads:
        text += f"; {result.relinked_leads} plan leads linked to them"
    return text


def print_plan(data: dict[str, Any]) -> None:
    tree = Tree(f"[bold]{data['title']}[/] [dim]({data['name']}, id {data['id']})[/]")
    sections = {s["ref"]: tree.add(f"[bold]{s['ref']}. {s['title']}[/]") for s in data["sections"]}
    for action in data["actions"]:
        parent = sections.get(action["section_ref"], tree)
        _add_action(parent, action)
    console.print(tree)


def _add_action(parent: Tree, action: dict[str, Any]) -> None:
    leads = ", ".join(lead["name"] or lead["code"] or "?" for lead in action["leads"])
    target = action["target"]["text"] if action["target"] else "no target"
    latest = action["updates"][-1] if action["updates"] else None
    status = f" [cyan]{latest['status']}[/]" if latest and latest["status"] else ""
    node = parent.add(
        f"[bold]{action['ref']}[/] {action['text'][:90]} [dim]| {leads or 'no lead'} | {target}[/]{status}"
    )
    for sub in action["sub_actions"]:
        _add_action(node, sub)
