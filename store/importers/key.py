"""The plan's key of initials (code -> full name), in whatever form and wherever the plan prints it.

Plans print leads as initials and explain them once, in a key: a table ("Initials | Name", "Code |
Name | Role", or headerless "AP | Amira Patel | TD | Tom Davies"), lines of text ("AP = Amira Patel",
"AP - Amira Patel", "AP: Amira Patel, Head of HR", several on a line), under a heading ("Key", "Lead
key", "Abbreviations") or on a sheet of its own; before the table or after it.

Why the rules are as they are:
  * A key line is only as trustworthy as its context. Under a key heading or a key header row, any code
    followed by a capitalised value is an entry. Without one, only forms nothing else looks like count: a
    table of its own made of code/name pairs, rows of two or more pairs at a table's start or end, a run of
    two or more text lines of pairs, or one line with "=" or with two or more pairs. A lone "EDI: Our
    commitments" or "NHS Foundation Trust" is a heading or a title, not a key.
  * Outside a heading's context a value must read as a name (capitalised words, small joining words
    allowed): ordinary plan rows ("1.1 | Develop a policy | HR | Mar 2026") fail on both the code and the
    name, and their header row ("Ref | Action | Lead") is not made of key header words.
  * Codes are normalised (norm_code) the same way here and when a lead cell is looked up, so "P.K.",
    "(PK)", a fullwidth "ＰＫ" or Cyrillic look-alikes ("АВ" typed on a Cyrillic keyboard layout),
    printed in the key or in a cell, meet as one code.
  * A key entry often adds the person's role ("AP - Amira Patel, Head of HR"): the key keeps the name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .source import SourceDoc, SourceLine

# --- decision data ------------------------------------------------------------------------------------

# Initials: 2-6 letters, at least two capitals ("PK", "JBW", "McK"). Team acronyms are codes too.
_CODE = re.compile(r"^(?=(?:.*[A-Z]){2})[A-Z][A-Za-z]{1,5}$")
TEAM_ACRONYMS = frozenset(
    {"HR", "IT", "ICT", "SMT", "SLT", "CMT", "COMT", "ELT", "EMT", "DLG", "OD", "L&D", "H&S", "P&I"}
    | {"CLT", "DMT", "HRT"}
)
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

_HEADING = re.compile(
    r"^[\s*#_]*(?:"
    r"(?:lead|leads|officer|officers|staff|name|names)\s+key"
    r"|key(?:\s+to\s+(?:the\s+)?(?:leads?|lead\s+officers?|officers?|initials|abbreviations|names|staff))?"
    r"|(?:list\s+of\s+|glossary\s+of\s+)?(?:abbreviations|initials|acronyms)(?:\s+used)?"
    r"|glossary"
    r")[\s*_]*(?:[:.\-–—][\s*_]*)?",
    re.I,
)
_HEADER_WORDS: dict[str, frozenset[str]] = {
    "code": frozenset({"key", "code", "codes", "initials", "initial", "abbreviation", "abbreviations"})
    | frozenset({"abbr", "abbr.", "abbrev", "abbrev.", "acronym", "acronyms", "lead code"}),
    "name": frozenset({"name", "names", "full name", "officer", "lead", "lead officer", "person", "meaning"})
    | frozenset({"stands for", "in full", "responsible officer", "staff member", "lead name"}),
    "role": frozenset({"role", "job title", "title", "post", "position", "department", "team", "service"})
    | frozenset({"directorate", "email", "e-mail", "contact", "phone", "telephone", "ext", "extension"}),
}
# Small words a name or team may contain in lower case ("Head of HR", "Mary van der Berg").
_JOINERS = frozenset(
    {"of", "and", "&", "for", "the", "in", "to", "at", "de", "van", "von", "der", "den", "la", "le", "da"}
    | {"di", "du", "del", "y"}
)
_NAME_PUNCT = "()\"“”,.'’"
_NAME_INNER = re.compile(r"^[^\W\d_](?:[^\W\d_]|['’.-](?=[^\W\d_]))*\.?$")
# Where a key line's next entry begins: "=" may follow a space ("AP = Amira Patel TD = Tom Davies"); ":" and
# dashes only the start of the line or a comma/semicolon (so "Head of HR: People" is not an entry).
_CODE_TOKEN = r"[(\[]?[^\W\d_][^\W\d_.&]{0,5}(?:[.&][^\W\d_]{0,5}){0,5}\.?[)\]]?"
_START_EQ = re.compile(rf"(?:^|(?<=[,;\s]))({_CODE_TOKEN})\s*=\s*")
_START_SEP = re.compile(rf"(?:^|(?<=[,;]))\s*({_CODE_TOKEN})\s*(?:[:\-–—]|=)\s*")
_START_BARE = re.compile(rf"(?:^|(?<=[,;]))\s*({_CODE_TOKEN})\s+(?=[A-Z])")
_ROLE_SPLIT = re.compile(r"\s*(?:,|\s[-–—]\s|\()\s*")


# --- codes ---------------------------------------------------------------------------------------------


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


def _loose_name(value: str) -> bool:
    """Under a key heading or header, any short value that starts with a capital is the name."""
    return bool(value) and len(value) <= 80 and value[0].isupper() and not is_code(value)


# --- key lines ------------------------------------------------------------------------------------------

Pairs = list[tuple[str, str]]


def heading_rest(text: str) -> str | None:
    """What follows a key heading on its line ("" for a bare heading), or None if it is not one."""
    flat = " ".join(text.split())
    match = _HEADING.match(flat)
    if not match or len(flat) > 400:
        return None
    rest = flat[match.end() :].strip(" *_")
    if rest and not match.group(0).rstrip(" *_").endswith((":", "-", "–", "—", ".")):
        return None  # "Key actions for 2026", "Initials of the panel"
    return rest


def is_key_heading(text: str) -> bool:
    """'Key', 'Lead key:', 'Abbreviations', 'Key: JM = Jane Morris': a heading, possibly with entries."""
    rest = heading_rest(text)
    return rest is not None and (not rest or bool(line_pairs(rest, loose=True)))


def line_pairs(text: str, *, loose: bool = False) -> Pairs:
    """Every entry on a key line ('AP = Amira Patel, TD - Tom Davies, Head of HR'), or [] if the line is
    not made of entries from its start. loose: a key heading's context (any capitalised value)."""
    return line_entries(text, loose=loose)[0]


