"""A sending process for test_sigkill: claims and sends N notices to Jo through a real relay, at a given
instant, taking over any claim older than the lease first. The test kills it with SIGKILL mid-run.

    python -m tests.rounds.kill_worker DATABASE_URL SMTP_URL ISO_INSTANT N PERSON_ID
"""

from __future__ import annotations

import sys
from datetime import datetime

from collector.channels.protocol import NoticeMessage, Recipient
from collector.core.clock import FrozenClock
from collector.core.settings import Settings
from collector.rounds.delivery import Deliverer
from collector.rounds.work import Work
from mailin.outbound.channel import EmailChannel
from store.db import make_engine


def main(url: str, smtp_url: str, at: str, n: int, person_id: int) -> None:
    clock = FrozenClock(datetime.fromisoformat(at))
    settings = Settings(_env_file=None, smtp_url=smtp_url, mail_domain="progress.example.org")
    channels = {"email": EmailChannel(settings, clock)}
    engine = make_engine(url)
    jo = Recipient(person_id, "Jo Baker", "jo.baker@harbourside.gov.uk")

    def notice(i: int) -> Work:
        message = NoticeMessage(f"Notice {i}", jo, (f"line {i}",))
        return Work(
            f"notice:kill:{i}", "notice", None, None, person_id, "email", "Jo Baker", lambda _s: message
        )

    deliverer = Deliverer(engine, channels, clock)
    deliverer.resend_stale()
    deliverer.deliver([notice(i) for i in range(n)])
    channels["email"].close()
    engine.dispose()
    print("done", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
