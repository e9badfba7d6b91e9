"""The sample plans in shared/plans, perturbed in ways that keep their meaning, import as the originals do.

Each perturbation is how another organisation might have printed the same plan: the page break shown by a
blank line only, a ref typed twice, the action or target column headed with another word, two columns in
another order, the lead key above the table instead of after it. The files are read at test time and
perturbed copies written to a temporary folder; nothing of the samples is copied into the repository.

What is compared, for every plan in the file, is the section titles and, for every action and sub-action
(draft.walk()), (ref, text, lead labels, target text, progress texts, sub-action refs).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from collector.core.errors import ImportFileError
from store.importers.draft import ActionDraft, PlanDraft
from store.importers.pipeline import load_plans

SAMPLES = {"000": "000_*.txt", "001": "001_*.txt", "004": "004_*.txt"}

# The first cell of each sample's header row (and of its repeats): how header rows are found here,
# independently of the importer's own header recognition.
HEADER_FIRST_CELL = re.compile(r"^(actions|source|outcome to be achieved)$", re.I)
ACTION_HEADER = re.compile(r"^(actions?|action required)$", re.I)
TARGET_HEADER = re.compile(r"^(target date|dead-?line)$", re.I)
KEY_HEADING = re.compile(r"^\s*lead key\b", re.I)

# Two columns to swap per sample: (lead, target), and two detail columns.
SWAPS: dict[str, dict[str, tuple[str, str]]] = {
    "000": {
        "lead-target": (r"^(lead resource|resource lead)$", r"^target date$"),
        "details": (r"^relevant milestones", r"^outcome/success measure$"),
    },
    "001": {
        "lead-target": (r"^person or team responsible$", r"^target date$"),
        "details": (r"^resources allocated", r"^high, medium or low priority$"),
    },
    "004": {
        "lead-target": (r"^lead$", r"^dead-?line$"),
        "details": (r"^general duty covered$", r"^progress and outcomes$"),
    },
}


# --- reading the samples -----------------------------------------------------------------------------


def sample_path(samples: Path, name: str) -> Path:
    [path] = sorted(samples.glob(SAMPLES[name]))
    return path


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def write_lines(lines: list[str], folder: Path, name: str) -> Path:
    path = folder / f"{name}.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def cells(line: str) -> list[str]:
    return line.split("\t")


def is_header(line: str) -> bool:
    parts = cells(line)
    return (
        len(parts) > 1 and bool(HEADER_FIRST_CELL.match(parts[0].strip())) and all(len(c) < 60 for c in parts)
    )


def header_indexes(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if is_header(line)]


# --- perturbations (each: lines -> lines) -------------------------------------------------------------


def blank_line_page_breaks(lines: list[str]) -> list[str]:
    """Drop every repeated header row that repeats the one in force (same number of cells): the page break
    is then shown only by the blank line (and any page furniture) the export has there. A header row that
    changes the table's width starts a different grid and is kept."""
    out: list[str] = []
    width: int | None = None
    for line in lines:
        if is_header(line):
            if width == len(cells(line)):
                continue
            width = len(cells(line))
        out.append(line)
    return out


def rename_header(pattern: re.Pattern[str], new: str) -> Callable[[list[str]], list[str]]:
    def perturb(lines: list[str]) -> list[str]:
        out = []
        for line in lines:
            if is_header(line):
                line = "\t".join(new if pattern.match(c.strip()) else c for c in cells(line))
            out.append(line)
        return out

    perturb.__name__ = f"rename_to_{new}"
    return perturb


