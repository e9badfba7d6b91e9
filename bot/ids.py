"""The two identifiers the bot writes and reads back: where a prompt's messages are, and signed modal state.

A prompt's Slack messages are recorded in Prompt.message_id as "slack:{channel}:{ts}[+{ts}...]" (one ts
per message, the first the thread reminders go under), so any later step can update them in place.

Modal private_metadata comes back from Slack inside a signed request, but anyone holding the app's
interactivity URL could forge a payload if signing were ever off, and the acting user only sees the view we
built. We sign it anyway (docs/reliability.md S10: modal state is signed by us (HMAC) and
length-checked), so a tampered or oversized value is refused, never trusted.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from bot import limits

PREFIX = "slack:"


@dataclass(frozen=True)
class Posted:
    channel: str
    ts: tuple[str, ...]

    @property
    def external_id(self) -> str:
        return f"{PREFIX}{self.channel}:{'+'.join(self.ts)}"

    @property
    def thread_ts(self) -> str:
        return self.ts[0]


def parse_posted(external_id: str | None) -> Posted | None:
    """The messages behind an external id we wrote; None for anything else (an email Message-ID)."""
    if not external_id or not external_id.startswith(PREFIX):
        return None
    channel, _, stamps = external_id[len(PREFIX) :].partition(":")
    ts = tuple(t for t in stamps.split("+") if t)
    return Posted(channel, ts) if channel and ts else None


class BadMetadata(ValueError):
    """private_metadata that we did not write (tampered, truncated, oversized, not JSON)."""


def sign(data: dict[str, Any], secret: str) -> str:
    body = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode()
    mac = hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()[:32]
    signed = f"{body}.{mac}"
    if len(signed) > limits.PRIVATE_METADATA:
        raise ValueError("modal state too large for private_metadata")
    return signed


def verify(value: str | None, secret: str) -> dict[str, Any]:
    if not value or len(value) > limits.PRIVATE_METADATA or "." not in value:
        raise BadMetadata("missing or oversized")
    body, _, mac = value.rpartition(".")
    expected = hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()[:32]
    if not hmac.compare_digest(mac, expected):
        raise BadMetadata("signature does not match")
    try:
        data = json.loads(base64.urlsafe_b64decode(body.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadMetadata("not our format") from exc
    if not isinstance(data, dict):
        raise BadMetadata("not our format")
    return data
