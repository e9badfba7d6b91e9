"""What a line of a reply is, for the signature cutter: a signature line (the sender's name, a job title,
team, organisation, phone, address, web address, pronouns), a device line ("Sent from my iPhone"), a
sign-off ("Thanks, Jo"), or a line that says something about an action and so is never a signature. Kept
apart from the cutting (signatures.py) so the vocabulary is read in one place. Pure.

A line with an action ref (1.1, 2.3 a)) or a status word (completed, on track, at risk...) stops a signature;
title-case lines alone are not enough to call a run a signature.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .quote_shapes import EMAIL_ADDRESS

# Device lines, by shape rather than by brand: "Sent from my iPhone", "Sent with BlackBerry Work", "Envoyé de
# mon iPhone", "Enviado desde mi Galaxy"; the words after the preposition are checked in is_device.
_DEVICE = re.compile(
    r"(?i)^\s*(?:sent|envoy[ée]|enviado|inviato|verzonden|verstuurd|skickat|sendt|gesendet)\s+"
    r"(?:from|with|via|using|on|de|desde|da|vanaf|van|fr[åa]n|fra)\s+(?P<what>\S.*?)\s*$"
)
_GET_APP = re.compile(r"(?i)^\s*(?:get|download)\s+(?P<app>\S.*?)\s+for\s+(?P<os>\S+(?:\s+\S+)?)\s*$")
_VON_MEINEM = re.compile(r"(?i)^\s*von meinem\s+\S.{0,40}?\s+gesendet\W*$")
_POSSESSIVE = {"my", "mon", "ma", "mi", "mio", "mia", "mijn", "min", "mitt", "mein", "meinem"}
_LINK = re.compile(r"<\s*(?:https?://|mailto:|www\.)[^>]*>|\(\s*(?:https?://|www\.)[^)]*\)")
_SIGN_OFF = re.compile(
    r"^\s*(?i:many thanks|thanks(?: again| very much| so much| all)?|thank you(?: very much| all)?"
    r"|with (?:many |best )?thanks|(?:kind|kindest|best|warm|warmest|many)? ?regards|best wishes|all the best"
    r"|best|cheers|yours (?:sincerely|faithfully|truly)|speak soon|with best wishes|take care)"
    # the name may share the line: "Thanks, Jo", "Many thanks - Siân", "Cheers Tom"
    r"(?:(?P<sep>\s*[,.!]?\s*[-–—~]\s*|\s*[,.!]\s*|\s+)(?P<name>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2}))?"
    r"\s*[,.!]?\s*$"
)


# What makes a line an update, never a signature: an action ref ("1.1", "2.3 a)", "[1.2]"), a status label,
# a status word. Decimal numbers count as refs too: keeping a stray "Room 2.14" costs nothing.
_REF = re.compile(
    r"(?<![\w.£$€])\d{1,3}(?:\.\d{1,3})+(?!\d)|\[\s*\d+(?:\.\d+)*\s*[a-z]?\s*\)?\]"
    r"|(?i:\b(?:status|progress|target)\s*:)"
)
_STATUS = re.compile(
    r"(?i)\b(?:complete[ds]?|completion|done|finished|delivered|achieved|approved|published|launched|live"
    r"|on[ -]track|on target|on course|on schedule|at[ -]risk|off[ -]track|off target|behind|delayed|delays?"
    r"|slipp(?:ed|ing|age)|late|overdue|stalled|stuck|blocked|not (?:yet )?started|started|underway|under way"
    r"|in progress|ongoing|progressing|withdrawn|cancell?ed|dropped|scrapped|superseded|on hold|paused"
    r"|postponed|deferred|no change|unchanged|as before|as above|as (?:last|previously) reported|same as"
    r"|no updates?|nothing (?:new|to report|has changed|changed|further))\b|[✅✔☑🟢🟡🟠🔴🔵]"
)
_RAG = re.compile(r"(?i)^\W*(?:rag\W*)?(?:red|amber|green|blue)(?:\s*[/-]\s*(?:red|amber|green))?\W*$")


# --- what a signature line is made of ----------------------------------------------------------------------

_EMAIL = EMAIL_ADDRESS  # one definition of an address (quote_shapes.py), bounded to stay linear on long lines
_URL = re.compile(
    r"(?i)\b(?:https?://|www\.)\S+"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:gov|nhs|org|co|ac|sch|police|ltd|plc|me)\.uk\b\S*"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|uk|io|info)\b(?:/\S*)?"
)
_HANDLE = re.compile(r"(?<![\w@])@\w{2,}")
_EXTENSION = re.compile(r"(?i)\b(?:ext(?:ension)?|x)\.?\s*:?\s*\d{2,6}\b")
_PHONE = re.compile(r"\+?\(?\d[\d ().-]{7,}\d")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
_CONTACT_LABEL = re.compile(
    r"(?i)(?<![\w@])(?:t|m|p|f|e|w|tel|telephone|phone|ph|mob|mobile|cell|fax|direct(?: dial| line)?|ddi"
    r"|office|work|switchboard|email|e-mail|web|website|internal|teams|x|twitter|linkedin)\b\.?\s*:?"
)
_PRONOUNS = re.compile(
    r"(?i)(?:\bpronouns\s*:?\s*)?\(?\s*\b(?:she|he|they|ze|xe|zie)\s*/\s*(?:her|him|them|hers|his|theirs|zir"
    r"|hir|xem)\b(?:\s*/\s*[a-z]+)?\s*\)?"
)
_SOCIAL = re.compile(r"(?i)^\s*(?:follow|find|connect with|like|join) us\b")
_WORKING = re.compile(
    r"(?i)^\s*(?:my\s+)?(?:(?:usual\s+)?(?:working|work|office)\s+(?:pattern|days|hours)|part[- ]time)\b"
)
_SEGMENTS = re.compile(r"\s+[|•·/]\s+|\s*[|•·]\s*|,\s+|;\s+|\s+[-–—]\s+")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_POSTNOMINAL = re.compile(r"^(?:[A-Z]{2,6}|Ph\.?D|M[Ss]c|B[Ss]c|M[Pp]hil|D[Pp]hil|LL[BM])$")


def _words(text: str) -> frozenset[str]:
    """A word set written as one string, so the vocabularies below stay readable."""
    return frozenset(text.split())


_HONORIFICS = _words("dr mr mrs ms miss mx prof professor cllr councillor sir dame rev revd lord lady")
_CONNECTORS = _words(
    "of and the for to in at on with by a an & + de du la le van von der den y upon under plus"
)
_ROLES = _words(
    "director deputy head manager officer lead leader coordinator co-ordinator assistant adviser advisor "
    "analyst chief executive councillor cllr secretary consultant specialist administrator partner chair "
    "chairman chairwoman chairperson clerk engineer nurse principal supervisor commissioner controller "
    "planner practitioner worker pa president member trustee governor associate apprentice inspector "
    "surveyor accountant solicitor counsel registrar librarian developer designer researcher scientist "
    "professor lecturer teacher therapist doctor ceo cfo coo cto cio founder champion"
)
_ORGS = _words(
    "council trust nhs icb board university college school ltd limited plc llp cic authority department "
    "directorate service services team partnership borough county city district parish agency foundation "
    "group hospital ministry office commission society charity association institute centre center company "
    "corporation unit division committee government police constabulary fire network alliance federation "
    "academy practice surgery inc"
)
STRONG = {"sender", "phone", "email", "pronouns", "address"}  # enough on their own to call a run a signature


def _fold(text: str) -> str:
    """Case- and accent-free, so "Zoë" signs for "Zoe Clarke" and "SIAN" for "Siân"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def stops(line: str) -> bool:
    """A line that says something about an action: it is never part of a signature."""
    return bool(_REF.search(line) or _STATUS.search(line) or _RAG.match(line))


