"""The status an answer gives, read with its negations and hedges: "not yet complete" is not completed.

Reading is two steps. `signals` finds every status phrase (phrases.py) and what bends it: a modifier read
backwards through filler words ("has not yet been completed", "should be finished", "no longer on track")
or a qualifier after it ("complete apart from sign-off", "delivered two sessions"). `resolve` then picks
one: the "Status:" line if filled in, else a status labelled or asked for anywhere in the words ("... RAG:
amber", "please mark it as at risk"), else a label opening the answer ("done - signed off in Feb"), else
the most telling status anywhere in the words; other statuses that disagree make it less certain. A label
or instruction is the person's own verdict, so verbs elsewhere ("we completed the survey") never overrule
it or make it doubtful. "No change" opening the answer stands unless the words after it restate the status
("no change - still behind"); a status met later in another sentence is incidental ("No change. The
report was completed in March as planned").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise

from collector.core.dates import MONTHS
from collector.core.vocabulary import Status, status_from_text

from .phrases import (
    AFTER_PARTIAL,
    ASIDE,
    DROPPED_BY,
    EFFECTS,
    FILLER,
    HISTORY,
    HISTORY_AFTER_LAST,
    LABEL_FILLER,
    MODIFIERS,
    PART_AFTER_THE,
    PLAIN,
    QUANTITY,
    SEVERITY,
    SUBORDINATE,
    TONE,
    phrase_table,
)
from .tokens import Token, match_phrases, tokenize

PHRASES = phrase_table()
_MODIFIER_PRIORITY = (
    "dependency", "unlikely", "no_longer", "negation", "progressive", "partial", "part", "hedge", "belief"
)  # fmt: skip


@dataclass(frozen=True)
class Signal:
    status: Status | None  # None only for "copy" ("as above")
    family: str
    certainty: str  # "direct", "hedged" or "implied"
    start: int  # span in the text, modifier included
    end: int
    label: bool  # opens the answer: only filler words before it
    mended: bool  # read through a typo
    modified: bool  # bent by a modifier ("not behind"): never cut from the words as a mere label
    words: str  # the words as written, for reasons ("not yet complete")


@dataclass(frozen=True)
class Reading:
    status: Status | None
    certainty: str = "none"  # "direct", "hedged", "implied" or "none"
    tier: str = "none"  # "field" (a Status: line), "label", "body" or "none"
    mended: bool = False
    conflict: str | None = None  # "contradicted" (a label or field the words disagree with) or "mixed"
    copy: bool = False  # "as above": take the previous answer's status
    signal: Signal | None = None
    other: Signal | None = None  # the disagreeing signal, for the reason


# Words just before a status that make it the person's stated verdict: "RAG: amber", "status is now at
# risk", "please mark this as complete", "can you record 1.1 as on track".
_EXPLICIT = re.compile(
    r"(?:\b(?:overall\s+|current\s+|rag\s+)?(?:status|rag|rating)(?:\s+(?:status|rating))?\s*"
    r"(?:(?:is|now|=|:|-|–|—|should\s+be|to\s+be|remains|has\s+(?:changed|moved|gone)\s+to|changed\s+to|"
    r"moved\s+to|of)\s*){0,3}"
    r"|\b(?:mark|record|show|put|set|log|rate|class|classify|list|flag|change|update|move|amend)\s+"
    r"(?:(?:it|this|this\s+one|these|them|the\s+action|the\s+status|its\s+status|this\s+action|the\s+rag|"
    r"(?:action\s+)?\d{1,3}(?:\.\d{1,3}){0,3}[a-h]?)\s+)?(?:down\s+)?(?:as|to)\s+(?:being\s+)?)$",
    re.I,
)
_CLAUSE_OPEN = re.compile(r"[.!?;\n][^.!?;\n]*$")
# What may stand between an opening "no change" and a status that restates it: "no change - still behind".
_RESTATES = re.compile(
    r"[\s,;:.\-–—]*(?:(?:and|but|so|it|it's|its|this|is|are|we|we're|remains?|still|currently|now|yes|all|"
    r"afraid|overall|status|rag)[\s,;:.\-–—]*){0,4}",
    re.I,
)
_STILL = re.compile(r"\b(?:still|remains?|remaining)\s+(?:(?:is|are|very|quite|a\s+bit)\s+)?$", re.I)


@lru_cache(maxsize=64)  # pure, and asked again for the same words by blanket.py and pieces.py
def signals(text: str) -> tuple[Signal, ...]:
    """Every status phrase in `text`, bent by its modifiers, in order."""
    tokens = tokenize(text)
    found: list[Signal] = []
    for first, end, family in match_phrases(tokens, PHRASES):
        if family == "ignore" or (family not in ("done", "same") and _historical(tokens, first, end)):
            continue
        modifier, mod_first = _modifier(tokens, first)
        if modifier == "part" and family not in ("done", "soon"):
            modifier, mod_first = None, first  # "phase 2 is on hold": the phase says nothing about a hold
        if modifier is None and family in ("done", "soon") and _partial_after(tokens, end):
            modifier = "partial"
        status, certainty = _effect(family, modifier)
        if status is None and family != "copy":
            continue
        begin = tokens[mod_first if modifier else first]
        label = all(
            t.kind != "word" or t.text in LABEL_FILLER for t in tokens[: mod_first if modifier else first]
        )
        mended = any(t.mended for t in tokens[first:end])
        span = (begin.start, tokens[end - 1].end)
        found.append(
            Signal(
                status, family, certainty, *span, label, mended, modifier is not None, text[span[0] : span[1]]
            )
        )
    return tuple(found)


def _effect(family: str, modifier: str | None) -> tuple[Status | None, str]:
    plain = PLAIN[family]
    if family in ("soon", "busy") and modifier is None:
        return plain, "implied"  # "completion in June", "drafting": not complete, and nobody said on track
    if family == "busy":
        return (None, "direct") if modifier in DROPPED_BY or modifier == "negation" else (plain, "implied")
    if modifier is None or family in ("copy", "ignore"):
        return plain, "direct"
    if modifier in DROPPED_BY:
        return None, "direct"
    if (family, modifier) in EFFECTS:
        return EFFECTS[(family, modifier)]
    if family == "soon":
        return Status.ON_TRACK, "implied"
    return plain, "hedged" if modifier in ("hedge", "partial", "unlikely", "belief") else "direct"


def _modifier(tokens: Sequence[Token], first: int) -> tuple[str | None, int]:
    """The strongest modifier before tokens[first] in its clause, and where it starts."""
    kinds: dict[str, int] = {}
    earliest = first
    j, skipped = first - 1, 0
    while j >= 0 and skipped <= 6 and len(kinds) < 3:
        token = tokens[j]
        if token.text == "," and (k := _aside_start(tokens, j)) is not None:
            j = k  # ", as yet," between the negation and its verb
            continue
        if token.kind in ("stop", "pause"):
            break
        hit = next(
            (
                n
                for n in (3, 2, 1)
                if j - n + 1 >= 0 and tuple(t.text for t in tokens[j - n + 1 : j + 1]) in MODIFIERS
            ),
            0,
        )
        if hit:
            kind = MODIFIERS[tuple(t.text for t in tokens[j - hit + 1 : j + 1])]
            kinds.setdefault(kind, j - hit + 1)
            earliest = j - hit + 1
            j -= hit
        elif token.kind == "num" and token.text.endswith("%") and token.text != "100%":
            kinds.setdefault("part", j)  # "50% complete"
            earliest = j
            j -= 1
        elif token.kind == "num" or token.text in FILLER:
            j, skipped = j - 1, skipped + 1
        else:
            break
    if not kinds:
        clause = _clause_before(tokens, first)
        if clause[:1] in (["if"], ["when"]) or set(clause) & SUBORDINATE:
            return "dependency", first  # "once the review is complete the policy goes to Cabinet"
        pairs = set(pairwise(clause))
        if pairs & {("not", "all"), ("not", "every"), ("not", "everyone"), ("none", "of")}:
            return "partial", first  # "not all teams have completed it"
    if "negation" in kinds and "hedge" in kinds:
        return "unlikely", earliest  # "will not be completed", "not expected to finish"
    for kind in _MODIFIER_PRIORITY:
        if kind in kinds:
            return kind, earliest
    return None, first


def _aside_start(tokens: Sequence[Token], j: int) -> int | None:
    """The token before a parenthesis ", as yet," that ends with the comma at tokens[j], or None."""
    k = j - 1
    while k >= 0 and tokens[k].kind == "word" and tokens[k].text in ASIDE:
        k -= 1
    return k - 1 if k < j - 1 and k >= 1 and tokens[k].text == "," else None


def _historical(tokens: Sequence[Token], first: int, end: int) -> bool:
    """Is the phrase's clause about the past ("was amber last time", "previously behind", "(was green)")?"""
    if first >= 2 and tokens[first - 1].text in ("was", "were") and tokens[first - 2].text == "(":
        return True
    lo, hi = first, end
    while lo > 0 and first - lo < 8 and tokens[lo - 1].kind not in ("stop", "pause"):
        lo -= 1
    while hi < len(tokens) and hi - end < 8 and tokens[hi].kind not in ("stop", "pause"):
        hi += 1
    clause = [t.text for t in tokens[lo:hi]]
    return bool(set(clause) & HISTORY) or any(
        a == "last" and b in HISTORY_AFTER_LAST for a, b in pairwise(clause)
    )


