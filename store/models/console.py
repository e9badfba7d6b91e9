"""Sign-in links for the coordinators' console (web/auth.py): one row per link mailed.

Only the SHA-256 of the link's token is kept, so a copy of the database opens no session; the row says who
asked (the address typed, lower-cased), when the link stops working, and when it was used (once only).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base


class SigninToken(Base):
    __tablename__ = "signin_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