@dataclass(frozen=True)
class Sender:
    """The sender's name as it may sign: any of its words, a nickname of the first, or the initials."""

    words: frozenset[str]
    first: str
    initials: frozenset[str]


def sender_of(name: str | None) -> Sender | None:
    if not name:
        return None
    name = re.sub(r"\(.*?\)|\[.*?\]|<.*?>|\S+@\S+", " ", name)  # "Jo Baker (Finance)"
    name = re.split(r"\s[-–—|/]\s", name)[0]  # "Jo Baker - Exampleshire CC"
    words = [_fold(w) for w in _WORD.findall(name) if _fold(w) not in _HONORIFICS]
    if not words:
        return None
    if "," in name:  # "Baker, Jo"
        words = words[1:] + words[:1]
    first, last = words[0], words[-1]
    initials = {first[0], first[0] + last[0], "".join(w[0] for w in words)}
    return Sender(frozenset(words), first, frozenset(initials))


def _name_words(segment: str) -> list[str] | None:
    """The words of `segment` when it holds only a name (honorifics dropped), else None."""
    text = segment.strip().strip("-–—~*_ ").rstrip(",.!;: ")
    text = re.sub(r"\s+x{1,3}$", "", text)  # "Jo x"
    if not text or re.search(r"[^\w\s'’.-]|[\d_]", text):
        return None
    words = _WORD.findall(text)
    while len(words) > 1 and _fold(words[0]) in _HONORIFICS:  # "Dr Jo Baker", but "MR" for Mo Rahman
        words.pop(0)
    return words if 1 <= len(words) <= 4 else None


