"""Logging for the long-running processes: one line per event, as text for a terminal or as JSON
(LOG_FORMAT=json) for a log collector, and never a secret.

Redaction happens in a filter on the handler, after the message is formatted, so a token that reaches a
log line by any path (an exception text, a URL, a library's debug line) is masked. Message bodies are kept
out of info-level lines by the code that logs (ids, counts and states only); this is the safety net.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

_SECRETS = (
    (re.compile(r"\bxox[abposr]-[A-Za-z0-9-]+"), "xox?-***"),  # Slack bot, user and refresh tokens
    (re.compile(r"\bxapp-[A-Za-z0-9-]+"), "xapp-***"),  # Slack app-level token (Socket Mode)
    (re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]+"), r"\1***"),
    (re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s]+@"), r"\1***@"),  # user:password@ in any URL
    (re.compile(r"(?i)\b(password|passwd|secret|signing_secret)=[^\s&,;]+"), r"\1=***"),
)
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def redact(text: str) -> str:
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecrets(logging.Filter):
    """Masks tokens and passwords in the finished message and in any exception text."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class JsonLines(logging.Formatter):
    """{"ts", "level", "logger", "message", ...extra fields, "exception"?} on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value if isinstance(value, str | int | float | bool | None) else repr(value)
        if record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False)


def configure_logging(log_format: str = "text", level: str = "INFO", stream: TextIO | None = None) -> None:
    """Replace the root logger's handlers with one that writes redacted lines to stderr."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RedactSecrets())
    if log_format == "json":
        handler.setFormatter(JsonLines())
    else:
        text = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
        handler.setFormatter(text)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # aiosmtpd logs every command line a client sends at INFO (addresses, AUTH data): ours say what matters
    logging.getLogger("mail.log").setLevel(max(logging.WARNING, root.level))
    logging.captureWarnings(True)
