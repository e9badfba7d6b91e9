"""The Slack Web API client: pointed at SLACK_API_URL, with retries chosen on purpose, and a log filter that
keeps tokens out of every log line.

slack_sdk retries only connection errors by default (docs/reliability.md F6): 429s would surface as errors and
5xx would not be retried. We add RateLimitErrorRetryHandler (it sleeps Retry-After, plus up to a second of
jitter) and ServerErrorRetryHandler (500/503, exponential backoff). When they give up, the caller decides:
SlackChannel raises a temporary ChannelError, so the Ticker retries later or falls back to email.
"""

from __future__ import annotations

import logging
import re
import threading
import time

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator

from collector.core.settings import Settings

TIMEOUT = 10  # seconds per call: far inside the Ticker's stale-claim limit
_TOKEN = re.compile(r"\b(xox[abeprs]|xapp)-[A-Za-z0-9-]+")


def make_client(settings: Settings, *, rate_retries: int = 6, server_retries: int = 3) -> WebClient:
    backoff = BackoffRetryIntervalCalculator(backoff_factor=0.5)
    client = WebClient(
        token=settings.slack_bot_token,
        base_url=_with_slash(settings.slack_api_url),
        timeout=TIMEOUT,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2, interval_calculator=backoff),
            RateLimitErrorRetryHandler(max_retry_count=rate_retries),
            ServerErrorRetryHandler(max_retry_count=server_retries, interval_calculator=backoff),
        ],
    )
    return client


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def scrub(text: str) -> str:
    """`text` with every Slack token replaced by its kind: 'xoxb-…'."""
    return _TOKEN.sub(lambda m: f"{m.group(1)}-…", text)


class TokenFilter(logging.Filter):
    """Rewrites records that would print a token (slack_sdk logs request headers at DEBUG)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _TOKEN.search(message):
            record.msg, record.args = scrub(message), None
        return True


def install_token_filter() -> None:
    """On every handler of the root logger and on slack loggers: idempotent."""
    filt = TokenFilter()
    for logger in (logging.getLogger(), logging.getLogger("slack_sdk"), logging.getLogger("slack_bolt")):
        if not any(isinstance(f, TokenFilter) for f in logger.filters):
            logger.addFilter(filt)
        for handler in logger.handlers:
            if not any(isinstance(f, TokenFilter) for f in handler.filters):
                handler.addFilter(filt)


class Pacer:
    """Keeps our own sending under Slack's chat.postMessage limits, so 429s are the exception: at most
    `rate` messages a second across the workspace (a token bucket with a small burst) and one a second per
    conversation. Thread-safe; wait() blocks until the message may go."""

    def __init__(self, rate: float, *, per_conversation: float = 1.0, burst: int = 5):
        self.interval, self.per_conversation, self.burst = 1.0 / rate, per_conversation, burst
        self._lock = threading.Lock()
        self._next = 0.0  # monotonic time the next workspace slot opens
        self._last: dict[str, float] = {}

    def wait(self, conversation: str) -> None:
        with self._lock:
            now = time.monotonic()
            workspace = max(now - self.interval * (self.burst - 1), self._next)
            self._next = workspace + self.interval
            slot = max(workspace, self._last.get(conversation, -1e9) + self.per_conversation)
            self._last[conversation] = slot
            if len(self._last) > 10_000:  # forget conversations long quiet
                self._last = {k: v for k, v in self._last.items() if v > now - 60}
        delay = slot - time.monotonic()
        if delay > 0:
            time.sleep(delay)
