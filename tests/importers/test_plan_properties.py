"""Properties of the importer over generated plans, printed in generated layouts (see planmodel.py).

The plans are made from the small word lists below, not from the sample plans, so that an importer
fitted to the samples' headers, refs and quirks cannot pass by accident. Three kinds of test:

  * round trips, over layouts varying in every respect at once: render a plan, import the file, compare
    with what the model says a correct import is (planmodel.expected);
  * metamorphic: print one plan in the plainest layout and in one that differs from it in one respect
    only (column order, header words, where the ref is, page breaks, lead delimiters, date formats, how
    status is shown) and require the same import, so that a failing example names the variation;
  * a ref typed twice, and unnumbered child rows under a numbered action, in plain layouts.

Every file is written to a temporary folder. A failure shows the plan as printed (Hypothesis's notes),
the layout, and the first action that differs.
"""

from __future__ import annotations

import dataclasses
import re
import tempfile
from calendar import monthrange
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

from collector.core.errors import ImportFileError
from store.importers.draft import PlanDraft
from store.importers.pipeline import load_plans

from . import planmodel as pm
from .planmodel import Action, Layout, Plan, Section

# --- word lists (none taken from the sample plans) ---------------------------------------------------

ORGANISATIONS = [
    "Northgate Borough Council",
    "Riverside Housing Group",
    "Fenland Community Trust",
    "Westbrook College",
]
PLAN_NAMES = ["Equality Action Plan 2026-27", "Inclusion Action Plan 2027", "Accessibility Plan 2026 to 2028"]
SECTION_TITLES = [
    "Workforce",
    "Service delivery",
    "Leadership and governance",
    "Community engagement",
    "Accessible information",
    "Procurement",
    "Data and monitoring",
    "Training and awareness",
]
VERBS = [
    "Review",
    "Publish",
    "Introduce",
    "Audit",
    "Update",
    "Extend",
    "Monitor",
    "Set up",
    "Refresh",
    "Promote",
]
OBJECTS = [
    "the recruitment policy",
    "workforce equality data",
    "a carers' network",
    "the complaints procedure",
    "interview panels",
    "the accessibility statement",
    "reasonable adjustment guidance",
    "the apprenticeship scheme",
    "interpreting services",
    "the tenant survey",
    "the grants programme",
    "mentoring for junior staff",
]
QUALIFIERS = [
    "",
    " for bias",
    " every year",
    " with local partners",
    " across all departments",
    " in plain English",
]
NAMES = [
    "Priya Shah",
    "Tom Reed",
    "Aisha Khan",
    "Gareth Evans",
    "Mei Lin",
    "Ruth Okafor",
    "Head of HR",
    "Estates team",
    "Director of People",
    "Customer Services",
]
CODES = ["PS", "TR", "AK", "GE", "ML", "RO", "HR", "SMT"]
TARGET_WORDS = ["Ongoing", "TBC", "Annually"]
NARRATIVES = [
    "Survey issued to all staff in May",
    "Draft shared with the staff network",
    "Two workshops held so far",
    "Budget agreed by the board",
    "Waiting for the national guidance",
    "Pilot running in two teams",
    "First report went to the committee in June",
]
EXTRAS = [
    "Fewer complaints about access",
    "Staff survey scores improve",
    "Data published on time",
    "More applications from disabled people",
    "Board receives a yearly report",
]

# Header words per role. The first is the plainest; UNUSUAL holds words an importer may well not know,
# whose column's role it must infer from the content: only for roles whose content says what they are
# (an action's sentences, a lead's names or codes, a target's dates). A free-text column under an unknown
# word could be progress or a success measure alike, so none is given one. At most one per layout.
HEADERS: dict[str, list[str]] = {
    "ref": ["Ref", "No.", "Ref no", "Action no", "#", ""],
    "action": ["Action", "Actions", "Activity", "Task", "What we will do", "Key actions"],
    "lead": ["Lead", "Lead officer", "Responsible officer", "Owner", "Who"],
    "target": ["Target date", "Deadline", "Timescale", "By when", "Due date"],
    "status": ["Status", "RAG status", "Current status"],
    "progress": ["Progress", "Progress update", "Comments", "Update"],
    "extra": ["Success measure", "Measure of success", "How will we know"],
}
UNUSUAL: dict[str, list[str]] = {
    "action": ["Deliverable", "Commitment", "Intervention", "Workstream"],
    "lead": ["Point of contact"],
    "target": ["Completion by"],
}
LEAD_SEPARATORS = [", ", "/", " / ", "; ", "\n"]
EXTRA_COLUMN = "Success measure"

