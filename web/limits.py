"""A small in-process sliding-window rate limit for the lead's page: per link and per client address.

The link is the credential, so a script hammering one link (or guessing many from one address) is slowed
down before any database work; a person filling in a form never comes near the limits. In-process is
enough: the web pages run in one process (bot/server.py), and a restart forgetting the counts costs
nothing. Memory stays bounded: at most MAX_KEYS keys are kept, the stalest dropped first.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass

MAX_KEYS = 10_000


@dataclass(frozen=True)
class Rule:
    limit: int  # requests allowed ...
    window: float  # ... in this many seconds


class SlidingWindow:
    """Counts each key's hits over the last `rule.window` seconds; `hit` says how long to wait, or 0."""

    def __init__(self, rule: Rule, now: Callable[[], float]) -> None:
        self.rule, self._now = rule, now
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def hit(self, key: str) -> int:
        """Record one request for `key` if allowed; if not, the whole seconds until one is (Retry-After)."""
        now = self._now()
        with self._lock:
            times = self._hits.pop(key, None) or deque()
            while times and times[0] <= now - self.rule.window:
                times.popleft()
            self._hits[key] = times  # most recently seen last
            while len(self._hits) > MAX_KEYS:
                self._hits.popitem(last=False)
            if len(times) >= self.rule.limit:
                return max(1, math.ceil(times[0] + self.rule.window - now))
            times.append(now)
            return 0


class PageLimits:
    """The lead page's two limits: per link and per client address (several leads may share one office's
    address, so that one is wider)."""

    def __init__(self, per_link: Rule, per_address: Rule, now: Callable[[], float]) -> None:
        self.links = SlidingWindow(per_link, now)
        self.addresses = SlidingWindow(per_address, now)

    def check(self, token: str, address: str | None) -> int:
        """0 when the request may go on, else the seconds to wait. The address is counted first, so a
        guesser cycling through made-up links is still held back."""
        if address is not None:
            wait = self.addresses.hit(address)
            if wait:
                return wait
        return self.links.hit(token[:200])
