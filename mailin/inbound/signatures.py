"""The new text -> what the update parser reads: signature block, sign-off details, device line ("Sent from
my iPhone") and the legal and environment footers UK organisations append removed. Pure: str in, str out.

A signature is found by a marker ("--", a sign-off word, a device line) or by its shape: a run of short
lines holding the sender's name (the From header's display name), job title, team, organisation, phone,
address, web address or pronouns, with nothing else around it.

Conservative, because a lost answer costs more than a stray line the parser ignores: a line with an action
ref (1.1, 2.3 a)) or a status word (completed, on track, at risk...) is never part of a signature, so a
block ends before the paragraph that holds one; title-case lines alone are not enough to call a run a
signature; and a last line like "Done." or "On track" always stays.

A signature placed above the quote (Apple Mail, iPhone) ends where the quote begins: given the text before
quote removal, the part above the quote is cleaned as a message of its own, and the inline answers below it
are kept.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .attributions import attribution_at
from .quote_shapes import EMAIL_ADDRESS, is_quoted
from .quotes import hard_cut

_DELIMITER = re.compile(r"^--\s*$")
# Device lines, by shape rather than by brand: "Sent from my iPhone", "Sent with BlackBerry Work", "Envoyé de
# mon iPhone", "Enviado desde mi Galaxy"; the words after the preposition are checked in _is_device.
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
_DISCLAIMER = re.compile(
    r"(?i)(this (e-?mail|message|communication)(,)? (and|including) any (attachments?|files)"
    r"|this (e-?mail|message) (is|may be) (confidential|intended|private|subject to)"
    r"|the information (in|contained in|within) this (e-?mail|message)"
    r"|freedom of information act"
    r"|if you (are not the intended recipient|have received this (e-?mail|message) in error)"
    r"|views (or opinions )?expressed in this (e-?mail|message)"
    r"|(e-?mail|message) has been (scanned|checked) for (viruses|malware)"
    r"|nhsmail is (the|a) (secure )?(national )?e-?mail"
    r"|communications (with|via) the council may be (monitored|recorded)"
    r"|^\s*(disclaimer|confidentiality notice)\s*:?\s*$)"
)
# Environment footers in their many wordings: "Please consider the environment before printing this email",
# "Save paper - do you really need to print this?", "Think before you print".
_ENVIRONMENT = re.compile(
    r"(?i)\b(?:consider|think (?:of|about)|save|protect|respect|help)\s+(?:the\s+|a\s+|our\s+)?"
    r"(?:environment|planet|trees?|paper)\b.{0,80}\bprint"
    r"|\bprint\w*\b.{0,80}\b(?:consider|think (?:of|about)|save|protect)\s+(?:the\s+|a\s+|our\s+)?"
    r"(?:environment|planet|trees?|paper)\b"
    r"|\bthink before (?:you )?print|\bdo you (?:really )?need to print\b"
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
_STRONG = {"sender", "phone", "email", "pronouns", "address"}  # enough on their own to call a run a signature


def _fold(text: str) -> str:
    """Case- and accent-free, so "Zoë" signs for "Zoe Clarke" and "SIAN" for "Siân"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _stops(line: str) -> bool:
    """A line that says something about an action: it is never part of a signature."""
    return bool(_REF.search(line) or _STATUS.search(line) or _RAG.match(line))


@dataclass(frozen=True)
class _Sender:
    """The sender's name as it may sign: any of its words, a nickname of the first, or the initials."""

    words: frozenset[str]
    first: str
    initials: frozenset[str]


def _sender(name: str | None) -> _Sender | None:
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
    return _Sender(frozenset(words), first, frozenset(initials))


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


def _is_sender(segment: str, sender: _Sender | None) -> bool:
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


def _segment_kinds(segment: str, sender: _Sender | None) -> set[str] | None:
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


def _line_kinds(line: str, sender: _Sender | None) -> frozenset[str] | None:
    """What signature content `line` holds ("sender", "name", "role", "org", "phone", "email", "web",
    "address", "pronouns", ...), or None when it is not a signature line (blank, an update, a sentence)."""
    text = line.strip()
    if not text or len(text) > 100 or _stops(text):
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


def _is_device(line: str) -> bool:
    """Device lines by shape, not brand: "Sent from my <device>", "Sent with <App>", "Get <App> for <OS>"."""
    text = _LINK.sub(" ", line).strip().rstrip(".!")
    if not text or len(text) > 80 or _stops(text):
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


def _is_sign_off(line: str, sender: _Sender | None) -> bool:
    m = _SIGN_OFF.match(line)
    if not m or _stops(line):
        return False
    # "Thanks, Jo" and "Cheers - Tom" sign off; "Cheers Tom" only from Tom; "Best Value Review" is a heading
    return not m["name"] or bool(m["sep"].strip()) or _is_sender(m["name"], sender)


def _prose(line: str) -> bool:
    """A sentence rather than a signature line: five words or more, mostly lower case."""
    words = [w for w in line.split() if w[:1].isalpha()]
    return len(words) >= 5 and 2 * sum(w[0].islower() for w in words) > len(words)


def _paragraph_start(lines: list[str], i: int) -> int:
    while i > 0 and lines[i - 1].strip():
        i -= 1
    return i


def _block_end(lines: list[str], start: int, prose: bool, limit: int) -> tuple[int | None, int]:
    """Where a signature block opened at `start` ends, and where the scan stopped. It ends before the first
    later paragraph holding an update (or a sentence, when `prose`), else at the end; None when that update
    is in the block's own first paragraph, or more than `limit` lines come before it."""
    content, blank = 0, False
    for j in range(start + 1, len(lines)):
        if _stops(lines[j]) or (prose and _prose(lines[j])):
            return (_paragraph_start(lines, j) if blank else None), j
        if not lines[j].strip():
            blank = True
            continue
        content += 1
        if content > limit:
            return None, start
    return len(lines), len(lines)


