"""The health probe: one real message through our SMTP listener, to prove it stores mail end to end.

A greeting only proves the event loop runs. Issue 13's listener greeted, took MAIL, RCPT and DATA, and then
never answered, because the thread that commits every message had died. So `collector doctor` sends this
probe and calls the listener healthy only when it is answered 250, which the server writes only after the
probe's commit (mailin.inbound.server). The probe is marked (PROBE_HEADER, and Auto-Submitted so that
anything not knowing the marker still treats it as automatic): processing stores it as a probe and never
reads it as a reply (mailin.inbound.decision).
"""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from collector.channels.reply_address import LOCAL, reply_address

PROBE_HEADER = "X-Progress-Collector-Probe"


def probe_message(domain: str, now: datetime | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = f"collector doctor <{LOCAL}-probe@{domain}>"
    msg["To"] = reply_address(domain)
    msg["Subject"] = "Health probe (collector doctor)"
    msg["Date"] = format_datetime(now or datetime.now(UTC))
    msg["Message-ID"] = make_msgid("probe", domain=domain)
    msg["Auto-Submitted"] = "auto-generated"
    msg[PROBE_HEADER] = "1"
    msg.set_content("A health probe: stored to prove the listener stores mail; never processed as a reply.\n")
    return msg


def is_probe(header_value: str | None) -> bool:
    return header_value is not None and header_value.strip() == "1"


def send_probe(host: str, port: int, domain: str, timeout: float = 10) -> str:
    """Send one probe and return the server's 250 text ("2.0.0 Ok: queued as 17"). Raises OSError or
    smtplib.SMTPException when the listener does not store it within `timeout` seconds."""
    msg = probe_message(domain)
    with smtplib.SMTP(host, port, timeout=timeout) as client:
        client.ehlo("collector-doctor")
        for code, text in (client.mail(""), client.rcpt(reply_address(domain))):
            if code != 250:
                raise smtplib.SMTPResponseException(code, text)
        code, text = client.data(msg.as_bytes())
        if code != 250:
            raise smtplib.SMTPDataError(code, text)
    return text.decode("utf-8", "replace")