def line_entries(text: str, *, loose: bool = False) -> tuple[Pairs, bool]:
    """(entries, bare): bare when the line has no separators ('AP Amira Patel'), a form that is only a key
    in a run of such lines or under a heading. A bare name has two or more words unless loose."""
    flat = " ".join(text.split())
    starts = _starts(flat, _START_EQ, _START_SEP)
    pairs = _chunks(flat, starts, loose=loose, min_words=1) if starts else []
    if pairs:
        return pairs, False
    starts = _starts(flat, _START_BARE)  # the name must read as one even under a heading
    pairs = _chunks(flat, starts, loose=False, min_words=1 if loose else 2) if starts else []
    return pairs, True


def _starts(flat: str, *patterns: re.Pattern[str]) -> list[re.Match[str]]:
    """Entry starts on a line, in order; [] unless the first is at the start of the line."""
    found: dict[int, re.Match[str]] = {}
    for pattern in patterns:
        for match in pattern.finditer(flat):
            if is_code(match.group(1)):
                found.setdefault(match.start(1), match)
    starts = [found[k] for k in sorted(found)]
    return starts if starts and starts[0].start(1) == 0 else []


def _chunks(flat: str, starts: list[re.Match[str]], *, loose: bool, min_words: int) -> Pairs:
    """Cut the line at each entry start; an 'entry' whose value does not read as a name belongs to the
    value before it (a role: 'AP - Amira Patel, HR Manager')."""
    pairs: list[tuple[str, str]] = []
    raw: list[str] = []
    for i, match in enumerate(starts):
        end = starts[i + 1].start(1) if i + 1 < len(starts) else len(flat)
        value = flat[match.end() : end].strip(" ,;")
        name = key_name(value)
        if _value_ok(name, loose, min_words):
            pairs.append((norm_code(match.group(1)), name))
            raw.append(value)
        elif pairs:
            raw[-1] = f"{raw[-1]}, {flat[match.start(1) : end].strip(' ,;')}"
            pairs[-1] = (pairs[-1][0], key_name(raw[-1]))
        else:
            return []
    return pairs


def _value_ok(name: str, loose: bool, min_words: int = 1) -> bool:
    return _loose_name(name) if loose else is_name(name, min_words=min_words)


# --- key tables -----------------------------------------------------------------------------------------


def _header_kind(cell: str) -> str | None:
    text = " ".join(cell.split()).strip(" :*").casefold()
    return next((kind for kind, words in _HEADER_WORDS.items() if text in words), None)


