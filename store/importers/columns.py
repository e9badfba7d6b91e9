"""Column roles from evidence: the header's words are a prior, the whole column's content decides.

People name columns in endless ways, leave the cell above the ref column blank, or span one header over
two cells; the content of a column rarely lies. For each column we measure what its cells look like (refs,
dates and periods, short name-like leads, status words, long text) and combine that with what the
header says (an exact synonym is strong, a keyword weaker, an unknown word or a blank cell nothing):

  * a strong header keeps its role unless the content contradicts it outright (a column headed "Actions"
    holding only refs is the ref column under a spanned header);
  * an unknown or blank header takes the role its content shows clearly;
  * when no column is the action, the leftmost column of long text is;
  * two columns of one kind stay distinct: the one whose header says it is current (revised, end,
    responsible) takes the role, the other is kept as a named field, and an "original" date backs up a
    blank revised one.

Each column ends with a confidence and a one-line reason, which the dry run shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import mean

from collector.core.dates import parse_target
from collector.core.names import is_team
from collector.core.refs import parse_ref_cell
from collector.core.vocabulary import status_from_word

from .cells import flat, paragraphs, unbullet
from .headers import is_exact_header, match_header, squash_header
from .lead_codes import is_code

# A header naming one of these is a strong prior; the other fields are weaker (they carry less meaning
# for the import when wrong).
TEXT_FIELDS = {"action", "outcome", "milestones", "success", "resources", "source", "progress", "extra"}
# When two columns share a kind, header words that make one a backup or a second person, not the current one.
_SECONDARY = {
    "target": r"\boriginal\b|\bstart\b|\bbaseline\b|\bfrom\b|\bbegin",
    "lead": r"\baccountab|\bsponsor|\bexecutive\b|\bsupport|\bchampion|\bsro\b|\bdirector\b",
    # What led to the action (an auditor's recommendation, a finding) beside the action agreed on it.
    "action": r"\brecommend|\bfinding|\bissue|\bproblem|\brationale|\bbackground|\bwhy\b|\brisk\b",
}
# An original date backs up the revised one on rows where no revision was needed.
FALLBACK = "target_fallback"
_NAME_WORD = re.compile(r"^[A-Z][a-zA-Z'’.-]*$|^(?:of|and|&|the|for|de|van|von|le|la)$")
_SENTENCE_END = re.compile(r"[.!?]$")


@dataclass
class Column:
    """A column as decided: its header as printed (inherited from the left for a blank cell under a
    span), its role, its position, and how sure we are and why."""

    header: str
    field: str
    position: int
    confidence: float = 1.0
    reason: str = "header"


@dataclass
class Profile:
    """What a column's filled cells look like, as fractions of those cells."""

    filled: int = 0
    rows: int = 0
    refs: float = 0.0
    dates: float = 0.0
    statuses: float = 0.0
    leads: float = 0.0
    words: float = 0.0  # mean words per filled cell

    @property
    def fill(self) -> float:
        return self.filled / self.rows if self.rows else 0.0


# Cells measured per column at most. The fractions are proportions: an evenly spread sample of a few
# hundred cells gives them to within a few points, and keeps a plan of thousands of rows fast to read.
SAMPLE = 240


def profile(cells: list[str], key: dict[str, str]) -> Profile:
    """Measure one column's cells (the rows of its table that hold two or more filled cells)."""
    filled = [c for c in cells if c.strip()]
    out = Profile(filled=len(filled), rows=len(cells))
    if not filled:
        return out
    if len(filled) > SAMPLE:
        step = len(filled) / SAMPLE
        filled = [filled[int(i * step)] for i in range(SAMPLE)]
    n = len(filled)
    out.refs = sum(1 for c in filled if parse_ref_cell(c)) / n
    out.dates = sum(1 for c in filled if _is_when(c)) / n
    out.statuses = sum(1 for c in filled if _is_status(c)) / n
    out.leads = sum(1 for c in filled if _is_lead(c, key)) / n
    out.words = mean(len(flat(c).split()) for c in filled)
    return out


def is_value_of(field_name: str | None, cell: str) -> bool:
    """Would this cell, alone, be an ordinary value of that field ("Completed" under Status or leading a
    progress cell, a date under Target, a ref, a lead's code)? Then it is data, not a header or a heading."""
    text = flat(cell)
    if field_name in ("status", "progress"):
        return status_from_word(text) is not None
    if field_name in ("target", "completed"):
        found = parse_target(text)
        return found is not None and found.kind != "text"
    if field_name == "ref":
        return bool(parse_ref_cell(text))
    if field_name == "lead":
        return bool(text.split()) and all(is_code(word) for word in text.split())
    return False


