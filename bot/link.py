"""Whether Slack's Web API accepts our bot token, found out in the background, and the authorization bolt
uses meanwhile.

bolt calls `auth.test` while the App is built and raises when Slack cannot be reached, so a Slack outage
during a deploy used to take the whole web process down, /healthz with it. Instead the App is built with
an `authorize` function (bolt-python's documented hook: bolt then makes no Slack call of its own to
authorize a request) that hands bolt the configured token at once. (`token_verification_enabled=False`
alone is not enough: bolt then calls auth.test on the first request instead, and a connection error there
is a 500.) This link runs `auth.test` in a
thread, retrying with exponential backoff and jitter (1 s doubling to MAX_DELAY, at least any Retry-After)
until it succeeds, then again every RECHECK so /healthz stays honest. Requests are verified (by signature,
which needs no Slack call) and acknowledged throughout; only what a listener sends to Slack waits for it,
and that has its own retries (bot/client.py).
"""

from __future__ import annotations

import logging
import random
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.client import scrub

log = logging.getLogger(__name__)

FIRST_DELAY = 1.0  # seconds before the first retry
MAX_DELAY = 60.0  # the backoff stops doubling here
RECHECK = 300.0  # seconds between checks once Slack has answered
CHECK_TIMEOUT = 5  # seconds for one auth.test: the loop retries, so no client-side retries


@dataclass(frozen=True)
class Reach:
    reachable: bool
    reason: str | None  # why not, when not
    checked_at: datetime | None  # the last attempt's end; None before the first

    def as_json(self) -> dict[str, Any]:
        return {
            "reachable": self.reachable,
            "reason": self.reason,
            "checked_at": self.checked_at.isoformat() if self.checked_at else None,
        }


class SlackLink:
    def __init__(
        self,
        client: WebClient,
        *,
        first_delay: float = FIRST_DELAY,
        max_delay: float = MAX_DELAY,
        recheck: float = RECHECK,
    ):
        """`client`: the bot's client; its token and base URL are used, its retry handlers are not."""
        self.token = client.token or ""
        self._client = WebClient(
            token=client.token, base_url=client.base_url, timeout=CHECK_TIMEOUT, retry_handlers=[]
        )
        self.first_delay, self.max_delay, self.recheck = first_delay, max_delay, recheck
        self._lock = threading.Lock()
        self._reach = Reach(False, "not checked yet", None)
        self._identity: dict[str, str | None] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def reach(self) -> Reach:
        with self._lock:
            return self._reach

    def check(self) -> float | None:
        """One auth.test. None when it succeeded; otherwise the least wait Slack asked for (0 if none)."""
        wait: float | None = 0.0
        reason: str | None
        try:
            answer = self._client.auth_test()
        except SlackApiError as exc:
            status = exc.response.status_code
            error = exc.response.get("error") if isinstance(exc.response.data, dict) else None
            retry_after = exc.response.headers.get("Retry-After", exc.response.headers.get("retry-after"))
            wait = float(retry_after) if str(retry_after or "").isdigit() else 0.0
            reason = f"auth.test: {error}" if status == 200 and error else f"auth.test: HTTP {status}"
        except Exception as exc:  # connection refused, reset, timeout, DNS: all mean "not now"
            reason = f"cannot reach Slack's Web API: {type(exc).__name__}: {exc}"
        else:
            wait, reason = None, None
            with self._lock:
                self._identity = {k: answer.get(k) for k in ("team_id", "user_id", "bot_id", "enterprise_id")}
        reach = Reach(wait is None, scrub(reason) if reason else None, datetime.now(UTC))
        with self._lock:
            before, self._reach = self._reach, reach
        if reach.reachable and not before.reachable:
            log.info("Slack's Web API answers: the bot token works (team %s)", self._identity.get("team_id"))
        elif not reach.reachable and (before.reachable or before.checked_at is None):
            log.warning("Slack is unreachable, retrying in the background: %s", reach.reason)
        return wait

    def start(self) -> None:
        """Check in a daemon thread until stop(); idempotent."""
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._run, name="slack-auth-test", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        delay = self.first_delay
        while not self._stop.is_set():
            wait = self.check()
            if wait is None:
                delay, pause = self.first_delay, self.recheck
            else:
                pause = max(wait, delay * random.uniform(0.5, 1.0))
                delay = min(delay * 2, self.max_delay)
            self._stop.wait(pause)

    def authorize(
        self, enterprise_id: str | None, team_id: str | None, user_id: str | None
    ) -> AuthorizeResult:
        """bolt's `authorize`: the configured token, with the bot's ids once auth.test has told them (bolt
        uses them to skip the bot's own events; our DM check skips bot messages anyway)."""
        with self._lock:
            known = dict(self._identity)
        return AuthorizeResult(
            enterprise_id=enterprise_id or known.get("enterprise_id"),
            team_id=team_id or known.get("team_id"),
            bot_user_id=known.get("user_id"),
            bot_id=known.get("bot_id"),
            bot_token=self.token,
            user_id=user_id,
        )
