"""What every command needs, built once per invocation at the CLI edge and passed down: the settings, a
clock, who is acting, and a database made ready on first use. Nothing here is a module-level global, so
tests can run commands side by side against different databases."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import typer
from rich.console import Console
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from collector.core.clock import Clock, SystemClock
from collector.core.settings import Settings

console = Console()
console_err = Console(stderr=True)


def _os_user() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


@dataclass
class Runtime:
    settings: Settings
    clock: Clock = field(default_factory=SystemClock)
    actor: str = field(default_factory=_os_user)
    _engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        """The engine, with the schema up to date: migrated automatically on the embedded SQLite store; on a
        shared server only by `collector db upgrade`, so several processes never race to migrate."""
        if self._engine is None:
            from store.db import ensure_current, make_engine

            url = self.settings.database_url
            self._engine = make_engine(url)
            ensure_current(self._engine, auto_upgrade=url.startswith("sqlite"))
        return self._engine

    @contextmanager
    def session(self, *, read_only: bool = False) -> Iterator[Session]:
        """One transaction for the whole command: a failure leaves nothing half-written. Commands that
        only look pass read_only=True and take no write lock."""
        from store.db import session_scope

        with session_scope(self.engine, read_only=read_only) as s:
            yield s


def runtime(ctx: typer.Context) -> Runtime:
    """The invocation's Runtime, made from the environment the first time a command asks."""
    root = ctx.find_root()
    if not isinstance(root.obj, Runtime):
        root.obj = Runtime(Settings())
    return root.obj
