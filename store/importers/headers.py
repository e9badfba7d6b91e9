"""Column headers: the many names organisations give the usual columns, mapped to our fields.

Decisions as data: EXACT lists whole headers as people print them; KEYWORDS catches the rest by the
words they contain, in priority order (a "Progress and Outcomes" column is progress, not an outcome; an
"Outcome/Success Measure" column is a success measure). Anything unrecognised is kept as a named field.
"""

from __future__ import annotations

import re
from functools import lru_cache

# field -> description (the names `--map 'Header=field'` accepts)
FIELDS: dict[str, str] = {
    "ref": "the action's number as printed (1.1, 3, 2.3 c)",
    "action": "what will be done (the action itself)",
    "outcome": "the outcome or objective the action serves",
    "lead": "who leads it: people, initials or teams",
    "target": "target date, deadline or timescale",
    "milestones": "milestones along the way",
    "success": "success measures, indicators, evidence of success",
    "resources": "resources, budget, costs",
    "priority": "priority (high/medium/low)",
    "source": "where the action comes from (legislation, audit, strategy)",
    "duty": "duties, equality strands or protected characteristics covered",
    "status": "a status or RAG column (On target, Completed, Red/Amber/Green)",
    "progress": "progress narrative, position statement or comments",
    "completed": "the date it was completed (doubles as progress in many plans)",
    "extra": "keep the column as a named field, unrecognised",
}

