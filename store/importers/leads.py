"""Lead cells ("AP, TD, RK", "AP/TD", "Amira Patel/ Tom Davies", "AP & TD", "HR team") as leads.

A lead is a person or a team, printed as initials (resolved through the plan's key, see key.py) or as a
name. A cell is cut only where the cut is unambiguous, because a wrong cut invents leads nobody can be
asked ("Learning" and "Development") while a missed one only keeps two people on one line:

  * new lines, "/" and ";" always separate leads: nobody's name or team contains them ("N/A" aside;
    "Head of HR/OD" is cut too, as "Head of HR/AP" must be);
  * "&", "+" and "and" join words inside team and role names ("Equality and Diversity Team", "Health and
    Safety Manager", "Estates & Facilities"), so they separate only leads that are certain on both sides:
    codes ("AP & TD") or names the plan uses elsewhere (`known`) or its key gives;
  * a comma also lists words inside a role ("Head of HR, Finance and Estates"), so it separates only
    whole leads on each side: certain ones, a person's name ("Jo Baker, Sam Ortiz"), a whole role or team
    ("Chief Nurse, Director of People", "Head of HR, Estates team"); an "and" closing such a list counts
    as its last comma ("Jo Baker, Sam Ortiz and Lee Chan");
  * "with", "supported by" and the like separate whole leads in the same way ("AB with HR", "Chief Nurse
    supported by Director of People") but not prose ("Work with partners");
  * a run of codes with no delimiter is one lead per code ("AP TD", "MG MG MG"); a run of four or more
    words is cut where names the plan uses elsewhere fit ("Jo Baker Sam Ortiz"), else kept whole;
  * codes are looked up after norm_code ("P.K.", "(PK)", look-alike letters), and "Pk" finds the key's
    "PK" only when no other code in the key differs from it by case alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from collector.core.names import JOINERS, POST_WORDS, TEAM_ACRONYMS, TEAM_WORDS, is_team

from .cells import paragraphs, unbullet
from .draft import LeadDraft
from .lead_codes import is_code, key_name, norm_code

# --- decision data ------------------------------------------------------------------------------------

_MARKER = re.compile(r"(?:(?<=^)|(?<=[\s,;&(]))\(?[a-z]\)\s*")  # "a) RK b) AP & TD": per-item markers
_HARD = re.compile(r"\s*(?:;|/)\s*")  # always a new lead
# Slashes that do not separate leads: between single letters ("N/A", "H/S") and in "and/or" (a join).
_KEEP_SLASH = re.compile(r"(?<![^\W\d_])([^\W\d_])\s*/\s*([^\W\d_])(?![^\W\d_])|\b(and)/(or)\b", re.I)
_SLASH_MARK = "\x00"
# Soft delimiters, by kind: each kind says what both sides must be for the cut to be made.
_SOFT = re.compile(
    r"(?P<comma>\s*,\s*)"
    r"|(?P<join>\s*[&+]\s*|\s+and\x00or\s+|\s+and\s+)"
    r"|(?P<with>\s+(?:with\s+support\s+from|supported\s+by|assisted\s+by|with)\s+)",
    re.I,
)
_PAREN = re.compile(r"\([^)]*\)")
_EDGE_PUNCT = " .:-–—,*"
# Job nouns: a capitalised phrase containing one is a whole role ("Head of HR", "Chief Nurse").
_ROLE_NOUNS = frozenset(
    {"chief", "head", "director", "manager", "officer", "lead", "leader", "nurse", "executive", "deputy"}
    | {"coordinator", "co-ordinator", "adviser", "advisor", "chair", "secretary", "clerk", "administrator"}
    | {"analyst", "consultant", "trustee", "representative", "supervisor", "specialist", "champion"}
    | {"governor", "owner", "sponsor", "assistant", "president"}
)
# A phrase ending in one of these names a whole team ("Estates team", "Customer Services").
_TEAM_END = re.compile(
    r"\b(team|teams|unit|group|department|dept|directorate|division|services?|board|panel|committee|forum|"
    r"network|office|section|partnership|working party|staff|managers|officers)$",
    re.I,
)
_HONORIFICS = frozenset({"dr", "mr", "mrs", "ms", "miss", "mx", "prof", "cllr", "sir", "dame", "rev"})
_PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "di", "du", "del", "la", "le", "bin", "ibn"})
# What a lead cell prints when there is no lead yet: no lead, rather than a person called "TBC".
_NO_LEAD = frozenset({"tbc", "tba", "tbd", "n/a", "na", "none", "nil", "-", "–", "—", "?", "to be confirmed"})


# --- looking codes and names up ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)  # hashed by identity: _plan hands out one per key and names
class _Plan:
    """What the plan tells us about leads: its key (by normalised code) and the names it uses."""

    codes: dict[str, str]  # norm_code(code) -> the key's code
    folded: dict[str, list[str]]  # casefolded normalised code -> the key's codes
    names: frozenset[str]  # casefolded names: known leads and the key's names
    segment: bool  # the caller gave known names: undelimited runs of words may be cut at them

    @staticmethod
    def of(key: dict[str, str], known: Iterable[str] | None) -> _Plan:
        """Built once per plan: every cell of a plan comes with the same key and names."""
        return _plan(frozenset(key.items()), frozenset(known or ()))

    def code(self, text: str) -> str | None:
        """The key's code for a printed code ('P.K.', 'Pk' when unambiguous), or None."""
        normal = norm_code(text)
        if normal in self.codes:
            return self.codes[normal]
        matches = self.folded.get(normal.casefold(), [])
        if len(matches) == 1 and re.fullmatch(r"[^\W\d_]{2,6}", normal):
            return matches[0]
        return None

    def certain(self, text: str) -> bool:
        """A lead beyond doubt: a code, a key entry, a known name, or a run of codes ('RK AP')."""
        words = text.split()
        if not words:
            return False
        if _fold(text) in self.names or is_code(text) or self.code(text) is not None:
            return True
        return all(is_code(w) or self.code(w) is not None for w in words)


