"""The web process's housekeeping, every minute: nothing stored is left unhandled.

* a DM stored before its ack but never answered (the process died after the 200) is handled now, at most
  MAX_ATTEMPTS times, then quarantined as "failed" with the raw payload kept (as mailin/inbound/process.py
  does);
* a plain-text reading the lead never confirmed goes to the review queue after text.HOLD, so a
  coordinator sees it rather than nobody.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from sqlalchemy import select, update

from bot import text
from bot.context import Bot
from collector.core.vocabulary import InboundState
from store.db import session_scope
from store.inbound import mark_failed, mark_for_review
from store.models.records import InboundMessage

log = logging.getLogger(__name__)

GRACE = timedelta(minutes=1)  # a live listener is still on it
MAX_ATTEMPTS = 3


def sweep(bot: Bot) -> dict[str, int]:
    now = bot.clock.now()
    counts = {"handled": 0, "failed": 0, "to_review": 0}
    with session_scope(bot.engine, read_only=True) as s:
        waiting = list(
            s.scalars(
                select(InboundMessage.id).where(
                    InboundMessage.channel == "slack",
                    InboundMessage.state == InboundState.NEW,
                    InboundMessage.processed_at.is_(None),
                    InboundMessage.external_id.like("event:%"),
                    InboundMessage.received_at < now - GRACE,
                )
            )
        )
    for inbound_id in waiting:
        with session_scope(bot.engine) as s:
            bump = (
                update(InboundMessage)
                .where(InboundMessage.id == inbound_id, InboundMessage.state == InboundState.NEW)
                .values(attempts=InboundMessage.attempts + 1)
                .returning(InboundMessage.attempts)
            )
            attempts = s.execute(bump.execution_options(synchronize_session=False)).scalar()
        if attempts is None:
            continue
        if attempts > MAX_ATTEMPTS:
            _fail(bot, inbound_id, "handling never finished (crashed?); the raw message is kept")
            counts["failed"] += 1
            continue
        try:
            text.handle(bot, inbound_id)
            counts["handled"] += 1
        except Exception as exc:
            log.exception("slack inbound %d: handling failed (attempt %d)", inbound_id, attempts)
            if attempts >= MAX_ATTEMPTS:
                _fail(bot, inbound_id, f"{type(exc).__name__}: {exc}"[:2000])
                counts["failed"] += 1
    with session_scope(bot.engine) as s:
        stale = s.scalars(
            select(InboundMessage).where(
                InboundMessage.channel == "slack",
                InboundMessage.state == InboundState.NEW,
                InboundMessage.reason == text.AWAITING,
                InboundMessage.processed_at < now - text.HOLD,
            )
        )
        for msg in stale:
            mark_for_review(msg, at=None, reason="the lead did not confirm what the bot read within a day")
            counts["to_review"] += 1
    return counts


def _fail(bot: Bot, inbound_id: int, reason: str) -> None:
    with session_scope(bot.engine) as s:
        mark_failed(s.get_one(InboundMessage, inbound_id), at=bot.clock.now(), reason=reason)


def every(bot: Bot, seconds: float, stop: threading.Event) -> threading.Thread:
    """Sweep in a daemon thread until `stop` is set."""

    def loop() -> None:
        while not stop.wait(seconds):
            try:
                counts = sweep(bot)
                if any(counts.values()):
                    log.info("sweep: %s", counts)
            except Exception:
                log.exception("sweep failed; trying again next time")

    thread = threading.Thread(target=loop, name="slack-sweep", daemon=True)
    thread.start()
    return thread
