"""The declarative base every table shares: one metadata, its naming convention and the column types.

The metadata carries an explicit naming convention so Alembic names constraints the same on SQLite and
PostgreSQL, and a later migration can drop them by name.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, cast

from sqlalchemy import JSON, ForeignKey, MetaData, Table
from sqlalchemy.orm import DeclarativeBase

from store.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


def fk(target: str, ondelete: str = "CASCADE") -> ForeignKey:
    """A foreign key that follows its row (CASCADE unless told otherwise)."""
    return ForeignKey(target, ondelete=ondelete)


def table_of(model: type[Base]) -> Table:
    """A model's Core table, for the bulk INSERTs that bypass the ORM (one statement for many rows)."""
    return cast(Table, model.__table__)
