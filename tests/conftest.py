"""Fixtures shared by every test package: databases on both backends, a session, a frozen clock.

They compose (style.md: composable fixtures): `database_url` is an empty database, `blank_engine` an engine
on it, `engine` one at our migrations' head (a copy of a database the migrations built once this run),
`session` a session scope on it. A test asks only for the layer it needs.

PostgreSQL runs when TEST_DATABASE_URL is set (CI sets it): each test gets its own schema, dropped after
the test, so tests are isolated and the server is left as it was found.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from collector.core.clock import FrozenClock
from store.db import make_engine, session_scope
from tests.databases import fresh_database, migrated_database

# pytest-xdist's workers start with COLUMNS=80 and LINES=24 set. rich fixes a console's width from COLUMNS
# when the console is made (at import), which would make CLI tables wrap at 80 columns in a worker and at the
# width a test sets elsewhere; without them, rich reads the width as each test sets it.
for _name in ("COLUMNS", "LINES"):
    os.environ.pop(_name, None)

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def database_url(request: pytest.FixtureRequest, backend: str, tmp_path) -> Iterator[str]:
    """The URL of a database on `backend`, removed again after the test: empty, or, when the test asks for
    `engine`, a copy of one our migrations brought to head once for the whole run (tests/databases.py)."""
    wanted = migrated_database if "engine" in request.fixturenames else fresh_database
    with wanted(backend, tmp_path) as url:
        yield url


@pytest.fixture
def blank_engine(database_url: str) -> Iterator[Engine]:
    """An engine on the empty database: no schema yet."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(blank_engine: Engine) -> Engine:
    """An engine on a database at our migrations' head (database_url gave a migrated copy)."""
    return blank_engine


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """One session scope for the test: committed when the test passes, rolled back when it raises."""
    with session_scope(engine) as session:
        yield session


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
def write_plan(tmp_path):
    """Write rows (lists of cells) as a tab-separated plan export and return its path."""
    counter = iter(range(1, 1000))

    def write(rows: list[list[str]]):
        path = tmp_path / f"plan{next(counter)}.txt"
        path.write_text("\n".join("\t".join(row) for row in rows) + "\n", encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def samples():
    """shared/plans beside the project. CI has it; a user's clone may not (skip), but CI must not skip."""
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "shared" / "plans"
    if not (folder / "expected" / "check_import.py").exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs the sample plans at {folder} (shared/plans beside the project)")
        pytest.skip(f"sample plans not found at {folder} (shared/plans is beside the project in CI only)")
    return folder


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", help="also run the tests marked slow (CI always does)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Slow tests are opt-in locally (--slow, or a -m naming them) and always run in CI (CI set)."""
    if config.getoption("--slow") or os.environ.get("CI") or "slow" in (config.getoption("-m") or ""):
        return
    slow = [item for item in items if item.get_closest_marker("slow")]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if not item.get_closest_marker("slow")]
