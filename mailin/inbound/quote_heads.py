"""Where a quoted original starts, whatever its shape (quote_start): the attribution (attributions.py),
or a header block, a labelled rule or a client's own separator, which this module recognises.

  * a header block: two or more "Label: value" lines (From/Von/De/Van/Od/Från/Lähettäjä/От/Από ...), or a
    lone From line with an address when a link or the quote follows it;
  * a labelled rule ("-----Original Message-----", "----- Reply message -----"), Outlook's underscore rule
    over a header, Lotus Notes' column header or summary line, GroupWise's `>>> Jo <jo@x> 3/3/2027 9:12 >>>`.
A forwarded message is not the sender's reply: "---------- Forwarded message ---------", "Begin forwarded
message:" and the header block under them start content someone else wrote, so they start the original too.
Pure: lines in, a position out.
"""

from __future__ import annotations

import re

from .attributions import attribution_span
from .quote_shapes import COLON_END, DATE, EMAIL_ADDRESS, GROUPWISE, TIME, is_quoted, next_content

_ORIGINAL = re.compile(
    r"(?i)^\s*-{2,}\s*(original message|ursprüngliche nachricht|message d'origine)\s*-{2,}\s*$"
)
_LOTUS_DASH = re.compile(r"(?i)^\s*-{3,}(?:[^-].*)?\bwrote:?\s*-{3,}\s*$")  # linear on a long rule
_LOTUS_ON = re.compile(r"(?i)^\s*\S.*\bwrote on \d.*:\s*$")


# Header labels of a quoted original, by what they name. Clients translate them; "De" is French, Spanish
# and Portuguese for From, "Data" Polish, Portuguese and Italian for Date. Latin, Cyrillic (ru, uk, bg) and
# Greek scripts.
_LABEL_CLASSES = {
    "from": "from|von|de|van|od|från|fra|lähettäjä|oddi wrth|oddiwrth|da|mittente|remitente|expéditeur"
    "|afzender|avsändare|afsender|avsender|feladó|kimden|от|de la|від|отправитель|από",
    "date": "sent|date|gesendet|datum|envoyé|envoyé le|verzonden|enviado|enviada|enviado el|enviado em"
    "|enviada em|inviato|wysłano|wysłane|data|skickat|sendt|lähetetty|päivämäärä|anfonwyd|dyddiad|fecha"
    "|odesláno|dátum|sent at|отправлено|дата|надіслано|изпратено|στάλθηκε|ημερομηνία",
    "to": "to|an|à|a|aan|para|do|till|til|vastaanottaja|at|destinatario|destinataire|destinataires|komu"
    "|címzett|кому|до|получатель|προς",
    "cc": "cc|bcc|kopie|copie|kopia|kopio|cci|ccn|dw|copia|kopi|копия|копія|κοιν",
    "subject": "subject|betreff|objet|onderwerp|asunto|oggetto|temat|ämne|emne|aihe|pwnc|assunto|sujet"
    "|předmět|tárgy|konu|tema|тема|относно|θέμα",
    "other": "reply-to|antwort an|répondre à|importance|priority|wichtigkeit|priorité|attachments"
    "|anlagen|pièces jointes",
}
_LABEL_OF = {w: cls for cls, words in _LABEL_CLASSES.items() for w in words.split("|")}
_HEADER_LINE = re.compile(  # possessive runs: a long run of spaces is read once, not tried every way
    r"(?i)^\s*+[*_]{0,2}+\s*+("
    + "|".join(sorted((re.escape(w) for w in _LABEL_OF), key=len, reverse=True))
    + r")\s*+[*_]{0,2}+\s*+[:：]\s*+[*_]{0,2}+(.*)$"
)


_LINK_START = re.compile(r"(?i)^\s*[<(\[]\s*(?:https?://|mailto:)")


def header_block(lines: list[str], i: int) -> int:
    """How many lines the header block of a quoted original starting at `i` takes, or 0. Two or more
    "Label: value" lines in any order and language, one of them From (or Date with To or Subject); a line
    between them that is no label is a wrapped value (a long To: list). A From line alone, with an address,
    is one when a link that goes on with its value or the quote follows it."""
    if not _HEADER_LINE.match(lines[i]) or is_quoted(lines[i]):
        return 0
    seen: dict[str, str] = {}
    last, gap, j = i, 0, i
    while j < len(lines) and j < i + 14:
        m = _HEADER_LINE.match(lines[j])
        if m and not is_quoted(lines[j]):
            seen.setdefault(_LABEL_OF[" ".join(m.group(1).lower().split())], m.group(2))
            last, gap = j, 0
        elif not lines[j].strip() or is_quoted(lines[j]) or gap >= 2:
            break
        else:
            gap += 1
        j += 1
    if set(seen) == {"from"} and EMAIL_ADDRESS.search(seen["from"]):
        # A lone From line whose value goes on as a link or is followed by the quote itself.
        nxt = next_content(lines, last + 1)
        if nxt < len(lines) and nxt - last <= 2 and (is_quoted(lines[nxt]) or _LINK_START.match(lines[nxt])):
            return last - i + 1
    if len(seen) < 2:
        return 0
    dated = "date" in seen and bool(DATE.search(seen["date"]) or TIME.search(seen["date"]))
    if "from" in seen or (dated and ({"to", "subject"} & seen.keys())):
        return last - i + 1
    return 0


