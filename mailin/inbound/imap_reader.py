"""The mailbox reader: take our replies from an IMAP folder, store each raw, then mark it in the mailbox.

The same promise as the SMTP path (mailin/inbound/server.py), in the same order:
  1. look    UID SEARCH above the last UID recorded for this folder and UIDVALIDITY (mailbox_states);
             fetch the recipient headers only; a message not addressed to the progress address is left
             untouched (mailin/inbound/imap_filter.py)
  2. store   the whole message, raw, with an envelope made from its headers, through mailin.inbound.store's
             store_batch: committed before anything happens in the mailbox. A message stored before (its
             Message-ID, or its bytes) is recognised and not stored again
  3. mark    moved to the done folder or flagged (MAILBOX_DONE), only after the commit
  4. record  the highest UID looked at, so a restart resumes there
  5. apply   mailin.inbound.process.process_pending: the one processing path both receivers share
A crash between 2 and 3 leaves a stored message unmarked: the next pass fetches it again, the store
answers "duplicate", it is marked then. A crash between 3 and 4 re-reads UIDs already marked: moved ones are
gone from the folder, flagged ones are skipped (UNFLAGGED). A new UIDVALIDITY (the folder was recreated)
resets the mark to zero and the folder is read again, Message-ID dedupe absorbing what was taken before.

The connection is watched with IDLE when the server offers it, else polled; any failure (dropped
connection, folder deleted, server restart) is logged and the reader reconnects with backoff.
"""

from __future__ import annotations

import imaplib
import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, select

from collector.core.clock import Clock
from collector.core.errors import UserError
from collector.core.faults import fault
from mailin.inbound import imap_session as imap
from mailin.inbound.imap_auth import TokenSource, sign_in
from mailin.inbound.imap_config import MailboxConfig
from mailin.inbound.imap_filter import envelope_sender, progress_recipients
from mailin.inbound.store import store_batch
from store.db import session_scope
from store.models.records import MailboxState

log = logging.getLogger(__name__)

BATCH = 50  # messages per FETCH of headers
FETCH_BYTES = 32 * 1024 * 1024  # bodies fetched per command, at most (a large message goes alone)
MAX_BACKOFF = 60.0


