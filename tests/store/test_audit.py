"""The audit log has one writer (store.audit.audit): the rows it writes, and that no other module builds
an AuditEvent itself (so the shape of a row is decided in one place)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from store.audit import audit
from store.db import session_scope
from store.models.records import AuditEvent

ROOT = Path(__file__).resolve().parents[2]
AT = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def test_detail_is_the_mapping_and_the_keywords_merged(engine):
    with session_scope(engine) as s:
        audit(s, at=AT, actor="cli", entity="plan", entity_id=7, event="plan.x", detail={"event": 1}, more=2)
    with session_scope(engine, read_only=True) as s:
        row = s.scalars(select(AuditEvent)).one()
        assert (row.at, row.actor, row.via, row.entity, row.entity_id, row.event) == (
            AT, "cli", "cli", "plan", 7, "plan.x"
        )  # fmt: skip
        assert row.detail == {"event": 1, "more": 2}


def test_no_module_but_store_audit_builds_an_audit_row():
    builders = [
        path.relative_to(ROOT).as_posix()
        for folder in ("collector", "store", "bot", "mailin", "reports")
        for path in (ROOT / folder).rglob("*.py")
        if re.search(r"(?<!class )\bAuditEvent\(", path.read_text(encoding="utf-8"))
    ]
    assert builders == ["store/audit.py"]
