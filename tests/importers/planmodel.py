"""A small model of an action plan, printed in the layouts organisations use, and what importing it gives.

The property tests (test_plan_properties.py) generate a Plan and a Layout, render them to a .docx, .xlsx,
.csv or tab-separated text export, import the file, and compare the drafts with `expected(plan, layout)`:
the expected import follows from the model by construction and is never read back from the importer.

How a plan is printed, whatever the format, is first described as a list of blocks (`blocks`): text
lines, blank lines, table rows (header, section, action) and table/sheet boundaries. Each renderer turns
those blocks into one file format, so every format prints the same table the same way.
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from collector.core.vocabulary import Status
from store.importers.draft import ActionDraft, PlanDraft

# --- the model ---------------------------------------------------------------------------------------


@dataclass
class Action:
    ref: str | None  # as printed; None when the plan prints no refs
    text: str
    leads: list[str]  # names, team names or codes, in printed order
    target: str  # as printed ("March 2027", "31/03/2027", "Ongoing", "TBC")
    status: str | None = None  # a word of STATUS_WORDS, or None
    progress: str | None = None  # the progress narrative, without any status word
    extra: dict[str, str] = field(default_factory=dict)  # other columns by role name ("Success measure")
    children: list[Action] = field(default_factory=list)  # unnumbered child rows below this action
    items: list[str] = field(default_factory=list)  # lettered sub-items "a) ... b) ..." in the action cell
    due: date | None = None  # the date `target` prints (the last day of its month), for other formats


@dataclass
class Section:
    ref: str | None  # "2" when printed as "2. Title", else None
    title: str
    actions: list[Action]


@dataclass
class Plan:
    title: str
    sections: list[Section]
    extra: str | None = None  # the name of the plan's one extra column, if it has one

    def actions(self) -> list[Action]:
        return [a for s in self.sections for a in s.actions]

    def every_row(self) -> list[Action]:
        """Actions and child rows, in printed order."""
        return [row for a in self.actions() for row in (a, *a.children)]

    @property
    def numbered(self) -> bool:
        return any(a.ref for a in self.actions())

    @property
    def has_status(self) -> bool:
        return any(a.status for a in self.every_row())

    @property
    def has_progress(self) -> bool:
        return any(a.progress for a in self.every_row())


STATUS_WORDS: dict[str, Status] = {
    "Completed": Status.COMPLETED,
    "On track": Status.ON_TRACK,
    "At risk": Status.AT_RISK,
    "Delayed": Status.AT_RISK,
    "Off track": Status.OFF_TRACK,
    "Not started": Status.NOT_STARTED,
}
# A status shown only as the colour of its cell (the RAG convention; blue for completed).
FILL_COLOURS: dict[Status, str] = {
    Status.COMPLETED: "0070C0",
    Status.ON_TRACK: "00B050",
    Status.AT_RISK: "FFC000",
    Status.OFF_TRACK: "FF0000",
    Status.NOT_STARTED: "A6A6A6",
}

DATE_FORMATS: dict[str, Callable[[date], str]] = {
    "March 2027": lambda d: f"{d:%B %Y}",
    "Mar-27": lambda d: f"{d:%b-%y}",
    "Mar 2027": lambda d: f"{d:%b %Y}",
    "31/03/2027": lambda d: f"{d:%d/%m/%Y}",
    "31 March 2027": lambda d: f"{d.day} {d:%B %Y}",
}

# --- the layout --------------------------------------------------------------------------------------

ROLES = ("ref", "action", "lead", "target", "status", "progress", "extra")
SECTION_FORMS = ("row", "split_row", "heading", "sheet")  # split_row needs a ref column
PAGE_BREAKS = ("none", "header", "blank", "blank+header", "furniture", "furniture+header")
STATUS_FORMS = ("column", "word", "fill")


@dataclass
class Layout:
    """How a plan is printed. Roles: ref, action, lead, target, status, progress, extra."""

    columns: tuple[str, ...]  # roles in printed order ("ref" only when ref_in == "column")
    headers: dict[str, str]  # role -> header cell as printed ("" for a blank header cell)
    ref_in: str = "column"  # "column" | "text" (at the start of the action cell) | "none" (no refs)
    sections: str = "row"  # see SECTION_FORMS; "sheet" is for workbooks only
    merge_sections: bool = True  # docx/xlsx: a section row is one cell merged across the table
    page_break: str = "none"  # see PAGE_BREAKS
    page_rows: int = 3  # table rows (after the header) on a page
    status_as: str = "column"  # "column" | "word" (first word of the progress cell) | "fill" (colour only)
    lead_sep: str = ", "  # "/", " / ", "; ", "\n", ", "
    date_format: str | None = None  # a key of DATE_FORMATS: re-print every dated target; None = as modelled
    items_on_lines: bool = False  # lettered items each on a line of their own in the action cell

    def header_row(self) -> list[str]:
        return [self.headers[role] for role in self.columns]

    def describe(self) -> str:
        """One line for failure messages."""
        cols = ", ".join(f"{role}={self.headers[role]!r}" for role in self.columns)
        return (
            f"columns [{cols}]; ref_in={self.ref_in}; sections={self.sections}"
            f"{'(merged)' if self.merge_sections and self.sections == 'row' else ''}; "
            f"page_break={self.page_break}/{self.page_rows}; status_as={self.status_as}; "
            f"lead_sep={self.lead_sep!r}; date_format={self.date_format}; "
            f"items_on_lines={self.items_on_lines}"
        )


def printed_target(action: Action, layout: Layout) -> str:
    if action.due is not None and layout.date_format:
        return DATE_FORMATS[layout.date_format](action.due)
    return action.target


def printed_ref(ref: str, where: str) -> str:
    """A ref at the start of the action text: "1.1 Review ...", but "3. Review ..." for a bare number."""
    return f"{ref} " if "." in ref or where == "column" else f"{ref}. "


# --- blocks: the printed plan, whatever the format ---------------------------------------------------


@dataclass
class Text:
    """A line outside any table (title, heading, page furniture)."""

    text: str
    style: str | None = None  # docx paragraph style: "Title", "Heading 2", or None


@dataclass
class Blank:
    """An empty line (text/csv), an empty row (xlsx), an empty paragraph (docx)."""


@dataclass
class Row:
    cells: list[str]
    kind: str = "action"  # "header" | "section" | "action" | "child"
    fills: dict[int, str] = field(default_factory=dict)  # column -> "RRGGBB"
    merged: bool = False  # a section row printed as one cell spanning the table (docx/xlsx)


@dataclass
class NewTable:
    """The table ends here (docx starts a new table at the next row)."""


@dataclass
class NewSheet:
    name: str


Block = Text | Blank | Row | NewTable | NewSheet


def _cells(action: Action, layout: Layout, plan: Plan, *, child: bool) -> Row:
    values: dict[str, str] = {}
    fills: dict[int, str] = {}
    text = action.text
    if action.items:
        items = [f"{letter}) {item}" for letter, item in zip("abcdefghij", action.items, strict=False)]
        text = "\n".join([text, *items]) if layout.items_on_lines else " ".join([text, *items])
    if action.ref and layout.ref_in == "column":
        values["ref"] = action.ref
    elif action.ref and layout.ref_in == "text":
        text = printed_ref(action.ref, "text") + text
    values["action"] = text
    values["lead"] = layout.lead_sep.join(action.leads)
    values["target"] = printed_target(action, layout)
    if layout.status_as == "column":
        values["status"] = action.status or ""
        values["progress"] = action.progress or ""
    elif layout.status_as == "word":
        if action.status:
            values["progress"] = f"{action.status}. {action.progress}" if action.progress else action.status
        else:
            values["progress"] = action.progress or ""
    else:  # fill: the status cell is coloured and empty
        values["status"] = ""
        values["progress"] = action.progress or ""
        if action.status and "status" in layout.columns:
            fills[layout.columns.index("status")] = FILL_COLOURS[STATUS_WORDS[action.status]]
    if plan.extra:
        values["extra"] = action.extra.get(plan.extra, "")
    return Row([values.get(role, "") for role in layout.columns], "child" if child else "action", fills)


def section_label(section: Section) -> str:
    return f"{section.ref}. {section.title}" if section.ref else section.title


def _section_row(section: Section, layout: Layout) -> Row:
    """ "2. Title" in the first cell (merged across the table in docx/xlsx); or split: "2" in the ref
    column and "Title" in the action column (only when the plan has a ref column)."""
    width = len(layout.columns)
    if layout.sections == "split_row" and section.ref and "ref" in layout.columns:
        cells = [""] * width
        cells[layout.columns.index("ref")] = section.ref
        cells[layout.columns.index("action")] = section.title
        return Row(cells, "section")
    cells = [section_label(section)] + [""] * (width - 1)
    return Row(cells, "section", merged=layout.merge_sections)


FURNITURE = "OFFICIAL"


def blocks(plan: Plan, layout: Layout) -> list[Block]:
    """The plan as printed: title, header rows, section rows or headings, action rows, page breaks."""
    header = Row(layout.header_row(), "header")
    out: list[Block] = []
    since_header = 0

    def page_break() -> None:
        form = layout.page_break
        if form == "header":
            out.append(Row(list(header.cells), "header"))
        elif form.startswith("blank"):
            out.extend([Blank(), NewTable()])
        elif form.startswith("furniture"):
            out.extend([NewTable(), Text(FURNITURE), Text("Page {n} of {m}"), NewTable()])
        if form.endswith("+header"):
            out.append(Row(list(header.cells), "header"))

    def add(row: Row) -> None:
        nonlocal since_header
        if since_header and since_header % layout.page_rows == 0 and layout.page_break != "none":
            page_break()
        out.append(row)
        since_header += 1

    if layout.sections != "sheet":
        out.append(Text(plan.title, "Title"))
    for index, section in enumerate(plan.sections):
        if layout.sections == "sheet":
            out.extend([NewSheet(section.title), Text(plan.title, "Title"), header])
            since_header = 0
        elif layout.sections == "heading":
            out.extend([NewTable(), Text(section_label(section), "Heading 2"), header])
            since_header = 0
        else:
            if index == 0:
                out.append(header)
            add(_section_row(section, layout))
        for action in section.actions:
            add(_cells(action, layout, plan, child=False))
            for child in action.children:
                add(_cells(child, layout, plan, child=True))
    # Number the pages now that their count is known.
    pages = sum(1 for b in out if isinstance(b, Text) and b.text == "Page {n} of {m}") + 1
    n = 1
    for b in out:
        if isinstance(b, Text) and b.text == "Page {n} of {m}":
            n += 1
            b.text = f"Page {n} of {pages}"
    return out


# --- renderers ---------------------------------------------------------------------------------------

FORMATS = ("txt", "csv", "xlsx", "docx")


def render(plan: Plan, layout: Layout, fmt: str, folder: Path, name: str = "plan") -> Path:
    """Write the plan in `fmt` ("txt", "csv", "xlsx", "docx") into folder; return the file's path."""
    path = folder / f"{name}.{fmt}"
    RENDERERS[fmt](blocks(plan, layout), path)
    return path