def _clause_before(tokens: Sequence[Token], first: int) -> list[str]:
    """The words of the phrase's clause before it (at most eight)."""
    words: list[str] = []
    for token in reversed(tokens[max(0, first - 8) : first]):
        if token.kind in ("stop", "pause"):
            break
        words.insert(0, token.text)
    return words


def _is_date(tokens: Sequence[Token], at: int) -> bool:
    """Is the number at tokens[at] a day or a year ("closed 3 March", "published 2026")?"""
    nxt = tokens[at + 1].text if at + 1 < len(tokens) else ""
    return nxt in MONTHS or len(tokens[at].text) == 4 or "/" in tokens[at].text or "." in tokens[at].text


def _partial_after(tokens: Sequence[Token], end: int) -> bool:
    """ "done bar one", "complete, apart from sign-off", "delivered two sessions": only part is done."""
    after = tokens[end] if end < len(tokens) else None
    if after and (after.text in QUANTITY or (after.kind == "num" and not _is_date(tokens, end))):
        return True
    if after and after.text == "the" and end + 1 < len(tokens) and tokens[end + 1].text in PART_AFTER_THE:
        return True
    pauses = 0
    for token in tokens[end : end + 4]:
        if token.kind == "stop" or (token.kind == "pause" and (pauses := pauses + 1) > 1):
            return False
        if token.text in AFTER_PARTIAL:
            return True
    return False


