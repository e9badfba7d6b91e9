"""Test-only fault hooks: make a SIGKILL land in an exact window (docs/reliability.md, "Fault hooks").

APP_FAULTS="mail.before_commit=sleep:5,mail.after_commit=raise" is read only when APP_TESTING=1, so a
production process never pauses or fails because of a stray variable. Each named point calls `fault(name)`.
"""

from __future__ import annotations

import os
import time


class InjectedFault(RuntimeError):
    """Raised at a point configured with `=raise`."""


def _configured() -> dict[str, str]:
    if os.environ.get("APP_TESTING") != "1":
        return {}
    spec = os.environ.get("APP_FAULTS", "")
    pairs = (item.partition("=") for item in spec.split(",") if item.strip())
    return {name.strip(): action.strip() for name, _, action in pairs}


def fault(point: str) -> None:
    """Sleep or raise at `point` when the test environment asks for it; otherwise nothing."""
    action = _configured().get(point)
    if action is None:
        return
    if action == "raise":
        raise InjectedFault(f"fault injected at {point}")
    kind, _, seconds = action.partition(":")
    if kind == "sleep":
        time.sleep(float(seconds or 0))
