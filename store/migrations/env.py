"""Alembic's entry point, configured from code (store.db) rather than an alembic.ini.

store.db.upgrade passes its own connection in `config.attributes["connection"]`, already inside a
transaction, so a whole upgrade commits or rolls back as one (on SQLite too, where our engine emits
BEGIN IMMEDIATE). Without a connection (an ad-hoc autogenerate or `--sql` run) it uses `sqlalchemy.url`.

Migrations must never import application code: autogenerate renders our UTCDateTime as the plain
`sa.DateTime(timezone=True)` it wraps, so an old migration keeps working whatever store.types becomes.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection

from store.models.base import Base
from store.types import UTCDateTime

config = context.config
target_metadata = Base.metadata


def _render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False  # alembic's default rendering


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things: batch mode recreates the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        render_item=_render_item,
        compare_type=True,
    )


def run_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    from store.db import make_engine  # only for ad-hoc runs without a connection

    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.begin() as connection:
            _configure(connection)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
