"""Ref-looking numbers in a reply ("1.1", "[1.1]", "Action 2.3 a)", "2.4/2.5", "item 3") and the asked refs
they name.

Two steps kept apart: `find_groups` is lexical (where does something shaped like a ref, or a run of them,
sit in the text?), `RefIndex.lookup` says which asked actions a written ref means. Whether a group *starts*
an answer or is only mentioned in passing is decided in starters.py, from the words around it.
A ref is a string, never a number: "3.10" is not "3.1".

Forms the importer gives refs, and how a lead may write them back:
  duplicates  a ref printed twice is stored "2.2" and "2.2 (2)": normal forms "2.2" and "2.2#2"; a lead's
              "2.2 (2)" means the second; "2.2" means whichever of them was asked, and nothing (review)
              when both were, since it cannot say which
  synthetic   a plan without refs is numbered "#1", "#1.2", "#1.2 a)": "1.2", "#1.2" and "action 1.2" all
              mean "#1.2" (the "#" is dropped from the normal form)
  codes       "P1", "A-01", "IA24-07", "HR/03" and roman "iv" are found only where they were asked
              (`RefIndex.find_asked`), so "Q3", "V2" or "COVID-19" in a reply are never taken for refs
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from collector.core.dates import find_dates
from collector.core.refs import ROMAN_NUMERAL, ref_key
from collector.replies.types import AskedAction

_NUM = r"\d{1,3}(?:\.\d{1,3}){0,3}"
# A sub-item letter: "2.3a", "2.3(a)", "2.3 (a)", "2.3 a)"; roman "ii)" only in brackets.
_SUB = r"(?:\s?\((?:[a-h]|[ivx]{1,4})\)|\s(?:[a-h]|[ivx]{1,4})\)|[a-h](?![a-z0-9]))"
# The importer's mark on a ref printed twice: "2.2 (2)". Read as part of the ref only if asked as such.
_DUP = r"\s?\([2-9]\)"
_KEYWORD = r"(?:actions?|items?|refs?\b\.?|no\.|\#)"
# Not after a letter, digit, dot, currency, slash or @ ("v1.1", "£1.5m", "10.1.2026"'s tail, "a@1.1");
# not before more digits or letters, a percent sign or a time's colon ("3.5%", "10:30").
_FIRST = re.compile(
    rf"(?<![\w.£$€¥#/@\\-])(?P<kw>{_KEYWORD}\s?[:#]?\s?)?(?P<open>[\[(]\s?)?(?P<num>{_NUM})(?P<sub>{_SUB})?"
    rf"(?P<dup>{_DUP})?(?P<close>\s?[\])])?(?![\w%]|\.\d|:\d|,\d\d\d)",
    re.I,
)
# One more ref in a run: "/2.5", " & 2.5", ", 2.6 and 2.7", "-1.3" (a range), " and b)" (a sibling letter).
_CONT = re.compile(
    rf"\s?(?P<sep>/|&|\+|,|\band\b|\bor\b|-|–|\bto\b)\s?(?:{_KEYWORD}\s?)?[\[(]?\s?"
    rf"(?:(?P<num>{_NUM})(?P<sub>{_SUB})?(?P<dup>{_DUP})?|(?P<letter>[a-h]|[ivx]{{1,4}})\))\s?[\])]?"
    rf"(?![\w%]|\.\d|:\d)",
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
    """The comparable form of a ref: "1.1." == "1.1", "2.3 a)" == "2.3a" == "2.3(a)", "Action 3" == "3",
    "#1.2" == "1.2", "A-01" == "A01" == "a1"; a duplicate's mark stays apart: "2.2 (2)" -> "2.2#2"."""
    dup = _DUP_MARK.search(ref)
    if dup and ref[: dup.start()].strip(" #"):
        return f"{norm_ref(ref[: dup.start()])}#{dup[1] or dup[2]}"
    key = re.sub(r"[\s()\[\]]", "", ref.lower())
    key = re.sub(r"^(?:actions?|items?|refs?|no\.?|#)[:.#]?", "", key).rstrip(".:;,-–")
    key = re.sub(r"(?<=\d)\.(?=[a-z])", "", key)
    code = _CODE_KEY.fullmatch(key)
    if code:  # "a-01", "a01", "a1": one code however the lead spaces or pads it
        return code["prefix"] + re.sub(r"(?<!\d)0+(?=\d)", "", code["rest"])
    return key


