"""Five layouts public bodies print, each written as .docx, .xlsx, the text export (and .csv for a single
table), imported through the real pipeline and compared with what the plan says (real_layouts.py).

Each aspect is its own test, so a failure names what went wrong: extra or missing actions, refs,
sections, leads, targets, statuses, or the other columns and progress.
"""

from __future__ import annotations

import pytest

from collector.core.dates import TargetKind
from store.importers.draft import ActionDraft, PlanDraft
from store.importers.pipeline import load_plans

from .real_layouts import (
    CASES,
    COUNCIL_SECTION_REFS,
    COUNCIL_THEMES,
    LAYOUTS,
    Layout,
    Want,
)

_CACHE: dict[tuple[str, str], list[PlanDraft]] = {}


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    def load(name: str, fmt: str) -> list[PlanDraft]:
        if (name, fmt) not in _CACHE:
            path = LAYOUTS[name].write(fmt, tmp_path_factory.mktemp(f"{name}_{fmt}"))
            _CACHE[(name, fmt)] = load_plans(path)
        return _CACHE[(name, fmt)]

    return load


def _norm(text: str) -> str:
    return " ".join(text.split())


def _actions(drafts: list[PlanDraft]) -> list[ActionDraft]:
    return [a for d in drafts for a in d.actions]


def _match(layout: Layout, drafts: list[PlanDraft]) -> list[tuple[Want, ActionDraft | None]]:
    """Each expected action with the imported one it became: by text, else by printed ref, else by
    position when the counts agree."""
    got = _actions(drafts)
    by_text = {_norm(a.text): a for a in got}
    by_ref = {a.ref: a for a in got if not a.ref_synthetic}
    out = []
    for i, want in enumerate(layout.wants):
        action = by_text.get(_norm(want.text))
        if action is None and want.ref:
            action = by_ref.get(want.ref)
        if action is None and len(got) == len(layout.wants):
            action = got[i]
        out.append((want, action))
    return out


def _section_of(action: ActionDraft, drafts: list[PlanDraft]):
    for draft in drafts:
        for section in draft.sections:
            if section.ref == action.section_ref and action in draft.actions:
                return section
    return None


def _status(action: ActionDraft):
    return next((p.status for p in action.progress if p.status is not None), None)


def _fail(problems: list[str], drafts: list[PlanDraft]) -> None:
    if problems:
        lines = [f"{a.ref!r} {a.text[:60]!r}" for a in _actions(drafts)]
        pytest.fail("\n".join(problems) + "\n-- imported actions:\n  " + "\n  ".join(lines), pytrace=False)


CASE_IDS = [f"{name}-{fmt}" for name, fmt in CASES]
cases = pytest.mark.parametrize(("name", "fmt"), CASES, ids=CASE_IDS)


@cases
def test_the_file_is_one_plan(imported, name, fmt):
    drafts = imported(name, fmt)
    assert len(drafts) == 1, f"{len(drafts)} plans: {[d.title for d in drafts]}"


@cases
def test_every_action_is_imported_and_nothing_else(imported, name, fmt):
    layout, drafts = LAYOUTS[name], imported(name, fmt)
    problems = []
    got = [_norm(a.text) for a in _actions(drafts)]
    want = [_norm(w.text) for w in layout.wants]
    if got != want:
        missing = [t for t in want if t not in got]
        extra = [t for t in got if t not in want]
        problems.append(f"{len(got)} actions imported, {len(want)} expected")
        problems.extend(f"missing: {t[:80]!r}" for t in missing)
        problems.extend(f"not an action of the plan: {t[:80]!r}" for t in extra)
    walked = [_norm(a.text) for d in drafts for a in d.walk()]
    for text in layout.not_actions:
        if any(t == _norm(text) or t.startswith(_norm(text)) for t in walked):
            problems.append(f"legend/heading/key text imported as an action: {text!r}")
    _fail(problems, drafts)


@cases
def test_refs(imported, name, fmt):
    layout, drafts = LAYOUTS[name], imported(name, fmt)
    problems = []
    for n, (want, action) in enumerate(_match(layout, drafts), start=1):
        if action is None:
            problems.append(f"{want.ref or want.text[:40]!r}: not imported")
        elif want.ref is None:
            if not action.ref_synthetic or action.ref != f"#{n}":
                synthetic = action.ref_synthetic
                problems.append(f"{want.text[:40]!r}: ref {action.ref!r} ({synthetic=}), expected #{n}")
        elif action.ref != want.ref or action.ref_synthetic:
            problems.append(f"{want.text[:40]!r}: ref {action.ref!r}, expected {want.ref!r}")
    _fail(problems, drafts)