def cut_disclaimer(lines: list[str]) -> list[str]:
    for i, line in enumerate(lines):
        footer = _DISCLAIMER.search(line) or (_ENVIRONMENT.search(line) and not _stops(line))
        if footer and any(x.strip() for x in lines[:i]):
            start = _paragraph_start(lines, i)
            for j in range(start, i):  # an update written right above the footer stays
                if _stops(lines[j]):
                    start = j + 1
            if any(x.strip() for x in lines[:start]):
                return lines[:start]
            return lines[:i]
    return lines


def _cut_markers(lines: list[str], sender: _Sender | None) -> list[str]:
    i = 0
    held = -1  # an update found in the paragraph of an earlier marker: markers above it keep their lines
    while i < len(lines):
        line = lines[i]
        delimiter = bool(_DELIMITER.match(line)) and any(x.strip() for x in lines[:i])
        device = not delimiter and _is_device(line)
        sign_off = not (delimiter or device) and _is_sign_off(line, sender)
        if not (delimiter or device or sign_off):
            i += 1
            continue
        if i < held:  # known without a scan (which made this quadratic on hostile input)
            end = None
        else:
            end, at = _block_end(lines, i, prose=sign_off, limit=14 if sign_off else len(lines))
            held = at if end is None and at > i else -1
        if end is None and device:
            end = i + 1  # the device line itself never says anything
        if end is None:
            i += 1
            continue
        del lines[i:end]
        held -= end - i if held > i else 0
    return lines


# --- signatures by shape ------------------------------------------------------------------------------------


def _starts_signature(lines: list[str], kinds: list[frozenset[str] | None], i: int) -> bool:
    """Can a signature start at `i`? The sender's name, a contact line, a title with its organisation, or a
    name with a title or organisation under it."""
    here = kinds[i] or frozenset()
    if here & _STRONG:
        return True
    below = kinds[i + 1] if i + 1 < len(lines) and lines[i + 1].strip() else None
    below = below or frozenset()
    if "role" in here and "org" in here | below:
        return True
    return "name" in here and bool(below & {"role", "org"})


def _cut_trailing(lines: list[str], sender: _Sender | None) -> list[str]:
    kinds = [_line_kinds(line, sender) for line in lines]
    start = len(lines)
    for i in range(len(lines) - 1, -1, -1):
        if lines[i].strip():
            if kinds[i] is None:
                break
            start = i
    left = sum(1 for x in lines[start:] if x.strip())  # lines from i to the end, at most 15 in a signature
    for i in range(start, len(lines)):
        here = kinds[i]
        if here is None:
            continue
        # a run starts a paragraph, or at the sender's name: "Chief Executive" may end a wrapped sentence
        starts = i == 0 or not lines[i - 1].strip() or "sender" in here
        if left <= 15 and starts and _starts_signature(lines, kinds, i):
            return lines[:i]
        left -= 1
    return lines


def _cut_inner(lines: list[str], sender: _Sender | None) -> list[str]:
    """A signature with more text below it (HTML replies lose the quote that separated them): only when it
    opens a paragraph with the sender's name and has a title, organisation or contact line too."""
    kinds = [_line_kinds(line, sender) for line in lines]
    i = 0
    while i < len(lines):
        here = kinds[i]
        if not (here and "sender" in here and (i == 0 or not lines[i - 1].strip())):
            i += 1
            continue
        j, last = i, i
        while j < len(lines) and (not lines[j].strip() or kinds[j]):
            if lines[j].strip():
                last = j
            j += 1
        rest = set().union(*(k for k in kinds[i + 1 : last + 1] if k))
        if j < len(lines) and last + 1 < j and rest & ({"role", "org", "web"} | _STRONG):
            del lines[i : last + 1]
            del kinds[i : last + 1]
            j -= last + 1 - i
        i = max(i + 1, j)
    return lines


def cut_signature(lines: list[str], sender_name: str | None = None) -> list[str]:
    """`lines` without the signature: after a marker, then by shape at the end, then by shape mid-text."""
    sender = _sender(sender_name)
    lines = _cut_markers(list(lines), sender)
    lines = _cut_trailing(lines, sender)
    return _cut_inner(lines, sender)


def _above_quote(reply: str, original: str | None) -> tuple[str, str] | None:
    """(what the sender wrote above the quote, the inline answers below it) when `reply`, made from
    `original` by quotes.remove_quotes, has both; else None."""
    if not original:
        return None
    lines = original.split("\n")
    cut, _ = hard_cut(lines)
    first = next((i for i in range(cut) if is_quoted(lines[i]) or attribution_at(lines, i)), None)
    if first is None:
        return None
    head = re.sub(r"\n{3,}", "\n\n", "\n".join(x.rstrip() for x in lines[:first])).strip("\n")
    rest = reply[len(head) :]
    if not head.strip() or not reply.startswith(head) or not rest.startswith("\n") or not rest.strip():
        return None
    return head, rest


def _tidy(lines: list[str]) -> str:
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines).strip())


def strip_signature(text: str, *, sender_name: str | None = None, original: str | None = None) -> str:
    """`text` (the reply) without its disclaimer, signature block and sign-off (name, job title, phone,
    address). `sender_name` (the From display name) lets a bare name or initials go; `original` (the text
    before quote removal) lets a signature above the quote go while the inline answers below it stay."""
    split = _above_quote(text, original)
    if split is not None:
        head, rest = split
        top = cut_signature(cut_disclaimer(head.split("\n")), sender_name)
        text = "\n".join(top).rstrip() + rest
    lines = cut_disclaimer(text.split("\n"))
    return _tidy(cut_signature(lines, sender_name))
