"""Logical rows -> ActionDrafts, for the two shapes plans come in.

Action-led: each row is an action (its ref in a ref column or at the start of its text); lettered items
or bullets in the action cell are sub-actions. Outcome-led: each "outcome to be achieved" is the action
and the bullets of its Actions column, possibly spread over several rows that each give a bullet's lead
and deadline, are its sub-actions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import partial

from collector.core.dates import TargetDraft, TargetKind, YearStyle, find_dates, parse_target, split_targets
from collector.core.refs import parse_ref_cell, split_leading_ref
from collector.core.vocabulary import Status, status_from_text, status_from_word

from .cells import flat, paragraphs, unbullet
from .columns import FALLBACK, Column
from .draft import ActionDraft, LeadDraft, ProgressDraft
from .items import Item, per_item_values, split_items
from .lead_codes import is_code
from .leads import parse_leads
from .rows import Row
from .status_cells import row_status

CORE = {"ref", "action", "lead", "target", "status", "progress", "completed"}
_DATE_LEAD = re.compile(r"^\s*(\S+[\s\-/']+\d{2,4})\b")


@dataclass
class Context:
    key: dict[str, str]
    known_names: set[str]
    headers: dict[str, str]  # field -> header as printed on the first page
    outcome_led: bool
    fields: list[Column] = field(default_factory=list)
    year_style: YearStyle = "financial"
    colour_key: dict[str, Status] = field(
        default_factory=dict
    )  # the plan's own legend of fill colours  # how "2025/26" is read: the plan's own kind of year


def _field_values(row: Row, ctx: Context) -> dict[str, str]:
    """Non-core columns as named fields, keyed by the header as first printed."""
    skip = CORE | ({"outcome"} if ctx.outcome_led else set())
    out: dict[str, str] = {}
    for column in row.columns:
        if column.field in skip:
            continue
        value = row.values.get(column.position, "").strip()
        if not value:
            continue
        name = column.header if column.field == "extra" else ctx.headers.get(column.field, column.header)
        if column.field == "duty" and column.header != ctx.headers.get("duty"):
            name = column.header  # strand tick columns keep their own names
        out[name] = f"{out[name]}\n{value}" if name in out else value
    return out


def _fill_status(row: Row, status_cell: str, ctx: Context) -> Status | None:
    """The status a row shows by colour (its status cell's fill first, then its progress cell's), read
    through the plan's colour key; a typed status word still wins (status_cells.row_status)."""
    if not row.fills:
        return None
    fills = [row.fill_of("status"), row.fill_of("progress")]
    if not any(fills):
        return None
    return row_status(status_cell, "", fills, ctx.colour_key)


def _progress(row: Row, ctx: Context) -> list[ProgressDraft]:
    """The progress, status and date-completed columns of a row as (at most) one ProgressDraft."""
    status_cell = flat(row.get("status"))
    progress_cell = "\n".join(unbullet(p) for p in paragraphs(row.get("progress")))
    completed_cell = flat(row.get("completed"))
    colour = _fill_status(row, status_cell, ctx)
    if not (status_cell or progress_cell or completed_cell):
        return [ProgressDraft(text="", status=colour)] if colour else []
    status: Status | None = status_from_word(status_cell) if status_cell else None
    status = status or colour
    reported = None
    if completed_cell:
        dates = find_dates(completed_cell)
        if dates and dates[0][0] <= 1:
            reported = completed_cell[: dates[0][1]].strip()
            status = status or Status.COMPLETED
        status = status or status_from_text(completed_cell)
    if progress_cell and status is None:
        opinions = {status_from_text(p) for p in progress_cell.split("\n")}
        if len(opinions) == 1:
            status = opinions.pop()
    text = "\n".join(t for t in (progress_cell, completed_cell) if t) or status_cell
    return [ProgressDraft(text=text, status=status, reported=reported)]


def _merge_target(values: list[str], ctx: Context) -> TargetDraft | None:
    printed = " ".join(v for v in values if v.strip())
    return parse_target(printed, year_style=ctx.year_style)


def _lead_values(cell: str) -> list[str]:
    paras = [unbullet(p) for p in paragraphs(cell)]
    if len(paras) == 1 and len(paras[0].split()) > 1 and all(is_code(w) for w in paras[0].split()):
        return paras[0].split()  # "CS CS CS": one code per bullet
    return paras


def _sub_actions(
    parent_ref: str,
    items: list[Item],
    leads: list[str | None],
    targets: list[str | None],
    ctx: Context,
    where: str,
) -> list[ActionDraft]:
    subs = []
    for i, item in enumerate(items):
        label = item.label or "abcdefghijklmnopqrstuvwxyz"[i % 26]
        sub = ActionDraft(
            ref=f"{parent_ref} {label})", text=item.text, where=where, ref_synthetic=not item.label
        )
        if leads[i]:
            sub.leads = parse_leads(leads[i] or "", ctx.key, ctx.known_names)
        if targets[i]:
            sub.target = parse_target(targets[i] or "", year_style=ctx.year_style)
        subs.append(sub)
    return subs


