"""Column types the store needs beyond SQLAlchemy's own: an instant that keeps being an instant.

Why: SQLAlchemy's SQLite dialect drops the UTC offset of `DateTime(timezone=True)` (reliability.md F12), so
`01:30+01:00` and `01:30+00:00` both read back as a naive `01:30` and two instants become one. We store every
instant in UTC ourselves and hand back aware UTC datetimes on every backend, so no code downstream ever sees
a naive datetime or has to ask which backend it is on.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as UTC; a naive one is refused rather than guessed at."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"UTCDateTime needs a datetime, not {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            # A naive value has no instant: which zone it meant is exactly what we cannot know later.
            raise ValueError(f"naive datetime {value.isoformat()} given where an aware one is needed")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            # SQLite would drop the offset anyway (F12); dropping it ourselves after converting to UTC
            # keeps the stored text sortable and unambiguous.
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
