"""The body of a received message: the parser that copes best with it, the MIME tree walked without
recursion, each text part decoded from its charset, and a delivery-status report read as one block. Never
raises (F4). Pure: a parsed message in, text out.

The stdlib parser raises RecursionError on deeply nested multiparts, get_content() raises LookupError on an
unknown charset: each is caught, recorded in `defects`, and we fall back (policy.compat32, then
policy.default, then the caller's crude decode of the bytes) to best-effort text.
"""

from __future__ import annotations

import codecs
import email
import email.errors
import email.policy
import re
from email.message import Message
from email.utils import collapse_rfc2231_value

from .html_text import html_to_text
from .mail_headers import clean_header, decode_words, sanitize, unfold

MAX_DEPTH = 40  # MIME nesting we walk; real mail nests 3 or 4 deep


_CHARSET_TOKEN = re.compile(r'\s*"?([\w.:+-]+)')
_LATIN1 = {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii", "iso8859-1"}


def parse_best(raw: bytes, defects: list[str]) -> Message | None:
    """compat32 first, as it is fast. policy.default gets a second go when compat32 raised or lost a
    multipart's boundary: its Content-Type parser forgives more (a stray quote after the boundary)."""
    best: Message | None = None
    for policy in (email.policy.compat32, email.policy.default):
        try:
            msg = email.message_from_bytes(raw, policy=policy)
        except RecursionError:
            defects.append(f"MIME nested too deeply for the parser ({policy.__class__.__name__})")
            continue
        except Exception as exc:  # the stdlib parser is not meant to raise, but F4 shows it can
            defects.append(f"parser failed: {type(exc).__name__}")
            continue
        if best is None or _boundary_trouble(msg) < _boundary_trouble(best):
            best = msg
        if not _boundary_trouble(best):
            break
    return best


_BOUNDARY_DEFECTS = (
    email.errors.StartBoundaryNotFoundDefect,
    email.errors.NoBoundaryInMultipartDefect,
    email.errors.MultipartInvariantViolationDefect,
)


def _boundary_trouble(msg: Message) -> int:
    """How many parts, at any depth, the parser found without their boundary (walked without recursion)."""
    count, stack = 0, [msg]
    while stack:
        part = stack.pop()
        count += sum(isinstance(d, _BOUNDARY_DEFECTS) for d in getattr(part, "defects", ()))
        payload = part.get_payload()
        if part.is_multipart() and isinstance(payload, list):
            stack += [p for p in payload if isinstance(p, Message)]
    return count


def decode_bytes(data: bytes, charset: str | None, defects: list[str]) -> str:
    """Text from a part's bytes: the declared charset (latin-1 read as its cp1252 superset, as browsers
    do), else utf-8, else cp1252. Never raises."""
    if charset:
        name = charset.strip().strip('"').lower()
        if name in _LATIN1:
            name = "cp1252"
        try:
            codecs.lookup(name)
        except LookupError:
            defects.append(f"unknown charset {clean_header(charset)[:40]!r}")
            name = ""
        if name:
            try:
                return data.decode(name)
            except UnicodeDecodeError:
                defects.append(f"text is not valid {name}")
                return data.decode(name, "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def _part_text(part: Message, defects: list[str]) -> str:
    try:
        data = part.get_payload(decode=True)
    except Exception as exc:
        defects.append(f"part could not be decoded ({type(exc).__name__})")
        data = None
    if not isinstance(data, bytes):  # None for a multipart; bytes for every leaf
        payload = part.get_payload()
        data = payload.encode("utf-8", "replace") if isinstance(payload, str) else b""
    try:
        charset = part.get_param("charset")
        if isinstance(charset, tuple):  # RFC 2231 charset*=; compat32 leaves it to us to collapse
            charset = collapse_rfc2231_value(charset)
        charset = sanitize(unfold(str(charset))) if charset else None
        if charset and (token := _CHARSET_TOKEN.match(charset)):
            charset = token.group(1)  # compat32 keeps junk after a quoted value; policy.default dropped it
    except Exception:
        charset = None
    return decode_bytes(data, charset, defects)


def _walk(msg: Message, defects: list[str]) -> list[Message]:
    """Every leaf part, depth first, without recursion; nesting beyond MAX_DEPTH is skipped."""
    leaves: list[Message] = []
    stack: list[tuple[Message, int]] = [(msg, 0)]
    while stack:
        part, depth = stack.pop()
        if depth > MAX_DEPTH:
            defects.append(f"MIME nesting deeper than {MAX_DEPTH} ignored")
            continue
        # message/delivery-status parses as a list of header blocks, but it is one leaf: its fields are
        # read together (RFC 3464), so walking into it would lose the Final-Recipient lines.
        leaf = part.get_content_type() == "message/delivery-status"
        payload = part.get_payload() if part.is_multipart() and not leaf else None
        if isinstance(payload, list):
            stack += [(p, depth + 1) for p in reversed(payload) if isinstance(p, Message)]
        else:
            leaves.append(part)
    return leaves


def _is_attachment(part: Message) -> bool:
    try:
        disposition = str(part.get("Content-Disposition") or "").split(";")[0].strip().lower()
        return disposition == "attachment"
    except Exception:
        return False


def message_body(msg: Message, defects: list[str]) -> tuple[str, bool, str, str]:
    """(text, came_from_html, delivery-status text, HTML source or ""). An HTML-only message's text has its
    quoted original removed by structure already; extract.whole_html gives it with the original (align.py)."""
    plain = html = status = None
    for part in _walk(msg, defects):
        ctype = part.get_content_type()
        if ctype == "message/delivery-status":
            status = _delivery_status(part, defects)
        elif _is_attachment(part):
            continue
        elif ctype == "text/plain" and plain is None:
            plain = _part_text(part, defects)
        elif ctype == "text/html" and html is None:
            html = _part_text(part, defects)
    if plain is not None:
        return plain, False, status or "", html or ""
    if html is not None:
        return html_to_text(html, defects=defects), True, status or "", html
    return "", False, status or "", ""


def _delivery_status(part: Message, defects: list[str]) -> str:
    payload = part.get_payload()
    if isinstance(payload, list):  # the parser splits the header blocks into sub-messages
        blocks = []
        for sub in payload:
            if isinstance(sub, Message):
                blocks.append("\n".join(f"{k}: {v}" for k, v in _delivery_fields(sub, defects)))
        return "\n\n".join(blocks)
    return _part_text(part, defects)


def _delivery_fields(sub: Message, defects: list[str]) -> list[tuple[str, str]]:
    """A status block's fields unfolded and decoded, one per line, as policy.default's items() gave them."""
    return [(k, decode_words(unfold(str(v)), k, defects)) for k, v in sub.raw_items()]
