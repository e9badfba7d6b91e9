"""Key entries in each form a plan prints them: a line of text, a key table's header row, a table row.

A line or row is read as entries only in a form nothing else takes (see key.py for why): under a key
heading or header row any capitalised value is a name (loose); elsewhere the value must read as a name.
A role printed after the name ("AP - Amira Patel, Head of HR") stays with that entry.
"""

from __future__ import annotations

import re

from .lead_codes import is_code, is_name, key_name, loose_name, norm_code

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
# Where a key line's next entry begins: "=" may follow a space ("AP = Amira Patel TD = Tom Davies"); ":" and
# dashes only the start of the line or a comma/semicolon (so "Head of HR: People" is not an entry).
_CODE_TOKEN = r"[(\[]?[^\W\d_][^\W\d_.&]{0,5}(?:[.&][^\W\d_]{0,5}){0,5}\.?[)\]]?"
_START_EQ = re.compile(rf"(?:^|(?<=[,;\s]))({_CODE_TOKEN})\s*=\s*")
_START_SEP = re.compile(rf"(?:^|(?<=[,;]))\s*({_CODE_TOKEN})\s*(?:[:\-–—]|=)\s*")
_START_BARE = re.compile(rf"(?:^|(?<=[,;]))\s*({_CODE_TOKEN})\s+(?=[A-Z])")

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
    return loose_name(name) if loose else is_name(name, min_words=min_words)


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
    if loose and len(values) >= 2 and is_code(values[0]) and loose_name(key_name(values[1])):
        return [(norm_code(values[0]), key_name(values[1]))]
    return []


def _columned(cells: tuple[str, ...], columns: list[tuple[int, int]]) -> Pairs:
    pairs: list[tuple[str, str]] = []
    for code_at, name_at in columns:
        code = cells[code_at].strip() if code_at < len(cells) else ""
        name = key_name(cells[name_at]) if name_at < len(cells) else ""
        if not code or not name:
            continue  # half an entry (the last row of a two-up key)
        if not (is_code(code) and loose_name(name)):
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
