"""Header values of a received message as one clean line each: encoded words decoded, folding removed,
control characters gone; addresses split before their names are decoded; dates with a zone. Never raises:
what could not be decoded is recorded in `defects` and the raw text kept. Pure.

Speed: policy.default re-parses a header through its registry on every get(), which was most of the time
spent extracting. We parse with compat32 and read each header once from the raw items (first_headers),
decoding as policy.default would show it (8-bit bytes as UTF-8, encoded words decoded).
"""

from __future__ import annotations

import contextlib
import email.policy
import re
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def clean_header(value: str) -> str:
    """One line: control characters (CR, LF, NUL, ...) become spaces, runs of spaces one space."""
    return " ".join(CONTROL.sub(" ", value).split())


def first_headers(msg: Message) -> dict[str, str]:
    """Each header's first value by lower-cased name, read once and unfolded (policy.default re-parsed the
    header on every get()). 8-bit bytes stay surrogate escapes until decoded: see sanitize."""
    headers: dict[str, str] = {}
    for name, value in msg.raw_items():
        key = str(name).lower()
        if key not in headers:
            headers[key] = unfold(str(value))
    return headers


def unfold(value: str) -> str:
    if "\n" in value or "\r" in value:
        value = value.replace("\r", "").replace("\n", "")
    return value


def sanitize(value: str) -> str:
    """8-bit header bytes arrive as surrogate escapes; read them as UTF-8, as policy.default does."""
    if value.isascii():
        return value
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def decode_words(text: str, name: str, defects: list[str]) -> str:
    """RFC 2047 encoded words decoded. decode_header/make_header are fast but strict (unknown charset, bad
    base64, 8-bit text beside a word), so on failure the default policy's lenient parser has a go."""
    if "=?" not in text:
        return sanitize(text)
    if text.isascii():  # decode_header turns non-ASCII text into escapes ("\\ufffd"), so only ASCII here
        try:
            return str(make_header(decode_header(text)))
        except Exception:
            pass
    with contextlib.suppress(Exception):
        text = str(email.policy.default.header_factory("x-unstructured", text))
    if "=?" in text:  # left undecoded: a defect only if decode_header sees an encoded word there
        try:
            words = decode_header(text)
            if words != [(text, None)]:
                if not text.isascii():
                    raise ValueError(text)
                text = str(make_header(words))
        except Exception:
            defects.append(f"{name} header has a bad encoded word")
    return sanitize(text)


def header_value(headers: dict[str, str], name: str, defects: list[str]) -> str | None:
    try:
        value = headers.get(name.lower())
        return None if value is None else decode_words(value, name, defects)
    except Exception as exc:
        defects.append(f"{name} header could not be decoded ({type(exc).__name__})")
        value = headers.get(name.lower())
        return None if value is None else sanitize(value)


def crude_headers(raw: bytes) -> tuple[dict[str, str], bytes]:
    head, _, body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
    headers: dict[str, str] = {}
    last = None
    for line in head.decode("utf-8", "replace").split("\n"):
        if line[:1] in (" ", "\t") and last:
            headers[last] += " " + line.strip()
        elif ":" in line:
            last, _, value = line.partition(":")
            last = last.strip().lower()
            headers.setdefault(last, value.strip())
    return headers, body


def normal_message_id(value: str | None) -> str | None:
    if not value:
        return None
    ids = re.findall(r"<[^<>\s]+>", re.sub(r"\s+", "", value))
    return ids[0] if ids else (clean_header(value).replace(" ", "") or None)


def addresses(value: str | None, defects: list[str] | None = None, name: str = "") -> list[tuple[str, str]]:
    """Split the raw header first, then decode each display name: decoding first would let an encoded
    comma ("Smith, Jo") split one address into two."""
    if not value:
        return []
    try:
        pairs = [(n, a) for n, a in getaddresses([value]) if "@" in a]
    except Exception:
        return []
    found = [] if defects is None else defects
    return [(decode_words(n, name, found), sanitize(a)) for n, a in pairs]


def header_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except Exception:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