def _tsv_cell(text: str) -> str:
    """A cell of the tab-separated export: several paragraphs become <p> fragments (README convention)."""
    if "\n" not in text:
        return text
    return " ".join(f"<p>{p}</p>" for p in text.split("\n"))


def tsv_lines(items: list[Block]) -> list[str]:
    lines: list[str] = []
    for b in items:
        if isinstance(b, Text):
            lines.append(b.text)
        elif isinstance(b, Blank):
            lines.append("")
        elif isinstance(b, Row):
            lines.append("\t".join(_tsv_cell(c) for c in b.cells))
        elif isinstance(b, NewSheet):
            raise ValueError("a text export has no sheets")
    return lines


def render_txt(items: list[Block], path: Path) -> None:
    path.write_text("\n".join(tsv_lines(items)) + "\n", encoding="utf-8")


def render_csv(items: list[Block], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        for b in items:
            if isinstance(b, Text):
                writer.writerow([b.text])
            elif isinstance(b, Blank):
                writer.writerow([])
            elif isinstance(b, Row):
                writer.writerow(b.cells)
            elif isinstance(b, NewSheet):
                raise ValueError("a CSV file has no sheets")


def render_xlsx(items: list[Block], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Action plan"
    fresh = True  # the workbook's first sheet is still unused
    r = 0
    for b in items:
        if isinstance(b, NewSheet):
            if fresh:
                sheet.title = b.name
            else:
                sheet = workbook.create_sheet(b.name)
            fresh, r = False, 0
            continue
        if isinstance(b, NewTable):
            continue
        fresh = False
        r += 1
        if isinstance(b, Text):
            sheet.cell(row=r, column=1, value=b.text)
        elif isinstance(b, Row):
            for c, value in enumerate(b.cells, start=1):
                cell = sheet.cell(row=r, column=c, value=value or None)
                if "\n" in value:
                    cell.alignment = Alignment(wrap_text=True)
                if c - 1 in b.fills:
                    colour = b.fills[c - 1]
                    cell.fill = PatternFill(fill_type="solid", start_color=colour, end_color=colour)
            if b.merged and len(b.cells) > 1:
                sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(b.cells))
    workbook.save(path)


def render_docx(items: list[Block], path: Path) -> None:
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    pending: list[Row] = []

    def set_text(cell, text: str) -> None:
        paragraphs = text.split("\n")
        cell.text = paragraphs[0]
        for extra in paragraphs[1:]:
            cell.add_paragraph(extra)  # Enter in a Word cell: a paragraph of its own

    def flush() -> None:
        if not pending:
            return
        width = max(len(row.cells) for row in pending)
        table = document.add_table(rows=len(pending), cols=width)
        table.style = "Table Grid"
        for i, row in enumerate(pending):
            cells = table.rows[i].cells
            if i == 0 and row.kind == "header":  # Word's "repeat as header row at the top of each page"
                tr_pr = table.rows[i]._tr.get_or_add_trPr()
                tr_pr.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
            if row.merged and width > 1:
                set_text(cells[0].merge(cells[-1]), row.cells[0])
                continue
            for c, value in enumerate(row.cells):
                set_text(cells[c], value)
                if c in row.fills:
                    shading = f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{row.fills[c]}"/>'
                    cells[c]._tc.get_or_add_tcPr().append(parse_xml(shading))
        pending.clear()

    for b in items:
        if isinstance(b, Row):
            pending.append(b)
            continue
        flush()
        if isinstance(b, Text):
            document.add_paragraph(b.text, style=b.style) if b.style else document.add_paragraph(b.text)
        elif isinstance(b, Blank):
            document.add_paragraph("")
        elif isinstance(b, NewSheet):
            raise ValueError("a Word document has no sheets")
    flush()
    document.save(str(path))


RENDERERS: dict[str, Callable[[list[Block], Path], None]] = {
    "txt": render_txt,
    "csv": render_csv,
    "xlsx": render_xlsx,
    "docx": render_docx,
}


def preview(plan: Plan, layout: Layout, limit: int = 40) -> str:
    """The printed plan as tab-separated lines (cells shown between |), for failure messages."""
    lines = []
    for b in blocks(plan, layout):
        if isinstance(b, Text):
            lines.append(f"  {b.text}")
        elif isinstance(b, Blank):
            lines.append("")
        elif isinstance(b, Row):
            fills = f"   fills {b.fills}" if b.fills else ""
            lines.append("  | " + " | ".join(c.replace("\n", "⏎") for c in b.cells) + " |" + fills)
        elif isinstance(b, NewTable):
            lines.append("  (table ends)")
        elif isinstance(b, NewSheet):
            lines.append(f"  [sheet {b.name!r}]")
    more = f"\n  ... {len(lines) - limit} more lines" if len(lines) > limit else ""
    return "\n".join(lines[:limit]) + more


# --- the expected import -----------------------------------------------------------------------------


@dataclass
class Seen:
    """An action as compared: what the model says (from `expected`) or what the import gave (`seen`)."""

    ref: str | None  # None: not compared (the plan prints no refs, the importer numbers them)
    text: str
    leads: list[str]
    target: str | None
    due: date | None
    status: Status | None
    progress: str
    extras: list[str]
    subs: list[Seen]
    section: int | None = None  # index of the section it belongs to

    def line(self) -> str:
        subs = f" subs={[s.text for s in self.subs]}" if self.subs else ""
        return (
            f"ref={self.ref!r} text={self.text!r} leads={self.leads} target={self.target!r} "
            f"status={self.status and self.status.value} progress={self.progress!r} extras={self.extras}"
            f"{subs} section={self.section}"
        )


@dataclass
class ExpectedPlan:
    title: str
    sections: list[tuple[str | None, str]]  # (ref as printed or None, title)
    actions: list[Seen]


def _expected_action(action: Action, layout: Layout, plan: Plan, section: int | None) -> Seen:
    status = STATUS_WORDS[action.status] if action.status else None
    if action.children:  # (a sub-action's section is its parent's: not compared)
        subs = [_expected_action(child, layout, plan, None) for child in action.children]
    else:
        subs = [Seen(None, item, [], None, None, None, "", [], []) for item in action.items]
    extras = [v for v in ([action.extra.get(plan.extra, "")] if plan.extra else []) if v]
    return Seen(
        ref=action.ref,
        text=action.text,
        leads=list(action.leads),
        target=printed_target(action, layout),
        due=action.due,
        status=status,
        progress=action.progress or "",
        extras=extras,
        subs=subs,
        section=section,
    )


def expected(plan: Plan, layout: Layout | None = None) -> ExpectedPlan:
    """What a correct import of `plan` printed with `layout` gives (target texts depend on the layout)."""
    layout = layout or Layout(columns=("action",), headers={"action": "Action"})
    actions = [
        _expected_action(action, layout, plan, index)
        for index, section in enumerate(plan.sections)
        for action in section.actions
    ]
    return ExpectedPlan(plan.title, [(s.ref, s.title) for s in plan.sections], actions)


def strip_status_word(text: str) -> str:
    """'Completed. The survey ...' -> 'The survey ...': the status is compared on its own."""
    for word in sorted(STATUS_WORDS, key=len, reverse=True):
        if text.casefold().startswith(word.casefold()):
            return text[len(word) :].lstrip(" .:;,-–")
    return text


def seen(action: ActionDraft, draft: PlanDraft | None = None) -> Seen:
    """The imported action in the compared form (leads as labels, progress without its status word)."""
    status = next((p.status for p in action.progress if p.status is not None), None)
    progress = "\n".join(t for p in action.progress if (t := strip_status_word(" ".join(p.text.split()))))
    section = None
    if draft is not None and action.section_ref is not None:
        refs = [s.ref for s in draft.sections]
        section = refs.index(action.section_ref) if action.section_ref in refs else -1
    return Seen(
        ref=action.ref,
        text=action.text,
        leads=[lead.label for lead in action.leads],
        target=action.target.text if action.target else None,
        due=action.target.date if action.target else None,
        status=status,
        progress=progress,
        extras=[v for v in action.fields.values() if v],
        subs=[seen(sub) for sub in action.sub_actions],
        section=section,
    )


def _compare_action(want: Seen, got: Seen, *, items: bool = False) -> list[str]:
    """The fields on which an imported action differs from the expected one."""
    problems = []
    if want.ref is not None and got.ref != want.ref:
        problems.append(f"ref: expected {want.ref!r}, got {got.ref!r}")
    if got.text != want.text:
        problems.append(f"text: expected {want.text!r}, got {got.text!r}")
    if items:  # a lettered item: only its text is modelled
        return problems
    if got.leads != want.leads:
        problems.append(f"leads: expected {want.leads}, got {got.leads}")
    if got.target != want.target:
        problems.append(f"target: expected {want.target!r}, got {got.target!r}")
    if want.due is not None and got.due != want.due:
        problems.append(f"target date: expected {want.due}, got {got.due}")
    if got.status != want.status:
        problems.append(f"status: expected {want.status}, got {got.status}")
    if got.progress != want.progress:
        problems.append(f"progress: expected {want.progress!r}, got {got.progress!r}")
    for extra in want.extras:
        if extra not in got.extras:
            problems.append(f"field {extra!r} missing from fields {got.extras}")
    if want.section is not None and got.section != want.section:
        where = "none" if got.section is None else f"#{got.section + 1}"
        problems.append(f"section: expected section #{want.section + 1}, got {where}")
    return problems


def compare(exp: ExpectedPlan, drafts: list[PlanDraft], *, check_title: bool = True) -> str | None:
    """None when the import is the plan; otherwise a message naming the first difference."""
    if len(drafts) != 1:
        titles = [d.title for d in drafts]
        return f"expected one plan, got {len(drafts)}: {titles}"
    [draft] = drafts
    if check_title and draft.title != exp.title:
        return f"title: expected {exp.title!r}, got {draft.title!r}"
    got_sections = [s.title for s in draft.sections]
    if got_sections != [title for _, title in exp.sections]:
        return f"section titles: expected {[t for _, t in exp.sections]}, got {got_sections}"
    for (ref, title), section in zip(exp.sections, draft.sections, strict=True):
        if ref is not None and section.ref != ref:
            return f"section {title!r}: expected ref {ref!r}, got {section.ref!r}"
    return compare_actions(exp.actions, [seen(a, draft) for a in draft.actions])


def compare_actions(want: list[Seen], got: list[Seen]) -> str | None:
    """The first differing action, with both versions in full."""
    for i, (w, g) in enumerate(zip(want, got, strict=False)):
        problems = _compare_action(w, g)
        sub_problem = _compare_subs(w, g)
        if sub_problem:
            problems.append(sub_problem)
        if problems:
            return (
                f"action {i + 1} of {len(want)}: " + "; ".join(problems) + f"\n  expected: {w.line()}"
                f"\n  imported: {g.line()}"
            )
    if len(want) != len(got):
        extra = got[len(want)] if len(got) > len(want) else want[len(got)]
        which = "spurious imported" if len(got) > len(want) else "missing"
        return (
            f"expected {len(want)} actions, imported {len(got)}; first {which} action: {extra.line()}"
            f"\n  imported texts: {[a.text for a in got]}"
        )
    return None


def _compare_subs(want: Seen, got: Seen) -> str | None:
    items = all(s.leads == [] and s.target is None for s in want.subs)
    if [s.text for s in got.subs] != [s.text for s in want.subs]:
        return f"sub-actions: expected {[s.text for s in want.subs]}, got {[s.text for s in got.subs]}"
    for w, g in zip(want.subs, got.subs, strict=True):
        problems = _compare_action(w, g, items=items)
        if problems:
            return f"sub-action {w.text!r}: " + "; ".join(problems)
    return None


def cell_texts(plan: Plan, layout: Layout) -> list[tuple[str, str]]:
    """Every non-empty model cell's text as (what it is, text): what an import must not lose."""
    out: list[tuple[str, str]] = [("section title", s.title) for s in plan.sections]
    for action in plan.every_row():
        out.append(("action text", action.text))
        out.extend(("lead", lead) for lead in action.leads)
        out.append(("target", printed_target(action, layout)))
        if action.status:
            out.append(("status", action.status))
        if action.progress:
            out.append(("progress", action.progress))
        out.extend(("lettered item", item) for item in action.items)
        if plan.extra and action.extra.get(plan.extra):
            out.append((plan.extra, action.extra[plan.extra]))
    return out


def haystack(drafts: list[PlanDraft]) -> str:
    """Everything an import kept, as one text: titles, action texts, fields, leads, targets, progress."""
    parts: list[str] = []
    for draft in drafts:
        parts.append(draft.title)
        parts.extend(s.title for s in draft.sections)
        for action in draft.walk():
            parts.extend([action.ref, action.text, *action.fields.values()])
            for lead in action.leads:
                parts.extend(p for p in (lead.name, lead.code) if p)
            if action.target:
                parts.append(action.target.text)
            for p in action.progress:
                parts.extend(t for t in (p.text, p.reported) if t)
    return "\n".join(" ".join(p.split()) for p in parts if p)


def statuses(drafts: list[PlanDraft]) -> set[Status]:
    return {p.status for d in drafts for a in d.walk() for p in a.progress if p.status is not None}


def replace(obj, **changes):
    return dataclasses.replace(obj, **changes)
