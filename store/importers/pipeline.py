"""Read a plan file and interpret it: the whole import short of writing to the store."""

from __future__ import annotations

from pathlib import Path

from .draft import PlanDraft
from .interpret import interpret


def load_plans(
    path: Path, *, overrides: dict[str, str] | None = None, sheets: list[str] | None = None
) -> list[PlanDraft]:
    """Every plan in the file (usually one), in file order.

    overrides maps a header as printed, or "#<0-based column index>", to a field; sheets (a workbook
    only) names the sheets to read, when not all of them.
    """
    from .read import read_source

    return interpret(read_source(path, sheets=sheets), overrides)


def load_plan(
    path: Path, *, overrides: dict[str, str] | None = None, sheets: list[str] | None = None
) -> PlanDraft:
    """The first (main) plan in the file."""
    return load_plans(path, overrides=overrides, sheets=sheets)[0]