def action_from_row(row: Row, ctx: Context) -> ActionDraft | None:
    """An action-led row -> ActionDraft (ref may be None: numbered later); None for a detail-only row."""
    text_cell = row.get("action") or row.get("outcome")
    ref = parse_ref_cell(row.get("ref")) if row.get("ref").strip() else None
    if ref is None:
        ref, text_cell = split_leading_ref(text_cell)
    if not text_cell.strip() and ref is None:
        return None
    stem, items = split_items(text_cell)
    action = ActionDraft(
        ref=ref or "", text=stem or flat(text_cell), where=row.where, ref_synthetic=ref is None
    )
    lead_cell, target_cell = row.get("lead"), row.get("target") or row.get(FALLBACK)
    action.leads = parse_leads(lead_cell, ctx.key, ctx.known_names)
    action.target = parse_target(flat(target_cell), year_style=ctx.year_style)
    if items:
        leads: list[str | None] = (
            per_item_values(lead_cell, items) if len(action.leads) > 1 else [None] * len(items)
        )
        targets = per_item_values(target_cell, items, partial(split_targets, year_style=ctx.year_style))
        if action.target and len({t for t in targets if t}) <= 1 and not lettered(target_cell):
            targets = [None] * len(items)  # one target for the whole action: keep it on the parent
        action.sub_actions = _sub_actions(action.ref, items, leads, targets, ctx, row.where)
    action.fields = _field_values(row, ctx)
    action.progress = _progress(row, ctx)
    return action


def lettered(cell: str) -> bool:
    return bool(re.search(r"(?:^|\s)\(?[a-z]\)", cell))


def add_detail(action: ActionDraft, row: Row, ctx: Context) -> None:
    """A row with no action text of its own adds leads, progress and fields to the action above."""
    for lead in parse_leads(row.get("lead"), ctx.key, ctx.known_names):
        if all(lead.label != existing.label for existing in action.leads):
            action.leads.append(lead)
    if row.get("target").strip():
        previous = action.target.text if action.target else ""
        action.target = _merge_target([previous, flat(row.get("target"))], ctx)
    action.progress.extend(_progress(row, ctx))
    for name, value in _field_values(row, ctx).items():
        action.fields[name] = f"{action.fields[name]}\n{value}" if name in action.fields else value


def action_from_outcome(rows: list[Row], ctx: Context) -> ActionDraft:
    """An outcome and its following rows (segments) -> one action with the bullets as sub-actions."""
    first = rows[0]
    action = ActionDraft(ref="", text=flat(first.get("outcome")), where=first.where, ref_synthetic=True)
    items: list[Item] = []
    lead_values: list[list[str]] = []
    target_values: list[list[str]] = []
    counts: list[int] = []
    leads: list[LeadDraft] = []
    for row in rows:
        stem, segment_items = split_items(row.get("action"))
        if stem and not segment_items:
            segment_items = [Item("", stem)]
        elif stem:
            segment_items.insert(0, Item("", stem))
        items.extend(segment_items)
        counts.append(len(segment_items))
        lead_values.append(_lead_values(row.get("lead")))
        target_values.append(
            [
                t
                for p in paragraphs(row.get("target"))
                for t in split_targets(unbullet(p), year_style=ctx.year_style)
            ]
        )
        for lead in parse_leads(row.get("lead"), ctx.key, ctx.known_names):
            if all(lead.label != existing.label for existing in leads):
                leads.append(lead)
        action.progress.extend(_progress(row, ctx))
        for name, value in _field_values(row, ctx).items():
            action.fields[name] = f"{action.fields[name]}\n{value}" if name in action.fields else value
    action.leads = leads
    action.target = _merge_target([flat(r.get("target")) for r in rows], ctx)
    if action.target is None or (action.target.kind is TargetKind.TEXT and not action.target.text):
        action.target = None
    per_lead = _distribute(lead_values, counts)
    per_target = _distribute(target_values, counts)
    if len(items) > 1 or (items and (len(rows) > 1 or len(leads) > 1)):
        action.sub_actions = _sub_actions("", items, per_lead, per_target, ctx, first.where)
    elif items:
        action.sub_actions = _sub_actions("", items, [None], [None], ctx, first.where)
    return action


def _distribute(values: list[list[str]], counts: list[int]) -> list[str | None]:
    """Hand each bullet its lead or deadline: one per bullet overall, else per row, else none."""
    total = sum(counts)
    flat_values = [v for vs in values for v in vs]
    if len(flat_values) == total:
        return list(flat_values)
    out: list[str | None] = []
    for vs, n in zip(values, counts, strict=True):
        if len(vs) == n:
            out.extend(vs)
        elif len(vs) == 1:
            out.extend([vs[0]] * n)
        else:
            out.extend((vs + [None] * n)[:n])
    return out