_EXACT: dict[str, list[str]] = {
    "ref": [
        "ref",
        "ref.",
        "ref no",
        "ref no.",
        "reference",
        "no",
        "no.",
        "number",
        "#",
        "item",
        "item no",
        "action no",
        "action no.",
        "action ref",
        "action number",
        "id",
        "para",
        "paragraph",
    ],
    "action": [
        "action",
        "actions",
        "action required",
        "actions required",
        "action(s)",
        "what we will do",
        "what will we do",
        "what are we going to do",
        "activity",
        "activities",
        "task",
        "tasks",
        "key actions",
        "key action",
        "action description",
        "description",
        "detailed actions",
        "specific actions",
        "steps",
        "actions to be taken",
        "action to be taken",
        "how",
        "intervention",
        "what",
        "commitment",
        "commitments",
        "proposed action",
        "actions/tasks",
        "initiative",
        "initiatives",
        "deliverable",
        "deliverables",
        "workstream",
        "interventions",
        "agreed action",
        "agreed actions",
        "management action",
        "recommendation",
        "recommendations",
        "project",
        "projects",
        "what will be done",
        "what we will do to achieve this",
        "planned action",
        "planned actions",
    ],
    "outcome": [
        "outcome to be achieved",
        "outcomes to be achieved",
        "outcome",
        "outcomes",
        "objective",
        "objectives",
        "aim",
        "aims",
        "goal",
        "goals",
        "desired outcome",
        "expected outcome",
        "intended outcome",
        "equality objective",
        "what we want to achieve",
        "why",
        "issue",
        "issues identified",
        "theme",
        "priority area",
        "strategic objective",
        "area for improvement",
    ],
    "lead": [
        "lead",
        "leads",
        "lead(s)",
        "lead officer",
        "lead officers",
        "lead resource",
        "resource lead",
        "responsible",
        "responsibility",
        "responsible officer",
        "responsible person",
        "person responsible",
        "person or team responsible",
        "owner",
        "owners",
        "action owner",
        "officer",
        "who",
        "who is responsible",
        "by whom",
        "led by",
        "accountable",
        "accountable officer",
        "lead person",
        "lead manager",
        "lead director",
        "lead department",
        "lead team",
        "service lead",
        "contact",
        "responsible manager",
        "champion",
        "sponsor",
        "lead/support",
        "point of contact",
        "contact person",
        "lead contact",
        "responsible lead",
        "executive lead",
        "owned by",
        "action lead",
        "named lead",
    ],
    "target": [
        "target date",
        "target",
        "target dates",
        "deadline",
        "deadlines",
        "dead-line",
        "dead line",
        "due date",
        "date due",
        "due",
        "timescale",
        "timescales",
        "time scale",
        "timeframe",
        "time frame",
        "by when",
        "when",
        "completion date",
        "target completion date",
        "target completion",
        "date",
        "dates",
        "end date",
        "timing",
        "delivery date",
        "target timescale",
        "by",
        "completion by",
        "complete by",
        "to be completed by",
        "when by",
        "revised date",
        "revised target date",
        "original date",
        "original target date",
        "start date",
        "start",
        "end",
        "timeline",
        "date for completion",
    ],
    "milestones": [
        "milestones",
        "milestone",
        "relevant milestones",
        "relevant milestones (as applicable)",
        "key milestones",
        "interim milestones",
        "key stages",
        "key steps",
        "stages",
    ],
    "success": [
        "success measure",
        "success measures",
        "outcome/success measure",
        "success criteria",
        "measure of success",
        "measures of success",
        "performance measure",
        "performance measures",
        "performance indicator",
        "performance indicators",
        "kpi",
        "kpis",
        "indicator",
        "indicators",
        "how will we know",
        "how will we measure success",
        "how we will measure success",
        "evidence of success",
        "expected impact",
        "impact",
        "expected outcome measure",
        "measurable outcome",
        "outcome measure",
        "outcome measures",
        "what success looks like",
        "target/measure",
        "measures",
    ],
    "resources": [
        "resources",
        "resource",
        "resources allocated or required",
        "resources required",
        "resource implications",
        "budget",
        "cost",
        "costs",
        "funding",
        "finance",
        "resourcing",
    ],
    "priority": [
        "priority",
        "high, medium or low priority",
        "priority level",
        "importance",
        "rating",
        "h/m/l",
    ],
    "source": [
        "source",
        "origin",
        "driver",
        "drivers",
        "link to",
        "linked to",
        "requirement",
        "source of action",
        "legislative driver",
        "evidence base",
        "why are we doing this",
        "rationale",
        "basis",
    ],
    "duty": [
        "general duty covered",
        "general duty",
        "duty",
        "duties",
        "equality duty",
        "psed",
        "aim of the duty",
        "strands",
        "equality strands",
        "equality strand",
        "strand",
        "protected characteristics",
        "protected characteristic",
        "equality group",
        "equality groups",
        "race",
        "gender",
        "gender or gender identity",
        "disability",
        "sexuality",
        "sexual orientation",
        "age",
        "religion and belief",
        "religion or belief",
        "sex",
        "pregnancy and maternity",
        "marriage and civil partnership",
        "gender reassignment",
        "ethnicity",
        "transgender",
        "faith",
        "specific duty",
    ],
    "status": [
        "status",
        "rag",
        "rag status",
        "rag rating",
        "current status",
        "status (rag)",
        "rating (rag)",
        "red/amber/green",
        "traffic light",
    ],
    "progress": [
        "progress",
        "progress and outcomes",
        "progress update",
        "progress to date",
        "update",
        "updates",
        "latest update",
        "current position",
        "position statement",
        "comments",
        "comment",
        "commentary",
        "notes",
        "progress/comments",
        "progress notes",
        "outcome achieved",
        "outcomes achieved",
        "achievements",
        "progress/outcome",
        "progress made",
        "position",
        "update on progress",
        "remarks",
        "evidence",
        "what's happened",
        "what has happened",
        "actual outcome",
        "progress since last report",
        "management response",
        "latest position",
    ],
    "completed": [
        "date completed",
        "completed",
        "date achieved",
        "completion",
        "actual completion date",
        "date actioned",
        "done",
    ],
}