def resolve(body: Sequence[Signal], field: Sequence[Signal] | None = None, text: str = "") -> Reading:
    """One status for the answer, from its Status line's signals (if any) and its words' signals."""
    field = [s for s in field or [] if s.status is not None or s.family == "copy"]
    body = [s for s in body if s.status is not None or s.family == "copy"]
    verdicts = [s for s in body if s.status is not None and explicit(text, s)] if text else []
    if field:
        primary, tier = field[0], "field"
    elif verdicts:
        primary, tier = verdicts[-1], "label"  # the last word on it: "Status: green. Please mark it amber."
        if primary.words[:3].lower() in ("to ", "as "):  # "update the status to at risk": no hedge in it
            primary = replace(primary, certainty="direct", modified=False)
    elif body and body[0].label:
        primary, tier = body[0], "label"
        restated = [
            s for s in body[1:] if s.status not in (None, Status.NO_CHANGE) and _restates(text, body[0], s)
        ]
        if primary.status is Status.NO_CHANGE and restated:
            primary, tier = _most_telling(restated), "body"  # "no change - still on track": on track
        elif primary.certainty == "implied" and (said := [s for s in body[1:] if _says_more(s)]):
            primary, tier = _most_telling(said), "body"  # "drafting has started, on track": said outright
    elif body:
        primary, tier = _most_telling(body), "body"
    else:
        # The shared vocabulary's rule for "Not yet undertaken", "No audits yet": nothing has happened yet.
        if text.strip() and status_from_text(text) is Status.NOT_STARTED:
            return Reading(Status.NOT_STARTED, "direct", "label")
        return Reading(None)
    if primary.family == "copy":
        return Reading(None, "direct", tier, copy=True, signal=primary)
    # Only words said outright can contradict: "slipped, but expect to finish by May" is one story. A verdict
    # (a Status line, a label, an instruction) is contradicted only by another verdict.
    said = [*field[1:], *verdicts] if field or verdicts else body
    others = [s for s in said if s is not primary and s.status is not None and s.certainty == "direct"]
    other = next((s for s in others if _disagree(primary.status, s.status)), None)
    conflict = None if other is None else ("mixed" if tier == "body" else "contradicted")
    if conflict == "contradicted" and primary.status is Status.ON_TRACK and _tone(other) == "bad":
        # "progressing well but a bit behind": the caveat is the news, and the words are one story.
        primary, other = _most_telling([s for s in others if _tone(s) == "bad"]), primary
        conflict = "mixed"
    return Reading(primary.status, primary.certainty, tier, primary.mended, conflict, False, primary, other)


