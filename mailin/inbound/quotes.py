"""Plain text -> the new part a mail client shows: the quoted original and its attribution removed,
inline answers kept under the quoted action heading they answer. Pure: str in, str out.

When unsure we keep text: a lost answer costs more than a stray quoted line the update parser ignores.

Where the original starts is found by shape, in any language a client writes it in (quote_start):
  * an attribution: up to four lines ending in a colon that hold a date or time and a name or address,
    with or without a verb ("On Tue, 3 Mar 2027 at 09:12, Jo <jo@x> wrote:", "Am 03.03.2027 um 09:12
    schrieb Jo:", "03.03.2027 09:12, Jo <jo@x>:"), also at the end of a line of the reply's own text (less
    a rule glued to it), or opening with the time ("Vào 14:24 ..., Jo <jo@x> đã viết:"); a colon-less
    "2027/3/3 Jo <jo@x>" right above `>` lines; pieces a client scattered over blank lines up to a
    "> wrote:"; a reply's own line right above one (no blank line between) stays the reply's;
  * a header block: two or more "Label: value" lines (From/Von/De/Van/Od/Från/Lähettäjä/От/Από ...), or a
    lone From line with an address when a link or the quote follows it;
  * a labelled rule ("-----Original Message-----", "----- Reply message -----"), Outlook's underscore rule
    over a header, Lotus Notes' column header or summary line, GroupWise's `>>> Jo <jo@x> 3/3/2027 9:12 >>>`.
Followed by `>` lines, such a start is only the attribution of a quote, and answers written between the
quoted lines are kept; otherwise everything from it is the original. A likely but uncertain attribution
(no address, no verb) is only cut at when own text stays above it, so a reply is never emptied.

A forwarded message is not the sender's reply: "---------- Forwarded message ---------", "Begin forwarded
message:" and the header block under them start content someone else wrote, so the reply is the text
above them (empty when nothing was written) and the forwarded text is never read as an update.
"""

from __future__ import annotations

import itertools
import re

_MONTHS = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
_DATEISH = re.compile(rf"(?i)\d{{1,4}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\b{_MONTHS}\b|\b\d{{4}}\b")
_ORIGINAL = re.compile(
    r"(?i)^\s*-{2,}\s*(original message|ursprüngliche nachricht|message d'origine)\s*-{2,}\s*$"
)
_LOTUS_DASH = re.compile(r"(?i)^\s*-{3,}(?:[^-].*)?\bwrote:?\s*-{3,}\s*$")  # linear on a long rule
_LOTUS_ON = re.compile(r"(?i)^\s*\S.*\bwrote on \d.*:\s*$")
_HEADING = re.compile(r"^\s*\[\s*\d+(?:\.\d+)*\s*[a-z]?\s*\)?\]\s*\S")
_EMPTY_LABEL = re.compile(r"(?i)^\s*(status|progress)\s*:\s*$")
_LABEL = re.compile(r"(?i)^\s*(status|progress|revised target|new target|target)\b")


# --- Shapes of a quote's start, in many languages -------------------------------------------------------
# Clients print the original's author and date in their user's language and their own word order, so we
# recognise the parts (a date, a time, a name or an address, a trailing colon, a "Label: value" line) rather
# than whole phrases. The word lists below are the parts clients fill in: month and weekday names with their
# usual abbreviations (en, cy, fr, de, nl, es, it, pt, pl, sv, no, da, fi, ru), header labels, and the verb
# "wrote", which makes an attribution certain but is not required.


def _words(text: str) -> str:
    """A regex alternation of the words in `text`, longest first so "sept" wins over "sep"."""
    return "|".join(sorted({re.escape(w) for w in text.split()}, key=len, reverse=True))