def _is_sender(segment: str, sender: Sender | None) -> bool:
    words = _name_words(segment) if sender else None
    if not words or sender is None:
        return False
    folded = [_fold(w) for w in words]
    initials = all(len(w) == 1 for w in folded)
    if initials or (len(words) == 1 and words[0].isupper() and len(words[0]) <= 3):
        if "".join(folded) in sender.initials:  # "R", "JB", "J.B."
            return True
        if initials:
            return False
    matched = 0  # "JO" may be initials or a name written in capitals
    for word, low in zip(words, folded, strict=True):
        if low in sender.words or (len(low) >= 3 and sender.first.startswith(low)):  # "Sam" for Samantha
            matched += 1
        elif len(low) == 1 and any(w.startswith(low) for w in sender.words):  # "Jo B"
            continue
        elif not (matched and _POSTNOMINAL.match(word)):  # "Jo Baker MBE"
            return False
    return matched > 0


def _titled(segment: str) -> bool:
    """A short Title Case phrase: a job title, team, organisation or address line, not a sentence."""
    text = segment.strip()
    words = text.split()
    if len(text) > 80 or not 1 <= len(words) <= 12:
        return False
    if text.endswith((".", "?", "!")) and not re.search(r"\b(?:Ltd|Inc|Co|plc|St|Rd)\.$", text):
        return False
    capitals = 0
    for word in words:
        core = word.strip("()[]{},.;:'\"“”‘’|/&+–—-•·")
        if not core or _fold(core) in _CONNECTORS or core[0].isdigit():
            continue
        if not any(c.isupper() for c in core):
            return False
        capitals += 1
    return capitals > 0


def _contact_kinds(segment: str) -> set[str] | None:
    """{"phone", "email", "web", "address"} found on `segment` when it holds nothing else (labels aside)."""
    found: set[str] = set()

    def take(kind: str, pattern: re.Pattern[str], text: str) -> str:
        def one(m: re.Match[str]) -> str:
            if kind == "phone" and not 9 <= sum(c.isdigit() for c in m.group()) <= 15:
                return m.group()
            found.add(kind)
            return " "

        return pattern.sub(one, text)

    rest = take("email", _EMAIL, segment)
    rest = take("web", _URL, rest)
    rest = take("web", _HANDLE, rest)
    rest = take("phone", _PHONE, rest)
    rest = take("phone", _EXTENSION, rest) if found else rest
    rest = take("address", _POSTCODE, rest)
    if not found:
        return None
    rest = re.sub(r"[\s|/•·,;:()+.–—-]+", " ", _CONTACT_LABEL.sub(" ", rest)).strip()
    if not rest or ("address" in found and _titled(rest)):  # "Exampleton EX1 1AA"
        return found
    return None


