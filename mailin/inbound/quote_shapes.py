"""The parts a quote's start is made of, in many languages: dates, times, names, addresses, the verb
"wrote", a trailing colon; and what a quoted (`>`) line is. The attribution, header and quote modules build
on these, so each shape is written once.

Clients print the original's author and date in their user's language and their own word order, so we
recognise the parts rather than whole phrases. The word lists below are the parts clients fill in: month and
weekday names with their usual abbreviations (en, cy, fr, de, nl, es, it, pt, pl, sv, no, da, fi, ru), and
the verb "wrote", which makes an attribution certain but is not required. Pure: str in, answers out.
"""

from __future__ import annotations

import re


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
DATE = re.compile(rf"(?i){_NUMERIC_DATE}|{_DAY_MONTH}|{_MONTH_DAY}|{_MONTH_YEAR}")
TIME = re.compile(
    r"(?i)(?<![\w:.])\d{1,2}:\d{2}(?::\d{2})?(?![\d:])"
    r"|(?<!\w)(?:klo|kl\.?|om|um|à|a las|alle|às|o|godz\.?|am|at)\s+\d{1,2}[.h]\d{2}(?!\d)"
    r"|(?<![\w.])\d{1,2}\s?h\s?\d{2}(?!\d)"
)
DATE_WORD = re.compile(rf"(?i)(?:{_MONTH_NAMES}|{_WEEKDAY}|{_FI_MONTH})")
EMAIL_ADDRESS = re.compile(r"(?<![\w.+'-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")  # tried once per word: linear
VERB_WORDS = (
    r"wrote|writes|schrieb|schreef|geschreven|[ée]crit|escribi[óo]|scritto|escreveu|napisa[łl]\w*|pisze"
    r"|skrev|skriver|kirjoitti|ysgrifennodd|ysgrifenodd|написал\w*|написав|viết"
)
VERB = re.compile(rf"(?i)(?<!\w)(?:{VERB_WORDS})(?!\w)")
WROTE = re.compile(rf"(?i)(?<!\w)(?:{VERB_WORDS})(?:\(a\))?\s*[:：]\s*$")
COLON_END = re.compile(r"(?<!\s)\s*[:：]\s*$")
REF_START = re.compile(r"^\s*(?:[\[(]?\d{1,2}\.\d{1,2}[a-z]?[\])]?(?![\d./-])|[-*•·]\s)")
# Where an attribution may begin: an optional short capitalised word or two ("On", "Le", "Am", "Il
# giorno", "W dniu"), then a weekday or a date; or a name (capitalised words, lower-case particles) right
# before its address; or a name right before the verb.
_LEAD = r"(?:(?-i:[A-ZÀ-ÖØ-Þ])\w{0,4},?\s+(?:(?-i:[a-zß-öø-ÿ])\w{0,5}\s+)?)?"
_DAY = rf"(?:{_NUMERIC_DATE}|{_DAY_MONTH}|{_MONTH_DAY})"
_WHEN = rf"(?:(?:{_WEEKDAY})\.?,?\s+{_DAY}|{_DAY})"
# Some clients put the time first ("Vào 14:24 8 tháng 6, 2017, Jo <jo@x> đã viết:"), with a date in words
# we do not list; the time then opens it, and the rest of the shape (an address or the verb) must be there.
_CLOCK = r"\d{1,2}:\d{2}(?!\d)"
OPENER = re.compile(rf"(?i){_LEAD}(?:{_WHEN}|{_CLOCK})")  # all used with .match
# A time alone also opens a wrapped attribution's later lines ("... à(s)" / "09:12, Jo <jo@x> escreveu:").
DATE_OPENER = re.compile(rf"(?i){_LEAD}{_WHEN}")
MID_OPENER = re.compile(rf"(?i)(?-i:[A-ZÀ-ÖØ-Þ])\w{{0,3}}\s+(?:(?-i:[a-zß-öø-ÿ])\w{{0,5}}\s+)?{_WHEN}")
_NAME_WORD = r"(?:(?-i:[A-ZÀ-ÖØ-Þ])[\w'’.-]*,?|van|von|de|der|den|la|le|da|di|du|dos|del|y)"
_NAME = rf"[\"'“‘]?{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,5}}[\"'”’]?,?"
NAME_FIRST = re.compile(rf"(?i)(?:{_NAME}\s*)?[<(\[]?\s*(?:mailto:)?[\w.+'-]+@")
NAME_VERB = re.compile(rf"(?i){_NAME}(?:\s+\w{{1,4}}){{0,2}}\s+(?:{VERB_WORDS})(?!\w)")
GAP = re.compile(r"(?<=\S)\s+(?=\S)")
AFTER_SENTENCE = re.compile(r"[.!?…][\"'”’)]*$")
_SENTENCE_END = re.compile(r"[!?]\s|(?<=[^\W\d_]{5})\.\s+(?=[A-ZÀ-ÖØ-Þ\d])")


def dated_or_addressed(text: str) -> bool:
    """Whether `text` holds a date, a time or an e-mail address: what every quote header carries."""
    return bool(DATE.search(text) or TIME.search(text) or EMAIL_ADDRESS.search(text))


def sentence_break(text: str) -> bool:
    """A full stop, ! or ? inside, other than after a date word ("Wed. Mar 3")."""
    for m in _SENTENCE_END.finditer(text):
        before = re.search(r"(\w+)\W*$", text[: m.start() + 1])
        if not (before and DATE_WORD.fullmatch(before.group(1))):
            return True
    return False


GROUPWISE = re.compile(
    r"^\s*>>>\s*[^>\s].{0,160}?\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}"
    r"(?:[^>]*>>>\s*|\s+\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[AaPp]\.?[Mm]\.?)?\s*)$"
)


def is_quoted(line: str) -> bool:
    """A `>` line; GroupWise's `>>> Name <addr> 12/03/2026 10:15 >>>` header starts with `>` but is not."""
    return line.lstrip().startswith(">") and not GROUPWISE.match(line)


def unquote(line: str) -> str:
    return re.sub(r"^(\s*>)+ ?", "", line)


def own_above(lines: list[str], i: int) -> bool:
    return any(x.strip() and not is_quoted(x) for x in lines[:i])


def next_content(lines: list[str], i: int) -> int:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i