def key_header(cells: tuple[str, ...]) -> list[tuple[int, int]] | None:
    """A key table's header row ('Initials | Name', 'Code | Name | Role', 'Key | Name | Key | Name') as
    (code column, name column) pairs, or None. Every filled cell must be a key header word."""
    kinds = {i: _header_kind(c) for i, c in enumerate(cells) if c.strip()}
    if len(kinds) < 2 or None in kinds.values():
        return None
    codes = [i for i, k in kinds.items() if k == "code"]
    names = [i for i, k in kinds.items() if k == "name"]
    if not codes or not names:
        return None
    columns = []
    for n, code in enumerate(codes):
        limit = codes[n + 1] if n + 1 < len(codes) else len(cells)
        right = [i for i in names if code < i < limit]
        left = [i for i in names if i < code]
        if right or left:
            columns.append((code, right[0] if right else left[-1]))
    return columns or None


def is_key_header(cells: tuple[str, ...]) -> bool:
    return key_header(cells) is not None


def row_pairs(cells: tuple[str, ...], columns: list[tuple[int, int]] | None = None, *, loose: bool) -> Pairs:
    """A key table row as entries: by the header's columns when there is one; else code/name pairs across
    the row, or (loose) one code, its name and whatever the row adds (a role, an email)."""
    if columns is not None:
        return _columned(cells, columns)
    values = [" ".join(c.split()) for c in cells if c.strip()]
    if len(values) >= 2 and len(values) % 2 == 0:
        pairs = [(c, key_name(n)) for c, n in zip(values[0::2], values[1::2], strict=True)]
        if all(is_code(c) and _value_ok(n, loose) for c, n in pairs):
            return [(norm_code(c), n) for c, n in pairs]
    if loose and len(values) >= 2 and is_code(values[0]) and _loose_name(key_name(values[1])):
        return [(norm_code(values[0]), key_name(values[1]))]
    return []


def _columned(cells: tuple[str, ...], columns: list[tuple[int, int]]) -> Pairs:
    pairs: list[tuple[str, str]] = []
    for code_at, name_at in columns:
        code = cells[code_at].strip() if code_at < len(cells) else ""
        name = key_name(cells[name_at]) if name_at < len(cells) else ""
        if not code or not name:
            continue  # half an entry (the last row of a two-up key)
        if not (is_code(code) and _loose_name(name)):
            return []
        pairs.append((norm_code(code), name))
    return pairs


def key_pairs(cells: tuple[str, ...]) -> Pairs | None:
    """A lead-key table row ('AP | Amira Patel | TD | Tom Davies') as pairs, or None if it is not one."""
    return row_pairs(cells, loose=True) or None


def inline_key(text: str) -> Pairs:
    """'Key: AP = Amira Patel, RK = Raj Kumar' (or a line of entries after a heading) -> pairs."""
    rest = heading_rest(text)
    return line_pairs(text if rest is None else rest, loose=True)


# --- reading the whole document -------------------------------------------------------------------------


@dataclass
class _Found:
    pairs: Pairs
    lines: list[int]


def read_key(doc: SourceDoc) -> tuple[dict[str, str], set[int]]:
    """The plan's lead key (code -> name) wherever it sits, and the indexes of the lines it occupies (for
    the interpreter to skip). Codes are normalised with norm_code; a later entry for a code wins."""
    key: dict[str, str] = {}
    used: set[int] = set()
    lines = doc.lines
    spans = _table_spans(lines)
    i = 0
    while i < len(lines):
        found = (
            _under_heading(lines, i)
            or _under_header(lines, i)
            or _text_run(lines, i)
            or _table_run(lines, i, spans)
        )
        if found is None or not found.pairs:
            i += 1
            continue
        key.update(found.pairs)
        used.update(found.lines)
        i = max(found.lines) + 1
    return key, used


def _single_text(line: SourceLine) -> str | None:
    """The text of a line that is one piece of text (a text line, or a table row with one filled cell)."""
    filled = [c for c in line.cells if c.strip()]
    return filled[0] if len(filled) == 1 else None


def _under_heading(lines: list[SourceLine], i: int) -> _Found | None:
    text = _single_text(lines[i])
    rest = heading_rest(text) if text is not None else None
    if rest is None:
        return None
    inline = line_pairs(rest, loose=True) if rest else []
    if rest and not inline:
        return None
    found = _follow(lines, i + 1, None)
    return _Found(inline + found.pairs, [i, *found.lines])


def _under_header(lines: list[SourceLine], i: int) -> _Found | None:
    if not lines[i].in_table or key_header(lines[i].cells) is None:
        return None
    found = _follow(lines, i, None)
    return found if found.pairs else None


