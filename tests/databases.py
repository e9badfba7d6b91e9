"""Test databases: a fresh, isolated database URL per backend, shared by every fixture that needs one."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from store.db import make_engine


@contextmanager
def fresh_database(backend: str, folder: Path) -> Iterator[str]:
    """An empty database on `backend`: a SQLite file under `folder`, or a PostgreSQL schema of its own
    (dropped afterwards, so the server is left as found). Without TEST_DATABASE_URL the PostgreSQL case
    skips, except under CI, where it fails: CI must run the PostgreSQL tests."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'var' / 'collector.db'}"
        return
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        if os.environ.get("CI"):
            pytest.fail("CI must run the PostgreSQL tests: set TEST_DATABASE_URL (.ci/run does)")
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