_MONTH_NAMES = _words(
    "january february march april may june july august september october november december"
    " jan feb mar apr jun jul aug sep sept oct nov dec"
    " ionawr chwefror mawrth ebrill mai mehefin gorffennaf awst medi hydref tachwedd rhagfyr"
    " ion chwef maw ebr meh gorff hyd tach rhag"
    " janvier février fevrier mars avril juin juillet août aout septembre octobre novembre décembre"
    " janv févr fév avr juil déc"
    " januar jänner februar märz juni juli oktober dezember mär mrz okt dez"
    " januari februari maart mei augustus mrt"
    " enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre"
    " ene abr ago dic"
    " gennaio febbraio aprile maggio giugno luglio settembre ottobre dicembre gen mag giu lug set ott"
    " janeiro fevereiro março marco maio junho julho setembro outubro novembro dezembro fev out"
    " styczeń stycznia luty lutego marzec marca kwiecień kwietnia maj maja czerwiec czerwca lipiec lipca"
    " sierpień sierpnia wrzesień września październik października listopad listopada grudzień grudnia"
    " sty lut kwi cze lip sie wrz paź lis gru"
    " augusti marts desember des"
    " января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
    " январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь"
    " янв фев мар апр июн июл авг сен сент окт ноя дек"
)
_FI_MONTH = r"(?:tammi|helmi|maalis|huhti|touko|kesä|heinä|elo|syys|loka|marras|joulu)k(?:uu\w*)?"
_MONTH = rf"(?:{_MONTH_NAMES}|{_FI_MONTH})\.?"
_WEEKDAY = _words(
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun"
    " llun mawrth mercher iau gwener sadwrn sul maw mer gwen sad"
    " lundi mardi mercredi jeudi vendredi samedi dimanche lun mar jeu ven sam dim"
    " montag dienstag mittwoch donnerstag freitag samstag sonntag mo di mi do fr sa so"
    " maandag dinsdag woensdag donderdag vrijdag zaterdag zondag ma wo vr za zo"
    " lunes martes miércoles miercoles jueves viernes sábado sabado domingo mié mie jue vie sáb sab dom"
    " lunedì lunedi martedì martedi mercoledì mercoledi giovedì giovedi venerdì venerdi sabato domenica gio"
    " segunda-feira terça-feira terca-feira quarta-feira quinta-feira sexta-feira seg ter qua qui sex"
    " poniedziałek wtorek środa czwartek piątek sobota niedziela pon wt śr czw pt sob niedz nd"
    " måndag tisdag onsdag torsdag fredag lördag söndag mån tis ons tors tor fre lör sön"
    " mandag tirsdag lørdag søndag man tir lør søn"
    " maanantai tiistai keskiviikko torstai perjantai lauantai sunnuntai ti ke to pe la su"
)
_NUMERIC_DATE = r"(?<![\w.:/-])(?:\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}[/.-]\d{1,2}[/.-]\d{1,2})(?![\w/-])"
_DAY_MONTH = rf"(?<![\w.])\d{{1,2}}[.-]?\s*(?:de\s+)?{_MONTH}(?!\w)"
_MONTH_DAY = rf"(?<!\w){_MONTH}\s*\d{{1,2}}(?![\d:.])"
_MONTH_YEAR = rf"(?<!\w){_MONTH}\s+(?:de\s+)?\d{{4}}(?!\d)"
_DATE = re.compile(rf"(?i){_NUMERIC_DATE}|{_DAY_MONTH}|{_MONTH_DAY}|{_MONTH_YEAR}")
_TIME = re.compile(
    r"(?i)(?<![\w:.])\d{1,2}:\d{2}(?::\d{2})?(?![\d:])"
    r"|(?<!\w)(?:klo|kl\.?|om|um|à|a las|alle|às|o|godz\.?|am|at)\s+\d{1,2}[.h]\d{2}(?!\d)"
    r"|(?<![\w.])\d{1,2}\s?h\s?\d{2}(?!\d)"
)
_DATE_WORD = re.compile(rf"(?i)(?:{_MONTH_NAMES}|{_WEEKDAY}|{_FI_MONTH})")
EMAIL_ADDRESS = re.compile(r"(?<![\w.+'-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")  # tried once per word: linear
_VERB_WORDS = (
    r"wrote|writes|schrieb|schreef|geschreven|[ée]crit|escribi[óo]|scritto|escreveu|napisa[łl]\w*|pisze"
    r"|skrev|skriver|kirjoitti|ysgrifennodd|ysgrifenodd|написал\w*|написав|viết"
)
_VERB = re.compile(rf"(?i)(?<!\w)(?:{_VERB_WORDS})(?!\w)")
_WROTE = re.compile(rf"(?i)(?<!\w)(?:{_VERB_WORDS})(?:\(a\))?\s*[:：]\s*$")
_COLON_END = re.compile(r"(?<!\s)\s*[:：]\s*$")
_REF_START = re.compile(r"^\s*(?:[\[(]?\d{1,2}\.\d{1,2}[a-z]?[\])]?(?![\d./-])|[-*•·]\s)")
# Where an attribution may begin: an optional short capitalised word or two ("On", "Le", "Am", "Il
# giorno", "W dniu"), then a weekday or a date; or a name (capitalised words, lower-case particles) right
# before its address; or a name right before the verb.
_LEAD = r"(?:(?-i:[A-ZÀ-ÖØ-Þ])\w{0,4},?\s+(?:(?-i:[a-zß-öø-ÿ])\w{0,5}\s+)?)?"
_DAY = rf"(?:{_NUMERIC_DATE}|{_DAY_MONTH}|{_MONTH_DAY})"
_WHEN = rf"(?:(?:{_WEEKDAY})\.?,?\s+{_DAY}|{_DAY})"
# Some clients put the time first ("Vào 14:24 8 tháng 6, 2017, Jo <jo@x> đã viết:"), with a date in words
# we do not list; the time then opens it, and the rest of the shape (an address or the verb) must be there.
_CLOCK = r"\d{1,2}:\d{2}(?!\d)"
_OPENER = re.compile(rf"(?i){_LEAD}(?:{_WHEN}|{_CLOCK})")  # all used with .match
# A time alone also opens a wrapped attribution's later lines ("... à(s)" / "09:12, Jo <jo@x> escreveu:").
_DATE_OPENER = re.compile(rf"(?i){_LEAD}{_WHEN}")
_MID_OPENER = re.compile(rf"(?i)(?-i:[A-ZÀ-ÖØ-Þ])\w{{0,3}}\s+(?:(?-i:[a-zß-öø-ÿ])\w{{0,5}}\s+)?{_WHEN}")
_NAME_WORD = r"(?:(?-i:[A-ZÀ-ÖØ-Þ])[\w'’.-]*,?|van|von|de|der|den|la|le|da|di|du|dos|del|y)"
_NAME = rf"[\"'“‘]?{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,5}}[\"'”’]?,?"
_NAME_FIRST = re.compile(rf"(?i)(?:{_NAME}\s*)?[<(\[]?\s*(?:mailto:)?[\w.+'-]+@")
_NAME_VERB = re.compile(rf"(?i){_NAME}(?:\s+\w{{1,4}}){{0,2}}\s+(?:{_VERB_WORDS})(?!\w)")
_GAP = re.compile(r"(?<=\S)\s+(?=\S)")
_AFTER_SENTENCE = re.compile(r"[.!?…][\"'”’)]*$")
_SENTENCE_END = re.compile(r"[!?]\s|(?<=[^\W\d_]{5})\.\s+(?=[A-ZÀ-ÖØ-Þ\d])")


