"""A mailbox that cannot be reached is tried again with growing waits, and the reader stops when told."""

from __future__ import annotations

import logging
import re
import threading
import time
from datetime import UTC, datetime
from itertools import pairwise

from collector.core.clock import FrozenClock
from mailin.inbound.imap_config import parse_mailbox_url
from mailin.inbound.imap_reader import MailboxReader
from tests.mail_imap.dovecot import free_port


def test_an_unreachable_server_is_retried_with_doubling_waits_until_stopped(caplog):
    config = parse_mailbox_url(f"imap://progress@127.0.0.1:{free_port()}/INBOX")  # nothing listens there
    clock = FrozenClock(datetime(2027, 3, 1, tzinfo=UTC))
    reader = MailboxReader(None, config, "council.test", clock, password="x", first_backoff=0.05)  # type: ignore[arg-type]
    thread = threading.Thread(target=reader.run, daemon=True)
    with caplog.at_level(logging.WARNING, logger="mailin.inbound.imap_reader"):
        thread.start()
        time.sleep(1.2)
        reader.stop.set()
        thread.join(5)
    assert not thread.is_alive()
    waits = [float(w) for w in re.findall(r"reconnecting in ([\d.]+) s", caplog.text)]
    assert len(waits) >= 3 and waits[-1] > waits[0], waits
    assert all(later >= earlier for earlier, later in pairwise(waits)), waits
