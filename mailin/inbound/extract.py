"""Raw RFC 5322 bytes -> MailParts: headers cleaned, the new text a sender wrote, and whether the message is
an auto-reply or a bounce. Pure (docs/style.md 4): bytes in, text out, no I/O, and it never raises (F4).

    parse_message(raw) -> MailParts        visible_reply(raw) -> str (MailParts.reply)

This module puts the pieces together: headers (mail_headers.py), body (mime_body.py), the quote
(quotes.py), the signature (signatures.py) and the auto-reply and bounce tables (classify.py). Encoded words
can decode to CR/LF and a bug anywhere must not lose a message: when even the body cannot be walked, a crude
decode of the bytes still gives best-effort text.
"""

from __future__ import annotations

import re
from email.utils import collapse_rfc2231_value

from . import classify
from .html_text import html_to_text
from .mail_headers import (
    CONTROL,
    addresses,
    clean_header,
    crude_headers,
    first_headers,
    header_date,
    header_value,
    normal_message_id,
)
from .mime_body import decode_bytes, message_body, parse_best
from .parts import MailParts
from .quotes import remove_quotes
from .signatures import strip_signature


def whole_html(html: str) -> str:
    """An HTML-only message as text with its quoted original kept (answers may be typed inside it)."""
    return _clean_text(html_to_text(html, remove_quotes=False)).strip("\n")


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
    headers, body = crude_headers(raw)
    text = _clean_text(decode_bytes(body, None, defects))
    text = "\n".join(
        line for line in text.split("\n") if not re.match(r"(?i)^(--\S+|content-[\w-]+:.*)$", line)
    )
    reply, style = remove_quotes(text.strip())
    subject = clean_header(headers.get("subject", ""))
    pairs = addresses(headers.get("from"))
    from_address = clean_header(pairs[0][1]).lower() if pairs else None
    get = headers.get
    return MailParts(
        message_id=normal_message_id(headers.get("message-id")),
        in_reply_to=normal_message_id(headers.get("in-reply-to")),
        references=re.findall(r"<[^<>\s]+>", re.sub(r"\s+", "", headers.get("references", ""))),
        from_address=from_address,
        from_name=clean_header(pairs[0][0]) or None if pairs else None,
        to=[],
        subject=subject,
        date=header_date(headers.get("date")),
        text=text,
        reply=reply,
        body=strip_signature(reply),
        auto_reply=classify.is_auto_reply(lambda n: get(n.lower()), subject),
        bounce=classify.is_bounce("", None, from_address, subject),
        client=style,
        defects=defects,
    )


def _parse_message(raw: bytes, defects: list[str]) -> MailParts:
    msg = parse_best(raw, defects)
    if msg is None:
        return _crude(raw, defects)
    for d in getattr(msg, "defects", []) or []:
        defects.append(type(d).__name__)

    raw_headers = first_headers(msg)
    decoded: dict[str, str | None] = {}

    def header(name: str) -> str | None:
        key = name.lower()
        if key not in decoded:
            decoded[key] = header_value(raw_headers, name, defects)
        return decoded[key]

    raw_subject = header("Subject") or ""
    if CONTROL.search(raw_subject):
        defects.append("control characters removed from the subject")
    subject = clean_header(raw_subject)
    pairs = addresses(raw_headers.get("from"), defects, "From")
    from_address = clean_header(pairs[0][1]).lower() if pairs else None
    from_name = clean_header(pairs[0][0]) or None if pairs else None
    to = [
        clean_header(a).lower()
        for n, a in addresses(
            ", ".join(x for x in (raw_headers.get("to"), raw_headers.get("cc")) if x), defects, "To"
        )
    ]
    try:
        text, from_html, status, html = message_body(msg, defects)
    except RecursionError:
        defects.append("MIME nested too deeply to walk")
        return _crude(raw, defects)
    text = _clean_text(text).strip("\n")
    reply, style = remove_quotes(text)
    ctype = msg.get_content_type()
    report_type = msg.get_param("report-type")
    if isinstance(report_type, tuple):  # RFC 2231 report-type*=, which compat32 leaves to us to collapse
        report_type = collapse_rfc2231_value(report_type)
    bounce = classify.is_bounce(ctype, report_type, from_address, subject)
    bounced = classify.failed_recipients(status) if status else []
    if bounce and not bounced:
        bounced = [a for a in classify.failed_in_text(text) if a != from_address]
    client = classify.client_from_headers(header) or style or _style_client(text)
    return MailParts(
        message_id=normal_message_id(header("Message-ID")),
        in_reply_to=normal_message_id(header("In-Reply-To")),
        references=re.findall(r"<[^<>\s]+>", re.sub(r"\s+", "", header("References") or "")),
        from_address=from_address,
        from_name=from_name,
        to=to,
        subject=subject,
        date=header_date(header("Date")),
        text=text,
        whole=whole_html(html) if from_html else text,
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
