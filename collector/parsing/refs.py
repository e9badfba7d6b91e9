"""Ref-looking numbers in a reply ("1.1", "[1.1]", "Action 2.3 a)", "2.4/2.5", "item 3") and the asked refs
they name.

Two steps kept apart: `find_groups` is lexical (where does something shaped like a ref, or a run of them,
sit in the text?), `RefIndex.lookup` says which asked actions a written ref means. Whether a group *starts*
an answer or is only mentioned in passing is decided in starters.py, from the words around it.
A ref is a string, never a number: "3.10" is not "3.1".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from collector.replies import AskedAction
from store.importers.refs import ref_key
from store.importers.targets import find_dates

_NUM = r"\d{1,3}(?:\.\d{1,3}){0,3}"
# A sub-item letter: "2.3a", "2.3(a)", "2.3 (a)", "2.3 a)"; roman "ii)" only in brackets.
_SUB = r"(?:\s?\((?:[a-h]|[ivx]{1,4})\)|\s(?:[a-h]|[ivx]{1,4})\)|[a-h](?![a-z0-9]))"
_KEYWORD = r"(?:actions?|items?|refs?\b\.?|no\.|\#)"
# Not after a letter, digit, dot, currency, slash or @ ("v1.1", "£1.5m", "10.1.2026"'s tail, "a@1.1");
# not before more digits or letters, a percent sign or a time's colon ("3.5%", "10:30").
_FIRST = re.compile(
    rf"(?<![\w.£$€¥#/@\\-])(?P<kw>{_KEYWORD}\s?[:#]?\s?)?(?P<open>[\[(]\s?)?(?P<num>{_NUM})(?P<sub>{_SUB})?"
    rf"(?P<close>\s?[\])])?(?![\w%]|\.\d|:\d|,\d\d\d)",
    re.I,
)
# One more ref in a run: "/2.5", " & 2.5", ", 2.6 and 2.7", "-1.3" (a range), " and b)" (a sibling letter).
_CONT = re.compile(
    rf"\s?(?P<sep>/|&|\+|,|\band\b|\bor\b|-|–|\bto\b)\s?(?:{_KEYWORD}\s?)?[\[(]?\s?"
    rf"(?:(?P<num>{_NUM})(?P<sub>{_SUB})?|(?P<letter>[a-h]|[ivx]{{1,4}})\))\s?[\])]?(?![\w%]|\.\d|:\d)",
    re.I,
)
# A number followed by a unit is a quantity, not a ref: "1.5 FTE", "2.5 million", "1.1 days".
_UNIT = re.compile(
    r"\s?(?:%|per\s?cent|percent|m\b|k\b|bn\b|million|billion|thousand|fte|wte|hrs?\b|hours?|days?|weeks?|"
    r"months?|years?|yrs?|mins?\b|minutes?|am\b|pm\b|a\.m|p\.m|x\b|times|staff|people|posts?|pts\b|points|"
    r"miles|km\b|kg\b|mb\b|gb\b|out of|of\s+\d)",
    re.I,
)
# A number after one of these words is a version, a paragraph or a standard, never an action.
_NOT_A_REF_BEFORE = re.compile(
    r"\b(?:version|ver|v|release|para|paragraph|section|page|pp?|clause|appendix|annex|figure|fig|table|"
    r"chapter|step|stage|phase|level|grade|band|room|floor|tier|article|regulation|standard|iso|wcag|"
    r"windows|ios|android|python|option|question)\.?\s?$",
    re.I,
)
_RANGE_SEPS = {"-", "–", "to"}
MAX_RUN = 30  # refs in one run ("2.4/2.5/2.6"): more is not a list of actions, and must not cost time


def norm_ref(ref: str) -> str:
    """The comparable form of a ref: "1.1." == "1.1", "2.3 a)" == "2.3a" == "2.3(a)", "Action 3" == "3"."""
    key = re.sub(r"[\s()\[\]]", "", ref.lower())
    key = re.sub(r"^(?:actions?|items?|refs?|no\.?|#)[:.#]?", "", key).rstrip(".:;,-–")
    return re.sub(r"(?<=\d)\.(?=[a-z])", "", key)


@dataclass(frozen=True)
class RefGroup:
    """One written ref or run of refs ("2.4/2.5", "1.1-1.3"), as found in the text."""

    start: int
    end: int
    written: tuple[str, ...]  # each ref as written, e.g. ("2.3 a)", "b)")
    keys: tuple[str, ...]  # normalised, letters inheriting their number: ("2.3a", "2.3b")
    ranges: tuple[int, ...]  # indexes i where keys[i-1]..keys[i] is a range ("1.1-1.3")
    keyword: bool  # "Action 1.1", "item 3", "Ref 2.4"
    bracketed: bool  # "[1.1]", "(1.1)", "1.1)"
    square: bool = False  # "[1.1]": the prompt's own form, a label wherever it stands

    @property
    def dotted(self) -> bool:
        return "." in self.keys[0]


class RefIndex:
    """The asked refs, looked up by their normalised form."""

    def __init__(self, asked: Sequence[AskedAction]) -> None:
        self.refs: list[str] = list(dict.fromkeys(a.ref for a in asked))
        self.by_norm: dict[str, str] = {}
        for ref in self.refs:
            self.by_norm.setdefault(norm_ref(ref), ref)
        self.texts: dict[str, str] = {}
        for action in asked:
            self.texts.setdefault(action.ref, action.text)

    def lookup(self, key: str) -> tuple[list[str], str]:
        """(asked refs, how): how is "exact", "parent" (2.3 for 2.3a/2.3b), "child" (1.1a for 1.1) or
        "unknown" (no asked ref: the list is empty)."""
        if key in self.by_norm:
            return [self.by_norm[key]], "exact"
        children = [ref for n, ref in self.by_norm.items() if n.startswith(key) and n[len(key) :].isalpha()]
        if children:
            return children, "parent"
        child = re.fullmatch(r"(.*\d)([a-z]+)", key)
        if child and child[1] in self.by_norm:
            return [self.by_norm[child[1]]], "child"
        return [], "unknown"

    def between(self, first: str, last: str) -> list[str]:
        """Asked refs from `first` to `last` inclusive in plan order ("1.1-1.3"); [] if not a sane range."""
        lo, hi = ref_key(first), ref_key(last)
        if not (lo < hi and first.rsplit(".", 1)[0] == last.rsplit(".", 1)[0]):
            return []
        return [ref for n, ref in self.by_norm.items() if lo <= ref_key(n) <= hi]


def find_groups(text: str) -> list[RefGroup]:
    """Every ref-shaped number or run of them, in order, skipping dates, quantities and versions."""
    dates = [(s, e) for s, e, _ in find_dates(text)] if any(c.isdigit() for c in text) else []
    groups: list[RefGroup] = []
    resume = 0
    for match in _FIRST.finditer(text):
        if match.start() < resume:
            continue
        group = _read_group(text, match)
        if group is None or any(s < group.end and group.start < e for s, e in dates):
            continue
        groups.append(group)
        resume = group.end
    return groups


def _read_group(text: str, match: re.Match[str]) -> RefGroup | None:
    num, sub = match["num"], match["sub"] or ""
    keyword, bracketed = bool(match["kw"]), bool(match["open"] or match["close"])
    if "." not in num and not (keyword or bracketed or re.match(r"\s?(?:[.):]|[-–]\s)", text[match.end() :])):
        return None  # a bare "3" is a ref only as "item 3", "(3)", "3." or "3 -"
    if _UNIT.match(text, match.end()) or _NOT_A_REF_BEFORE.search(
        text, max(0, match.start() - 12), match.start()
    ):
        return None
    written, keys, ranges = [_as_written(text, match)], [norm_ref(num + sub)], []
    end = match.end()
    while len(keys) < MAX_RUN and (cont := _CONT.match(text, end)):
        if cont["letter"]:
            base = re.sub(r"[a-z]+$", "", keys[-1])
            if not (sub or "." in base):
                break
            key = base + cont["letter"].lower()
        else:
            key = norm_ref(cont["num"] + (cont["sub"] or ""))
            if ("." in key) != ("." in keys[0]) or _UNIT.match(text, cont.end()):
                break  # "1.1 - 2 weeks late": the 2 is not a ref
        if cont["sep"].lower() in _RANGE_SEPS:
            ranges.append(len(keys))
        written.append(_as_written(text, cont) if cont["num"] else cont["letter"] + ")")
        keys.append(key)
        end = cont.end()
    square = (match["open"] or "").startswith("[")
    return RefGroup(
        match.start(), end, tuple(written), tuple(keys), tuple(ranges), keyword, bracketed, square
    )


def _as_written(text: str, match: re.Match[str]) -> str:
    """The ref itself as the person wrote it ("2.3 a)"), without keyword or brackets around it."""
    end = match.end("sub") if match["sub"] else match.end("num")
    return text[match.start("num") : end].strip()
