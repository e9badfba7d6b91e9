"""What the lead's update page keeps beside the inbound store: drafts saved part-done, and evidence files.

A draft is the form's values for one prompt, kept until the form is sent (one row a prompt, rewritten on
each save). An evidence file's bytes live on disk under var/evidence (never in a web root, never in the
database twice); its row says where, what it is, and which submission and action it came with.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base, fk


class LeadDraft(Base):
    """A lead's form saved for later: the field values as typed, by field name."""

    __tablename__ = "lead_drafts"

    prompt_id: Mapped[int] = mapped_column(fk("prompts.id"), primary_key=True)
    values: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]


class EvidenceFile(Base):
    """One file a lead sent with an action, stored on disk at `stored_path` (relative to var_dir)."""

    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Like InboundMessage's own references: deleting what evidence points at is refused, not cascaded.
    inbound_message_id: Mapped[int] = mapped_column(ForeignKey("inbound_messages.id"), index=True)
    update_id: Mapped[int | None] = mapped_column(ForeignKey("updates.id"))
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), index=True)
    prompt_id: Mapped[int] = mapped_column(ForeignKey("prompts.id"))
    original_name: Mapped[str] = mapped_column(String(255))  # sanitised; shown escaped
    content_type: Mapped[str] = mapped_column(String(100))  # decided from the content, not the name
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    stored_path: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime]