# (field, pattern) tried in order when no exact name matches.
_KEYWORDS: list[tuple[str, str]] = [
    ("completed", r"\bdate (completed|achieved|actioned)\b|\bcompleted on\b|\bactual (completion|end)\b"),
    ("progress", r"\bprogress\b|\bupdate\b|\bcomment|\bposition\b|\bcommentary\b|\bhappened\b|\bactual\b"),
    ("status", r"\brag\b|\bstatus\b|\bb?rag\b"),
    ("milestones", r"\bmilestones?\b|\bnext steps?\b"),
    ("success", r"\bsuccess\b|\bmeasures?\b|\bindicators?\b|\bkpis?\b|\bimpact\b|\bhow will we know\b"),
    (
        "lead",
        r"\blead\b|\bleads\b|\bresponsib|\bowner|\bofficer|\bwho\b|\baccountab|\bcontact\b|\bsponsor"
        r"|\bchampion",
    ),
    (
        "target",
        r"\bdead-?\s?line|\btarget date|\btime-?\s?scale|\btime-?\s?frame|\bdue\b|\bby when\b|\bdates?\b"
        r"|\bcompletion\b|\bcomplete by\b|\bwhen\b|\bby$",
    ),
    ("resources", r"\bresourc|\bbudget|\bcosts?\b|\bfunding"),
    ("priority", r"\bpriority\b"),
    ("duty", r"\bdut(y|ies)\b|\bstrands?\b|\bprotected\b|\bcharacteristics?\b"),
    ("source", r"\bsource\b|\bdrivers?\b"),
    (
        "action",
        r"\bactions?\b|\btasks?\b|\bactivit|\bdeliverables?\b|\bworkstreams?\b|\binterventions?\b"
        r"|\brecommendations?\b|\binitiatives?\b|\bcommitments?\b|\bwhat we will do\b",
    ),
    ("outcome", r"\boutcomes?\b|\bobjectives?\b|\baims?\b|\bgoals?\b|\bthemes?\b"),
    ("ref", r"\bref\b|\bno\.?$|\bnumber\b|^#$"),
]

_LOOKUP = {name: field for field, names in _EXACT.items() for name in names}
_COMPILED = [(field, re.compile(pattern)) for field, pattern in _KEYWORDS]


def squash_header(text: str) -> str:
    """Lowercase, single spaces, no trailing punctuation or footnote marks: how headers are compared."""
    text = text.replace("\n", " ").replace("•", " ").lower()
    text = re.sub(r"[*:;†‡]+", " ", text)
    return " ".join(text.split()).strip(" .-")


def match_header(text: str, overrides: dict[str, str] | None = None) -> str | None:
    """The field a header names, or None when it is not a header we know."""
    if overrides:
        key = squash_header(text)
        for header, field in overrides.items():
            if squash_header(header) == key:
                return field
    return _match_known(text)


def is_exact_header(text: str, overrides: dict[str, str] | None = None) -> bool:
    """Is the header a whole known name (or the user's), rather than a keyword found inside it?"""
    key = squash_header(text)
    if overrides and any(squash_header(h) == key for h in overrides):
        return True
    return key in _LOOKUP or squash_header(re.sub(r"\(.*?\)", " ", key)) in _LOOKUP


@lru_cache(maxsize=4096)
def _match_known(text: str) -> str | None:
    """Cached: every row of a plan is tried as a header, and cells like "Ongoing" or "CS" repeat."""
    key = squash_header(text)
    if not key or len(key) > 80:
        return None
    if key in _LOOKUP:
        return _LOOKUP[key]
    without_brackets = squash_header(re.sub(r"\(.*?\)", " ", key))
    if without_brackets in _LOOKUP:
        return _LOOKUP[without_brackets]
    if len(key.split()) > 8:
        return None
    for field, pattern in _COMPILED:
        if pattern.search(key):
            return field
    return None


def header_score(
    cells: tuple[str, ...], overrides: dict[str, str] | None = None
) -> tuple[int, dict[int, str]]:
    """How header-like a row is: the number of cells naming a known field, and which they are.

    A header needs at least two known columns, one of them the action or outcome, and no long cells:
    a data row whose milestone happens to read "Review date" must not pass.
    """
    if any(len(cell) > 80 for cell in cells):
        return 0, {}
    found: dict[int, str] = {}
    filled = 0
    for i, cell in enumerate(cells):
        if not cell.strip():
            continue
        filled += 1
        field = match_header(cell, overrides)
        if field:
            found[i] = field
    fields = set(found.values())
    if len(found) < 2 or not fields & {"action", "outcome"} or len(found) * 2 < filled:
        return 0, {}
    return len(found), found