def resolve_typed_ref(typed: str, refs: Sequence[str]) -> list[str]:
    """The refs a coordinator's typed ref names (`update add --action`): the ref as printed if there is one,
    else the refs with its normal form ("2.3a" for "2.3 a)", "1.2" for "#1.2", "Action 4" for "4"), else
    those it is the base of ("2.2" for "2.2 (2)"). More than one: the caller must ask which."""
    typed = " ".join(typed.split())
    if typed in refs:
        return [typed]
    key = norm_ref(typed)
    same = [ref for ref in refs if norm_ref(ref) == key]
    return same or [ref for ref in refs if dup_base(norm_ref(ref)) == key]


def dup_base(key: str) -> str:
    """A normal form without its duplicate mark: "2.2#2" -> "2.2"; any other key as it is."""
    return key.split("#", 1)[0]


_DUP_MARK = re.compile(r"(?:\s*\(\s*(\d{1,2})\s*\)|#(\d{1,2}))\s*$")
_CODE_KEY = re.compile(r"(?P<prefix>[a-z]{1,4})[-/]?(?P<rest>\d.*)")


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
    """The asked refs, looked up by their normalised form, and found in a reply where only their being asked
    makes a token a ref ("P1", "A-01", "iv")."""

    def __init__(self, asked: Sequence[AskedAction]) -> None:
        self.refs: list[str] = list(dict.fromkeys(a.ref for a in asked))
        self.by_norm: dict[str, str] = {}
        for ref in self.refs:
            self.by_norm.setdefault(norm_ref(ref), ref)
        self.by_base: dict[str, list[str]] = {}  # "2.2" -> ["2.2", "2.2 (2)"]: a ref printed twice
        for key, ref in self.by_norm.items():
            self.by_base.setdefault(dup_base(key), []).append(ref)
        self.texts: dict[str, str] = {}
        self.targets: dict[str, date | None] = {}  # each action's current target, where the caller knows it
        for action in asked:
            self.texts.setdefault(action.ref, action.text)
            self.targets.setdefault(action.ref, action.target)
        self._asked = _asked_patterns([k for k in self.by_norm if not k[:1].isdigit()])

    def lookup(self, key: str) -> tuple[list[str], str]:
        """(asked refs, how): how is "exact", "parent" (2.3 for 2.3a/2.3b), "child" (1.1a for 1.1) or
        "unknown" (no asked ref, or several that the written ref cannot tell apart: the list is empty)."""
        base = dup_base(key)
        if base != key:
            if key in self.by_norm:
                return [self.by_norm[key]], "exact"
            if any(dup_base(n) == base != n for n in self.by_norm):
                return [], "unknown"  # "2.2 (3)" when 2.2 and 2.2 (2) were asked
            key = base  # no duplicates asked: "1.1 (2)" is the ref 1.1 and a "(2)"
        same = self.by_base.get(key, [])
        if same:
            return (same, "exact") if len(same) == 1 else ([], "unknown")
        children = [
            ref for n, ref in self.by_norm.items() if n.startswith(key) and dup_base(n)[len(key) :].isalpha()
        ]
        if children:
            return children, "parent"
        child = re.fullmatch(r"(.*\d)([a-z]+)", key)
        if child and len(self.by_base.get(child[1], [])) == 1:
            return self.by_base[child[1]], "child"
        return [], "unknown"

    def between(self, first: str, last: str) -> list[str]:
        """Asked refs from `first` to `last` inclusive in plan order ("1.1-1.3"); [] if not a sane range."""
        lo, hi = ref_key(first), ref_key(last)
        if not (lo < hi and first.rsplit(".", 1)[0] == last.rsplit(".", 1)[0]):
            return []
        return [ref for n, ref in self.by_norm.items() if lo <= ref_key(n) <= hi]

    def find_asked(self, text: str) -> list[RefGroup]:
        """Where the text names an asked ref that only its being asked makes a ref: a code ("P1: done",
        "A-01 complete", "Action IA24-07") or a roman numeral in a label ("iv) done", "(iv)")."""
        if self._asked is None:
            return []
        first, more = self._asked
        groups: list[RefGroup] = []
        for match in first.finditer(text):
            if groups and match.start() < groups[-1].end:
                continue
            group = self._asked_group(text, match, more)
            if group is not None:
                groups.append(group)
        return groups

    def _asked_group(self, text: str, match: re.Match[str], more: re.Pattern[str]) -> RefGroup | None:
        keyword, bracketed = bool(match["kw"]), bool(match["open"] or match["close"])
        if match["roman"] is not None:
            labelled = keyword or bracketed or _ROMAN_LABEL.match(text, match.end())
            if not labelled:
                return None  # "I" or "v" in a sentence: a roman ref needs "iv)", "(iv)", "iv:" or "action iv"
        written, end = [_written(match)], match.end()
        while len(written) < MAX_RUN and (cont := more.match(text, end)):
            written.append(_written(cont))
            end = cont.end()
        keys = tuple(norm_ref(w) for w in written)
        square = (match["open"] or "").startswith("[")
        return RefGroup(match.start(), end, tuple(written), keys, (), keyword, bracketed, square)