def _is_when(cell: str) -> bool:
    text = flat(cell)
    if len(text.split()) > 12:
        return False
    target = parse_target(text)
    return target is not None and target.kind != "text"


def _is_status(cell: str) -> bool:
    text = flat(cell)
    return len(text.split()) <= 4 and status_from_word(text) is not None


def _is_lead(cell: str, key: dict[str, str]) -> bool:
    """Short lines of names, initials, roles or teams; no sentences."""
    lines = [unbullet(p) for p in paragraphs(cell)]
    if not lines or len(lines) > 8:
        return False
    for line in lines:
        for piece in re.split(r"\s*(?:[,;/&+]|\band\b)\s*", line):
            words = piece.strip(" .()").split()
            if not words:
                continue
            if len(words) > 6 or (_SENTENCE_END.search(piece.strip()) and len(words) > 3):
                return False
            if len(words) == 1 and (is_code(words[0]) or words[0] in key):
                continue
            if is_team(piece) or all(_NAME_WORD.match(w) for w in words):
                continue
            return False
    return True


@dataclass
class Role:
    field: str
    confidence: float
    reason: str


def decide(header: str, prior: str | None, exact: bool, p: Profile, *, overridden: bool = False) -> Role:
    """One column's role from its header's prior and its content profile."""
    if overridden and prior:
        return Role(prior, 1.0, "--map")
    if p.filled == 0:
        return Role(prior or "extra", 0.5 if prior else 0.2, "header only (column empty)")
    clear = _clear_content(p)
    if prior and prior not in ("extra",):
        strength = 0.9 if exact else 0.7
        if clear and clear.field != prior and _contradicts(prior, clear.field, p):
            return Role(clear.field, clear.confidence, f"content: {clear.reason} (header says {prior})")
        agree = clear is not None and clear.field == prior
        return Role(
            prior, min(1.0, strength + (0.1 if agree else 0)), "header" + (" and content" if agree else "")
        )
    if clear:
        return Role(clear.field, clear.confidence * 0.9, f"content: {clear.reason}")
    return Role("extra", 0.3, "unknown header; kept as a named field")


def _clear_content(p: Profile) -> Role | None:
    """The role a column's content shows on its own, when it shows one clearly."""
    if p.refs >= 0.7 and p.words <= 3:
        return Role("ref", p.refs, f"{p.refs:.0%} refs")
    if p.statuses >= 0.6:
        return Role("status", p.statuses, f"{p.statuses:.0%} status words")
    if p.dates >= 0.6:
        return Role("target", p.dates, f"{p.dates:.0%} dates or periods")
    if p.leads >= 0.7 and p.words <= 6:
        return Role("lead", p.leads * 0.9, f"{p.leads:.0%} names, initials or teams")
    return None


def _contradicts(prior: str, content: str, p: Profile) -> bool:
    """Does the content overrule the header? Only for clear, costly mismatches."""
    if content == "ref":
        return prior in TEXT_FIELDS or prior == "extra"  # a spanned or mislabelled header over the refs
    if prior == "target" and content != "target":
        return p.dates < 0.2
    if prior in ("action", "outcome") and content in ("target", "status"):
        return p.words <= 3
    return False


def rank_same_kind(headers: list[str], fields: list[str]) -> list[str]:
    """Where two columns share the target, lead or action role, keep one; the other becomes a named field
    (an original date becomes the fallback target): a revised date over the original, the responsible
    lead over the accountable one, the action agreed over the recommendation that led to it."""
    fields = list(fields)
    for kind in ("target", "lead", "action"):
        positions = [i for i, f in enumerate(fields) if f == kind]
        if len(positions) < 2:
            continue
        distinct = {squash_header(headers[i]) for i in positions}
        if len(distinct) < 2:
            continue  # a spanned header over two cells: one column in two parts
        secondary = [i for i in positions if re.search(_SECONDARY[kind], squash_header(headers[i]))]
        primary = [i for i in positions if i not in secondary] or positions[-1:]
        keep = primary[-1] if kind == "target" else primary[0]
        for i in positions:
            if i == keep:
                continue
            original = kind == "target" and re.search(r"\boriginal\b|\bbaseline\b", squash_header(headers[i]))
            fields[i] = FALLBACK if original else "extra"
    return fields


def header_prior(text: str, overrides: dict[str, str] | None) -> tuple[str | None, bool]:
    """(field, exact) the header's words suggest; exact when the whole header is a known name."""
    if not text.strip():
        return None, False
    field = match_header(text, overrides)
    return field, field is not None and is_exact_header(text, overrides)
