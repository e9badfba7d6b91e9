"""Lead cells ("JC, EH, PO", "KL/LD", "Joanne Tilley/ Kathryn Webster", "AB & SE", "HR") and the lead key.

A lead is a person or a team, printed as initials (resolved through the plan's own key when it has one)
or as a name. Cells with no delimiters at all ("Nikki Chawda Joanne Tilley") are cut where names the plan
uses elsewhere fit; otherwise they are kept whole rather than guessed at.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .cells import paragraphs, unbullet
from .draft import LeadDraft

_SPLIT = re.compile(r"\s*(?:[,;/&+\n]|\band\b|\bwith\b|\bsupported by\b)\s*", re.I)
_MARKER = re.compile(r"(?:(?<=^)|(?<=[\s,;&(]))\(?[a-z]\)\s*")
_CODE = re.compile(r"^(?=(?:.*[A-Z]){2})[A-Z][A-Za-z]{1,5}$")
_PAREN = re.compile(r"\([^)]*\)")
_TEAM_WORDS = re.compile(
    r"\b(team|teams|unit|group|department|dept|directorate|division|services?|board|panel|committee|forum|"
    r"network|office|section|partnership|all staff|managers|staff|officers|working party|hr|ict|it|"
    r"human resources|finance|communications|comms|facilities|estates|governance)\b",
    re.I,
)
TEAM_ACRONYMS = {
    "HR",
    "IT",
    "ICT",
    "SMT",
    "SLT",
    "CMT",
    "COMT",
    "ELT",
    "EMT",
    "DLG",
    "OD",
    "L&D",
    "H&S",
    "P&I",
    "CLT",
    "DMT",
    "HRT",
}
_KEY_HEADING = re.compile(r"^\s*(lead\s+)?(key|abbreviations|initials|glossary)\b\s*:?", re.I)
_KEY_HEADER_CELL = re.compile(
    r"^(key|code|codes|initials|abbreviation|abbr\.?|name|full name|officer|lead|"
    r"person|role|job title|title)$",
    re.I,
)
_INLINE_PAIR = re.compile(
    r"\b([A-Z][A-Za-z&]{1,5})\s*(?:=|-|–|:)\s*([A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,4})"
)


def is_code(token: str) -> bool:
    return bool(_CODE.match(token)) or token in TEAM_ACRONYMS


def is_team(name: str) -> bool:
    return name.upper() in TEAM_ACRONYMS or bool(_TEAM_WORDS.search(name))


@lru_cache(maxsize=8192)
def _pieces(cell: str) -> tuple[str, ...]:
    """A lead cell cut at its delimiters (cached: the same few cells repeat down a plan)."""
    text = "\n".join(unbullet(p) for p in paragraphs(cell))  # one paragraph per lead is common
    text = _MARKER.sub(" ", text)
    return tuple(
        p for raw in _SPLIT.split(text) if (p := " ".join(_PAREN.sub(" ", raw).strip(" .:-–").split()))
    )


def parse_leads(cell: str, key: dict[str, str], known: set[str] | None = None) -> list[LeadDraft]:
    """Every lead in a cell, in printed order, without repeats."""
    pieces: list[str] = []
    for piece in _pieces(cell):
        words = piece.split()
        if len(words) > 1 and all(is_code(w) or w in key for w in words):
            pieces.extend(words)  # "CS CS CS", "DM SE"
        elif len(words) >= 4 and known:
            pieces.extend(_segment(words, known))
        else:
            pieces.append(piece)
    leads: list[LeadDraft] = []
    seen: set[str] = set()
    for piece in pieces:
        lead = _lead(piece, key)
        marker = (lead.code or lead.name or "").casefold()
        if marker and marker not in seen:
            seen.add(marker)
            leads.append(lead)
    return leads


def _lead(piece: str, key: dict[str, str]) -> LeadDraft:
    code = piece if piece in key else None
    if code is None:
        upper = {k.upper(): k for k in key}
        code = upper.get(piece.upper()) if is_code(piece) else None
    if code is not None:
        name = key[code]
        return LeadDraft(name=name, code=code, is_team=is_team(name) or code in TEAM_ACRONYMS)
    if is_code(piece):
        return LeadDraft(name=None, code=piece, is_team=piece in TEAM_ACRONYMS)
    return LeadDraft(name=piece, code=None, is_team=is_team(piece))


def _segment(words: list[str], known: set[str]) -> list[str]:
    """Cut 'Nikki Chawda Joanne Tilley' into known names; keep it whole if any part is unknown."""
    folded = {k.casefold() for k in known}
    out: list[str] = []
    i = 0
    while i < len(words):
        for j in range(len(words), i, -1):
            candidate = " ".join(words[i:j])
            if candidate.casefold() in folded:
                out.append(candidate)
                i = j
                break
        else:
            return [" ".join(words)]
    return out


_ROLE_SPLIT = re.compile(r"\s*(?:,|\s[-–—]\s|\()\s*")


def key_name(value: str) -> str:
    """'Amira Patel, Head of Policy' -> 'Amira Patel': a key often adds the person's role after the name."""
    head = _ROLE_SPLIT.split(value.strip(), maxsplit=1)[0].strip()
    words = head.split()
    if head != value.strip() and 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words):
        return head
    return value.strip()


def key_pairs(cells: tuple[str, ...]) -> list[tuple[str, str]] | None:
    """A lead-key row ('AB | Alex Bush | KP | Karen Perry') as pairs, or None if it is not one."""
    values = [" ".join(c.split()) for c in cells if c.strip()]
    if not values or len(values) % 2:
        return None
    pairs = list(zip(values[0::2], values[1::2], strict=True))
    if all(is_code(code) and not is_code(name) and len(name) < 80 for code, name in pairs):
        return [(code, key_name(name)) for code, name in pairs]
    return None


def is_key_header(cells: tuple[str, ...]) -> bool:
    values = [c.strip() for c in cells if c.strip()]
    return len(values) >= 2 and all(_KEY_HEADER_CELL.match(v) for v in values)


def is_key_heading(text: str) -> bool:
    return bool(_KEY_HEADING.match(text)) and len(text) < 60


def inline_key(text: str) -> list[tuple[str, str]]:
    """'Key: AB = Alex Bush, CN = Christine Nicholson' -> pairs."""
    text = _KEY_HEADING.sub("", text)
    return [(m[1], key_name(m[2])) for m in _INLINE_PAIR.finditer(text) if is_code(m[1])]