@lru_cache(maxsize=64)
def _plan(key: frozenset[tuple[str, str]], known: frozenset[str]) -> _Plan:
    codes = {norm_code(k): k for k, _ in key}
    folded: dict[str, list[str]] = {}
    for normal, code in codes.items():
        folded.setdefault(normal.casefold(), []).append(code)
    names = {_fold(n) for n in known} | {_fold(key_name(v)) for _, v in key}
    return _Plan(codes, folded, frozenset(names), segment=bool(known))


@lru_cache(maxsize=16384)
def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()


def _person(text: str) -> bool:
    """'Jo Baker', 'Dr Amira Patel', 'Mary van der Berg': two to four capitalised words, no job title."""
    words = text.split()
    if words and words[0].strip(".").casefold() in _HONORIFICS:
        words = words[1:]
    if not 2 <= len(words) <= 4 or is_team(text):
        return False
    for n, word in enumerate(words):
        if word.casefold() in POST_WORDS:
            return False
        if 0 < n < len(words) - 1 and word.casefold() in _PARTICLES:
            continue
        if not (word[:1].isupper() and re.fullmatch(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", word)):
            return False
    return not all(is_code(w) for w in words)


def _role_or_team(text: str) -> bool:
    """A whole role or team as printed ('Director of People', 'Chief Nurse', 'HR team', 'Customer
    Services'): capitalised words (joining and team words aside), at most six, naming a job or ending in
    a team word."""
    words = text.split()
    if not 1 <= len(words) <= 6 or not words[0][:1].isupper():
        return False
    if not all(w[:1].isupper() or w.casefold() in JOINERS or TEAM_WORDS.fullmatch(w) for w in words):
        return False
    return bool(_TEAM_END.search(text)) or any(w.casefold() in _ROLE_NOUNS for w in words)


# --- cutting a cell ---------------------------------------------------------------------------------------


def split_lead_cell(
    cell: str, key: dict[str, str] | None = None, known: Iterable[str] | None = None
) -> list[str]:
    """A lead cell cut into the leads it names, as printed (see the module docstring for where it cuts)."""
    return list(_split(cell, _Plan.of(key or {}, known)))


@lru_cache(maxsize=8192)
def _split(cell: str, plan: _Plan) -> tuple[str, ...]:
    """Cached: the same few cells repeat down a plan ("HR", "AP & TD")."""
    pieces: list[str] = []
    for chunk in _chunks(cell):
        for piece in _soft_split(chunk, plan):
            pieces.extend(_words_or_names(piece.replace(_SLASH_MARK, "/"), plan))
    return tuple(p for p in pieces if p.casefold() not in _NO_LEAD)


def _chunks(cell: str) -> list[str]:
    """Paragraphs, then the always-delimiters, with item markers and parenthesised asides dropped."""
    text = unicodedata.normalize("NFKC", cell).replace(_SLASH_MARK, " ")
    chunks: list[str] = []
    for paragraph in paragraphs(text):
        flat = _KEEP_SLASH.sub(_keep_slash, _MARKER.sub(" ", unbullet(paragraph)))
        for raw in _HARD.split(flat):
            chunk = _clean(raw)
            if chunk:
                chunks.append(chunk)
    return chunks


def _keep_slash(match: re.Match[str]) -> str:
    left, right = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    return f"{left}{_SLASH_MARK}{right}"


def _clean(raw: str) -> str:
    text = raw.strip()
    if re.fullmatch(r"\([^()]*\)", text):
        text = text[1:-1]  # "(PK)": the whole lead in brackets
    text = _PAREN.sub(" ", text)
    return " ".join(text.split()).strip(_EDGE_PUNCT)


_MAX_PARTS = 8  # a lead that is cut from its neighbours never spans more delimiters than this


def _soft_split(chunk: str, plan: _Plan) -> list[str]:
    """Cut a chunk at commas, "&"/"and" and "with" only where both sides pass that delimiter's test.

    A group of parts is a lead if it passes the test of the cut on each side of it (the cut's kind fixes
    the test, so groups are independent); of the partitions whose groups all pass, the one with the most
    leads wins. Dynamic programming from the end: a cell has a handful of parts, and a lead cut from its
    neighbours spans at most _MAX_PARTS of them."""
    parts, delims = _tokens(chunk)
    n = len(parts)
    if n == 1:
        return parts

    def text(i: int, j: int) -> str:
        return " ".join(
            "".join(p + (delims[k][1] if k < j - 1 else "") for k, p in enumerate(parts[i:j], i)).split()
        )

    def passes(i: int, j: int) -> bool:
        group = text(i, j)
        left = i == 0 or _TESTS[delims[i - 1][0]](group, plan)
        return left and (j == n or _TESTS[delims[j - 1][0]](group, plan))

    # best[i]: the best way to cut parts[i:] as ((leads, -cuts at a list's closing "and"), end of its first
    # lead). Cutting at a real comma is preferred to cutting at the "and": in "Head of HR, Equality and
    # Diversity Team" the team keeps its "and".
    best: dict[int, tuple[tuple[int, int], int]] = {n: ((0, 0), n)}
    for i in range(n - 1, -1, -1):
        ends = {*range(i + 1, min(n, i + _MAX_PARTS) + 1), *([n] if i == 0 else [])}
        options = []
        for j in ends:
            if j in best and passes(i, j):
                (leads, penalty), _ = best[j]
                cost = 1 if j < n and delims[j - 1][0] == "list" else 0
                options.append(((leads + 1, penalty - cost), j))
        if options:
            best[i] = max(options)
    out, i = [], 0
    while i < n:
        j = best[i][1]
        out.append(text(i, j))
        i = j
    return [p for p in out if p]


def _tokens(chunk: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The chunk's parts and, between each two, the delimiter's kind and text; empty parts (left by
    dropped item markers: ", & KH") are merged away, keeping the stricter delimiter."""
    parts: list[str] = []
    kinds: list[tuple[str, str]] = []
    last = 0
    for match in _SOFT.finditer(chunk):
        parts.append(chunk[last : match.start()].strip(_EDGE_PUNCT))
        kinds.append((match.lastgroup or "join", match.group(0)))
        last = match.end()
    parts.append(chunk[last:].strip(_EDGE_PUNCT))
    while "" in parts and len(parts) > 1:
        i = parts.index("")
        if i == 0:
            del parts[0], kinds[0]
        elif i == len(parts) - 1:
            del parts[-1], kinds[-1]
        else:
            stricter = min(kinds[i - 1], kinds[i], key=lambda k: _STRICTNESS[k[0]])
            del parts[i], kinds[i]
            kinds[i - 1] = stricter
    return parts, _list_end(kinds)


def _list_end(kinds: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """'Jo Baker, Sam Ortiz and Lee Chan': an "and" closing a comma list is the list's last comma (and
    is tested like one: "Head of HR, Finance and Estates" still stays whole)."""
    if len(kinds) >= 2 and kinds[-1][0] == "join" and all(k == "comma" for k, _ in kinds[:-1]):
        return [*kinds[:-1], ("list", kinds[-1][1])]
    return kinds


def _join_ok(text: str, plan: _Plan) -> bool:
    return plan.certain(text)


def _listed_ok(text: str, plan: _Plan) -> bool:
    """Either side of a comma or "with": a certain lead, a person's name, or a whole role or team ("Head
    of HR", "Estates team"); not a fragment of one ("Finance and Estates" in "Head of HR, Finance and
    Estates")."""
    return plan.certain(text) or _person(text) or _role_or_team(text)


_TESTS: dict[str, Callable[[str, _Plan], bool]] = {
    "join": _join_ok,
    "comma": _listed_ok,
    "list": _listed_ok,  # the "and" closing a comma list
    "with": _listed_ok,
}
_STRICTNESS = {"join": 0, "comma": 1, "list": 1, "with": 2}


def _words_or_names(piece: str, plan: _Plan) -> list[str]:
    """'MG MG MG' and 'AP TD' are one code per word; four or more words may be several known names."""
    words = piece.split()
    if len(words) > 1 and all(is_code(w) or plan.code(w) is not None for w in words):
        return words
    if len(words) >= 4 and plan.segment:
        return _segment(words, plan.names)
    return [piece]


def _segment(words: list[str], folded: frozenset[str]) -> list[str]:
    """Cut 'Jo Baker Sam Ortiz Lee Chan' into known names; keep it whole if any part is unknown."""
    out: list[str] = []
    i = 0
    while i < len(words):
        for j in range(len(words), i, -1):
            candidate = " ".join(words[i:j])
            if _fold(candidate) in folded:
                out.append(candidate)
                i = j
                break
        else:
            return [" ".join(words)]
    return out


# --- leads ------------------------------------------------------------------------------------------------


def parse_leads(cell: str, key: dict[str, str], known: set[str] | None = None) -> list[LeadDraft]:
    """Every lead in a cell, in printed order, without repeats."""
    plan = _Plan.of(key, known)
    leads: list[LeadDraft] = []
    seen: set[str] = set()
    for piece in _split(cell, plan):
        lead = _lead(piece, key, plan)
        marker = (lead.code or lead.name or "").casefold()
        if marker and marker not in seen:
            seen.add(marker)
            leads.append(lead)
    return leads


def _lead(piece: str, key: dict[str, str], plan: _Plan) -> LeadDraft:
    code = plan.code(piece)
    if code is not None:
        name = key[code]
        return LeadDraft(name=name, code=code, is_team=is_team(name) or norm_code(code) in TEAM_ACRONYMS)
    if is_code(piece):
        normal = norm_code(piece)
        return LeadDraft(name=None, code=normal, is_team=normal.upper() in TEAM_ACRONYMS)
    return LeadDraft(name=piece, code=None, is_team=is_team(piece))
