"""Test databases: a fresh, isolated database URL per backend, shared by every fixture that needs one.

A test that wants a database at our migrations' head gets a copy of one migrated once per test run (a
template): the SQLite file copied, a PostgreSQL database created `TEMPLATE` it. Running the whole chain
of migrations for each test cost 0.2-0.6 s of set-up apiece; tests/store/test_migrations.py still runs the
chain, on empty databases, and every copy is what that chain produced in this run.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from store.db import make_engine, upgrade

_templates: dict[str, str] = {}  # backend -> the migrated template (a file path, or a database name)


def _postgres_base() -> str:
    """TEST_DATABASE_URL; without it the PostgreSQL case skips, except under CI, where it fails."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        if os.environ.get("CI"):
            pytest.fail("CI must run the PostgreSQL tests: set TEST_DATABASE_URL (.ci/run does)")
        pytest.skip("TEST_DATABASE_URL is not set (CI sets it)")
    return base


def _sqlite_template() -> str:
    if "sqlite" not in _templates:
        folder = tempfile.mkdtemp(prefix="collector-template-")
        atexit.register(shutil.rmtree, folder, True)
        path = os.path.join(folder, "collector.db")
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        engine.dispose()  # the last connection out checkpoints the WAL into the file
        _templates["sqlite"] = path
    return _templates["sqlite"]


def _postgres_template(base: str) -> str:
    if "postgresql" not in _templates:
        name = f"template_{uuid.uuid4().hex[:16]}"
        admin = make_engine(base).execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        engine = make_engine(make_url(base).set(database=name).render_as_string(hide_password=False))
        upgrade(engine)
        engine.dispose()  # CREATE DATABASE ... TEMPLATE needs the template without sessions

        def drop() -> None:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.dispose()

        atexit.register(drop)
        _templates["postgresql"] = name
    return _templates["postgresql"]


@contextmanager
def migrated_database(backend: str, folder: Path) -> Iterator[str]:
    """A database on `backend` already at our migrations' head: a copy of this run's template (a SQLite
    file under `folder`, or a PostgreSQL database of its own, dropped afterwards)."""
    if backend == "sqlite":
        path = folder / "var" / "collector.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_sqlite_template(), path)
        yield f"sqlite:///{path}"
        return
    base = _postgres_base()
    template = _postgres_template(base)
    name = f"test_{uuid.uuid4().hex[:16]}"
    admin = make_engine(base).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


@contextmanager
def fresh_database(backend: str, folder: Path) -> Iterator[str]:
    """An empty database on `backend`: a SQLite file under `folder`, or a PostgreSQL schema of its own
    (dropped afterwards, so the server is left as found). Without TEST_DATABASE_URL the PostgreSQL case
    skips, except under CI, where it fails: CI must run the PostgreSQL tests."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'var' / 'collector.db'}"
        return
    base = _postgres_base()
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
