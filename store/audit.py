"""The audit log's one writer for coordinators' changes: who did what to which record, when, and how.

Each call adds one AuditEvent row in the caller's transaction, so the change and its record commit together
or not at all. Events are never updated or deleted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from store.models import AuditEvent


def audit(
    session: Session,
    *,
    at: datetime,
    actor: str,
    event: str,
    entity: str,
    entity_id: int | None,
    via: str = "cli",
    **detail: Any,
) -> AuditEvent:
    """Record `event` ("update.withdrawn", "review.rejected"...) on `entity` `entity_id`, done by `actor`."""
    row = AuditEvent(
        at=at, actor=actor, via=via, entity=entity, entity_id=entity_id, event=event, detail=detail
    )
    session.add(row)
    return row
