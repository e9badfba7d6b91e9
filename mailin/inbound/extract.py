"""Raw RFC 5322 bytes -> MailParts: headers cleaned, the new text a sender wrote, and whether the message is
an auto-reply or a bounce. Pure (STYLE.md 4): bytes in, text out, no I/O, and it never raises (F4).

    parse_message(raw) -> MailParts        visible_reply(raw) -> str (MailParts.reply)

The stdlib parser raises RecursionError on deeply nested multiparts, get_content() raises LookupError on an
unknown charset, and encoded words can decode to CR/LF: each is caught, recorded in `defects`, and we fall
back (policy.compat32, then policy.default, then a crude decode of the bytes) to best-effort text.

Speed: policy.default re-parses a header through its registry on every get(), which was most of the time
here. We parse with compat32 and read each header once from the raw items, decoding as policy.default
would show it (folding removed, 8-bit bytes as UTF-8, encoded words decoded; see _raw_headers).
"""

from __future__ import annotations

import codecs
import contextlib
import email
import email.errors
import email.policy
import re
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.message import Message
from email.utils import collapse_rfc2231_value, getaddresses, parsedate_to_datetime

from . import classify
from .html_text import html_to_text
from .parts import MailParts
from .quotes import remove_quotes
from .signatures import strip_signature