def swap_columns(first: str, second: str) -> Callable[[list[str]], list[str]]:
    """Swap two columns in every row: positions come from the first header row of each table width (a
    repeated header may leave a cell blank), and apply to every row of that width."""
    a, b = re.compile(first, re.I), re.compile(second, re.I)

    def perturb(lines: list[str]) -> list[str]:
        positions: dict[int, tuple[int, int]] = {}
        for i in header_indexes(lines):
            row = [c.strip() for c in cells(lines[i])]
            found_a = [p for p, c in enumerate(row) if a.match(c)]
            found_b = [p for p, c in enumerate(row) if b.match(c)]
            if found_a and found_b:
                positions.setdefault(len(row), (found_a[0], found_b[0]))
        assert positions, f"no header names both {first!r} and {second!r}"
        out = []
        for line in lines:
            row = cells(line)
            if len(row) in positions:
                p, q = positions[len(row)]
                row[p], row[q] = row[q], row[p]
                line = "\t".join(row)
            out.append(line)
        return out

    return perturb


def key_above_table(lines: list[str]) -> list[str]:
    """Move the lead key ("Lead Key:" and its rows, after the table) above the first header row."""
    start = next(i for i, line in enumerate(lines) if KEY_HEADING.match(line))
    end = start + 1
    while end < len(lines) and ("\t" in lines[end] or not lines[end].strip()):
        end += 1
    key = lines[start:end]
    rest = lines[:start] + lines[end:]
    first_header = header_indexes(rest)[0]
    return rest[:first_header] + key + [""] + rest[first_header:]


# --- what is compared ----------------------------------------------------------------------------------

Summary = tuple[str, str, tuple[str, ...], str | None, tuple[str, ...], tuple[str, ...]]


def summarise(action: ActionDraft) -> Summary:
    return (
        action.ref,
        action.text,
        tuple(lead.label for lead in action.leads),
        action.target.text if action.target else None,
        tuple(p.text for p in action.progress),
        tuple(sub.ref for sub in action.sub_actions),
    )


def summary(drafts: list[PlanDraft]) -> list[tuple[list[str], list[Summary]]]:
    return [([s.title for s in d.sections], [summarise(a) for a in d.walk()]) for d in drafts]


def first_difference(
    want: list[tuple[list[str], list[Summary]]], got: list[tuple[list[str], list[Summary]]]
) -> str:
    """The first difference between two imports, readably; "" when there is none."""
    if len(want) != len(got):
        return f"the original gave {len(want)} plans, the perturbed copy {len(got)}"
    for n, ((want_sections, want_actions), (got_sections, got_actions)) in enumerate(
        zip(want, got, strict=True)
    ):
        plan = f"plan {n + 1}: "
        if want_sections != got_sections:
            return f"{plan}sections {want_sections}\n  became {got_sections}"
        for i, (w, g) in enumerate(zip(want_actions, got_actions, strict=False)):
            if w != g:
                fields = ("ref", "text", "leads", "target", "progress", "sub-action refs")
                diffs = [f"{f}: {a!r} -> {b!r}" for f, a, b in zip(fields, w, g, strict=True) if a != b]
                return (
                    f"{plan}action {i + 1} of {len(want_actions)} (ref {w[0]}) differs: "
                    + "; ".join(diffs)
                    + f"\n  original:  {w}\n  perturbed: {g}"
                )
        if len(want_actions) != len(got_actions):
            longer = got_actions if len(got_actions) > len(want_actions) else want_actions
            which = "extra action in the perturbed import" if longer is got_actions else "action lost"
            extra = longer[min(len(want_actions), len(got_actions))]
            return f"{plan}{len(want_actions)} actions became {len(got_actions)}; first {which}: {extra}"
    return ""


# --- tests ---------------------------------------------------------------------------------------------

_baselines: dict[str, list[PlanDraft]] = {}


def baseline(samples: Path, name: str) -> list[PlanDraft]:
    """The import of the unperturbed sample (once per run)."""
    if name not in _baselines:
        _baselines[name] = load_plans(sample_path(samples, name))
    return _baselines[name]