def dated_or_addressed(text: str) -> bool:
    """Whether `text` holds a date, a time or an e-mail address: what every quote header carries."""
    return bool(_DATE.search(text) or _TIME.search(text) or EMAIL_ADDRESS.search(text))


def _sentence_break(text: str) -> bool:
    """A full stop, ! or ? inside, other than after a date word ("Wed. Mar 3")."""
    for m in _SENTENCE_END.finditer(text):
        before = re.search(r"(\w+)\W*$", text[: m.start() + 1])
        if not (before and _DATE_WORD.fullmatch(before.group(1))):
            return True
    return False


def _attribution_shape(text: str, *, anywhere: bool = False) -> bool | None:
    """None when `text` is not an attribution; else whether it is a certain one (an address or the verb
    "wrote" in it) rather than a likely one (date, time and a capitalised name only). `anywhere`: the
    words before the date and name may be any ("Wiadomość napisana przez Jo <jo@x> w dniu 3.03.2027 ...:"),
    which only a line right above `>` quoted text is allowed."""
    text = text.strip()
    if not _COLON_END.search(text) or len(text) > 320 or _REF_START.match(text):
        return None
    body = _COLON_END.sub("", text)
    if len(body.split()) > 40 or _sentence_break(body):
        return None
    dated, timed = bool(_DATE.search(body)), bool(_TIME.search(body))
    if not (dated or timed):
        return None
    if anywhere:
        return True if (EMAIL_ADDRESS.search(body) and dated and timed) else None
    if not (_OPENER.match(body) or _NAME_FIRST.match(body) or _NAME_VERB.match(body)):
        return None
    if EMAIL_ADDRESS.search(body) or _VERB.search(body):
        return True
    # Only likely: it needs a date, a time and, after them, a full name ("Action Plan Progress").
    opener = _OPENER.match(body)
    rest = body[opener.end() :] if opener else body
    names = [w for w in re.findall(r"[^\W\d_][\w'’-]*|\S+", rest) if not _DATE_WORD.fullmatch(w)]
    full_name = any(a[0].isupper() and b[0].isupper() and a.isalpha() for a, b in itertools.pairwise(names))
    return False if full_name and dated and timed else None


