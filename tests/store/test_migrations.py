"""Migrations build exactly the schema the models describe; code refuses a schema it does not match."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from collector.core.errors import DatabaseNotReady
from store.db import MIGRATIONS, current_revision, ensure_current, head_revision, make_engine
from store.models.base import Base


def test_upgrading_an_empty_database_yields_exactly_the_models_schema(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    assert current_revision(engine) == head_revision()


def test_a_migration_never_imports_application_code():
    for migration in (MIGRATIONS / "versions").glob("*.py"):
        imports = re.findall(r"^\s*(?:from|import)\s+([\w.]+)", migration.read_text(), re.MULTILINE)
        assert not [name for name in imports if name.split(".")[0] in {"store", "collector"}], migration.name


def test_an_empty_database_is_refused_with_the_command_that_fixes_it(blank_engine):
    with pytest.raises(DatabaseNotReady, match=r"has no schema yet: run `collector db upgrade`"):
        ensure_current(blank_engine, auto_upgrade=False)
    assert current_revision(blank_engine) is None


def test_an_empty_database_is_upgraded_when_auto_upgrade_is_on(blank_engine):
    ensure_current(blank_engine, auto_upgrade=True)
    assert current_revision(blank_engine) == head_revision()
    ensure_current(blank_engine, auto_upgrade=False)  # now current: no error


def test_a_database_from_a_newer_version_is_refused_even_with_auto_upgrade(engine):
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'f00dfeed'")
    with pytest.raises(DatabaseNotReady, match="f00dfeed, which this code does not know"):
        ensure_current(engine, auto_upgrade=True)


def test_the_migrations_ship_inside_the_package():
    assert Path(__file__).resolve().parents[2] / "store" / "migrations" == MIGRATIONS
    assert (MIGRATIONS / "env.py").exists() and (MIGRATIONS / "script.py.mako").exists()


def test_a_database_that_cannot_be_opened_is_a_user_error_without_the_password():
    engine = make_engine("postgresql://collector:hunter2@127.0.0.1:1/collector")
    with pytest.raises(
        DatabaseNotReady, match=r"cannot open the database at postgresql\+psycopg://collector@"
    ) as raised:
        ensure_current(engine, auto_upgrade=True)
    assert "hunter2" not in str(raised.value)
    engine.dispose()
