"""SourceDoc -> PlanDrafts: the one interpreter every file format goes through.

One file may hold more than one plan (a progress report followed by the updated plan): each becomes its
own draft, in file order.
"""

from __future__ import annotations

import re
from pathlib import Path

from collector.core.dates import YearStyle
from collector.core.errors import ImportFileError
from collector.core.refs import parse_ref_cell, split_leading_ref

from .build import Context, action_from_outcome, action_from_row, add_detail
from .cells import flat
from .draft import ActionDraft, ColumnMapping, PlanDraft, SectionDraft
from .items import split_items
from .layout import split_parts
from .leads import parse_leads
from .numbering import adopt, disambiguate, is_forgotten_number, number, successor
from .rows import Part, Row, Section
from .source import SourceDoc

_PERIOD = re.compile(
    r"((?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{4}\s*[-–]\s*"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{4}"
    r"|(?:19|20)\d\d\s*[-–/]\s*(?:19|20)?\d{1,2}(?!\d)"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?:19|20)\d\d"
    r"|(?:19|20)\d\d)",
    re.I,
)


def interpret(doc: SourceDoc, overrides: dict[str, str] | None = None) -> list[PlanDraft]:
    parts = split_parts(doc, overrides)
    drafts = [_draft(doc, part) for part in parts if any(isinstance(i, Row) for i in part.items)]
    if not drafts:
        raise ImportFileError(
            doc.path,
            "no table found"
            if not any(line.in_table for line in doc.lines)
            else "the table holds no actions",
            hint="the plan needs a table with a row per action; use --map 'Header=action' "
            "(or --map 'B=action' by column letter) to name the column of actions",
        )
    for draft in drafts:
        disambiguate(draft)
    return drafts


def _title(doc: SourceDoc, part: Part) -> tuple[str, str | None]:
    lines = [t.strip().strip("*#").strip() for t in part.title_lines if t.strip().strip("*#").strip()]
    title = lines[0] if lines else _title_from_file(doc.path)
    period = _PERIOD.search(title)
    return " ".join(title.split()), (period.group(1) if period else None)


def _title_from_file(path: str) -> str:
    """ "edi_action_plan_2026-27.csv" -> "Edi action plan 2026-27": words as typed, the first capitalised."""
    text = " ".join(re.sub(r"_|(?<!\d)-|-(?!\d)", " ", Path(path).stem).split())
    return text[:1].upper() + text[1:]


_ACADEMIC = re.compile(r"\bacademic\s+years?\b|\bAY\s?\d{2}", re.I)


def _year_style(part: Part) -> YearStyle:
    """A plan that speaks of academic years means them by "2025/26"; any other means financial years."""
    texts = [*part.title_lines, *(c.header for c in part.columns)]
    return "academic" if any(_ACADEMIC.search(t) for t in texts) else "financial"


def _outcome_led(part: Part) -> bool:
    """Is each outcome the action, and the rows under it its parts? Only when the plan prints no refs and
    the outcome column groups rows: blank (or merged) on some rows that carry actions, or holding actions
    written as several bullets. Otherwise the outcome is kept as a field of each action."""
    fields = {c.field for c in part.columns}
    if not {"outcome", "action"} <= fields:
        return False
    rows = [i for i in part.items if isinstance(i, Row) and i.get("action").strip()]
    if not rows:
        return False
    for row in rows:
        if parse_ref_cell(row.get("ref")) or split_leading_ref(row.get("action"))[0] is not None:
            return False
    outcome_positions = {c.position for c in part.columns if c.field == "outcome"}
    grouped = sum(1 for r in rows if not r.get("outcome").strip() or outcome_positions & r.merged)
    bulleted = sum(1 for r in rows if len(split_items(r.get("action"))[1]) > 1)
    return grouped > 0 or bulleted * 2 >= len(rows)


def _known_names(part: Part, key: dict[str, str]) -> set[str]:
    """Names printed alone (or delimited) in lead cells: used to cut undelimited cells of several names."""
    names: set[str] = set()
    for item in part.items:
        if isinstance(item, Row):
            for lead in parse_leads(item.get("lead"), key):
                if lead.name and len(lead.name.split()) <= 3:
                    names.add(lead.name)
    return names