def _attribution_starts(first: str) -> list[int]:
    """Offsets in a line where an attribution may start: the line's start, a sentence's start, or a short
    capitalised word before a date ("... on track On Tue, 3 Mar ..."). An attribution is at most 320
    characters, so only the end of a long line is searched."""

    def opens(at: int) -> bool:
        return bool(_OPENER.match(first, at) or _NAME_FIRST.match(first, at) or _NAME_VERB.match(first, at))

    starts = [0] if opens(0) else []
    for m in _GAP.finditer(first, max(0, len(first) - 330)):
        after_sentence = _AFTER_SENTENCE.search(first, max(0, m.start() - 4), m.start())
        if (after_sentence and opens(m.end())) or _MID_OPENER.match(first, m.end()):
            starts.append(m.end())
    return starts


def attribution_span(lines: list[str], i: int, *, look_on: bool = True) -> tuple[int, str, bool] | None:
    """(lines it takes, own text before it on its first line, certain) when an attribution begins on line
    `i`: up to four lines ending in a colon, holding a date or time and a name or address. A line that
    cannot start one ("Jo" above "On 3 Mar ...") is left to the next line's check. `look_on`: whether to
    check that the next lines do not start one of their own (one line ahead only, never further)."""
    if is_quoted(lines[i]) or not lines[i].strip():
        return None
    if _bare_attribution(lines, i):
        return 1, "", True
    scattered = _scattered_attribution(lines, i)
    if scattered:
        return scattered, "", True
    if not any(x.rstrip().endswith((":", "：")) for x in lines[i : i + 4]):
        return None
    first = lines[i].strip()
    # A first line that starts nothing by itself ("On" wrapped away from "Tue, 3 Mar ...") may still start
    # a wrapped attribution, but only at a paragraph's start: a signature's "Jo" above "On 3 Mar ..." is not.
    starts = _attribution_starts(first)
    alone = bool(starts) and starts[0] == 0
    paragraph = i == 0 or not lines[i - 1].strip()
    joined = ""
    for span in range(1, 5):
        j = i + span - 1
        if j >= len(lines) or (span > 1 and (not lines[j].strip() or is_quoted(lines[j]))):
            return None
        joined = f"{joined} {lines[j].strip()}" if joined else first
        if not joined.rstrip().endswith((":", "：")):
            continue
        for p in _attribution_starts(joined):
            if p > len(first) or (p == 0 and not (alone or paragraph)):
                continue
            shape = _attribution_shape(joined[p:])
            if shape is not None and (p == 0 or shape):
                if p == 0 and look_on and _reply_lines_first(lines, i, span):
                    return None  # it starts further down; the lines above it are the reply's
                return span, _own_part(first[:p]), shape
        nxt = _next_content(lines, i + span)
        if (
            (paragraph or _FINISHED_LINE.search(lines[i - 1].strip()))
            and nxt < len(lines)
            and is_quoted(lines[nxt])
            and _attribution_shape(joined, anywhere=True)
            and not (look_on and _reply_lines_first(lines, i, span))
        ):
            return span, "", True
        return None
    return None


def _bare_attribution(lines: list[str], i: int) -> bool:
    """A colon-less attribution right above `>` lines, as some clients write it: a date first, then the
    author ending with an address and nothing after it ("2027/3/3 Jo Baker <jo@x>", "3 Mar 2027 jo@x")."""
    text = lines[i].strip()
    if len(text) > 200 or "@" not in text or _COLON_END.search(text):
        return False
    if not (_OPENER.match(text) and _DATE.search(text)) or _sentence_break(text):
        return False
    ends = [m.end() for m in EMAIL_ADDRESS.finditer(text)]
    if not ends or text[ends[-1] :].strip(" >)]"):
        return False
    nxt = _next_content(lines, i + 1)
    return nxt < len(lines) and is_quoted(lines[nxt])


_DIGIT = re.compile(r"\d")
_VERB_TAIL = re.compile(rf"(?i)^(?:\S+\s+)?(?:{_VERB_WORDS})(?:\(a\))?\s*[:：]\s*$")


