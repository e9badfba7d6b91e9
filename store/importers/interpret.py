"""SourceDoc -> PlanDrafts: the one interpreter every file format goes through.

One file may hold more than one plan (a progress report followed by the updated plan): each becomes its
own draft, in file order.
"""

from __future__ import annotations

import re
from pathlib import Path

from collector.errors import ImportFileError

from .build import Context, action_from_outcome, action_from_row, add_detail
from .cells import flat
from .draft import ActionDraft, ColumnMapping, PlanDraft, SectionDraft
from .layout import Part, Row, Section, split_parts
from .leads import parse_leads
from .refs import parse_ref_cell, split_leading_ref

_PERIOD = re.compile(
    r"((?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{4}\s*[-–]\s*"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{4}"
    r"|(?:19|20)\d\d\s*[-–/]\s*(?:19|20)?\d{1,2}(?!\d)"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?:19|20)\d\d"
    r"|(?:19|20)\d\d)",
    re.I,
)


def interpret(doc, overrides: dict[str, str] | None = None) -> list[PlanDraft]:
    parts = split_parts(doc, overrides)
    drafts = [_draft(doc, part) for part in parts if any(isinstance(i, Row) for i in part.items)]
    if not drafts:
        raise ImportFileError(
            doc.path,
            "no table of actions found",
            hint="the plan needs a header row naming the action and one of lead, target or progress; "
            "use --map 'Your header=action' to name columns we do not recognise",
        )
    _check_duplicate_refs(doc.path, drafts)
    return drafts


def _title(doc, part: Part) -> tuple[str, str | None]:
    lines = [t.strip().strip("*#").strip() for t in part.title_lines if t.strip().strip("*#").strip()]
    title = lines[0] if lines else Path(doc.path).stem.replace("_", " ").replace("-", " ").strip().title()
    period = _PERIOD.search(title)
    return " ".join(title.split()), (period.group(1) if period else None)


def _outcome_led(part: Part) -> bool:
    fields = {c.field for c in part.columns}
    if not {"outcome", "action"} <= fields:
        return False
    for item in part.items:
        if isinstance(item, Row) and (
            parse_ref_cell(item.get("ref")) or split_leading_ref(item.get("action"))[0] is not None
        ):
            return False
    return True


def _known_names(part: Part, key: dict[str, str]) -> set[str]:
    """Names printed alone (or delimited) in lead cells: used to cut undelimited cells of several names."""
    names: set[str] = set()
    for item in part.items:
        if isinstance(item, Row):
            for lead in parse_leads(item.get("lead"), key):
                if lead.name and len(lead.name.split()) <= 3:
                    names.add(lead.name)
    return names


def _draft(doc, part: Part) -> PlanDraft:
    title, period = _title(doc, part)
    headers: dict[str, str] = {}
    for column in part.columns:
        headers.setdefault(column.field, column.header)
    ctx = Context(
        key=part.lead_key,
        known_names=_known_names(part, part.lead_key),
        headers=headers,
        outcome_led=_outcome_led(part),
    )
    draft = PlanDraft(title=title, source=doc.path, period=period, lead_key=dict(part.lead_key))
    draft.columns = _columns(part)
    section: SectionDraft | None = None
    group: list[Row] = []
    counters: dict[str | None, int] = {}

    def close_group() -> None:
        if group:
            _place(draft, action_from_outcome(list(group), ctx), section, counters)
            group.clear()

    for item in part.items:
        if isinstance(item, Section):
            close_group()
            section = SectionDraft(item.ref or str(len(draft.sections) + 1), item.title)
            draft.sections.append(section)
        elif ctx.outcome_led:
            if flat(item.get("outcome")):
                close_group()
                group.append(item)
            elif group:
                group.append(item)
        else:
            action = action_from_row(item, ctx)
            if action is not None:
                _place(draft, action, section, counters)
            elif draft.actions:
                add_detail(draft.actions[-1], item, ctx)
    close_group()
    if part.skipped:
        draft.warnings.append(f"{part.skipped} rows before the first header row were skipped")
    draft.warnings.extend(doc.notes)
    return draft


def _place(draft: PlanDraft, action: ActionDraft, section: SectionDraft | None, counters) -> None:
    """Attach to the plan with its section; number it when the plan prints no ref."""
    key = section.ref if section else None
    counters[key] = counters.get(key, 0) + 1
    action.section_ref = section.ref if section else None
    if action.ref_synthetic or not action.ref:
        action.ref = f"{key}.{counters[key]}" if key else str(counters[key])
        action.ref_synthetic = True
    for sub in action.sub_actions:
        sub.ref = f"{action.ref}{sub.ref}" if sub.ref.startswith(" ") else sub.ref
        sub.section_ref = action.section_ref
    draft.actions.append(action)


def _columns(part: Part) -> list[ColumnMapping]:
    seen: set[tuple[str, str]] = set()
    out = []
    for column in part.columns:
        if (column.header, column.field) not in seen:
            seen.add((column.header, column.field))
            out.append(ColumnMapping(column.header, column.field, column.position))
    return out


def _check_duplicate_refs(path: str, drafts: list[PlanDraft]) -> None:
    for draft in drafts:
        seen: dict[str, str] = {}
        for action in draft.walk():
            if action.ref in seen:
                raise ImportFileError(
                    path,
                    f"ref {action.ref} is used twice ({seen[action.ref]} and {action.where})",
                    hint="give each action its own ref in the file and import again",
                )
            seen[action.ref] = action.where