class MailboxReader:
    """Run in a thread: `run()` until `stop` is set. `on_stored` is called after a pass stored new mail."""

    def __init__(
        self,
        engine: Engine,
        config: MailboxConfig,
        domain: str,
        clock: Clock,
        *,
        password: str | None = None,
        tokens: TokenSource | None = None,
        on_stored: Callable[[], None] = lambda: None,
        stop: threading.Event | None = None,
        poll: float = 60.0,
        idle_slice: float = 25.0,
        first_backoff: float = 1.0,
    ):
        self.engine, self.config, self.domain, self.clock = engine, config, domain, clock
        self.password, self.tokens, self.on_stored = password, tokens, on_stored
        self.stop = stop or threading.Event()
        self.poll, self.idle_slice, self.first_backoff = poll, idle_slice, first_backoff
        self.passes = 0  # completed passes, for tests and doctor

    def run(self) -> None:
        backoff = self.first_backoff
        while not self.stop.is_set():
            connection = None
            passes = self.passes
            try:
                connection = imap.connect(self.config)
                sign_in(connection, self.config.user, self.password, self.tokens)
                log.info("reading %s (%s)", self.config.key, "IDLE" if _idles(connection) else "polling")
                self._session(connection)
            except (OSError, imaplib.IMAP4.error, UserError) as exc:
                backoff = self.first_backoff if self.passes > passes else backoff  # it had worked: start over
                log.warning("mailbox %s: %s; reconnecting in %.1f s", self.config.key, exc, backoff)
            except Exception:
                backoff = self.first_backoff if self.passes > passes else backoff
                log.exception(
                    "mailbox %s: unexpected failure; reconnecting in %.1f s", self.config.key, backoff
                )
            finally:
                imap.close(connection)
            if self.stop.wait(backoff):
                return
            backoff = min(backoff * 2, MAX_BACKOFF)

    def _session(self, connection: imaplib.IMAP4) -> None:
        idles = _idles(connection)
        while not self.stop.is_set():
            uidvalidity = imap.select_folder(connection, self.config.folder)
            if self.read_once(connection, uidvalidity):
                self.on_stored()
            self.passes += 1
            if idles:
                imap.idle(connection, self.idle_slice, self.stop)
            elif not self.stop.wait(self.poll):
                connection.noop()

    def read_once(self, connection: imaplib.IMAP4, uidvalidity: int) -> int:
        """One pass over the folder: the number of messages newly stored."""
        last = self._last_uid(uidvalidity)
        uids = imap.uids_after(connection, last, unflagged=self.config.done == "flag")
        stored = 0
        for start in range(0, len(uids), BATCH):
            chunk = uids[start : start + BATCH]
            heads = imap.fetch_headers(connection, chunk)
            ours = {
                uid: heads[uid]
                for uid in chunk
                if uid in heads and progress_recipients(heads[uid][1], self.domain)
            }
            for group in _by_size(list(ours), {uid: size for uid, (size, _) in ours.items()}):
                stored += self._take(connection, uidvalidity, group, {uid: ours[uid][1] for uid in group})
            self._record(uidvalidity, chunk[-1])
        return stored

    def _take(
        self, connection: imaplib.IMAP4, uidvalidity: int, uids: list[int], heads: dict[int, bytes]
    ) -> int:
        bodies = imap.fetch_messages(connection, uids)
        missing = [uid for uid in uids if uid not in bodies]
        if missing:  # expunged by someone else between our two fetches: nothing to take
            log.info("mailbox %s: UIDs %s vanished before they were fetched", self.config.key, missing)
        present = [uid for uid in uids if uid in bodies]
        items = [(bodies[uid], self._envelope(uidvalidity, uid, heads[uid])) for uid in present]
        results = store_batch(self.engine, items, self.clock) if items else []
        failed = [
            uid for uid, result in zip(present, results, strict=True) if isinstance(result, BaseException)
        ]
        if failed:
            raise imaplib.IMAP4.error(f"storing UIDs {failed} failed: left unmarked, tried again")
        fault("imap.after_store")  # committed, not yet marked in the mailbox
        imap.mark(connection, present, self.config)
        fault("imap.after_mark")
        fresh = [r for r in results if not r.duplicate]  # type: ignore[union-attr]
        for uid, result in zip(present, results, strict=True):
            log.info(
                "mailbox %s UID %d: %s %s as %d",
                self.config.key,
                uid,
                result.external_id,  # type: ignore[union-attr]
                "already stored" if result.duplicate else "stored",  # type: ignore[union-attr]
                result.id,  # type: ignore[union-attr]
            )
        return len(fresh)

    def _envelope(self, uidvalidity: int, uid: int, headers: bytes) -> dict[str, Any]:
        return {
            "mail_from": envelope_sender(headers),
            "rcpt_tos": progress_recipients(headers, self.domain),
            "source": "imap",
            "mailbox": self.config.key,
            "uidvalidity": uidvalidity,
            "uid": uid,
        }

    def _last_uid(self, uidvalidity: int) -> int:
        with session_scope(self.engine, read_only=True) as s:
            state = s.get(MailboxState, self.config.key)
            if state is None:
                return 0
            if state.uidvalidity != uidvalidity:
                log.warning(
                    "mailbox %s: UIDVALIDITY changed (%d -> %d): reading the folder again from the start",
                    self.config.key,
                    state.uidvalidity,
                    uidvalidity,
                )
                return 0
            return state.last_uid

    def _record(self, uidvalidity: int, last_uid: int) -> None:
        with session_scope(self.engine) as s:
            state = s.scalar(
                select(MailboxState).where(MailboxState.mailbox == self.config.key).with_for_update()
            )
            if state is None:
                s.add(
                    MailboxState(
                        mailbox=self.config.key,
                        uidvalidity=uidvalidity,
                        last_uid=last_uid,
                        updated_at=self.clock.now(),
                    )
                )
            else:
                state.uidvalidity, state.last_uid, state.updated_at = uidvalidity, last_uid, self.clock.now()


def _idles(connection: imaplib.IMAP4) -> bool:
    return "IDLE" in connection.capabilities


def _by_size(uids: list[int], sizes: dict[int, int]) -> list[list[int]]:
    """Groups of UIDs whose bodies together stay under FETCH_BYTES (a larger message is a group alone)."""
    groups: list[list[int]] = []
    total = 0
    for uid in uids:
        if not groups or total + sizes[uid] > FETCH_BYTES:
            groups.append([])
            total = 0
        groups[-1].append(uid)
        total += sizes[uid]
    return groups
