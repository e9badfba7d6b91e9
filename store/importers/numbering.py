"""Refs the plan did not print, refs it printed twice, and rows it printed without one.

Three rules, each in one place:
  * a plan that prints no ref gets synthetic ones in a form no printed ref takes: "#1", "#2.3", so a
    reader of the report sees they are ours, and they can never collide with a ref the plan prints;
  * a ref printed twice (a typing slip) is kept, and the second becomes "2.2 (2)", with a warning: the
    import goes on and the coordinator can correct the file later;
  * an unnumbered row under a numbered action is one of its parts (a sub-action with its own lead and
    target), unless the numbering around it has a gap exactly its size, which says the number was
    forgotten.
"""

from __future__ import annotations

import re

from .draft import ActionDraft, PlanDraft

SYNTHETIC_MARK = "#"
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def synthetic_ref(section_ref: str | None, n: int) -> str:
    """The n-th unnumbered action of a section: "#2.3", or "#3" outside sections."""
    return f"{SYNTHETIC_MARK}{section_ref}.{n}" if section_ref else f"{SYNTHETIC_MARK}{n}"


def child_label(parent: ActionDraft) -> str:
    """The next free sub-item letter under a parent: after a), b) printed in its cell comes c)."""
    used = {s.ref.rsplit(" ", 1)[-1].strip("()") for s in parent.sub_actions}
    n = len(parent.sub_actions)
    while True:
        label = _LETTERS[n] if n < 26 else f"{_LETTERS[n // 26 - 1]}{_LETTERS[n % 26]}"
        if label not in used:
            return label
        n += 1


def successor(ref: str) -> str | None:
    """The ref that would follow this one in its own numbering: "1.2" -> "1.3", "4" -> "5", "P7" -> "P8"."""
    match = re.fullmatch(r"(.*?)(\d+)", ref.strip())
    if not match:
        return None
    head, number = match.groups()
    return f"{head}{int(number) + 1:0{len(number)}d}"


def is_forgotten_number(before: str | None, after: str | None) -> bool:
    """Is an unnumbered row between two refs the one missing from the sequence (1.2, ?, 1.4)?"""
    if not before or not after:
        return False
    gap = successor(before)
    return gap is not None and successor(gap) == after


def adopt(parent: ActionDraft, child: ActionDraft) -> None:
    """Make a row's action a sub-action of the numbered action above it."""
    child.ref = f"{parent.ref} {child_label(parent)})"
    child.ref_synthetic = True
    child.section_ref = parent.section_ref
    _prefix_subs(child)
    parent.sub_actions.append(child)


def _prefix_subs(action: ActionDraft) -> None:
    for sub in action.sub_actions:
        if sub.ref.startswith(" "):
            sub.ref = f"{action.ref}{sub.ref}"
        sub.section_ref = action.section_ref
        _prefix_subs(sub)


def number(action: ActionDraft, section_ref: str | None, counters: dict[str | None, int]) -> None:
    """Give a top-level action its synthetic ref when it has none, and its items refs under it."""
    counters[section_ref] = counters.get(section_ref, 0) + 1
    action.section_ref = section_ref
    if action.ref_synthetic or not action.ref:
        action.ref = synthetic_ref(section_ref, counters[section_ref])
        action.ref_synthetic = True
    _prefix_subs(action)


def disambiguate(draft: PlanDraft) -> None:
    """Keep every action whose ref is printed twice; rename the later ones "2.2 (2)" and say so."""
    seen: dict[str, str] = {}
    counts: dict[str, int] = {}
    for action in draft.walk():
        key = action.ref.casefold()
        if key not in seen:
            seen[key] = action.where
            continue
        counts[key] = counts.get(key, 1) + 1
        old = action.ref
        new = f"{old} ({counts[key]})"
        while new.casefold() in seen:
            counts[key] += 1
            new = f"{old} ({counts[key]})"
        _rename(action, old, new)
        seen[new.casefold()] = action.where
        draft.warnings.append(
            f"ref {old} is printed twice ({seen[key]} and {action.where}): the second is kept as {new}; "
            "correct the file and re-import with --update when you can"
        )


def _rename(action: ActionDraft, old: str, new: str) -> None:
    action.ref = new
    for sub in action.sub_actions:
        if sub.ref.startswith(old):
            _rename(sub, sub.ref, new + sub.ref[len(old) :])
