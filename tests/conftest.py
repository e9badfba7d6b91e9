"""Fixtures shared by every test package: databases on both backends, a session, a frozen clock.

They compose (STYLE.md: composable fixtures): `database_url` is an empty database, `blank_engine` an engine
on it, `engine` the same after our migrations (so migrations are what every test exercises), `session` a
session scope on it. A test asks only for the layer it needs.

PostgreSQL runs when TEST_DATABASE_URL is set (CI sets it): each test gets its own schema, dropped after
the test, so tests are isolated and the server is left as it was found.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from collector.clock import FrozenClock
from store.db import make_engine, session_scope, upgrade

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def database_url(backend: str, tmp_path) -> Iterator[str]:
    """The URL of an empty database on `backend`, removed again after the test."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'var' / 'collector.db'}"
        return
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL is not set (CI sets it)")
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = make_engine(base)
    try:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        url = make_url(admin.url.render_as_string(hide_password=False))
        yield url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False
        )
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    finally:
        admin.dispose()


@pytest.fixture
def blank_engine(database_url: str) -> Iterator[Engine]:
    """An engine on the empty database: no schema yet."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(blank_engine: Engine) -> Engine:
    """An engine on a database brought to head by our migrations."""
    upgrade(blank_engine)
    return blank_engine


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """One session scope for the test: committed when the test passes, rolled back when it raises."""
    with session_scope(engine) as session:
        yield session


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
