"""Rich renderings for people at a terminal: an import preview and a plan overview."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.tree import Tree

from store.importers.draft import ActionDraft, PlanDraft

from .context import console

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
        "columns": [{"header": c.header, "field": c.field} for c in draft.columns],
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
    mapping = Table("column as printed", "read as", title="Column mapping", title_justify="left")
    for column in draft.columns:
        mapping.add_row(column.header, column.field if column.field != "extra" else "[dim]kept as a field[/]")
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


def people_summary(result) -> str:
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