def _follow(lines: list[SourceLine], start: int, columns: list[tuple[int, int]] | None) -> _Found:
    """Entries after a key heading or header row, up to the first line that is not one. Text lines keep
    the form of the first (with separators or bare), so a title after "AP = Amira Patel" ("NHS Trust
    Equality Plan") is not read as a bare entry."""
    found = _Found([], [])
    form: bool | None = None  # bare?
    for j in range(start, len(lines)):
        line = lines[j]
        if line.is_blank:
            continue
        header = key_header(line.cells) if line.in_table else None
        if header is not None:
            columns = header
            found.lines.append(j)
            continue
        text = _single_text(line)
        if text is not None and (not line.in_table or columns is None):
            pairs, bare = line_entries(text, loose=True)
            form = bare if form is None else form
            pairs = pairs if bare == form else []
        else:
            pairs = row_pairs(line.cells, columns, loose=True) if line.in_table else []
        if not pairs:
            break
        found.pairs.extend(pairs)
        found.lines.append(j)
    if found.pairs or not found.lines:
        return found
    return _Found([], [])


def _text_run(lines: list[SourceLine], i: int) -> _Found | None:
    """Text lines of entries with no heading: two or more in a row, or one line with '=' or with several
    entries. A lone bare line ('NHS Foundation Trust') is a title, not a key."""
    found = _Found([], [])
    lone_ok = False
    for j in range(i, len(lines)):
        line = lines[j]
        if line.is_blank:
            continue
        pairs, bare = line_entries(line.cells[0]) if not line.in_table else ([], True)
        if not pairs:
            break
        if not found.lines:
            lone_ok = not bare and ("=" in line.cells[0] or len(pairs) > 1)
        found.pairs.extend(pairs)
        found.lines.append(j)
    if not found.lines or (len(found.lines) == 1 and not lone_ok):
        return None
    return found


def _table_spans(lines: list[SourceLine]) -> dict[int, tuple[int, int]]:
    """Line index -> (first, last) line index of the table it belongs to (consecutive rows, same table)."""
    spans: dict[int, tuple[int, int]] = {}
    start = None
    for j, line in enumerate([*lines, SourceLine(cells=("",), where="", in_table=False)]):
        same = start is not None and line.in_table and line.table == lines[start].table
        if start is not None and not same:
            for k in range(start, j):
                spans[k] = (start, j - 1)
            start = None
        if line.in_table and start is None and j < len(lines):
            start = j
    return spans


def _table_run(lines: list[SourceLine], i: int, spans: dict[int, tuple[int, int]]) -> _Found | None:
    """Rows of code/name pairs with no header: a whole table of them (a key sheet), or rows of two or more
    pairs opening or closing a table (a two-up key printed under the plan; its last row may be half)."""
    if not lines[i].in_table or i not in spans:
        return None
    first, last = spans[i]
    if i == first and (whole := _whole_table(lines, first, last)) is not None:
        return whole
    found = _Found([], [])
    for j in range(i, last + 1):
        if lines[j].is_blank:
            continue
        pairs = row_pairs(lines[j].cells, loose=False)
        if not pairs or (len(pairs) < 2 and not found.lines):
            break
        found.pairs.extend(pairs)
        found.lines.append(j)
    if not found.lines or not (i == first or found.lines[-1] == _last_filled(lines, first, last)):
        return None
    return found


def _last_filled(lines: list[SourceLine], first: int, last: int) -> int:
    return next((j for j in range(last, first - 1, -1) if not lines[j].is_blank), last)


def _whole_table(lines: list[SourceLine], first: int, last: int) -> _Found | None:
    """A table (or sheet) that is nothing but entries: code/name pairs, or code, name and a role."""
    found = _Found([], [])
    for j in range(first, last + 1):
        if lines[j].is_blank:
            continue
        pairs = row_pairs(lines[j].cells, loose=False) or _with_role(lines[j].cells)
        if not pairs:
            return None
        found.pairs.extend(pairs)
        found.lines.append(j)
    return found if found.lines else None


def _with_role(cells: tuple[str, ...]) -> Pairs:
    """'AP | Amira Patel | Head of HR' with no header: the third cell must read as a role or contact."""
    values = [" ".join(c.split()) for c in cells if c.strip()]
    role = len(values) == 3 and (is_name(values[2]) or "@" in values[2])
    if role and is_code(values[0]) and is_name(key_name(values[1])):
        return [(norm_code(values[0]), key_name(values[1]))]
    return []
