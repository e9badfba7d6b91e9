"""Headers and MIME shape -> is this an auto-reply or a bounce (and who bounced)? Pure: no I/O.

The rules are tables (STYLE.md 9). Auto-replies follow RFC 3834 (Auto-Submitted) and the vendor headers
Exchange and others add; bounces are RFC 3464 delivery status notifications or the usual shapes of the
older non-standard ones ("Mail delivery failed", MAILER-DAEMON).
"""

from __future__ import annotations

import re
from collections.abc import Callable

AUTO_SUBJECT = re.compile(
    r"(?i)^\s*(automatic reply|auto[- ]?reply|auto[- ]?response|autoreply|out of (the )?office|ooo\b"
    r"|away from (the |my )?office|on leave|on annual leave|absence notification|abwesenheitsnotiz"
    r"|réponse automatique)"
)
AUTO_PRECEDENCE = {"auto_reply", "bulk", "junk", "list"}
BOUNCE_SUBJECT = re.compile(
    r"(?i)^\s*(undeliverable|undelivered mail|delivery status notification \((failure|delay)\)"
    r"|mail delivery failed|delivery failure|returned mail|failure notice|mail delivery (system|subsystem)"
    r"|delivery has failed|message not delivered)"
)
BOUNCE_SENDER = re.compile(r"(?i)^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@")

Header = Callable[[str], str | None]


def is_auto_reply(header: Header, subject: str) -> bool:
    """RFC 3834 Auto-Submitted other than "no", X-Autoreply/X-Autorespond, Precedence auto_reply/bulk/
    junk/list, or an out-of-office subject. X-Auto-Response-Suppress alone is a request, not a marker
    (RELIABILITY.md L2), so it only counts alongside an auto-reply subject, which counts on its own anyway."""
    submitted = (header("Auto-Submitted") or "").strip().lower()
    if submitted and submitted.split(";")[0].strip() != "no":
        return True
    if header("X-Autoreply") is not None or header("X-Autorespond") is not None:
        return True
    if (header("Precedence") or "").strip().lower() in AUTO_PRECEDENCE:
        return True
    return bool(AUTO_SUBJECT.match(subject))


def is_bounce(content_type: str, report_type: str | None, from_address: str | None, subject: str) -> bool:
    if content_type == "multipart/report" and (report_type or "").lower() == "delivery-status":
        return True
    if from_address and BOUNCE_SENDER.match(from_address):
        return True
    return bool(BOUNCE_SUBJECT.match(subject))


def failed_recipients(delivery_status: str) -> list[str]:
    """Final-Recipient of each per-recipient block of a message/delivery-status part whose Action is failed
    (RFC 3464 section 2.3)."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", delivery_status.replace("\r\n", "\n")):
        fields: dict[str, str] = {}
        for line in block.split("\n"):
            name, sep, value = line.partition(":")
            if sep:
                fields[name.strip().lower()] = value.strip()
        recipient = fields.get("final-recipient") or fields.get("original-recipient")
        if recipient and fields.get("action", "").lower() == "failed":
            addr = recipient.split(";", 1)[-1].strip().strip("<>").lower()
            if addr and addr not in out:
                out.append(addr)
    return out


def failed_in_text(text: str) -> list[str]:
    """Addresses an old-style bounce names in its text ("  jo@x.gov.uk" under "could not be delivered")."""
    out: list[str] = []
    for m in re.finditer(r"(?im)^\s*<?([\w.+'-]+@[\w-]+(?:\.[\w-]+)+)>?\s*(?:$|\(|:)", text):
        addr = m.group(1).lower()
        if addr not in out and not BOUNCE_SENDER.match(addr):
            out.append(addr)
    return out


def client_from_headers(header: Header) -> str | None:
    mailer = " ".join(x for x in (header("X-Mailer"), header("User-Agent")) if x).lower()
    mid = (header("Message-ID") or "").lower()
    table = (
        ("iphone mail", "iphone"),
        ("ipad mail", "iphone"),
        ("apple mail", "apple_mail"),
        ("thunderbird", "thunderbird"),
        ("lotus notes", "lotus_notes"),
        ("microsoft outlook", "outlook"),
        ("microsoft-macoutlook", "outlook"),
    )
    for needle, name in table:
        if needle in mailer:
            return name
    if "@mail.gmail.com" in mid:
        return "gmail"
    if header("X-MS-Exchange-Organization-AuthAs") is not None or ("@" in mid and ".prod.outlook.com" in mid):
        return "outlook_web"
    if header("Thread-Index") is not None:
        return "outlook"
    return None