def _draft(doc: SourceDoc, part: Part) -> PlanDraft:
    title, period = _title(doc, part)
    headers: dict[str, str] = {}
    for column in part.columns:
        headers.setdefault(column.field, column.header)
    ctx = Context(
        key=part.lead_key,
        known_names=_known_names(part, part.lead_key),
        headers=headers,
        outcome_led=_outcome_led(part),
        year_style=_year_style(part),
        colour_key=part.colour_key,
    )
    draft = PlanDraft(title=title, source=doc.path, period=period, lead_key=dict(part.lead_key))
    draft.columns = _columns(part)
    section: SectionDraft | None = None
    group: list[Row] = []
    counters: dict[str | None, int] = {}
    rows = [i for i in part.items if isinstance(i, Row)]
    printed = [_printed_ref(r) for r in rows]
    adopted = 0

    def close_group() -> None:
        if group:
            _place(draft, action_from_outcome(list(group), ctx), section, counters)
            group.clear()

    for item in part.items:
        if isinstance(item, Section):
            close_group()
            section = SectionDraft(item.ref or str(len(draft.sections) + 1), item.title)
            draft.sections.append(section)
            continue
        if ctx.outcome_led:
            if flat(item.get("outcome")):
                close_group()
                group.append(item)
            elif group:
                group.append(item)
            continue
        action = action_from_row(item, ctx)
        if action is None:
            if draft.actions:
                add_detail(_last(draft), item, ctx)
            continue
        parent = draft.actions[-1] if draft.actions else None
        if action.ref_synthetic and parent is not None and not parent.ref_synthetic:
            k = rows.index(item)
            before = next((r for r in reversed(printed[:k]) if r), None)
            after = next((r for r in printed[k + 1 :] if r), None)
            if not is_forgotten_number(before, after):
                adopt(parent, action)
                adopted += 1
                continue
            draft.warnings.append(f"{item.where}: this action has no ref; numbered {_next_ref(before)}")
            action.ref, action.ref_synthetic = _next_ref(before), False
        _place(draft, action, section, counters)
    close_group()
    _drop_trailing_notes(draft)
    _note_reading(draft, ctx, adopted)
    if part.skipped:
        draft.warnings.append(f"{part.skipped} rows before the first header row were skipped")
    draft.warnings.extend(part.notes)
    draft.warnings.extend(doc.notes)
    return draft


def _drop_trailing_notes(draft: PlanDraft) -> None:
    """A line below the last action ("Approved by the board in July") reads like a heading but heads
    nothing: it is kept among the plan's warnings, not made a section with no actions."""
    used = {a.section_ref for a in draft.actions}
    while draft.sections and draft.sections[-1].ref not in used:
        note = draft.sections.pop()
        draft.warnings.append(f"text below the last action kept as a note, not a section: {note.title!r}")


def _printed_ref(row: Row) -> str | None:
    ref = parse_ref_cell(row.get("ref")) if row.get("ref").strip() else None
    return ref or split_leading_ref(row.get("action") or row.get("outcome"))[0]


def _next_ref(before: str | None) -> str:
    return successor(before or "") or ""


def _last(draft: PlanDraft) -> ActionDraft:
    """The action the next detail row belongs to: the last sub-action adopted from a row, or the action."""
    action = draft.actions[-1]
    while (
        action.sub_actions
        and action.sub_actions[-1].ref_synthetic
        and action.sub_actions[-1].where != action.where
    ):
        action = action.sub_actions[-1]
    return action


def _note_reading(draft: PlanDraft, ctx: Context, adopted: int) -> None:
    """Say how the table was read, so a coordinator can check the reading rather than every action."""
    if ctx.outcome_led:
        draft.warnings.append(
            "read as outcome-led: each outcome is an action and the actions listed under it are its parts"
        )
    if adopted:
        draft.warnings.append(
            f"{adopted} unnumbered rows under numbered actions were read as their sub-actions"
        )


def _place(
    draft: PlanDraft, action: ActionDraft, section: SectionDraft | None, counters: dict[str | None, int]
) -> None:
    """Attach to the plan with its section; number it when the plan prints no ref."""
    number(action, section.ref if section else None, counters)
    draft.actions.append(action)


def _columns(part: Part) -> list[ColumnMapping]:
    seen: set[tuple[str, str]] = set()
    out = []
    for column in part.columns:
        if (column.header, column.field) not in seen:
            seen.add((column.header, column.field))
            out.append(
                ColumnMapping(column.header, column.field, column.position, column.confidence, column.reason)
            )
    return out