def find_groups(text: str, index: RefIndex | None = None) -> list[RefGroup]:
    """Every ref-shaped number or run of them, in order, skipping dates, quantities and versions; with the
    asked refs' index, also the asked codes and roman numerals that no number-shaped search can see."""
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
    asked = index.find_asked(text) if index is not None else []
    if asked:
        groups = [g for g in groups if not any(a.start < g.end and g.start < a.end for a in asked)]
        groups = sorted(groups + asked, key=lambda g: g.start)
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
    written, keys, ranges = [_as_written(text, match)], [norm_ref(num + sub + (match["dup"] or ""))], []
    end = match.end()
    while len(keys) < MAX_RUN and (cont := _CONT.match(text, end)):
        if cont["letter"]:
            base = re.sub(r"[a-z]+$", "", keys[-1])
            if not (sub or "." in base):
                break
            key = base + cont["letter"].lower()
        else:
            key = norm_ref(cont["num"] + (cont["sub"] or "") + (cont["dup"] or ""))
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
    """The ref itself as the person wrote it ("2.3 a)", "2.2 (2)"), without keyword or brackets around it."""
    end = max(match.end("num"), match.end("sub"), match.end("dup"))
    return text[match.start("num") : end].strip()


def _written(match: re.Match[str]) -> str:
    return (match["ref"] + (match["dup"] or "")).strip()


# What labels a roman numeral as a ref when neither a keyword nor brackets do: "iv: done", "iv - done".
_ROMAN_LABEL = re.compile(r"\s?:|\s[-–—]\s")


def _asked_patterns(keys: list[str]) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
    """(first, next) patterns for the asked refs given by their normal forms ("p1", "a1", "iv"): the first
    with its keyword and brackets, the next after a run's separator ("P1/P2", "P1 and P2")."""
    codes = [_code_pattern(k) for k in keys if _CODE_KEY.fullmatch(dup_base(k))]
    romans = [k for k in {dup_base(k) for k in keys} if re.fullmatch(ROMAN_NUMERAL, k)]
    if not codes and not romans:
        return None
    roman = "|".join(sorted(romans, key=len, reverse=True))
    roman = rf"(?-i:{roman}|{roman.upper()})" if romans else "(?!)"  # the group exists even if none asked
    ref = "|".join([*sorted(set(codes), key=len, reverse=True), rf"(?P<roman>{roman})"])
    tail = rf"(?P<dup>{_DUP})?(?![\w]|[-./]\d)"
    first = (
        rf"(?<![\w.#/@\\-])(?P<kw>{_KEYWORD}\s?[:#]?\s?)?(?P<open>[\[(]\s?)?(?P<ref>{ref}){tail}"
        rf"(?P<close>\s?[\])])?"
    )
    more = rf"\s?(?:/|&|\+|,|\band\b)\s?(?:{_KEYWORD}\s?)?[\[(]?\s?(?P<ref>{ref}){tail}\s?[\])]?"
    return re.compile(first, re.I), re.compile(more, re.I)


def _code_pattern(key: str) -> str:
    """ "a1" (from "A-01") -> a pattern for "A-01", "A01", "a-1", "A/1"; "ia24-7" -> "IA24-07", "IA-24-7"."""
    code = _CODE_KEY.fullmatch(dup_base(key))
    if code is None:
        return re.escape(key)
    rest = re.sub(r"\d+", lambda m: rf"0*{m[0]}", re.escape(code["rest"]))
    return rf"{re.escape(code['prefix'])}[-/]?{rest}"