def _scattered_attribution(lines: list[str], i: int) -> int:
    """Lines taken by an attribution that a client broke over blank lines and marked its last piece as
    quoted ("On Tue, 11 Apr 2027 at 10:07 Jo Baker" / "" / "<" / "jo@x" / "> wrote:"): it opens with a date
    and a time, and within six lines ends in a line that is only the verb; 0 when there is none."""
    first = lines[i].strip()
    if (
        len(first) > 320
        or not _DIGIT.search(first)
        or not any(x.rstrip().endswith((":", "：")) for x in lines[i + 1 : i + 7])
        or _COLON_END.search(first)
        or not (_OPENER.match(first) and _DATE.search(first) and _TIME.search(first))
    ):
        return 0
    parts = [first]
    for k in range(i + 1, min(i + 7, len(lines))):
        piece = unquote(lines[k]).strip()
        if not piece:
            continue
        if _VERB_TAIL.match(piece):
            joined = " ".join([*parts, piece])
            return k - i + 1 if len(joined) <= 320 and _attribution_shape(joined) else 0
        if is_quoted(lines[k]) or _COLON_END.search(piece):
            return 0
        parts.append(piece)
    return 0


def _reply_lines_first(lines: list[str], i: int, span: int) -> bool:
    """Whether an attribution read from line `i` over `span` lines really starts on a later line of them,
    the lines before it being the reply's own ("Hello" or "Thanks," over "On 3 Mar ... wrote:"): lines that
    neither open an attribution themselves nor are its opening words wrapped away ("On", "Le mar.")."""
    for k in range(i + 1, i + span):
        piece = lines[k - 1].strip()
        starts = _attribution_starts(piece)
        if _lead_fragment(piece) or (starts and starts[0] == 0):
            return False
        if _opens_on_own(lines, k):
            return True
    return False


def _opens_on_own(lines: list[str], k: int) -> bool:
    """Whether an attribution of its own starts on line `k`, with a date or weekday opening the line or
    after own text on it: the lines above it are then the reply ("Thanks" over "On 3 Mar ... wrote:"), not
    the attribution's first words. One that opens with its author's name ("Jo Baker <jo@x>, 3 Mar ...:")
    may be a name wrapped over two lines, so the line above is the reply's only when it reads as a
    finished line (a sentence, a "Label: value") or nothing of the reply's own stands above it."""
    if k >= len(lines) or is_quoted(lines[k]) or not lines[k].strip():
        return False
    if not _DIGIT.search(" ".join(lines[k : k + 4])):
        return False  # an attribution holds a date or a time
    found = attribution_span(lines, k, look_on=False)
    line = lines[k].strip()
    if found is None:
        return False
    if found[1] or _DATE_OPENER.match(line) or _FINISHED_LINE.search(lines[k - 1].strip()):
        return True
    named = (_NAME_FIRST.match(line) or _NAME_VERB.match(line)) and not _ADDRESS_FIRST.match(line)
    return bool(named) and not _own_above(lines, k - 1)


_ADDRESS_FIRST = re.compile(r"[<(\[]|(?:mailto:)?[\w.+'-]+@")
_FINISHED_LINE = re.compile(r"[.!?…,]$|^[^:]{1,30}:\s+\S")


# The words a client writes before an attribution's date ("On", "Le", "Am", "Il giorno", "W dniu", "Den",
# "Vào"): a line of only these, weekdays and date parts is an attribution wrapped after its first words.
_LEAD_WORDS = frozenset(
    ["on", "le", "am", "el", "em", "il", "giorno", "w", "dniu", "den", "op", "ar", "dydd", "vào", "the", "at"]
)


def _lead_fragment(text: str) -> bool:
    words = [w for w in re.split(r"[\s,.]+", text.lower()) if w]
    return bool(words) and all(w in _LEAD_WORDS or w.isdigit() or _DATE_WORD.fullmatch(w) for w in words)


