"""Five action-plan layouts public bodies really print, built in code, with what importing each must give.

Each layout is a shape seen in published plans (all text here is invented):

  athena   a university's Athena Swan action plan: objective merged down over its actions, a blank
           header over the ref column, start and end dates, responsible and accountable, bold priorities;
  nhs      an NHS trust's WRES plan: no refs, a RAG key table above the table, status as fill colour only,
           financial years and quarters as timescales;
  audit    an internal-audit recommendations tracker: alphanumeric refs, original and revised dates, one
           sheet (workbook) or one headed table (Word) per directorate;
  council  a council plan update: theme rows and objective rows across the table, actions numbered 1.1.1,
           "What's happened" and "Next steps" columns, lettered items in one action;
  housing  a housing association's plan: directorate rows across the table, refs 1, 2, 3, leads as
           initials with a key below the table, and a colour key for a fill-only "Progress RAG" column.

A layout is printed as blocks (Para, Blank, Row, Sheet) which one renderer per format writes; what a
correct import gives is stated by hand next to the printed values (`Want`), never read back from the
importer.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from collector.core.vocabulary import Status

# --- printed blocks ------------------------------------------------------------------------------------


@dataclass
class C:
    """A table cell with formatting."""

    text: str = ""
    fill: str | None = None  # "RRGGBB" solid fill / Word shading
    bold: bool = False
    colour: str | None = None  # font colour "RRGGBB"
    excel_date: date | None = None  # xlsx only: write a real date cell (shown dd/mm/yyyy) instead of text


Cell = str | C


@dataclass
class Row:
    cells: list[Cell]
    header: bool = False
    across: bool = False  # docx/xlsx: the first cell merged across the whole row (the rest are blank)
    down: frozenset[int] = frozenset()  # positions continuing the vertically merged cell above
    bold: bool = False  # every cell's text bold


@dataclass
class Para:
    """A line outside any table (a Word paragraph, a spreadsheet row with one filled cell)."""

    text: str
    style: str | None = None  # docx paragraph style ("Title", "Heading 2")
    fill: str | None = None  # xlsx only: the cell's fill (a legend swatch)


@dataclass
class Blank:
    """An empty paragraph / row: in Word it also ends the table above."""


@dataclass
class Sheet:
    """xlsx only: start a new worksheet with this name."""

    name: str


Block = Para | Blank | Row | Sheet


def _cell(value: Cell) -> C:
    return value if isinstance(value, C) else C(value)


# --- renderers -----------------------------------------------------------------------------------------


def render_docx(blocks: list[Block], path: Path) -> None:
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import RGBColor

    document = docx.Document()
    pending: list[Row] = []

    def put(cell, value: C, bold: bool) -> None:
        lines = value.text.split("\n")
        cell.text = lines[0]
        for extra in lines[1:]:
            cell.add_paragraph(extra)
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                run.bold = bold or value.bold or None
                if value.colour:
                    run.font.color.rgb = RGBColor.from_string(value.colour)
        if value.fill:
            shading = f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{value.fill}"/>'
            cell._tc.get_or_add_tcPr().append(parse_xml(shading))

    def flush() -> None:
        if not pending:
            return
        width = max(len(row.cells) for row in pending)
        table = document.add_table(rows=len(pending), cols=width)
        table.style = "Table Grid"
        for r, row in enumerate(pending):
            cells = table.rows[r].cells
            if row.header and r == 0:
                tr_pr = table.rows[r]._tr.get_or_add_trPr()
                tr_pr.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
            if row.across and width > 1:
                put(cells[0].merge(cells[-1]), _cell(row.cells[0]), row.bold or row.header)
                continue
            for c, value in enumerate(row.cells):
                if c not in row.down:
                    put(cells[c], _cell(value), row.bold or row.header)
        # Vertical merges: a cell continues down over the rows that mark its position in `down`.
        for r, row in enumerate(pending):
            if row.across:
                continue
            for c in range(len(row.cells)):
                if c in row.down:
                    continue
                end = r
                while end + 1 < len(pending) and c in pending[end + 1].down:
                    end += 1
                if end > r:
                    table.cell(r, c).merge(table.cell(end, c))
        pending.clear()

    for b in blocks:
        if isinstance(b, Row):
            pending.append(b)
            continue
        flush()
        if isinstance(b, Para):
            document.add_paragraph(b.text, style=b.style) if b.style else document.add_paragraph(b.text)
        elif isinstance(b, Blank):
            document.add_paragraph("")
        elif isinstance(b, Sheet):
            raise ValueError("a Word document has no sheets")
    flush()
    document.save(str(path))


def render_xlsx(blocks: list[Block], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Action plan"
    fresh = True
    r = 0
    starts: dict[int, int] = {}  # column -> row where the vertically merged cell in it began

    def solid(colour: str) -> PatternFill:
        return PatternFill(fill_type="solid", start_color=colour, end_color=colour)

    def close_merges(upto: int) -> None:
        for c, start in list(starts.items()):
            if upto > start:
                sheet.merge_cells(start_row=start, start_column=c + 1, end_row=upto, end_column=c + 1)
        starts.clear()

    for b in blocks:
        if isinstance(b, Sheet):
            close_merges(r)
            if fresh:
                sheet.title = b.name
            else:
                sheet = workbook.create_sheet(b.name)
            fresh, r = False, 0
            continue
        fresh = False
        r += 1
        if isinstance(b, Para):
            close_merges(r - 1)
            cell = sheet.cell(row=r, column=1, value=b.text)
            if b.style in ("Title", "Heading 1", "Heading 2"):
                cell.font = Font(bold=True, size=14 if b.style == "Title" else 12)
            if b.fill:
                cell.fill = solid(b.fill)
            continue
        if isinstance(b, Blank):
            close_merges(r - 1)
            continue
        # A row: close the vertical merges that do not continue into it.
        for c, start in list(starts.items()):
            if c not in b.down:
                if r - 1 > start:
                    sheet.merge_cells(start_row=start, start_column=c + 1, end_row=r - 1, end_column=c + 1)
                del starts[c]
        for c, value in enumerate(b.cells):
            v = _cell(value)
            if c in b.down:
                continue
            if v.excel_date is not None:
                cell = sheet.cell(
                    row=r, column=c + 1, value=datetime.combine(v.excel_date, datetime.min.time())
                )
                cell.number_format = "dd/mm/yyyy"
            else:
                cell = sheet.cell(row=r, column=c + 1, value=v.text or None)
            if "\n" in v.text:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            bold = b.bold or b.header or v.bold
            if bold or v.colour:
                cell.font = Font(bold=bold, color=v.colour)
            if v.fill:
                cell.fill = solid(v.fill)
            if not b.across:
                starts[c] = r
        if b.across and len(b.cells) > 1:
            sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(b.cells))
    close_merges(r)
    workbook.save(path)


def render_csv(blocks: list[Block], path: Path) -> None:
    """As Excel saves a sheet as CSV: every row padded to the used width, fills and merges gone."""
    width = max((len(b.cells) for b in blocks if isinstance(b, Row)), default=1)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        for b in blocks:
            if isinstance(b, Para):
                writer.writerow([b.text] + [""] * (width - 1))
            elif isinstance(b, Blank):
                writer.writerow([""] * width)
            elif isinstance(b, Row):
                cells = [_cell(c).text for c in b.cells]
                writer.writerow(cells + [""] * (width - len(cells)))
            elif isinstance(b, Sheet):
                raise ValueError("a CSV file has no sheets")


def _tsv_cell(text: str) -> str:
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    return paragraphs[0] if len(paragraphs) == 1 else " ".join(f"<p>{p}</p>" for p in paragraphs)


def render_txt(blocks: list[Block], path: Path) -> None:
    """The tab-separated text export: a row per line, cells joined by tabs, a cell's paragraphs as <p>
    fragments (the text reader's convention), fills and merges gone."""
    lines: list[str] = []
    for b in blocks:
        if isinstance(b, Para):
            lines.append(b.text)
        elif isinstance(b, Blank):
            lines.append("")
        elif isinstance(b, Row):
            lines.append("\t".join(_tsv_cell(_cell(c).text) for c in b.cells))
        elif isinstance(b, Sheet):
            raise ValueError("a text export has no sheets")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


RENDERERS: dict[str, Callable[[list[Block], Path], None]] = {
    "docx": render_docx,
    "xlsx": render_xlsx,
    "csv": render_csv,
    "txt": render_txt,
}


# --- what a correct import gives -----------------------------------------------------------------------


@dataclass
class Want:
    ref: str | None  # as printed; None when the plan prints none (a synthetic "#n" is expected)
    text: str
    leads: list[str]  # lead labels (the key's name where the plan has a key)
    target: str  # the target text as printed
    due: date | None  # the date the target means; None for "Ongoing"
    section: str | None = None  # the section (title) the action belongs to
    status: Status | None = None  # expected when fills survive (docx/xlsx) or a word says it
    status_by_fill: bool = False  # the status is only a fill colour: lost in CSV
    fields: dict[str, str] = field(default_factory=dict)  # header as printed -> value, among action.fields
    progress: str | None = None  # text that the progress must contain
    subs: list[str] = field(default_factory=list)  # sub-action texts
    codes: list[str] = field(default_factory=list)  # lead codes, where leads are printed as initials
    target_is_excel_date: bool = False  # xlsx writes the target as a date cell: compare the date only
    group: str | None = None  # athena: the objective the action serves (a section title or a field)

    def status_in(self, fmt: str) -> Status | None:
        return None if self.status_by_fill and fmt in ("csv", "txt") else self.status


@dataclass
class Layout:
    name: str
    formats: tuple[str, ...]
    build: Callable[[str], list[Block]]  # format -> blocks
    wants: list[Want]
    sections: list[str] | None  # section titles expected in order (None: not checked this way)
    not_actions: list[str] = field(default_factory=list)  # texts that must not be imported as actions
    lead_key: dict[str, str] = field(default_factory=dict)  # code -> name the plan's key gives

    def write(self, fmt: str, folder: Path) -> Path:
        path = folder / f"{self.name}.{fmt}"
        RENDERERS[fmt](self.build(fmt), path)
        return path


# --- 1. Athena Swan action plan --------------------------------------------------------------------------

ATHENA_HEADER = [
    "",
    "Objective",
    "Action",
    "Rationale",
    "Start",
    "End",
    "Responsible",
    "Accountable",
    "Success measure",
]
ATHENA_OBJECTIVES = [
    "Increase the proportion of women applying for lecturer posts",
    "Support the careers of technical and professional services staff",
    "Make the department's meetings and events inclusive",
]
# (ref, objective index, action, rationale, start, end, responsible, accountable, success, bold, due)
ATHENA_ROWS = [
    (
        "1.1",
        0,
        "Check the wording of every academic job advert with a gender decoder and remove gendered terms",
        "Women were 22% of applicants for lecturer posts in 2022-2024",
        "Sep 2025",
        "Dec 2025",
        "Recruitment Lead",
        "Head of Department",
        "All adverts checked before publication",
        False,
        date(2025, 12, 31),
    ),
    (
        "1.2",
        0,
        "Put at least one woman on every shortlisting and interview panel for academic posts",
        "Three panels in 2024 were all men",
        "Sep 2025",
        "July 2026",
        "Departmental Manager",
        "Head of Department",
        "Every panel meets the rule; checked each term",
        True,
        date(2026, 7, 31),
    ),
    (
        "1.3",
        0,
        "Contact women researchers in the field directly whenever a lecturer post is advertised",
        "Exit interviews show women hear of posts late",
        "2025/26",
        "2026/27",
        "Recruitment Lead / Director of Research",
        "Head of Department",
        "Women are 35% of applicants by 2027",
        False,
        date(2027, 7, 31),
    ),
    (
        "2.1",
        1,
        "Offer every technician a yearly career conversation with a trained reviewer",
        "Staff survey: 41% of technicians see no route to promotion",
        "Jan 2026",
        "Jun 2026",
        "Technical Services Manager",
        "Director of Operations",
        "90% of technicians have had a conversation",
        True,
        date(2026, 6, 30),
    ),
    (
        "2.2",
        1,
        "Fund two technicians each year to attend the national technicians' conference",
        "No technician has attended external development since 2021",
        "2025/26",
        "2028/29",
        "Technical Services Manager",
        "Director of Operations",
        "Eight technicians funded by 2029",
        False,
        date(2029, 7, 31),
    ),
    (
        "3.1",
        2,
        "Hold all departmental meetings and seminars between 10:00 and 15:00",
        "Staff with caring duties miss meetings held at 9:00 and 17:00",
        "Sep 2025",
        "Oct 2025",
        "Head of Department",
        "Dean of Science",
        "No meetings outside core hours in the term diary",
        False,
        date(2025, 10, 31),
    ),
    (
        "3.2",
        2,
        "Run a culture survey every year and publish the results with the actions taken",
        "The last survey was in 2021 and its results were not shared",
        "Mar 2026",
        "2029/30",
        "Dr Helen Okafor",
        "Head of Department",
        "Response rate above 60%; results published within three months",
        False,
        date(2030, 7, 31),
    ),
]


def athena_blocks(fmt: str) -> list[Block]:
    out: list[Block] = [
        Para("Northbridge University, Department of Earth Sciences", "Title"),
        Para("Athena Swan Bronze Award Action Plan 2025-2030"),
        Para("Actions run over the academic years 2025/26 to 2029/30. Priority actions are in bold."),
        Blank(),
        Row(ATHENA_HEADER, header=True),
    ]
    previous = None
    for ref, obj, action, rationale, start, end, resp, acc, success, bold, _ in ATHENA_ROWS:
        first = obj != previous
        previous = obj
        objective = ATHENA_OBJECTIVES[obj] if first else ""
        cells: list[Cell] = [
            ref,
            objective,
            C(action, bold=bold),
            rationale,
            start,
            end,
            resp,
            acc,
            success,
        ]
        out.append(Row(cells, down=frozenset() if first else frozenset({1})))
    return out


ATHENA = Layout(
    name="athena",
    formats=("docx", "xlsx", "csv", "txt"),
    build=athena_blocks,
    wants=[
        Want(
            ref=ref,
            text=action,
            leads=[lead.strip() for lead in resp.split("/")],
            target=end,
            due=due,
            fields={"Start": start, "Accountable": acc, "Success measure": success, "Rationale": rationale},
            group=ATHENA_OBJECTIVES[obj],
        )
        for ref, obj, action, rationale, start, end, resp, acc, success, _bold, due in ATHENA_ROWS
    ],
    sections=None,  # objectives as sections or as a field: both readings are right (checked per action)
    not_actions=[*ATHENA_OBJECTIVES, "Priority actions are in bold"],
)


# --- 2. NHS WRES action plan ----------------------------------------------------------------------------

RED, AMBER, GREEN, LIGHT_GREEN = "FF0000", "FFC000", "00B050", "92D050"
NHS_HEADER = ["WRES indicator", "Action", "Lead", "Timescale", "RAG"]
# (indicator, action, lead, timescale, fill, status through the plan's key, due)
NHS_ROWS = [
    (
        "Indicator 1: BME staff in bands 8a and above",
        "Set band-by-band targets for BME representation at band 8a and above and report them to the "
        "People Committee every quarter",
        "Director of People",
        "2025/26",
        RED,
        Status.NOT_STARTED,
        date(2026, 3, 31),
    ),
    (
        "Indicator 2: appointment from shortlisting",
        "Put a trained inclusion ambassador on every interview panel for posts at band 7 and above",
        "Head of Recruitment",
        "Q3 2025/26",
        AMBER,
        Status.ON_TRACK,
        date(2025, 12, 31),
    ),
    (
        "Indicator 2: appointment from shortlisting",
        "Audit shortlisting decisions in three divisions and feed the findings back to recruiting managers",
        "Workforce Information Manager",
        "Q1 2026/27",
        GREEN,
        Status.COMPLETED,
        date(2026, 6, 30),
    ),
    (
        "Indicator 3: entry into the formal disciplinary process",
        "Require a second-level review of every case before a formal disciplinary investigation starts",
        "Head of Employee Relations",
        "Q4 2025/26",
        None,
        None,
        date(2026, 3, 31),
    ),
    (
        "Indicators 5 to 8: staff survey",
        "Open a confidential route for reporting racist abuse from patients, run by the Freedom to Speak "
        "Up Guardian",
        "Freedom to Speak Up Guardian",
        "Q2 2025/26",
        AMBER,
        Status.ON_TRACK,
        date(2025, 9, 30),
    ),
    (
        "Indicator 9: board membership",
        "Offer board shadowing places to BME staff at band 8b and above",
        "Chief People Officer / Trust Secretary",
        "2026/27",
        RED,
        Status.NOT_STARTED,
        date(2027, 3, 31),
    ),
]
NHS_KEY = [("Red", RED, "Not started"), ("Amber", AMBER, "In progress"), ("Green", GREEN, "Complete")]


def nhs_blocks(fmt: str) -> list[Block]:
    out: list[Block] = [
        Para("Kingsmere Community Health NHS Trust", "Title"),
        Para("Workforce Race Equality Standard (WRES) Action Plan 2025/26"),
        Blank(),
        Para("RAG rating key"),
    ]
    out.extend(Row([C(word, fill=colour, bold=True), meaning]) for word, colour, meaning in NHS_KEY)
    out.extend([Blank(), Row(NHS_HEADER, header=True)])
    for indicator, action, lead, timescale, fill, _, _ in NHS_ROWS:
        out.append(Row([indicator, action, lead, timescale, C("", fill=fill)]))
    out.extend([Blank(), Para("Approved by the People Committee, 14 July 2025")])
    return out


NHS = Layout(
    name="nhs",
    formats=("docx", "xlsx", "csv", "txt"),
    build=nhs_blocks,
    wants=[
        Want(
            ref=None,
            text=action,
            leads=[lead.strip() for lead in lead_cell.split("/")],
            target=timescale,
            due=due,
            status=status,
            status_by_fill=True,
            fields={"WRES indicator": indicator},
        )
        for indicator, action, lead_cell, timescale, _, status, due in NHS_ROWS
    ],
    sections=[],
    not_actions=["Red", "Amber", "Green", "Not started", "In progress", "Complete", "RAG rating key"],
)


# --- 3. internal-audit recommendations tracker ----------------------------------------------------------

AUDIT_HEADER = [
    "Ref",
    "Finding",
    "Recommendation",
    "Management action",
    "Owner",
    "Original date",
    "Revised date",
    "Status",
]
AUDIT_DIRECTORATES = ["Corporate Resources", "Adult Social Care", "Place and Environment"]
# (directorate, ref, finding, recommendation, action, owner, original, revised, status word, status, due)
AUDIT_ROWS = [
    (
        0,
        "IA25-01",
        "Six of 25 leavers tested still had access to the finance system 30 days after leaving.",
        "Remove system access for leavers within five working days of their last day.",
        "HR will send a weekly leavers report to the Finance Systems team, who will remove access and "
        "keep a log of removals.",
        "Finance Systems Manager",
        "31/12/2024",
        "31/03/2025",
        "Implemented",
        Status.COMPLETED,
        date(2025, 3, 31),
    ),
    (
        0,
        "IA25-02",
        "Receipts were missing for 14% of purchase card transactions sampled.",
        "Reconcile purchase card statements to receipts every month.",
        "Cardholders' managers will reconcile statements monthly and chase missing receipts within ten "
        "working days.",
        "Head of Finance",
        "31/03/2025",
        "",
        "In progress",
        Status.ON_TRACK,
        date(2025, 3, 31),
    ),
    (
        0,
        "IA25-03",
        "The corporate debt policy was last approved in 2017.",
        "Review the debt policy and take it for member approval.",
        "Update the corporate debt recovery policy and take it to Cabinet for approval.",
        "Revenues Manager",
        "30/06/2025",
        "31/10/2025",
        "In progress",
        Status.ON_TRACK,
        date(2025, 10, 31),
    ),
    (
        1,
        "IA25-04",
        "Annual reviews were overdue for 9 of 30 direct payment clients.",
        "Review every direct payment at least once a year.",
        "Carry out an annual review for every client receiving a direct payment and record it on the "
        "case management system.",
        "Direct Payments Service Manager",
        "30/09/2025",
        "",
        "Overdue",
        Status.OFF_TRACK,
        date(2025, 9, 30),
    ),
    (
        1,
        "IA25-05",
        "Changes to care packages were approved by a single officer whatever their value.",
        "Introduce a second approval for high-value package changes.",
        "Require a second signature for any care package change over £500 a week.",
        "Head of Commissioning",
        "31/08/2025",
        "Jan 2026",
        "Not started",
        Status.NOT_STARTED,
        date(2026, 1, 31),
    ),
    (
        2,
        "IA25-06",
        "There is no record of who holds the keys to pool vehicles.",
        "Keep a key register and check it regularly.",
        "Keep a single register of fleet vehicle keys and check it against the vehicles each quarter.",
        "Fleet Manager",
        "31/05/2025",
        "",
        "Implemented",
        Status.COMPLETED,
        date(2025, 5, 31),
    ),
    (
        2,
        "IA25-07",
        "The grounds maintenance contract has been extended twice without a tender.",
        "Retender the contract before the current extension ends.",
        "Retender the grounds maintenance contract, with a report to the Procurement Board.",
        "Procurement Lead",
        "31/03/2026",
        "30/09/2026",
        "In progress",
        Status.ON_TRACK,
        date(2026, 9, 30),
    ),
]


def _dmy(text: str) -> date | None:
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        return None


def audit_blocks(fmt: str) -> list[Block]:
    def date_cell(text: str) -> Cell:
        day = _dmy(text)
        return C(text, excel_date=day) if fmt == "xlsx" and day else text

    out: list[Block] = []
    if fmt != "xlsx":
        out.extend(
            [
                Para("Halden District Council", "Title"),
                Para("Internal Audit: outstanding recommendations tracker at 30 September 2025"),
            ]
        )
    for index, directorate in enumerate(AUDIT_DIRECTORATES):
        if fmt == "xlsx":
            out.append(Sheet(directorate))
        else:
            out.append(Para(directorate, "Heading 2"))
        out.append(Row(AUDIT_HEADER, header=True))
        for d, ref, finding, rec, action, owner, original, revised, word, _, _ in AUDIT_ROWS:
            if d == index:
                out.append(
                    Row([ref, finding, rec, action, owner, date_cell(original), date_cell(revised), word])
                )
    return out


AUDIT = Layout(
    name="audit",
    formats=("docx", "xlsx", "txt"),
    build=audit_blocks,
    wants=[
        Want(
            ref=ref,
            text=action,
            leads=[owner],
            target=revised or original,
            due=due,
            section=AUDIT_DIRECTORATES[d],
            status=status,
            fields={
                "Finding": finding,
                "Recommendation": rec,
                **({"Original date": original} if revised else {}),
            },
            target_is_excel_date=_dmy(revised or original) is not None,
        )
        for d, ref, finding, rec, action, owner, original, revised, _, status, due in AUDIT_ROWS
    ],
    sections=AUDIT_DIRECTORATES,
    not_actions=AUDIT_DIRECTORATES,
)


# --- 4. council plan: theme > objective > action --------------------------------------------------------

NAVY, PALE_BLUE, WHITE = "1F3864", "DEEAF6", "FFFFFF"
COUNCIL_HEADER = ["Ref", "Action", "Lead officer", "By when", "What's happened", "Next steps"]
COUNCIL_THEMES = ["Theme 1: Thriving Places", "Theme 2: Healthy and Independent Lives"]
COUNCIL_OBJECTIVES = [
    ("1.1", 0, "Bring empty shops back into use"),
    ("1.2", 0, "Make it easier to cycle and walk into town"),
    ("2.1", 1, "Help residents to be more active"),
    ("2.2", 1, "Reduce loneliness among older people"),
]
# (ref, objective ref, action, items, lead, by when, what's happened, next steps, status, due)
COUNCIL_ROWS = [
    (
        "1.1.1",
        "1.1",
        "Offer meanwhile-use grants of up to £5,000 to bring vacant town centre units into use",
        [],
        "Economic Development Manager",
        "March 2026",
        "Completed. 14 units reopened with grant support since April.",
        "Evaluate the scheme and report to Cabinet in January.",
        Status.COMPLETED,
        date(2026, 3, 31),
    ),
    (
        "1.1.2",
        "1.1",
        "Use empty property powers on the ten units that have been empty longest",
        [],
        "Head of Regeneration",
        "Q4 2025/26",
        "Owners of six units contacted; two have agreed plans to let.",
        "Serve notices on the remaining four owners.",
        None,
        date(2026, 3, 31),
    ),
    (
        "1.2.1",
        "1.2",
        "Build the riverside cycle path between Mill Lane and the railway station",
        [],
        "Highways Manager",
        "December 2025",
        "Construction began in August and the bridge deck is in place.",
        "Surfacing and lighting, then opening before Christmas.",
        None,
        date(2025, 12, 31),
    ),
    (
        "2.1.1",
        "2.1",
        "Open a community gym in the Eastfield hub",
        [],
        "Leisure Services Manager",
        "June 2026",
        "Site survey finished; a funding bid went to Sport England in September.",
        "Decision on the bid is expected in November.",
        None,
        date(2026, 6, 30),
    ),
    (
        "2.1.2",
        "2.1",
        "Deliver the Active Ashcombe programme",
        [
            "free swimming for under-16s in the school holidays",
            "walking netball sessions in three community centres",
        ],
        "Director of Public Health",
        "2026/27",
        "",
        "Book venues for the spring term.",
        None,
        date(2027, 3, 31),
    ),
    (
        "2.2.1",
        "2.2",
        "Train 50 community connectors to link isolated residents with local groups",
        [],
        "Adult Social Care Commissioning Manager",
        "Ongoing",
        "31 connectors trained so far, with 120 referrals made.",
        "Recruit more connectors through the volunteer centre.",
        None,
        None,
    ),
]


def council_blocks(fmt: str) -> list[Block]:
    width = len(COUNCIL_HEADER)
    out: list[Block] = [
        Para("Ashcombe Borough Council", "Title"),
        Para("Council Plan 2024-2028: delivery update, quarter 2 2025/26"),
        Blank(),
        Row(COUNCIL_HEADER, header=True),
    ]
    for t, theme in enumerate(COUNCIL_THEMES):
        out.append(Row([C(theme, fill=NAVY, bold=True, colour=WHITE)] + [""] * (width - 1), across=True))
        for oref, ot, title in COUNCIL_OBJECTIVES:
            if ot != t:
                continue
            out.append(
                Row(
                    [C(f"Objective {oref} {title}", fill=PALE_BLUE, bold=True)] + [""] * (width - 1),
                    across=True,
                )
            )
            for ref, of, action, items, lead, when, happened, nxt, _, _ in COUNCIL_ROWS:
                if of != oref:
                    continue
                lettered = [f"{letter}) {item}" for letter, item in zip("ab", items, strict=False)]
                text = "\n".join([action, *lettered])
                out.append(Row([ref, text, lead, when, happened, nxt]))
    return out


COUNCIL = Layout(
    name="council",
    formats=("docx", "xlsx", "csv", "txt"),
    build=council_blocks,
    wants=[
        Want(
            ref=ref,
            text=action,
            leads=[lead],
            target=when,
            due=due,
            section=next(t for r, _, t in COUNCIL_OBJECTIVES if r == oref),
            status=status,
            fields={"Next steps": nxt},
            progress=happened.removeprefix("Completed. ") or None,
            subs=items,
        )
        for ref, oref, action, items, lead, when, happened, nxt, status, due in COUNCIL_ROWS
    ],
    sections=None,  # objectives (maybe under themes): checked per action, and themes must be kept
    not_actions=[*COUNCIL_THEMES, *(t for _, _, t in COUNCIL_OBJECTIVES)],
)
COUNCIL_SECTION_REFS = {title: ref for ref, _, title in COUNCIL_OBJECTIVES}


# --- 5. housing association plan -------------------------------------------------------------------------

HOUSING_HEADER = ["No.", "Action", "Lead", "Target date", "Progress RAG", "Progress update"]
HOUSING_DIRECTORATES = [
    "Customer Services Directorate",
    "Property Services Directorate",
    "People and Culture Directorate",
]
HOUSING_KEY = {
    "AB": ("Alice Brown", "Director of Housing"),
    "MO": ("Michael Osei", "Director of Property"),
    "KD": ("Karen Doyle", "Head of People"),
    "RS": ("Rashid Shah", "Customer Insight Manager"),
}
HOUSING_COLOURS = [("Green", GREEN, "completed"), ("Amber", AMBER, "on track"), ("Red", RED, "at risk")]
# (directorate, ref, action, lead cell, codes, target, fill, status through the key, update, due)
HOUSING_ROWS = [
    (
        0,
        "1",
        "Collect equality information from every tenant at sign-up and at each annual home visit",
        "AB",
        ["AB"],
        "March 2026",
        GREEN,
        Status.COMPLETED,
        "Questions added to the sign-up form in May.",
        date(2026, 3, 31),
    ),
    (
        0,
        "2",
        "Offer tenancy agreements translated into the five most requested languages",
        "AB/RS",
        ["AB", "RS"],
        "September 2026",
        AMBER,
        Status.ON_TRACK,
        "Polish and Romanian versions drafted.",
        date(2026, 9, 30),
    ),
    (
        0,
        "3",
        "Review the complaints process with the Tenant Scrutiny Panel for barriers faced by disabled tenants",
        "RS",
        ["RS"],
        "December 2025",
        RED,
        Status.AT_RISK,
        "Panel meetings moved twice; a new date is agreed for November.",
        date(2025, 12, 31),
    ),
    (
        1,
        "4",
        "Complete adaptations for disabled tenants within 12 weeks of an occupational therapist's referral",
        "MO",
        ["MO"],
        "Ongoing",
        AMBER,
        Status.ON_TRACK,
        "",
        None,
    ),
    (
        1,
        "5",
        "Add accessibility features to the design brief for all new-build homes",
        "MO",
        ["MO"],
        "June 2026",
        None,
        None,
        "",
        date(2026, 6, 30),
    ),
    (
        2,
        "6",
        "Introduce anonymised shortlisting for all vacancies",
        "KD",
        ["KD"],
        "January 2026",
        LIGHT_GREEN,
        Status.COMPLETED,
        "Anonymised shortlisting used for all posts since October.",
        date(2026, 1, 31),
    ),
    (
        2,
        "7",
        "Set up staff networks for disabled, LGBT+ and ethnic minority colleagues",
        "KD, AB",
        ["KD", "AB"],
        "March 2027",
        AMBER,
        Status.ON_TRACK,
        "Two networks launched; the disabled staff network follows in the spring.",
        date(2027, 3, 31),
    ),
    (
        2,
        "8",
        "Publish the ethnicity pay gap alongside the gender pay gap",
        "KD",
        ["KD"],
        "April 2026",
        RED,
        Status.AT_RISK,
        "Payroll records lack ethnicity for a third of staff.",
        date(2026, 4, 30),
    ),
]


def housing_blocks(fmt: str) -> list[Block]:
    width = len(HOUSING_HEADER)
    out: list[Block] = [
        Para("Greenway Homes", "Title"),
        Para("Equality, Diversity and Inclusion Action Plan 2025-2027"),
        Blank(),
        Row(HOUSING_HEADER, header=True),
    ]
    for index, directorate in enumerate(HOUSING_DIRECTORATES):
        out.append(Row([C(directorate, bold=True)] + [""] * (width - 1), across=True))
        for d, ref, action, lead, _, target, fill, _, update, _ in HOUSING_ROWS:
            if d == index:
                out.append(Row([ref, action, lead, target, C("", fill=fill), update]))
    out.extend([Blank(), Para("Key to leads")])
    if fmt == "docx":  # Word: a two-column key table
        out.extend(Row([code, f"{name}, {role}"]) for code, (name, role) in HOUSING_KEY.items())
        out.append(Blank())
    else:  # spreadsheet: one line per code
        out.extend(Para(f"{code} = {name}, {role}") for code, (name, role) in HOUSING_KEY.items())
        out.append(Blank())
    out.append(Para("Progress RAG key"))
    out.extend(Para(f"{word} - {meaning}", fill=colour) for word, colour, meaning in HOUSING_COLOURS)
    return out


HOUSING = Layout(
    name="housing",
    formats=("docx", "xlsx", "csv", "txt"),
    build=housing_blocks,
    wants=[
        Want(
            ref=ref,
            text=action,
            leads=[HOUSING_KEY[code][0] for code in codes],
            codes=codes,
            target=target,
            due=due,
            section=HOUSING_DIRECTORATES[d],
            status=status,
            status_by_fill=True,
            progress=update or None,
        )
        for d, ref, action, _, codes, target, _, status, update, due in HOUSING_ROWS
    ],
    sections=HOUSING_DIRECTORATES,
    not_actions=[
        "Key to leads",
        "Progress RAG key",
        *(f"{name}, {role}" for name, role in HOUSING_KEY.values()),
        *(f"{w} - {m}" for w, _, m in HOUSING_COLOURS),
    ],
    lead_key={code: name for code, (name, _) in HOUSING_KEY.items()},
)


LAYOUTS: dict[str, Layout] = {layout.name: layout for layout in (ATHENA, NHS, AUDIT, COUNCIL, HOUSING)}
CASES: list[tuple[str, str]] = [(name, fmt) for name, layout in LAYOUTS.items() for fmt in layout.formats]