# --- strategies --------------------------------------------------------------------------------------

texts = st.tuples(st.sampled_from(VERBS), st.sampled_from(OBJECTS), st.sampled_from(QUALIFIERS)).map(
    lambda words: f"{words[0]} {words[1]}{words[2]}"
)
month_ends = st.builds(
    lambda year, month: date(year, month, monthrange(year, month)[1]),
    st.integers(2026, 2028),
    st.integers(1, 12),
)


@st.composite
def target_cells(draw) -> tuple[str, date | None]:
    if draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(TARGET_WORDS)), None
    due = draw(month_ends)
    return pm.DATE_FORMATS["March 2027"](due), due


@st.composite
def plans(
    draw,
    *,
    refs: str | None = None,  # "dotted" (1.1), "plain" (1, 2, 3 ...), "none"; None: any
    children: bool = True,
    items: bool = True,
    status: bool | None = None,
    progress: bool | None = None,
    extra: bool | None = None,
) -> Plan:
    ref_style = refs or draw(st.sampled_from(["dotted", "plain", "none"]))
    n_sections = draw(st.integers(2, 4))
    sizes = draw(st.lists(st.integers(1, 5), min_size=n_sections, max_size=n_sections))
    titles = draw(
        st.lists(st.sampled_from(SECTION_TITLES), min_size=n_sections, max_size=n_sections, unique=True)
    )
    numbered_sections = ref_style == "dotted" or draw(st.booleans())
    lead_pool = draw(st.sampled_from([NAMES, CODES]))
    has_status = draw(st.booleans()) if status is None else status
    has_progress = draw(st.booleans()) if progress is None else progress
    has_extra = draw(st.booleans()) if extra is None else extra
    # The shape first (children per action, items per action), then enough distinct texts for it.
    shapes: list[tuple[int, int]] = []
    for _ in range(sum(sizes)):
        kids = draw(st.sampled_from([0, 0, 2, 1, 3])) if children and ref_style != "none" else 0
        lettered = draw(st.sampled_from([0, 0, 0, 2, 3])) if items and not kids else 0
        shapes.append((kids, lettered))
    needed = sum(sizes) + sum(k + i for k, i in shapes)
    pool = iter(draw(st.lists(texts, min_size=needed, max_size=needed, unique=True)))

    def row(ref: str | None) -> Action:
        target, due = draw(target_cells())
        return Action(
            ref=ref,
            text=next(pool),
            leads=draw(st.lists(st.sampled_from(lead_pool), min_size=1, max_size=3, unique=True)),
            target=target,
            due=due,
            status=draw(st.none() | st.sampled_from(list(pm.STATUS_WORDS))) if has_status else None,
            progress=draw(st.none() | st.sampled_from(NARRATIVES)) if has_progress else None,
        )

    sections: list[Section] = []
    shape = iter(shapes)
    counter = 0
    for s, (size, title) in enumerate(zip(sizes, titles, strict=True), start=1):
        actions = []
        for a in range(1, size + 1):
            counter += 1
            ref = {"dotted": f"{s}.{a}", "plain": str(counter), "none": None}[ref_style]
            action = row(ref)
            kids, lettered = next(shape)
            action.children = [row(None) for _ in range(kids)]
            action.items = [next(pool) for _ in range(lettered)]
            if has_extra:
                value = draw(st.sampled_from(["", *EXTRAS]))
                action.extra = {EXTRA_COLUMN: value} if value else {}
            actions.append(action)
        sections.append(Section(str(s) if numbered_sections else None, title, actions))
    first = sections[0].actions[0]
    if has_status and not any(a.status for s in sections for a in s.actions):
        first.status = draw(st.sampled_from(list(pm.STATUS_WORDS)))
    if has_progress and not any(a.progress for s in sections for a in s.actions):
        first.progress = draw(st.sampled_from(NARRATIVES))
    title = f"{draw(st.sampled_from(ORGANISATIONS))} {draw(st.sampled_from(PLAN_NAMES))}"
    return Plan(title, sections, extra=EXTRA_COLUMN if has_extra else None)


