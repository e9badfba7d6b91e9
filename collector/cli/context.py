"""What every command needs: the settings, consoles, and a database made ready on demand."""

from __future__ import annotations

import getpass
from contextlib import contextmanager
from functools import cache

from rich.console import Console
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from collector.clock import SystemClock
from collector.settings import Settings

console = Console()
console_err = Console(stderr=True)


@cache
def settings() -> Settings:
    """Read once per process, at the CLI edge, and passed down from here."""
    return Settings()


def actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def clock() -> SystemClock:
    return SystemClock()


@cache
def engine() -> Engine:
    """The engine, with the schema brought up to date: automatically on the embedded SQLite store; on
    a shared server only by `collector db upgrade`, so several processes never race to migrate."""
    from store.db import ensure_current, make_engine

    url = settings().database_url
    eng = make_engine(url)
    ensure_current(eng, auto_upgrade=url.startswith("sqlite"))
    return eng


@contextmanager
def session() -> Session:
    from store.db import session_scope

    with session_scope(engine()) as s:
        yield s