def _tone(signal: Signal | None) -> str | None:
    """Whether a signal is good or bad news, as the phrase table says (None: no signal, or no tone)."""
    return TONE.get(signal.status) if signal is not None and signal.status is not None else None


def explicit(text: str, signal: Signal) -> bool:
    """Is the status labelled ("RAG: amber") or asked for ("please mark it as complete") where it stands?"""
    window = text[max(0, signal.start - 80) : signal.start]
    opening = _CLAUSE_OPEN.search(window)
    clause = window[opening.start() + 1 :] if opening else window
    return bool(_EXPLICIT.search(clause))


def _restates(text: str, opening: Signal, later: Signal) -> bool:
    """Does `later` restate the status after an opening "no change" ("no change, still behind"), rather
    than tell of something in passing ("No change. The report was completed in March")?"""
    if not text or later.start < opening.end:
        return True
    between = text[opening.end : later.start]
    if re.search(
        r"[.!?;\n]", between
    ):  # another sentence: only "still ..." restates ("No change. Still behind.")
        return bool(_STILL.search(between))
    return bool(_RESTATES.fullmatch(between) or _STILL.search(between))


def _says_more(signal: Signal) -> bool:
    """A status said outright that outranks an implied label; a completion is only ever of a part
    ("partially complete - two sites are live")."""
    return signal.certainty == "direct" and signal.status not in (None, Status.COMPLETED, Status.NO_CHANGE)


def _most_telling(signals: Sequence[Signal]) -> Signal:
    concrete = [s for s in signals if s.status is not None] or signals
    concrete = [s for s in concrete if s.family != "fine"] or concrete  # "went live, all good": completed
    certainty = ("direct", "hedged", "implied")
    return min(
        concrete,
        key=lambda s: (
            SEVERITY.index(s.status) if s.status in SEVERITY else len(SEVERITY),
            certainty.index(s.certainty) if s.certainty in certainty else len(certainty),
        ),
    )


def _disagree(a: Status | None, b: Status | None) -> bool:
    """Can both be true of one action? "Not started, on track to begin in May" can; "done but slipped" not."""
    ta, tb = TONE.get(a) if a else None, TONE.get(b) if b else None
    if ta is None or tb is None or ta == tb:
        return False
    return {ta, tb} not in ({"idle", "good"}, {"idle", "bad"}) or {a, b} == {
        Status.NOT_STARTED,
        Status.COMPLETED,
    }
