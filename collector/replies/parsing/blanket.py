"""Blanket answers: one status for every action a reply does not answer on its own.

"No change since last time", "all on track", "everything is on target", "as before": the whole reply, with
no refs, answers every asked action. "1.3 slipped to June; everything else on track" answers the rest.
A blanket needs a word that covers all ("all", "everything", "both", "the rest") unless the status itself
is "no change", which is about everything by nature; "all on track except the survey" is not a blanket.
Counts and possessives are part of the cover ("all three of mine are on track", "both of my actions are
complete", "my two actions: no change"); a count that is not the number of actions asked is noted, so a
person checks which actions the lead meant.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from collector.core.vocabulary import Status

from .phrases import phrase_list, words
from .status import Signal, signals
from .tokens import Token, match_phrases, tokenize

NUMBERS: dict[str, int] = {
    w: n for n, w in enumerate(words("one two three four five six seven eight nine ten"), 1)
}
NUMBERS["both"] = 2
_ALL = phrase_list(
    "all | everything | both | every action | each action | across the board | the lot | all of them | "
    "my actions | our actions | my items | all of mine | both of mine | each of my actions | each of them | "
    "every one of them | each one | " + " | ".join(f"my {n} actions | our {n} actions" for n in NUMBERS)
)
_REST = phrase_list(
    "everything else | all else | the rest | all the rest | the others | all others | all the others | "
    "all other actions | other actions | the other actions | the other | remaining actions | "
    "the remaining actions | the remainder | anything else | all remaining | others"
)
QUANTIFIERS: dict[tuple[str, ...], str] = {tuple(p.split()): "all" for p in _ALL} | {
    tuple(p.split()): "rest" for p in _REST
}
EXCEPTIONS = re.compile(
    r"\b(?:except|apart from|other than|but|however|although|though|excluding|bar|save for)\b", re.I
)
_CLAUSE = re.compile(r"[^.;!?\n]*")
# Words that may sit between "all" and its status: "all of my actions are still on track", "no change to all".
BETWEEN = frozenset(
    words(
        "is are remain remains still currently now of them these those my our the actions action items "
        "item both all being were was seem seems appear appears to for on across with in two three four "
        "five six seven eight nine ten mine ours own"
    )
)


@dataclass(frozen=True)
class Blanket:
    status: Status
    start: int  # the clause that says it, so it can be taken out of an answer's words
    end: int
    hedged: bool  # "all should be complete by June": implied or hedged
    count: int | None = None  # "all three of mine": how many actions the person says it covers


def blanket(text: str, *, rest_only: bool = False, allow_exceptions: bool = False) -> Blanket | None:
    """The blanket status `text` gives, if it gives one to all (or, with rest_only, to "the rest")."""
    if allow_exceptions and (exception := EXCEPTIONS.search(text)):
        text = text[: exception.start()]  # "All complete except for 1.3": the exception has its own answer
    tokens = tokenize(text)
    found = [s for s in signals(text) if s.status is not None]
    if not found:
        return None
    for i, j, kind in match_phrases(tokens, QUANTIFIERS):
        signal = _beside(tokens, i, j, found) if kind == "rest" or not rest_only else None
        if signal is None:
            continue
        start, end = _clause_of(text, min(tokens[i].start, signal.start))
        if not allow_exceptions and EXCEPTIONS.search(text, start, end):
            continue
        count = _count(tokens, i, j, signal)
        return Blanket(signal.status, start, end, signal.certainty != "direct", count)  # type: ignore[arg-type]
    if rest_only or {s.status for s in found} != {Status.NO_CHANGE}:
        return None
    if not allow_exceptions and EXCEPTIONS.search(text):
        return None
    return Blanket(Status.NO_CHANGE, *_clause_of(text, found[0].start), found[0].certainty != "direct")


def aside(text: str) -> tuple[int, int] | None:
    """A sentence about the other actions that gives them no status ("The others I need to check with Karen"):
    not this action's progress. Its span, or None."""
    tokens = tokenize(text)
    for i, _j, kind in match_phrases(tokens, QUANTIFIERS):
        # A sentence of its own: "the rest" after a semicolon continues this action's sentence ("live on
        # 14 of our 20 forms; the rest follow in January"), so it stays in this action's words.
        start, end = _clause_of(text, tokens[i].start, stops=".!?\n")
        if kind == "rest" and not text[start : tokens[i].start].strip() and not signals(text[start:end]):
            return start, end
    return None


def _count(tokens: Sequence[Token], i: int, j: int, signal: Signal) -> int | None:
    """The number said with the quantifier tokens[i:j] ("all three", "both", "all 3"), if any."""
    lo, hi = min(tokens[i].start, signal.start), max(tokens[j - 1].end, signal.end)
    for token in tokens:
        if lo <= token.start < hi and (
            token.text in NUMBERS or (token.kind == "num" and token.text.isdigit())
        ):
            return NUMBERS.get(token.text) or int(token.text)
    return None


def _beside(tokens: Sequence[Token], i: int, j: int, found: list[Signal]) -> Signal | None:
    """The status said of the quantifier tokens[i:j]: right after it, right before it, or around it."""
    around = next((s for s in found if s.start <= tokens[i].start < s.end), None)
    if around:
        return around  # "all done"
    starts = {s.start: s for s in found}
    ends = {s.end: s for s in found}
    for k in range(j, min(len(tokens), j + 6)):  # "everything is on target"
        if tokens[k].start in starts:
            return starts[tokens[k].start]
        if not _between(tokens[k]):
            break
    for k in range(i - 1, max(-1, i - 5), -1):  # "no change to all"
        if tokens[k].end in ends:
            return ends[tokens[k].end]
        if not _between(tokens[k]):
            break
    return None


def _between(token: Token) -> bool:
    """May this word stand between "all" and its status? A small count may too: "all 3 are on track"."""
    if token.kind == "num":
        return token.text.isdigit() and len(token.text) <= 2
    return token.kind == "word" and token.text in BETWEEN


def _clause_of(text: str, pos: int, stops: str = ".;!?\n") -> tuple[int, int]:
    start = max(text.rfind(c, 0, pos) for c in stops) + 1
    match = _CLAUSE.match(text, pos)
    end = match.end() if match else pos
    return start, min(len(text), end + 1)