def _own_part(text: str) -> str:
    """Own text before an attribution on the same line, less a rule glued to it ("Thanks--- On ...")."""
    text = text.rstrip()
    bare = text.rstrip("-_=~*")
    return bare.rstrip() if len(text) - len(bare) >= 2 else text


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
        nxt = _next_content(lines, last + 1)
        if nxt < len(lines) and nxt - last <= 2 and (is_quoted(lines[nxt]) or _LINK_START.match(lines[nxt])):
            return last - i + 1
    if len(seen) < 2:
        return 0
    dated = "date" in seen and bool(_DATE.search(seen["date"]) or _TIME.search(seen["date"]))
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
_GROUPWISE = re.compile(
    r"^\s*>>>\s*[^>\s].{0,160}?\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}"
    r"(?:[^>]*>>>\s*|\s+\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[AaPp]\.?[Mm]\.?)?\s*)$"
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
        if EMAIL_ADDRESS.search(lines[j]) and (_DATE.search(lines[j]) or _TIME.search(lines[j])):
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
    return len(labels) >= 2 and any(_DATE.search(line) and _TIME.search(line) for line in window)


def _forward_lead_in(lines: list[str], i: int) -> int:
    """The index a cut at a header block starting at `i` really starts at: a short line ending in a colon
    right above it that names a forwarded or original message (Apple's "Begin forwarded message:", "Début
    du message réexpédié :") goes with it; an own "Notes:" there stays."""
    k = i - 1
    while k >= 0 and not lines[k].strip():
        k -= 1
    if k < 0 or i - k > 2 or is_quoted(lines[k]) or re.search(r"\d", lines[k]):
        return i
    lead_in = _COLON_END.search(lines[k]) and len(lines[k].split()) <= 6 and _ORIGINAL_WORDS.search(lines[k])
    return k if lead_in and any(x.strip() for x in lines[:k]) else i


def quote_start(lines: list[str], i: int) -> tuple[int, int, str, str | None, bool] | None:
    """What starts a quoted original at line `i`, if anything: (first line, lines taken, own text kept
    from its first line, the client the shape suggests, certain). Only unquoted lines are looked at."""
    line = lines[i]
    if not line.strip():
        return None
    if _GROUPWISE.match(line):
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


def is_quoted(line: str) -> bool:
    """A `>` line; GroupWise's `>>> Name <addr> 12/03/2026 10:15 >>>` header starts with `>` but is not."""
    return line.lstrip().startswith(">") and not _GROUPWISE.match(line)


def unquote(line: str) -> str:
    return re.sub(r"^(\s*>)+ ?", "", line)


def _own_above(lines: list[str], i: int) -> bool:
    return any(x.strip() and not is_quoted(x) for x in lines[:i])


def _scan(lines: list[str]) -> tuple[list[str], str | None]:
    """Find where the quoted original starts. A start followed by `>` lines is only that quote's
    attribution: it is dropped and the inline logic reads what follows. Any other start is a cut: the rest
    is the original. A likely (not certain) attribution is only cut at when own text stays above it, so a
    reply is never emptied by a line that merely looks like one."""
    out = list(lines)
    i = 0
    while i < len(out):
        found = quote_start(out, i)
        if found is None:
            i += 1
            continue
        first, span, own, style, certain = found
        keep = [own] if own else []
        nxt = _next_content(out, first + span)
        if nxt < len(out) and is_quoted(out[nxt]):
            out[first : first + span] = keep
            i = first + len(keep)
            continue
        if not certain and not (own or _own_above(out, first)):
            i += 1
            continue
        return out[:first] + keep, style
    return out, None


def hard_cut(lines: list[str]) -> tuple[int, str | None]:
    """Index of the first unquoted line that starts an unquoted original (a header block, a separator, an
    attribution with no `>` lines under it): everything from there is the original. Returns
    (len(lines), None) when there is none."""
    for i in range(len(lines)):
        found = quote_start(lines, i)
        if found is None:
            continue
        first, span, _own, style, certain = found
        nxt = _next_content(lines, first + span)
        if (nxt >= len(lines) or not is_quoted(lines[nxt])) and (certain or _own_above(lines, first)):
            return first, style
    return len(lines), None


_BRACKETED_LINK = re.compile(r"(?i)[(<\[]\s*(?:https?://|www\.|mailto:)[^\s()<>\[\]]*[)\]]?")


def _absorb_fragments(lines: list[str]) -> list[str]:
    """A short unprefixed line between two `>` lines is a piece of the quote its client re-wrapped (a long
    line, a URL broken at a slash, a bracketed link), not an answer: an answer sits under a short line such
    as a heading or "Status:", or is too long to be the tail of a wrapped line."""
    out = list(lines)
    for i in range(1, len(lines) - 1):
        line, before, after = lines[i], lines[i - 1], lines[i + 1]
        if is_quoted(line) or not line.strip() or not (is_quoted(before) and is_quoted(after)):
            continue
        prev = unquote(before).rstrip()
        piece = line.strip()
        if (
            _HEADING.match(prev)
            or _LABEL.match(piece)
            or _REF_START.match(piece)
            or prev.endswith((".", "!", "?", ":"))
        ):
            continue
        wrapped = len(prev) >= 60 and len(prev) + len(piece) >= 72 and len(piece.split()) <= 6
        url = bool(re.search(r"(?:https?://|www\.)\S*$", prev)) and " " not in piece
        # A bracketed link alone, often with the `>` its client moved to the line's end: "(http://x/y) >".
        url = url or bool(_BRACKETED_LINK.fullmatch(piece.rstrip("> \t")))
        if wrapped or url:
            mark = re.match(r"^(?:\s*>)+ ?", before)
            out[i] = (mark.group(0) if mark else "> ") + piece
    return out


def _next_content(lines: list[str], i: int) -> int:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


def attribution_at(lines: list[str], i: int) -> int:
    """How many lines (1 or 2) an attribution ("On ... wrote:") starting at `i` takes, or 0. It must be
    followed by quoted text (or nothing), so a sentence that happens to end in "wrote:" is kept."""
    line = lines[i]
    if is_quoted(line) or not line.strip():
        return 0
    for span in (1, 2):
        if i + span > len(lines):
            break
        joined = " ".join(x.strip() for x in lines[i : i + span])
        if span == 2 and (is_quoted(lines[i + 1]) or not lines[i + 1].strip()):
            break
        if len(joined) > 300 or not _WROTE.search(joined):
            continue
        if span == 2 and _own_over(*lines[i : i + 2]):
            break
        on_style = joined.lower().startswith("on ") and _DATEISH.search(joined)
        nxt = _next_content(lines, i + span)
        if (nxt >= len(lines) or is_quoted(lines[nxt])) and (on_style or "@" in joined or span == 1):
            return span
    return 0


def _own_over(line: str, below: str) -> bool:
    """Whether `line` is the reply's own, over an attribution that starts whole on the line `below` ("Thanks"
    over "Jo Baker <jo@x> wrote:"): it holds no date, time or address and does not run on with a comma,
    and the line below names its author itself rather than going on with an address ("<jo@x> wrote:")."""
    if len(line) > 300:
        return True  # too long to start an attribution
    return (
        bool(_WROTE.search(below))
        and not dated_or_addressed(line)
        and not line.rstrip().endswith(",")
        and not re.match(r"\s*(?:[<(\[]|[\w.+'-]+@)", below)
    )


def _drop_attributions(lines: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(lines):
        span = attribution_at(lines, i)
        if span:
            i += span
            continue
        out.append(lines[i])
        i += 1
    return out


def _inline(lines: list[str]) -> list[str]:
    """Own lines interleaved with quoted ones: keep the own lines, and the quoted action headings that have
    own text under them (unquoted), so the parser knows which action each answer is for. An own line right
    under an empty quoted "Status:"/"Progress:" line gets that label when it has none."""
    out: list[str] = []
    heading: str | None = None
    label: str | None = None
    for line in lines:
        if is_quoted(line):
            inner = unquote(line)
            if _HEADING.match(inner):
                heading, label = inner.strip(), None
            elif _EMPTY_LABEL.match(inner):
                label = inner.strip()
            elif inner.strip():
                label = None
            continue
        if not line.strip():
            out.append("")
            continue
        if heading is not None:
            if out and out[-1].strip():
                out.append("")
            out.append(heading)
            heading = None
        if label is not None and not _LABEL.match(line):
            line = f"{label} {line.strip()}"
        label = None
        out.append(line)
    return out


def remove_quotes(text: str) -> tuple[str, str | None]:
    """(the new text, the client the quoting style suggests or None)."""
    lines, style = _scan(_absorb_fragments(text.split("\n")))
    quoted = [i for i, line in enumerate(lines) if is_quoted(line)]
    if quoted:
        first = quoted[0]
        lines = _drop_attributions(lines)
        quoted = [i for i, line in enumerate(lines) if is_quoted(line)]
        first = quoted[0] if quoted else len(lines)
        own_after = any(line.strip() and not is_quoted(line) for line in lines[first:])
        lines = _inline(lines) if own_after else lines[:first]
    elif lines:
        lines = _drop_attributions(lines)
    out = "\n".join(line.rstrip() for line in lines)
    return re.sub(r"\n{3,}", "\n\n", out).strip("\n"), style