def _check(samples: Path, tmp_path: Path, name: str, perturb: Callable[[list[str]], list[str]]) -> None:
    lines = read_lines(sample_path(samples, name))
    changed = perturb(lines)
    assert changed != lines, f"{perturb.__name__} left {name} unchanged"
    want = summary(baseline(samples, name))
    got = summary(load_plans(write_lines(changed, tmp_path, f"{name}_{perturb.__name__}")))
    difference = first_difference(want, got)
    assert not difference, f"{name} perturbed by {perturb.__name__}: {difference}"


PERTURBATIONS: dict[str, Callable[[list[str]], list[str]]] = {
    "blank-line-page-breaks": blank_line_page_breaks,
    "action-header-Activity": rename_header(ACTION_HEADER, "Activity"),
    "action-header-Task": rename_header(ACTION_HEADER, "Task"),
    "action-header-What we will do": rename_header(ACTION_HEADER, "What we will do"),
    "action-header-Deliverable": rename_header(ACTION_HEADER, "Deliverable"),
    "target-header-Completion by": rename_header(TARGET_HEADER, "Completion by"),
}


@pytest.mark.parametrize("name", list(SAMPLES))
@pytest.mark.parametrize("perturbation", list(PERTURBATIONS))
def test_a_perturbed_sample_imports_as_the_original(samples, tmp_path, name: str, perturbation: str):
    _check(samples, tmp_path, name, PERTURBATIONS[perturbation])


@pytest.mark.parametrize("name", list(SAMPLES))
@pytest.mark.parametrize("pair", ["lead-target", "details"])
def test_swapping_two_columns_in_every_row_changes_nothing(samples, tmp_path, name: str, pair: str):
    first, second = SWAPS[name][pair]
    perturb = swap_columns(first, second)
    perturb.__name__ = f"swap_{pair}"
    _check(samples, tmp_path, name, perturb)


def test_a_lead_key_above_the_table_reads_as_one_below_it(samples, tmp_path):
    """Only 000 prints a lead key."""
    _check(samples, tmp_path, "000", key_above_table)


@pytest.mark.parametrize("form", ["own cell", "in the action text"])
def test_a_ref_typed_twice_keeps_both_actions(samples, tmp_path, form: str):
    """Only 000 prints refs. An action's ref retyped as the ref before it: both actions are kept, the second
    as "<ref> (2)" with a warning naming the ref, and nothing else changes."""
    original = baseline(samples, "000")
    lines = read_lines(sample_path(samples, "000"))
    draft = original[0]
    candidates = [
        (before, action)
        for before, action in zip(draft.actions, draft.actions[1:], strict=False)
        if not action.sub_actions
        and not action.ref_synthetic
        and action.where.startswith("line ")
        and _ref_cell(lines[_line_index(action)], action.ref, form)
    ]
    assert candidates, f"no action of 000 prints its ref in its {form}"
    before, action = candidates[len(candidates) // 2]
    index = _line_index(action)
    separator = "\t" if form == "own cell" else " "
    lines[index] = before.ref + separator + lines[index][len(action.ref) + 1 :]
    try:
        drafts = load_plans(write_lines(lines, tmp_path, "000_dup"))
    except ImportFileError as exc:
        pytest.fail(f"ref {before.ref} typed twice ({action.where}) refused the whole import: {exc}")
    want = summary(original)
    want_actions = want[0][1]
    position = [a for a in draft.walk()].index(action)
    want_actions[position] = (f"{before.ref} (2)", *want_actions[position][1:])
    difference = first_difference(want, summary(drafts))
    assert not difference, f"ref {action.ref} retyped as {before.ref} ({action.where}): {difference}"
    warnings = [w for d in drafts for w in d.warnings]
    named = [w for w in warnings if re.search(rf"(?<![\w.]){re.escape(before.ref)}(?![\w]|\.\d)", w)]
    assert named, f"no warning names ref {before.ref}: {warnings}"


def _line_index(action: ActionDraft) -> int:
    return int(action.where.split()[1]) - 1


def _ref_cell(line: str, ref: str, form: str) -> bool:
    return line.startswith(ref + "\t") if form == "own cell" else line.startswith(ref + " ")