ASPECTS = frozenset(
    {"order", "headers", "ref_in", "sections", "page_break", "lead_sep", "dates", "status_as"}
)


def roles_for(plan: Plan, status_as: str) -> list[str]:
    roles = ["action", "lead", "target"]
    if plan.has_status and status_as in ("column", "fill"):
        roles.append("status")
    if plan.has_progress or (plan.has_status and status_as == "word"):
        roles.append("progress")
    if plan.extra:
        roles.append("extra")
    return roles


def standard_layout(plan: Plan, fmt: str, status_as: str = "column") -> Layout:
    """The plainest way to print the plan: ref column first, the usual headers, one table, no page breaks."""
    ref_in = "column" if plan.numbered else "none"
    columns = (("ref",) if ref_in == "column" else ()) + tuple(roles_for(plan, status_as))
    return Layout(
        columns=columns,
        headers={role: HEADERS[role][0] for role in columns},
        ref_in=ref_in,
        status_as=status_as,
    )


def sections_forms(plan: Plan, fmt: str) -> list[str]:
    forms = ["row"]
    if any(s.ref for s in plan.sections) and plan.numbered:  # the number in the ref column
        forms.append("split_row")
    forms.append("heading")
    if fmt == "xlsx":
        forms.append("sheet")
    return forms


def draw_headers(draw, columns: tuple[str, ...]) -> dict[str, str]:
    headers = {role: draw(st.sampled_from(HEADERS[role])) for role in columns}
    unusual = [role for role in columns if role in UNUSUAL]
    role = draw(st.none() | st.sampled_from(unusual)) if unusual else None
    if role is not None:
        headers[role] = draw(st.sampled_from(UNUSUAL[role]))
    return headers


def draw_layout(draw, plan: Plan, fmt: str, vary: frozenset[str] = ASPECTS) -> Layout:
    """A layout for the plan in fmt; aspects not in `vary` keep their standard (plainest) form."""
    status_as = "column"
    if "status_as" in vary and plan.has_status:
        status_as = draw(st.sampled_from(["column", "word"]))
    layout = standard_layout(plan, fmt, status_as)
    changes: dict = {}
    if "ref_in" in vary and plan.numbered:
        changes["ref_in"] = draw(st.sampled_from(["column", "text"]))
    roles = list(roles_for(plan, status_as))
    if "order" in vary:
        roles = list(draw(st.permutations(roles)))
    columns = (("ref",) if changes.get("ref_in", layout.ref_in) == "column" else ()) + tuple(roles)
    changes["columns"] = columns
    changes["headers"] = (
        draw_headers(draw, columns) if "headers" in vary else {r: HEADERS[r][0] for r in columns}
    )
    if "sections" in vary:
        changes["sections"] = draw(st.sampled_from(sections_forms(plan, fmt)))
        changes["merge_sections"] = draw(st.booleans())
    if "page_break" in vary:
        changes["page_break"] = draw(st.sampled_from(pm.PAGE_BREAKS))
        changes["page_rows"] = draw(st.integers(2, 5))
    if "lead_sep" in vary:
        changes["lead_sep"] = draw(st.sampled_from(LEAD_SEPARATORS))
    if "dates" in vary:
        changes["date_format"] = draw(st.sampled_from([None, *pm.DATE_FORMATS]))
    changes["items_on_lines"] = draw(st.booleans())
    return dataclasses.replace(layout, **changes)


formats = st.sampled_from(pm.FORMATS)