def _segment_kinds(segment: str, sender: Sender | None) -> set[str] | None:
    if _is_sender(segment, sender):
        return {"sender"}
    contact = _contact_kinds(segment)
    if contact is not None:
        return contact
    if not _titled(segment):
        return None
    words = {_fold(w) for w in _WORD.findall(segment)}
    kinds = {"titled"}
    if words & _ROLES:
        kinds.add("role")
    if words & _ORGS:
        kinds.add("org")
    name = _name_words(segment)
    if len(kinds) == 1 and name and all(w[0].isupper() for w in name):
        kinds.add("name")
    return kinds


def line_kinds(line: str, sender: Sender | None) -> frozenset[str] | None:
    """What signature content `line` holds ("sender", "name", "role", "org", "phone", "email", "web",
    "address", "pronouns", ...), or None when it is not a signature line (blank, an update, a sentence)."""
    text = line.strip()
    if not text or len(text) > 100 or stops(text):
        return None
    if not any(c.isalnum() for c in text):
        return frozenset({"rule"})  # "____", "*****"
    kinds: set[str] = set()
    if _PRONOUNS.search(text):
        kinds.add("pronouns")
        text = _PRONOUNS.sub(" ", text).strip()
    if _SOCIAL.match(text) or _WORKING.match(text):
        return frozenset(kinds | {"other"})
    for segment in _SEGMENTS.split(text):
        segment = segment.strip().strip("-–—~*_").strip()
        if not segment:
            continue
        found = _segment_kinds(segment, sender)
        if found is None:
            return None
        kinds |= found
    return frozenset(kinds) if kinds else None


# --- markers: "--", device lines, sign-offs -----------------------------------------------------------------


def is_device(line: str) -> bool:
    """Device lines by shape, not brand: "Sent from my <device>", "Sent with <App>", "Get <App> for <OS>"."""
    text = _LINK.sub(" ", line).strip().rstrip(".!")
    if not text or len(text) > 80 or stops(text):
        return False
    if _VON_MEINEM.match(text):
        return True
    m = _DEVICE.match(text)
    if m:
        words = m["what"].split()
        if not 1 <= len(words) <= 8 or {_fold(w) for w in words} & {"to", "about", "regarding", "behalf"}:
            return False
        head = _fold(words[0])
        if head in _POSSESSIVE:
            return True
        if head == "the":
            return len(words) > 1 and any(c.isupper() for c in words[1])
        return any(c.isupper() for c in words[0])
    m = _GET_APP.match(text)
    if m:
        app = [w for w in m["app"].split() if _fold(w) not in {"the", "app"}]
        return 1 <= len(app) <= 2 and all(any(c.isupper() for c in w) for w in app + m["os"].split())
    return False


def is_sign_off(line: str, sender: Sender | None) -> bool:
    m = _SIGN_OFF.match(line)
    if not m or stops(line):
        return False
    # "Thanks, Jo" and "Cheers - Tom" sign off; "Cheers Tom" only from Tom; "Best Value Review" is a heading
    return not m["name"] or bool(m["sep"].strip()) or _is_sender(m["name"], sender)


def is_prose(line: str) -> bool:
    """A sentence rather than a signature line: five words or more, mostly lower case."""
    words = [w for w in line.split() if w[:1].isalpha()]
    return len(words) >= 5 and 2 * sum(w[0].islower() for w in words) > len(words)
