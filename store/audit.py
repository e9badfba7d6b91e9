"""The audit log's one writer: who did what to which record, when, and how.

Every audit row in the application is written here, so its shape (entity, entity_id, event, detail, actor,
via, at) is decided once. Each call adds one AuditEvent row in the caller's transaction, so the change and
its record commit together or not at all. Events are never updated or deleted.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from store.models.records import AuditEvent


def audit(
    session: Session,
    *,
    at: datetime,
    actor: str,
    event: str,
    entity: str,
    entity_id: int | None = None,
    via: str = "cli",
    detail: Mapping[str, Any] | None = None,
    **more: Any,
) -> AuditEvent:
    """Record `event` ("update.withdrawn", "review.rejected"...) on `entity` `entity_id`, done by `actor`.

    The detail is `detail` (a mapping built beforehand, whose keys may be anything) and the keyword
    arguments after it, merged."""
    row = AuditEvent(
        at=at,
        actor=actor,
        via=via,
        entity=entity,
        entity_id=entity_id,
        event=event,
        detail={**(detail or {}), **more},
    )
    session.add(row)
    return row
