"""A plan's handle (its `--plan-name`): made from its title, else its file, and kept distinct within a file.

Kept apart from writing the plan (store/persist.py) because the CLI names a file's plans before it saves
any, and the rule is the same for a dry run.
"""

from __future__ import annotations

from pathlib import Path

from collector.core.text import slug
from store.importers.draft import PlanDraft

MAX_NAME = 100  # Plan.name's column width


def default_name(draft: PlanDraft) -> str:
    """The handle a plan gets without --plan-name: its title's slug, else its file's (a title in a script
    with no ASCII letters slugs to nothing), and only then the generic "plan"."""
    return slug(draft.title) or slug(Path(draft.source).stem if draft.source else "", fallback="plan")


def plan_names(drafts: list[PlanDraft], plan_name: str | None) -> list[str]:
    """The handle of each plan in one file, all different.

    A file may hold two plans (a progress report, then the updated plan) whose titles slug alike (the slug
    keeps 60 characters). Left alike, the second save found the first, uncommitted, plan and refused with
    "already exists" for a plan the rolled-back import never left behind. The same file always gets the same
    names, so `--update` finds them again.
    """
    given = (plan_name or "").strip() or None
    names: list[str] = []
    for index, draft in enumerate(drafts):
        base = given or default_name(draft)
        name = base if given is None or index == 0 else f"{base}-{index + 1}"
        suffix = 2
        while name.casefold() in {n.casefold() for n in names}:
            name, suffix = f"{base}-{suffix}", suffix + 1
        names.append(name)
    return names
