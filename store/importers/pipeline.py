"""Read a plan file and interpret it: the whole import short of writing to the store."""

from __future__ import annotations

from pathlib import Path

from .draft import PlanDraft
from .interpret import interpret


def load_plans(path: Path, *, overrides: dict[str, str] | None = None) -> list[PlanDraft]:
    """Every plan in the file (usually one), in file order."""
    from .read import read_source

    return interpret(read_source(path), overrides)


def load_plan(path: Path, *, overrides: dict[str, str] | None = None) -> PlanDraft:
    """The first (main) plan in the file."""
    return load_plans(path, overrides=overrides)[0]