MAX_DEPTH = 40  # MIME nesting we walk; real mail nests 3 or 4 deep
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CHARSET_TOKEN = re.compile(r'\s*"?([\w.:+-]+)')
_LATIN1 = {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii", "iso8859-1"}


def _parse(raw: bytes, defects: list[str]) -> Message | None:
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


def clean_header(value: str) -> str:
    """One line: control characters (CR, LF, NUL, ...) become spaces, runs of spaces one space."""
    return " ".join(_CONTROL.sub(" ", value).split())


def _raw_headers(msg: Message) -> dict[str, str]:
    """Each header's first value by lower-cased name, read once and unfolded (policy.default re-parsed the
    header on every get()). 8-bit bytes stay surrogate escapes until decoded: see _sanitize."""
    headers: dict[str, str] = {}
    for name, value in msg.raw_items():
        key = str(name).lower()
        if key not in headers:
            headers[key] = _unfold(str(value))
    return headers


def _unfold(value: str) -> str:
    if "\n" in value or "\r" in value:
        value = value.replace("\r", "").replace("\n", "")
    return value


def _sanitize(value: str) -> str:
    """8-bit header bytes arrive as surrogate escapes; read them as UTF-8, as policy.default does."""
    if value.isascii():
        return value
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _decode_words(text: str, name: str, defects: list[str]) -> str:
    """RFC 2047 encoded words decoded. decode_header/make_header are fast but strict (unknown charset, bad
    base64, 8-bit text beside a word), so on failure the default policy's lenient parser has a go."""
    if "=?" not in text:
        return _sanitize(text)
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
    return _sanitize(text)


def _header(headers: dict[str, str], name: str, defects: list[str]) -> str | None:
    try:
        value = headers.get(name.lower())
        return None if value is None else _decode_words(value, name, defects)
    except Exception as exc:
        defects.append(f"{name} header could not be decoded ({type(exc).__name__})")
        value = headers.get(name.lower())
        return None if value is None else _sanitize(value)


def _crude_headers(raw: bytes) -> tuple[dict[str, str], bytes]:
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
    if data is None:
        payload = part.get_payload()
        data = payload.encode("utf-8", "replace") if isinstance(payload, str) else b""
    try:
        charset = part.get_param("charset")
        if isinstance(charset, tuple):  # RFC 2231 charset*=; compat32 leaves it to us to collapse
            charset = collapse_rfc2231_value(charset)
        charset = _sanitize(_unfold(str(charset))) if charset else None
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


def _body(msg: Message, defects: list[str]) -> tuple[str, bool, str, str]:
    """(text, came_from_html, delivery-status text, HTML source or ""). An HTML-only message's text has its
    quoted original removed by structure already; `_whole_html` gives it with the original, for align.py."""
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


def _whole_html(html: str) -> str:
    """An HTML-only message as text with its quoted original kept (answers may be typed inside it)."""
    return _clean_text(html_to_text(html, remove_quotes=False)).strip("\n")


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
    return [(k, _decode_words(_unfold(str(v)), k, defects)) for k, v in sub.raw_items()]


def _message_id(value: str | None) -> str | None:
    if not value:
        return None
    ids = re.findall(r"<[^<>\s]+>", re.sub(r"\s+", "", value))
    return ids[0] if ids else (clean_header(value).replace(" ", "") or None)


def _addresses(value: str | None, defects: list[str] | None = None, name: str = "") -> list[tuple[str, str]]:
    """Split the raw header first, then decode each display name: decoding first would let an encoded
    comma ("Smith, Jo") split one address into two."""
    if not value:
        return []
    try:
        pairs = [(n, a) for n, a in getaddresses([value]) if "@" in a]
    except Exception:
        return []
    found = [] if defects is None else defects
    return [(_decode_words(n, name, found), _sanitize(a)) for n, a in pairs]


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except Exception:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _clean_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return re.sub(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text)


def parse_message(raw: bytes) -> MailParts:
    """Everything the pipeline needs from one received message. Never raises; what went wrong is in
    `defects`."""
    defects: list[str] = []
    try:
        return _parse_message(bytes(raw), defects)
    except Exception as exc:  # a last guard: a bug here must not lose the message
        defects.append(f"extraction failed ({type(exc).__name__}); crude text only")
        return _crude(bytes(raw) if isinstance(raw, bytes | bytearray) else b"", defects)


def _crude(raw: bytes, defects: list[str]) -> MailParts:
    headers, body = _crude_headers(raw)
    text = _clean_text(decode_bytes(body, None, defects))
    text = "\n".join(
        line for line in text.split("\n") if not re.match(r"(?i)^(--\S+|content-[\w-]+:.*)$", line)
    )
    reply, style = remove_quotes(text.strip())
    subject = clean_header(headers.get("subject", ""))
    pairs = _addresses(headers.get("from"))
    from_address = clean_header(pairs[0][1]).lower() if pairs else None
    get = headers.get
    return MailParts(
        message_id=_message_id(headers.get("message-id")),
        in_reply_to=_message_id(headers.get("in-reply-to")),
        references=re.findall(r"<[^<>\s]+>", re.sub(r"\s+", "", headers.get("references", ""))),
        from_address=from_address,
        from_name=clean_header(pairs[0][0]) or None if pairs else None,
        to=[],
        subject=subject,
        date=_date(headers.get("date")),
        text=text,
        reply=reply,
        body=strip_signature(reply),
        auto_reply=classify.is_auto_reply(lambda n: get(n.lower()), subject),
        bounce=classify.is_bounce("", None, from_address, subject),
        client=style,
        defects=defects,
    )


def _parse_message(raw: bytes, defects: list[str]) -> MailParts:
    msg = _parse(raw, defects)
    if msg is None:
        return _crude(raw, defects)
    for d in getattr(msg, "defects", []) or []:
        defects.append(type(d).__name__)

    raw_headers = _raw_headers(msg)
    decoded: dict[str, str | None] = {}

    def header(name: str) -> str | None:
        key = name.lower()
        if key not in decoded:
            decoded[key] = _header(raw_headers, name, defects)
        return decoded[key]

    raw_subject = header("Subject") or ""
    if _CONTROL.search(raw_subject):
        defects.append("control characters removed from the subject")
    subject = clean_header(raw_subject)
    pairs = _addresses(raw_headers.get("from"), defects, "From")
    from_address = clean_header(pairs[0][1]).lower() if pairs else None
    from_name = clean_header(pairs[0][0]) or None if pairs else None
    to = [
        clean_header(a).lower()
        for n, a in _addresses(
            ", ".join(x for x in (raw_headers.get("to"), raw_headers.get("cc")) if x), defects, "To"
        )
    ]
    try:
        text, from_html, status, html = _body(msg, defects)
    except RecursionError:
        defects.append("MIME nested too deeply to walk")
        return _crude(raw, defects)
    text = _clean_text(text).strip("\n")
    reply, style = remove_quotes(text)
    ctype = msg.get_content_type()
    bounce = classify.is_bounce(ctype, msg.get_param("report-type"), from_address, subject)
    bounced = classify.failed_recipients(status) if status else []
    if bounce and not bounced:
        bounced = [a for a in classify.failed_in_text(text) if a != from_address]
    client = classify.client_from_headers(header) or style or _style_client(text)
    return MailParts(
        message_id=_message_id(header("Message-ID")),
        in_reply_to=_message_id(header("In-Reply-To")),
        references=re.findall(r"<[^<>\s]+>", re.sub(r"\s+", "", header("References") or "")),
        from_address=from_address,
        from_name=from_name,
        to=to,
        subject=subject,
        date=_date(header("Date")),
        text=text,
        whole=_whole_html(html) if from_html else text,
        html=html,
        reply=reply,
        body=strip_signature(reply, sender_name=from_name, original=text),
        auto_reply=not bounce and classify.is_auto_reply(header, subject),  # a bounce is only a bounce
        bounce=bounce,
        bounced_recipients=bounced if bounce else [],
        client=client,
        defects=list(dict.fromkeys(defects)),
    )


_STYLES = (
    (re.compile(r"(?m)^On \w{3}, \d{1,2} \w{3} \d{4} at \d{1,2}:\d{2}"), "gmail"),
    (re.compile(r"(?m)^On \d{1,2} \w{3} \d{4}, at \d{1,2}:\d{2}"), "apple_mail"),
    (re.compile(r"(?m)^On \d{2}/\d{2}/\d{4} \d{2}:\d{2}, .*wrote:"), "thunderbird"),
    (re.compile(r"(?mi)^Sent from my iPhone"), "iphone"),
)


def _style_client(text: str) -> str | None:
    for pattern, name in _STYLES:
        if pattern.search(text):
            return name
    return None


def visible_reply(message: bytes) -> str:
    """The new text the sender wrote (quoted original and attribution removed, signature kept)."""
    return parse_message(message).reply
