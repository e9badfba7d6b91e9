"""What the pure extraction makes of one received message: the contract between mailin/inbound/extract.py
(which builds it from raw bytes, never raising) and mailin/inbound/decision.py (which routes and applies
it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class MailParts:
    message_id: str | None  # normalised: angle brackets kept, whitespace removed, e.g. "<abc@host>"
    in_reply_to: str | None
    references: list[str]  # normalised ids, oldest first
    from_address: str | None  # the addr-spec, lower-cased; None when missing or unparseable
    from_name: str | None  # display name, decoded, CR/LF and control characters removed
    to: list[str]  # header recipients (To and Cc), addr-specs lower-cased
    subject: str  # decoded, one line, CR/LF and control characters removed
    date: datetime | None  # aware, from the Date header
    text: str  # the whole new message as text (HTML-only messages converted), before quote removal
    reply: str  # the new text the sender wrote, signature kept (the `mail parse` contract's "reply")
    body: str  # reply without signature, sign-off details and legal disclaimer (what the parser reads)
    auto_reply: bool  # RFC 3834 and the usual vendor headers/subjects: recorded, never parsed or answered
    bounce: bool  # a delivery status notification (RFC 3464) or a bounce by its usual shapes
    bounced_recipients: list[str] = field(default_factory=list)  # who a bounce says could not be reached
    # The whole message as text with any quoted original kept: `text`, except for an HTML-only message, whose
    # quote was removed by its structure while converting (align.py looks for answers typed inside it).
    whole: str = ""
    # The first HTML body part's source ("" when none): its colours and fonts tell the lead's inline answers
    # from our copy (html_text.marked_text), which the text part cannot show.
    html: str = ""
    client: str | None = None  # the mail client the quoting style suggests ("outlook", "gmail", ...)
    defects: list[str] = field(default_factory=list)  # what was wrong with the MIME, in plain words