# One bug shrunk per test (not every distinct one: each costs a shrink of files), no "explain" phase.
SETTINGS = settings(
    max_examples=30,
    deadline=None,
    report_multiple_bugs=False,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

# --- helpers -----------------------------------------------------------------------------------------


def import_plan(plan: Plan, layout: Layout, fmt: str, folder: Path, name: str = "plan") -> list[PlanDraft]:
    note(f"{name} printed as {fmt}; {layout.describe()}\n{pm.preview(plan, layout)}")
    return load_plans(pm.render(plan, layout, fmt, folder, name))


def same_import(base: list[PlanDraft], other: list[PlanDraft], *, targets: bool = True) -> str | None:
    """None when two imports of one plan agree; else the first difference (base is 'expected')."""
    if len(base) != len(other):
        return f"the base layout gave {len(base)} plans, the other {len(other)}"
    for a, b in zip(base, other, strict=True):
        if a.title != b.title:
            return f"title: {a.title!r} became {b.title!r}"
        if [s.title for s in a.sections] != [s.title for s in b.sections]:
            return f"sections: {[s.title for s in a.sections]} became {[s.title for s in b.sections]}"
        want = [pm.seen(x, a) for x in a.actions]
        got = [pm.seen(x, b) for x in b.actions]
        if not targets:
            for s in (*want, *got):
                s.target = None
        problem = pm.compare_actions(want, got)
        if problem:
            return problem
    return None


# --- round trips -------------------------------------------------------------------------------------


@SETTINGS
@given(data=st.data(), plan=plans(), fmt=formats)
def test_a_well_formed_table_always_imports(data, plan: Plan, fmt: str):
    layout = draw_layout(data.draw, plan, fmt)
    with tempfile.TemporaryDirectory() as folder:
        try:
            drafts = import_plan(plan, layout, fmt, Path(folder))
        except ImportFileError as exc:
            pytest.fail(f"the import refused a well-formed plan: {exc}")
    assert drafts


@SETTINGS
@given(data=st.data(), plan=plans(), fmt=formats)
def test_no_spurious_or_missing_actions(data, plan: Plan, fmt: str):
    layout = draw_layout(data.draw, plan, fmt)
    with tempfile.TemporaryDirectory() as folder:
        drafts = import_plan(plan, layout, fmt, Path(folder))
    want = [a.text for a in plan.actions()]
    got = [a.text for d in drafts for a in d.actions]
    assert len(got) == len(want), (
        f"{len(want)} actions printed, {len(got)} imported\n  printed:  {want}\n  imported: {got}"
    )


@SETTINGS
@given(data=st.data(), plan=plans(refs="dotted") | plans(refs="plain"), fmt=formats)
def test_printed_refs_are_kept_verbatim_and_in_order(data, plan: Plan, fmt: str):
    layout = draw_layout(data.draw, plan, fmt)
    with tempfile.TemporaryDirectory() as folder:
        drafts = import_plan(plan, layout, fmt, Path(folder))
    want = [a.ref for a in plan.actions()]
    got = [a.ref for d in drafts for a in d.actions]
    assert got == want, f"refs\n  printed:  {want}\n  imported: {got}"


@SETTINGS
@given(data=st.data(), plan=plans(), fmt=formats)
def test_no_cell_text_is_lost(data, plan: Plan, fmt: str):
    layout = draw_layout(data.draw, plan, fmt)
    with tempfile.TemporaryDirectory() as folder:
        drafts = import_plan(plan, layout, fmt, Path(folder))
    kept = pm.haystack(drafts)
    found_statuses = pm.statuses(drafts)
    cells = [(what, " ".join(text.split())) for what, text in pm.cell_texts(plan, layout)]
    for what, text in cells:
        if what == "status":  # kept as a progress's status, or as text
            assert pm.STATUS_WORDS[text] in found_statuses or text in kept, f"status {text!r} was lost"
            continue
        # Texts may contain one another ("Review X" and "Review X for bias"): the import must hold each
        # at least as often as the printed cells hold it.
        printed = sum(other.count(text) for kind, other in cells if kind != "status")
        assert kept.count(text) >= printed, (
            f"{what} {text!r} is missing from the import (printed {printed} times, kept {kept.count(text)})"
        )


@SETTINGS
@given(data=st.data(), plan=plans(), fmt=formats)
def test_import_gives_the_plan_back(data, plan: Plan, fmt: str):
    layout = draw_layout(data.draw, plan, fmt)
    with tempfile.TemporaryDirectory() as folder:
        drafts = import_plan(plan, layout, fmt, Path(folder))
    problem = pm.compare(pm.expected(plan, layout), drafts)
    assert problem is None, problem


# --- metamorphic: one plan, two layouts differing in one respect ---------------------------------------

PAIR_SETTINGS = settings(SETTINGS, max_examples=25)  # two files rendered and imported per example


def _base(data, plan: Plan, fmt: str) -> Layout:
    """The plainest layout (every aspect standard): each test changes one aspect only, so that a failure is
    that aspect's. Combinations of aspects are the round-trip tests' business."""
    return draw_layout(data.draw, plan, fmt, frozenset())


def _check_pair(
    plan: Plan, fmt: str, base: Layout, other: Layout, *, targets: bool = True
) -> list[PlanDraft]:
    """Import the plan in both layouts and require the same import; return the second import."""
    with tempfile.TemporaryDirectory() as folder:
        first = import_plan(plan, base, fmt, Path(folder), "base")
        second = import_plan(plan, other, fmt, Path(folder), "other")
    problem = same_import(first, second, targets=targets)
    assert problem is None, (
        f"{problem}\n--- base layout: {base.describe()}\n--- other layout: {other.describe()}"
    )
    return second


metamorphic_plans = plans(children=False)


@PAIR_SETTINGS
@given(data=st.data(), plan=metamorphic_plans, fmt=formats)
def test_column_order_does_not_change_the_import(data, plan: Plan, fmt: str):
    base = _base(data, plan, fmt)
    roles = [r for r in base.columns if r != "ref"]
    order = data.draw(st.permutations(roles).filter(lambda p: list(p) != roles))  # 3 roles at least
    other = dataclasses.replace(base, columns=(("ref",) if "ref" in base.columns else ()) + tuple(order))
    _check_pair(plan, fmt, base, other)


@PAIR_SETTINGS
@given(data=st.data(), plan=metamorphic_plans, fmt=formats)
def test_header_words_do_not_change_the_import(data, plan: Plan, fmt: str):
    """Synonyms, unusual words (the column's role then comes from its content) and a blank ref header."""
    base = _base(data, plan, fmt)
    other = dataclasses.replace(base, headers=draw_headers(data.draw, base.columns))
    _check_pair(plan, fmt, base, other)


@PAIR_SETTINGS
@given(
    data=st.data(),
    plan=plans(refs="dotted", children=False) | plans(refs="plain", children=False),
    fmt=formats,
)
def test_a_ref_in_its_own_column_or_leading_the_text_imports_the_same(data, plan: Plan, fmt: str):
    base = _base(data, plan, fmt)
    other = dataclasses.replace(
        base, ref_in="text", columns=tuple(r for r in base.columns if r != "ref"), headers=dict(base.headers)
    )
    _check_pair(plan, fmt, base, other)


@PAIR_SETTINGS
@given(data=st.data(), plan=metamorphic_plans, fmt=formats)
def test_page_breaks_do_not_change_the_import(data, plan: Plan, fmt: str):
    """A repeated header row, a blank line, furniture ("OFFICIAL", "Page 2 of 5"), or both."""
    base = _base(data, plan, fmt)
    form = data.draw(st.sampled_from([f for f in pm.PAGE_BREAKS if f != "none"]))
    other = dataclasses.replace(base, page_break=form, page_rows=data.draw(st.integers(1, 4)))
    _check_pair(plan, fmt, base, other)


@PAIR_SETTINGS
@given(data=st.data(), plan=metamorphic_plans, fmt=formats)
def test_lead_delimiters_do_not_change_the_import(data, plan: Plan, fmt: str):
    base = _base(data, plan, fmt)
    other = dataclasses.replace(base, lead_sep=data.draw(st.sampled_from(LEAD_SEPARATORS[1:])))
    _check_pair(plan, fmt, base, other)


@PAIR_SETTINGS
@given(data=st.data(), plan=metamorphic_plans, fmt=formats)
def test_date_formats_do_not_change_the_import(data, plan: Plan, fmt: str):
    """The same dates, printed "Mar-27", "31/03/2027", ...: the same target dates, each text as printed."""
    base = _base(data, plan, fmt)
    other = dataclasses.replace(base, date_format=data.draw(st.sampled_from(list(pm.DATE_FORMATS)[1:])))
    drafts = _check_pair(plan, fmt, base, other, targets=False)
    want = [pm.printed_target(a, other) for a in plan.actions()]
    got = [a.target.text if a.target else None for d in drafts for a in d.actions]
    assert got == want, f"target texts\n  printed:  {want}\n  imported: {got}"


@PAIR_SETTINGS
@given(data=st.data(), plan=plans(children=False, status=True), fmt=formats)
def test_status_in_a_column_or_leading_the_progress_imports_the_same(data, plan: Plan, fmt: str):
    """'On track' in a Status column, or 'On track. Two workshops held ...' in the progress cell."""
    base = _base(data, plan, fmt)
    columns = tuple(r for r in base.columns if r != "status")
    if "progress" not in columns:
        columns = (*columns, "progress")
    headers = {**base.headers, "progress": base.headers.get("progress", HEADERS["progress"][0])}
    other = dataclasses.replace(base, status_as="word", columns=columns, headers=headers)
    _check_pair(plan, fmt, base, other)


@PAIR_SETTINGS
@given(data=st.data(), plan=plans(children=False, status=True), fmt=st.sampled_from(["xlsx", "docx"]))
def test_status_as_a_fill_colour_imports_the_same(data, plan: Plan, fmt: str):
    """A RAG column whose cells are only coloured (Word shading, Excel fill), no word in them."""
    base = _base(data, plan, fmt)
    other = dataclasses.replace(base, status_as="fill")
    _check_pair(plan, fmt, base, other)


# --- duplicated refs and child rows --------------------------------------------------------------------


def names_ref(message: str, ref: str) -> bool:
    """Does the message name this ref ("1" in "ref 1 is used twice", not in "1.2" or "21 rows")?"""
    return re.search(rf"(?<![\w.]){re.escape(ref)}(?![\w]|\.\d)", message) is not None


REF_PLACEMENT_ONLY = frozenset({"ref_in"})  # the plainest layout, the ref in its column or leading the text


@SETTINGS
@given(
    data=st.data(),
    plan=plans(refs="dotted", children=False) | plans(refs="plain", children=False),
    fmt=formats,
)
def test_a_duplicated_ref_is_kept_and_disambiguated(data, plan: Plan, fmt: str):
    """A ref typed twice: both actions are kept, the second as '<ref> (2)', with a warning naming it."""
    actions = plan.actions()  # two sections of at least one action each: two actions at least
    index = data.draw(st.integers(1, len(actions) - 1), label="duplicated action index")
    source = data.draw(st.integers(0, index - 1), label="copying the ref of action index")
    dup = actions[source].ref
    actions[index].ref = dup
    layout = draw_layout(data.draw, plan, fmt, REF_PLACEMENT_ONLY)
    with tempfile.TemporaryDirectory() as folder:
        try:
            drafts = import_plan(plan, layout, fmt, Path(folder))
        except ImportFileError as exc:
            pytest.fail(f"ref {dup} typed twice refused the whole import: {exc}")
    want = [a.ref for a in actions]
    want[index] = f"{dup} (2)"
    got = [a.ref for d in drafts for a in d.actions]
    assert got == want, f"refs\n  expected: {want}\n  imported: {got}"
    assert [a.text for d in drafts for a in d.actions] == [a.text for a in actions]
    warnings = [w for d in drafts for w in d.warnings]
    assert any(names_ref(w, dup) for w in warnings), f"no warning names ref {dup}: {warnings}"


@SETTINGS
@given(data=st.data(), plan=plans(refs="dotted", items=False) | plans(refs="plain", items=False), fmt=formats)
def test_unnumbered_child_rows_are_sub_actions(data, plan: Plan, fmt: str):
    """Rows without a ref below a numbered action, each with its own lead, target and progress, are that
    action's sub-actions (in order, with their own values), never actions of their own."""
    first = plan.actions()[0]
    if not any(a.children for a in plan.actions()):
        first.children = [
            Action(None, "Consult the staff network on the draft", ["Mei Lin"], "Ongoing"),
            Action(None, "Agree a timetable with the unions", ["Tom Reed"], "TBC"),
        ]
    layout = draw_layout(data.draw, plan, fmt, REF_PLACEMENT_ONLY)
    with tempfile.TemporaryDirectory() as folder:
        drafts = import_plan(plan, layout, fmt, Path(folder))
    want = [(a.ref, [c.text for c in a.children]) for a in plan.actions()]
    got = [(a.ref, [s.text for s in a.sub_actions]) for d in drafts for a in d.actions]
    assert got == want, (
        "(ref, sub-action texts)\n  expected: "
        + repr(next((w for w, g in zip(want, got, strict=False) if w != g), want[len(got) :]))
        + "\n  imported: "
        + repr(next((g for w, g in zip(want, got, strict=False) if w != g), got[len(want) :]))
        + f"\n  all imported refs: {[g[0] for g in got]}"
    )
    exp = pm.expected(plan, layout)
    problem = pm.compare_actions(exp.actions, [pm.seen(a, drafts[0]) for a in drafts[0].actions])
    assert problem is None, problem