@cases
def test_sections(imported, name, fmt):
    layout, drafts = LAYOUTS[name], imported(name, fmt)
    titles = [s.title for d in drafts for s in d.sections]
    problems = []
    if layout.sections is not None and titles != layout.sections:
        problems.append(f"section titles {titles}, expected {layout.sections}")
    for draft in drafts:  # an action's section_ref must name one section
        refs = [s.ref for s in draft.sections]
        for ref in sorted({r for r in refs if refs.count(r) > 1}):
            same = [s.title for s in draft.sections if s.ref == ref]
            problems.append(f"section ref {ref!r} names {len(same)} sections: {same}")
    for want, action in _match(layout, drafts):
        if action is None:
            problems.append(f"{want.ref!r}: not imported")
            continue
        section = _section_of(action, drafts)
        title = section.title if section else None
        if want.section is not None and name != "council" and title != want.section:
            problems.append(f"{want.ref!r}: section {title!r}, expected {want.section!r}")
        if name == "council":
            ref = COUNCIL_SECTION_REFS[want.section]
            accepted = {want.section, f"Objective {ref} {want.section}"}
            if title not in accepted or action.section_ref != ref:
                problems.append(
                    f"{want.ref!r}: section {title!r} (ref {action.section_ref!r}), expected objective "
                    f"{ref} {want.section!r} with ref {ref!r}"
                )
        fields = [_norm(v) for v in action.fields.values()]
        if want.group is not None and want.group != title and want.group not in fields:
            # athena: the objective as the section or as a field of the action
            problems.append(
                f"{want.ref!r}: objective {want.group!r} neither its section ({title!r}) "
                f"nor a field ({action.fields})"
            )
    if name == "council":
        kept = " | ".join([*titles, *(v for a in _actions(drafts) for v in a.fields.values())])
        for theme in COUNCIL_THEMES:
            if theme not in kept and theme.split(": ", 1)[1] not in kept:
                problems.append(f"theme {theme!r} lost (not a section title nor a field)")
    _fail(problems, drafts)


@cases
def test_leads(imported, name, fmt):
    layout, drafts = LAYOUTS[name], imported(name, fmt)
    problems = []
    for want, action in _match(layout, drafts):
        if action is None:
            problems.append(f"{want.ref!r}: not imported")
            continue
        labels = [lead.label for lead in action.leads]
        if labels != want.leads:
            problems.append(f"{want.ref or want.text[:30]!r}: leads {labels}, expected {want.leads}")
        if want.codes and [lead.code for lead in action.leads] != want.codes:
            problems.append(
                f"{want.ref!r}: lead codes {[lead.code for lead in action.leads]}, expected {want.codes}"
            )
    for draft in drafts:
        for code, full in layout.lead_key.items():
            if draft.lead_key.get(code) != full:
                problems.append(f"lead key: {code} -> {draft.lead_key.get(code)!r}, expected {full!r}")
    _fail(problems, drafts)


@cases
def test_targets(imported, name, fmt):
    layout, drafts = LAYOUTS[name], imported(name, fmt)
    problems = []
    for want, action in _match(layout, drafts):
        label = repr(want.ref or want.text[:30])
        if action is None:
            problems.append(f"{label}: not imported")
            continue
        target = action.target
        if target is None:
            problems.append(f"{label}: no target, expected {want.target!r}")
            continue
        if not (want.target_is_excel_date and fmt == "xlsx") and target.text != want.target:
            problems.append(f"{label}: target text {target.text!r}, expected {want.target!r}")
        if want.due is None:
            if target.kind is not TargetKind.ONGOING:
                problems.append(f"{label}: target kind {target.kind}, expected ongoing")
        elif target.date != want.due:
            problems.append(f"{label}: target date {target.date} (from {target.text!r}), expected {want.due}")
    _fail(problems, drafts)


@cases
def test_statuses(imported, name, fmt):
    layout, drafts = LAYOUTS[name], imported(name, fmt)
    problems = []
    for want, action in _match(layout, drafts):
        if action is None:
            problems.append(f"{want.ref or want.text[:30]!r}: not imported")
            continue
        expected, got = want.status_in(fmt), _status(action)
        if got != expected:
            problems.append(f"{want.ref or want.text[:30]!r}: status {got}, expected {expected}")
    _fail(problems, drafts)


@cases
def test_other_columns_progress_and_sub_actions(imported, name, fmt):
    layout, drafts = LAYOUTS[name], imported(name, fmt)
    problems = []
    for want, action in _match(layout, drafts):
        label = repr(want.ref or want.text[:30])
        if action is None:
            problems.append(f"{label}: not imported")
            continue
        for header, value in want.fields.items():
            got = action.fields.get(header)
            if header == "Original date" and fmt == "xlsx":  # a date cell: its rendering is the reader's
                if not got:
                    problems.append(f"{label}: field {header!r} missing from {sorted(action.fields)}")
            elif got is None or _norm(got) != _norm(value):
                problems.append(f"{label}: field {header!r} = {got!r}, expected {value!r}")
        progress = " ".join(_norm(p.text) for p in action.progress)
        if want.progress and _norm(want.progress) not in progress:
            problems.append(f"{label}: progress {progress!r}, expected to contain {want.progress!r}")
        subs = [_norm(s.text) for s in action.sub_actions]
        if subs != want.subs:
            problems.append(f"{label}: sub-actions {subs}, expected {want.subs}")
    _fail(problems, drafts)
