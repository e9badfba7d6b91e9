"""Messages as a lead's mail client would write them, for appending to the test mailbox."""

from __future__ import annotations

from email.utils import make_msgid


def reply(
    frm: str,
    to: str,
    body: str,
    *,
    message_id: str | None = None,
    headers: tuple[str, ...] = (),
    subject: str = "Re: progress",
) -> bytes:
    lines = [
        f"From: {frm}",
        f"To: {to}",
        f"Subject: {subject}",
        f"Message-ID: {message_id or make_msgid(domain='client.test')}",
        "Date: Mon, 01 Mar 2027 10:00:00 +0000",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        *headers,
        "",
        body,
    ]
    return "\r\n".join(lines).encode()