def from_line(line: str) -> bool:
    """A From line whose value holds an address ("From: jo@x", "Von: Jo <jo@x> Datum: ..."): under a rule,
    the start of a quoted original even when the rest of its header shares the line."""
    m = _HEADER_LINE.match(line)
    if not m or _LABEL_OF[" ".join(m.group(1).lower().split())] != "from":
        return False
    return bool(EMAIL_ADDRESS.search(m.group(2)))


# A dashed or equals rule around a short label ("-----Original Message-----", "----- Reply message -----",
# "---------- Forwarded message ---------"). A label naming an original or forwarded message is enough; any
# other label must be followed by header lines, an address or a date, so a "--- Notes ---" heading stays.
_LABELLED_RULE = re.compile(r"^\s*[-=~*]{2,}\s*([^\W\d_][^-=~*]{0,48}?)\s*[-=~*]{2,}\s*$")
_ORIGINAL_WORDS = re.compile(
    r"(?i)original|origin|forward|reply message|nachricht|weitergeleitet|ursprüngl|réexp|transf|mensaje"
    r"|reenv|messaggio|inoltr|mensagem|encaminh|wiadomo|przekaz|meddel|vidaresend|videresend|oprindelig"
    r"|opprinnelig|viesti|välitet|alkuperäinen|neges|wreiddiol|doorgestuurd|oorspronkelijk|bericht|oryginal"
    r"|ursprung"
)


_NOTES_SUMMARY = re.compile(
    r"^\s*\S.{0,80}?-{3}\s*\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\s+\d{1,2}[:.]\d{2}(?:[:.]\d{2})?"
    r"(?:\s*[AaPp][Mm])?\s*-{3}"
)
_NOTES_COLUMN = re.compile(
    r"(?i)(?:^\s*|\S\s{2,})(to|cc|bcc|subject|an|kopie|betreff|à|objet|aan|onderwerp|para|asunto|oggetto"
    r"|do|dw|temat|till|kopia|ämne|til|emne|vastaanottaja|kopio|aihe|pwnc|assunto)\s*$"
)


def _quote_follows(lines: list[str], i: int, within: int = 4) -> bool:
    """Whether one of the next few non-blank lines is a header line, an attribution or an address and
    date: what follows a separator that really starts a quoted original."""
    seen = 0
    for j in range(i, len(lines)):
        if not lines[j].strip():
            continue
        if _HEADER_LINE.match(lines[j]) or attribution_span(lines, j):
            return True
        if EMAIL_ADDRESS.search(lines[j]) and (DATE.search(lines[j]) or TIME.search(lines[j])):
            return True
        seen += 1
        if seen >= within:
            break
    return False


def _notes_columns(lines: list[str], i: int) -> bool:
    """Lotus Notes' column header: the author's name and "date time" at the left, "To", "cc" and
    "Subject" right-aligned, over a dozen lines. `i` is its first line (after a blank line)."""
    if (i > 0 and lines[i - 1].strip()) or not re.match(r"^\s{2,}\S", lines[i]):
        return False
    window: list[str] = []
    for line in lines[i : i + 14]:
        if line.strip() and not re.match(r"^\s{2,}\S", line):
            break  # the table is indented throughout; unindented text is the original's body
        window.append(line)
    labels = {m.group(1).lower() for line in window if (m := _NOTES_COLUMN.search(line))}
    return len(labels) >= 2 and any(DATE.search(line) and TIME.search(line) for line in window)


def _forward_lead_in(lines: list[str], i: int) -> int:
    """The index a cut at a header block starting at `i` really starts at: a short line ending in a colon
    right above it that names a forwarded or original message (Apple's "Begin forwarded message:", "Début
    du message réexpédié :") goes with it; an own "Notes:" there stays."""
    k = i - 1
    while k >= 0 and not lines[k].strip():
        k -= 1
    if k < 0 or i - k > 2 or is_quoted(lines[k]) or re.search(r"\d", lines[k]):
        return i
    lead_in = COLON_END.search(lines[k]) and len(lines[k].split()) <= 6 and _ORIGINAL_WORDS.search(lines[k])
    return k if lead_in and any(x.strip() for x in lines[:k]) else i


def quote_start(lines: list[str], i: int) -> tuple[int, int, str, str | None, bool] | None:
    """What starts a quoted original at line `i`, if anything: (first line, lines taken, own text kept
    from its first line, the client the shape suggests, certain). Only unquoted lines are looked at."""
    line = lines[i]
    if not line.strip():
        return None
    if GROUPWISE.match(line):
        return i, 1, "", "groupwise", True
    if is_quoted(line):
        return None
    if _ORIGINAL.match(line) or _LOTUS_DASH.match(line) or _LOTUS_ON.match(line):
        return i, 1, "", "outlook" if _ORIGINAL.match(line) else "lotus_notes", True
    m = _LABELLED_RULE.match(line)
    if (
        m
        and len(m.group(1).split()) <= 6
        and (_ORIGINAL_WORDS.search(m.group(1)) or _quote_follows(lines, i + 1))
    ):
        return i, 1, "", "outlook", True
    if re.match(r"^\s*_{10,}\s*$", line) and _quote_follows(lines, i + 1):
        return i, 1, "", "outlook", True
    span = header_block(lines, i)
    if span:
        start = _forward_lead_in(lines, i)
        return start, i - start + span, "", "outlook", True
    if _NOTES_SUMMARY.match(line) or _notes_columns(lines, i):
        return i, 1, "", "lotus_notes", True
    found = attribution_span(lines, i)
    if found:
        return i, found[0], found[1], None, found[2]
    return None
