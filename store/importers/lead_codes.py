"""Lead codes and names as a plan prints them: one spelling for a code, and whether text reads as a name.

Both the key (key.py) and the lead cells (leads.py) go through norm_code, so "P.K.", "(PK)", a fullwidth
"ＰＫ" or Cyrillic look-alikes ("АВ" typed on a Cyrillic keyboard layout) meet as one code wherever they
are printed. is_name is the test a key entry's value must pass outside a key heading's context, so
ordinary plan rows are not read as entries.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from collector.core.names import TEAM_ACRONYMS

# Initials: 2-6 letters, at least two capitals ("PK", "JBW", "McK"). Team acronyms are codes too.
_CODE = re.compile(r"^(?=(?:.*[A-Z]){2})[A-Z][A-Za-z]{1,5}$")
# Capitalised like initials but never a lead: placeholders and joining words printed in capitals.
NOT_CODES = frozenset({"TBC", "TBA", "TBD", "NA", "NB", "AND", "OR", "THE", "TO", "OF", "FOR", "WITH", "BY"})

# Letters from other scripts that print exactly like Latin ones (a code typed on a Cyrillic or Greek
# keyboard layout, or pasted from a PDF). Fullwidth letters are handled by NFKC.
_LOOK_ALIKES = {
    **dict(zip("АВЕКМНОРСТХУІЈЅӀԚԜ", "ABEKMHOPCTXYIJSIQW", strict=True)),  # Cyrillic capitals
    **dict(zip("аеорсхуіјѕԁһԛԝ", "aeopcxyijsdhqw", strict=True)),  # Cyrillic small letters
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX", strict=True)),  # Greek capitals
    "ο": "o",
}
_LOOK_ALIKE_TABLE = str.maketrans(_LOOK_ALIKES)
# Spacing and punctuation printed inside or around a code: "P.K.", "(PK)", "P K", "PK." -> "PK".
_CODE_PUNCT = re.compile(r"[\s.()\[\]{}·•*_]+")
_CODE_SHAPE = re.compile(r"^[A-Za-z][A-Za-z&]{0,5}$")
_SPELLED_LETTER = re.compile(r"^[(\[]?[A-Za-z&][.)\]]?\.?$")
# Small words a name or team may contain in lower case ("Head of HR", "Mary van der Berg").
_JOINERS = frozenset(
    {"of", "and", "&", "for", "the", "in", "to", "at", "de", "van", "von", "der", "den", "la", "le", "da"}
    | {"di", "du", "del", "y"}
)
_NAME_PUNCT = "()\"“”,.'’"
_NAME_INNER = re.compile(r"^[^\W\d_](?:[^\W\d_]|['’.-](?=[^\W\d_]))*\.?$")
_ROLE_SPLIT = re.compile(r"\s*(?:,|\s[-–—]\s|\()\s*")


@lru_cache(maxsize=16384)
def norm_code(text: str) -> str:
    """A code as one spelling: NFKC (fullwidth letters), look-alike letters from other scripts mapped to
    Latin, and spacing/punctuation inside a code dropped ("P.K.", "P K", "(PK)", "PK." -> "PK").

    Text that is not spelled as one code comes back NFKC'd, look-alikes mapped and spaces squashed: "PK TD"
    stays two codes and "Jo Baker" stays a name. Case is kept: key lookups decide about "Pk" vs "PK"."""
    flat = " ".join(_latin(word) for word in unicodedata.normalize("NFKC", text).split())
    compact = _CODE_PUNCT.sub("", flat)
    words = flat.split()
    if _CODE_SHAPE.match(compact) and (len(words) == 1 or all(_SPELLED_LETTER.match(w) for w in words)):
        return compact
    return flat


def _latin(word: str) -> str:
    """Map look-alikes only in a word whose every non-Latin letter has one: a real Greek or Cyrillic name
    (with letters like Д or λ that look like no Latin letter) is left alone."""
    foreign = [c for c in word if c.isalpha() and not c.isascii()]
    if foreign and all(c in _LOOK_ALIKES for c in foreign):
        return word.translate(_LOOK_ALIKE_TABLE)
    return word


def is_code(token: str) -> bool:
    """Initials or a team acronym, however printed ("PK", "P.K.", "(JBW)", "L&D"); not "TBC" or "AND"."""
    code = norm_code(token)
    if code.upper() in NOT_CODES:
        return False
    return bool(_CODE.match(code)) or code.upper() in TEAM_ACRONYMS


def key_name(value: str) -> str:
    """'Amira Patel, Head of Policy' -> 'Amira Patel': a key often adds the person's role after the name."""
    value = " ".join(value.split())
    head = _ROLE_SPLIT.split(value, maxsplit=1)[0].strip()
    words = head.split()
    if head != value and 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words):
        return head
    return value.strip(" ,;")


def is_name(value: str, *, min_words: int = 1) -> bool:
    """Capitalised words (small joining words allowed), as a person's or team's name is printed."""
    words = value.split()
    if not min_words <= len(words) <= 6 or len(value) > 80 or is_code(value):
        return False
    if not _name_word(words[0]) or not _name_word(words[-1]):
        return False
    return all(_name_word(w) or w.casefold() in _JOINERS for w in words)


def _name_word(word: str) -> bool:
    """'Alex', "O'Neil", 'Smith-Jones', 'Émile', 'HR', '(Acting)': a capitalised word of letters."""
    core = word.strip(_NAME_PUNCT)
    return bool(core) and core[0].isupper() and bool(_NAME_INNER.match(core))


def loose_name(value: str) -> bool:
    """Under a key heading or header, any short value that starts with a capital is the name."""
    return bool(value) and len(value) <= 80 and value[0].isupper() and not is_code(value)
