"""Headers and MIME shape -> is this an auto-reply or a bounce (and who bounced)? Pure: no I/O.

The rules are tables (docs/style.md 9). Auto-replies follow RFC 3834 (Auto-Submitted) and the vendor headers
Exchange and others add; bounces are RFC 3464 delivery status notifications or the usual shapes of the
older non-standard ones ("Mail delivery failed", MAILER-DAEMON).
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Auto-reply subjects, by language: (language, pattern, an example for the tests). A subject is an
# auto-reply when, after any reply/forward prefixes ("Re:", "AW:", "SV:"...) and opening brackets, it
# starts with one of these. A "phrase" is unambiguous and may be followed by anything; a "word" could
# also begin a plan's title ("Absence Management Plan: your update"), so it counts only when followed by
# a separator (":", "-", ")", "]"...) or the end. Matching ignores case.
AUTO_REPLY_PHRASES: tuple[tuple[str, str, str], ...] = (
    ("en", r"automatic (reply|response)", "Automatic reply"),
    ("en", r"auto[- ]?(reply|response|respond)", "Auto-Reply"),
    ("en", r"autoreply|autoresponse", "Autoreply"),
    ("en", r"out of (the )?office", "Out of Office"),
    ("en", r"ooo\b", "OOO"),
    ("en", r"away from (the |my )?(office|desk)", "Away from the office"),
    ("en", r"(vacation|holiday) (reply|response|notice|message)", "Vacation reply"),
    ("en", r"on (annual |parental |maternity |study )?leave\b", "On leave"),
    ("en", r"absence notification", "Absence notification"),
    ("de", r"automatische antwort", "Automatische Antwort"),
    ("de", r"(automatische )?abwesenheitsnotiz", "Abwesenheitsnotiz"),
    ("de", r"abwesenheitsmeldung|abwesenheitsnachricht", "Abwesenheitsmeldung"),
    ("de", r"nicht im b(ü|ue)ro", "Nicht im Büro"),
    ("de", r"au(ß|ss)er haus", "Außer Haus"),
    ("fr", r"r[ée]ponse automatique", "Réponse automatique"),
    ("fr", r"absent(e)? du bureau|absence du bureau", "Absent du bureau"),
    ("fr", r"message d'absence", "Message d'absence"),
    ("nl", r"automatisch (antwoord|bericht)", "Automatisch antwoord"),
    ("nl", r"afwezigheidsbericht|afwezigheidsmelding", "Afwezigheidsbericht"),
    ("nl", r"niet aanwezig|buiten kantoor", "Niet aanwezig"),
    ("es", r"respuesta autom[aá]tica", "Respuesta automática"),
    ("es", r"fuera de (la )?oficina", "Fuera de la oficina"),
    ("it", r"risposta automatica", "Risposta automatica"),
    ("it", r"fuori (sede|ufficio)", "Fuori ufficio"),
    ("pt", r"resposta autom[aá]tica", "Resposta automática"),
    ("cy", r"(ateb|ymateb) awtomatig", "Ateb awtomatig"),
    ("cy", r"(allan|i ffwrdd) o['’]r swyddfa", "Allan o'r swyddfa"),
    ("sv", r"automatiskt svar|autosvar", "Automatiskt svar"),
    ("no/da", r"automatisk (svar|besked)", "Automatisk svar"),
    ("no/da", r"ikke p[åa] kontoret", "Ikke på kontoret"),
    ("fi", r"automaattinen vastaus", "Automaattinen vastaus"),
    ("pl", r"automatyczna odpowied[źz]", "Automatyczna odpowiedź"),
)
AUTO_REPLY_WORDS: tuple[tuple[str, str, str], ...] = (
    ("en", r"away|vacation|on holiday", "Away"),
    ("de", r"abwesend|abwesenheit|urlaub", "Abwesend"),
    ("fr", r"absence|absente?|en cong[ée]s?", "Absence"),
    ("nl", r"afwezig|vakantie", "Afwezig"),
    ("es", r"ausente|ausencia|de vacaciones", "Ausente"),
    ("it", r"assente|assenza|in ferie", "Assente"),
    ("sv", r"fr[åa]nvaro|fr[åa]nvarande|semester", "Frånvaro"),
    ("no/da", r"frav[æa]r(ende)?|ferie", "Fraværende"),
    ("fi", r"poissa|lomalla", "Poissa"),
    ("cy", r"i ffwrdd|ar wyliau", "Ar wyliau"),
)
_PREFIXES = r"(?:(?:re|aw|sv|vs|antw|wg|fw|fwd|tr|rif|r|res|enc|odp|vl|ynt)\s*(?:\[\d+\])?\s*:\s*|[\[(]\s*)*"
_SEPARATOR = r"\s*(?:$|[:\-–—)\],.!/|])"
AUTO_SUBJECT = re.compile(
    rf"(?i)^\s*{_PREFIXES}(?:(?:{'|'.join(p for _, p, _ in AUTO_REPLY_PHRASES)})"
    rf"|(?:(?:{'|'.join(p for _, p, _ in AUTO_REPLY_WORDS)}){_SEPARATOR}))"
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
    (reliability.md L2), so it only counts alongside an auto-reply subject, which counts on its own anyway."""
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
