"""Action refs as people print them: "1.1", "3.10", "2.3 c)", "1a", "P1", "A-01", "IA24-07", "HR/03",
"EDI-2.1", "iv", "(iii)", "Action 4.2:", and a cell holding two refs ("2.4 2.5").

A ref keeps its printed form: only whitespace, a keyword ("Action 4" -> "4"), enclosing brackets and a
trailing "." or ":" go. Refs are strings, never numbers: "3.10" follows "3.9" and is not "3.1"; `ref_key`
sorts every form naturally.

Alone in its own column a ref is read generously (`parse_ref_cell`). At the start of an action's text it
must also look deliberate (`split_leading_ref`), because ordinary sentences open with numbers and codes
too: "10 staff trained", "Q3 review", "3D printing", "I will". What each shape needs after it is data, in
`_NEEDS_AFTER`; codes that are never refs are data too, in `NOT_A_CODE`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Roman numerals i..xx, all lower or all upper case ("iv", "IV", never "Iv": that is a word).
_ROMAN_LOWER = r"(?:xx|x?(?:ix|iv|vi{0,3}|i{1,3})|x)"
ROMAN_NUMERAL = rf"(?-i:{_ROMAN_LOWER}|{_ROMAN_LOWER.upper()})"
# 1 to 4 dotted numbers of up to 3 digits, not part of a longer number or a date ("1.10.2026").
_NUMBER = r"\d{1,3}(?:\.\d{1,3}){0,3}(?!\d|\.\d)"
# A sub-item written after its number: "2.3c", "2.3(c)", "2.3 (c)", "2.3 c)", "2.3 (iv)".
_SUB = rf"(?:[a-z](?![a-z])|[ \t]?\((?:[a-z]|{_ROMAN_LOWER})\)|[ \t](?:[a-z]|{_ROMAN_LOWER})\))"
# A code: letters, then digits, with "-", "/" or "." inside: "P1", "A-01", "IA24-07", "HR/03", "EDI-2.1".
_CODE = r"[a-z]{1,4}[-/]?\d{1,4}(?:[-./]\d{1,3}){0,3}(?-i:[a-z])?(?![\w]|[-./]\d)"
_ONE = re.compile(
    rf"(?P<code>{_CODE})|(?P<number>{_NUMBER})(?P<sub>{_SUB})?(?![\w%])|(?P<roman>{ROMAN_NUMERAL})(?![\w])",
    re.I,
)
_KEYWORD = re.compile(
    r"(?P<word>(?:actions?|items?|refs?|no)(?=[\s.:#])|\#)(?P<dot>\.)?\s*:?\s*(?=[\w(\[])", re.I
)
_OPEN = re.compile(r"[\[(]\s*")
_CLOSE = re.compile(r"\s*[\])]")
# Between two refs of a list: "2.4/2.5", "2.4, 2.5", "2.4 & 2.5", "2.4 and 2.5", "2.4 - 2.5", "2.4 2.5".
_LIST_SEP = re.compile(r"\s*(?P<sep>,|/|&|\+|(?-i:and)\b|[-–])\s*|\s+", re.I)
# Codes shaped like refs that are something else: quarters, half-years, versions, years, key stages,
# financial years, weeks, months ("Mar-12" in a target column), products and chemistry.
NOT_A_CODE = re.compile(
    r"q[1-4]|h[12]|v\d+(?:\.\d+)*|y\d{1,2}|yr\d{1,2}|fy\d{2,4}(?:[-/]\d{2,4})?|ks[1-5]|w\d{1,2}|wk\d{1,2}|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[-/]?\d{2,4}|[mo]365|co2|mp[34]|covid-?19",
    re.I,
)
# Numbers shaped like refs that are dates: "12.03.12", "01.10.12" (a ref part never starts with a 0).
NOT_A_NUMBER = re.compile(r"(?=(?:\d\d\.)*0)\d\d\.\d\d\.\d\d")
# Alone in a cell, "x", "v" and "i" are ticks or initials; as refs they carry a mark: "i.", "(v)", "x)".
_BARE_ROMAN_LETTERS = frozenset("ivxIVX")

# After a ref at the start of an action's text, what must follow it ("label": ":", ".", ")", "]" or " - "
# before the words, or the end of the text; "tight": ":", ")" or "]" with no space; "space": a plain space;
# "capital": a space then a capitalised word; "mark": "." or ")"). A keyword or enclosing brackets make any
# ref deliberate: then a label or a space will do.
_NEEDS_AFTER: dict[str, tuple[str, ...]] = {
    "dotted": ("label", "tight", "space"),  # "1.1 Develop", "1.1: Develop", "2.4/2.5 Develop"
    "sub": ("label", "tight", "space"),  # "2.3 c) Develop", "3 a) Develop": the bracket is deliberate
    "number": ("label",),  # "4. Develop", "4) Develop", "4: Develop", "4 – Develop"; never "10 staff"
    "lettered": ("label", "capital"),  # "1a Develop", "1a) Develop"; not "3D printing"
    "code": ("label", "capital"),  # "P1: Develop", "P1 Develop", "A-01 Develop"; not "M365 rollout"
    "roman": ("mark",),  # "iv) Do", "IV. Do"; never "I will", "V&A visit"
}
_DELIBERATE = ("label", "space")
_AFTER: dict[str, re.Pattern[str]] = {
    "label": re.compile(r"(?:[.:)\]]|\s+[-–—](?=\s+[^\s\d]))\s+|\t\s*|\s*[.:)\]]?\s*$"),
    "tight": re.compile(r"[:)\]]"),
    "space": re.compile(r"\s+"),
    "capital": re.compile(r"\s+(?=[A-Z](?![A-Z0-9]))"),  # "Develop", "A new": not "NHS", not "Q3"
    "mark": re.compile(r"[.)](?:\s+|\s*$)"),
}
_LIST_SHAPES = frozenset({"dotted", "sub"})  # what joins a list at an action's start: "2.4/2.5 Develop"


@dataclass(frozen=True)
class _Ref:
    text: str  # as printed, whitespace normalised
    shape: str  # a key of _NEEDS_AFTER
    sub: str = ""  # the sub-item part of a numbered ref, as printed: "c", " c)", " (iv)"


def parse_ref_cell(cell: str) -> str | None:
    """A ref column's value ("1.1", "2.4 2.5", "Action 4:") in its printed form ("1.1", "2.4/2.5", "4");
    None if the cell holds anything but refs."""
    flat = " ".join(str(cell or "").split())
    pos, opened = _skip(_OPEN, flat, 0)
    pos, _ = _skip(_KEYWORD, flat, pos)
    refs, pos = _read_list(flat, pos, only_dotted=False)
    if not refs:
        return None
    pos, closed = _skip(_CLOSE, flat, pos) if opened else (pos, "")
    mark = re.fullmatch(r"\s*([.:)]?)\s*", flat[pos:])
    if not mark:
        return None
    if flat.strip() in _BARE_ROMAN_LETTERS and not (closed or mark[1]):
        return None
    return "/".join(ref.text for ref in refs)


def is_ref_like(cell: str) -> bool:
    """The whole cell is a ref or a list of them: what a ref column's cells look like."""
    return parse_ref_cell(cell) is not None


def split_leading_ref(text: str) -> tuple[str | None, str]:
    """('1.1', 'Develop ...') from '1.1 Develop ...'; (None, text) when the text does not open with a ref."""
    stripped = text.lstrip()
    pos, opened = _skip(_OPEN, stripped, 0)
    keyword = _KEYWORD.match(stripped, pos)
    if keyword and keyword["word"].lower() == "no" and not keyword["dot"]:
        keyword = None  # "No 10 ..." opens a sentence; "No. 10" is a ref
    refs, end = _read_list(stripped, keyword.end() if keyword else pos, only_dotted=True)
    if not refs:
        return None, text
    if len(refs) == 1 and _opens_a_list(refs[0], stripped[end:]):
        if refs[0].shape == "roman":
            return None, text
        end -= len(refs[0].sub)  # "1.4 a) Do x b) Do y": action 1.4, its items a) and b)
        base = refs[0].text[: -len(refs[0].sub)]
        refs = [_Ref(base, "dotted" if "." in base else "number")]
    end, closed = _skip(_CLOSE, stripped, end) if opened else (end, "")
    after = _after(stripped, end, refs, deliberate=bool(keyword or (opened and closed)))
    if after is None:
        return None, text
    return "/".join(ref.text for ref in refs), stripped[after:].lstrip()


# (code prefix, one key per part of the number, which printed copy): compares as the refs should sort.
RefKey = tuple[str, tuple[tuple[int, int, int, str], ...], int]


def ref_key(ref: str) -> RefKey:
    """Natural sort key for any printed or normalised ref: '3.9' < '3.10' < '4'; '1.2' < '1.2a' < '1.3';
    'ii' < 'iv' < 'ix'; codes by prefix then number ('A-2' < 'A-10'); a duplicate '2.2 (2)' (or its normal
    form '2.2#2') just after '2.2'; synthetic '#1.2' as '1.2'. Never raises."""
    text = ref.strip().lower().lstrip("#")
    dup = re.search(r"\s*(?:\((\d{1,3})\)|#(\d{1,3}))$", text)
    copy = int(dup[1] or dup[2]) if dup else 0
    text = text[: dup.start()] if dup else text
    prefix = re.match(r"([a-z]+)[-/\s]?(?=\d)", text)
    rest = text[prefix.end() :] if prefix else text
    if not any(c.isdigit() for c in rest) and (value := roman_value(rest.strip("()[]. "))):
        return ("", ((0, value, 0, ""),), copy)
    parts = tuple(_part_key(p) for p in re.findall(r"\d+|[a-z]+", rest))
    return (prefix[1] if prefix else "", parts, copy)


def roman_value(text: str) -> int:
    """1..20 for a roman numeral "i".."xx" (either case), else 0."""
    if not text or not re.fullmatch(ROMAN_NUMERAL, text):
        return 0
    values = {"i": 1, "v": 5, "x": 10}
    digits = [values[c] for c in text.lower()]
    return sum(-d if i + 1 < len(digits) and d < digits[i + 1] else d for i, d in enumerate(digits))


def _part_key(part: str) -> tuple[int, int, int, str]:
    """Numbers first, then letters in alphabet order with roman sub-items placed so that i < ii < iv < v <
    ix < x < xi; other words last."""
    if part.isdigit():
        return (0, int(part), 0, "")
    if len(part) == 1:
        return (1, ord(part) - 96, 0, "")
    if value := roman_value(part):
        anchor = "i" if value < 5 else "v" if value < 10 else "x"
        return (1, ord(anchor) - 96, value, "")
    return (2, 0, 0, part)


def _skip(pattern: re.Pattern[str], text: str, pos: int) -> tuple[int, str]:
    match = pattern.match(text, pos)
    return (match.end(), match[0]) if match else (pos, "")


def _read_one(text: str, pos: int) -> tuple[_Ref, int] | None:
    match = _ONE.match(text, pos)
    if not match:
        return None
    if match["code"]:
        if NOT_A_CODE.fullmatch(match["code"]):
            return None
        return _Ref(match["code"], "code"), match.end()
    if match["roman"]:
        return _Ref(match["roman"], "roman"), match.end()
    number, sub = match["number"], match["sub"] or ""
    if NOT_A_NUMBER.fullmatch(number):
        return None
    shape = "sub" if sub.endswith(")") else "dotted" if "." in number else "lettered" if sub else "number"
    return _Ref(number + sub, shape, sub), match.end()


def _read_list(text: str, pos: int, *, only_dotted: bool) -> tuple[list[_Ref], int]:
    """Refs from `pos`, separated as lists are ("2.4/2.5"), and where they end. At an action's start only
    dotted refs make a list; in a cell bare numbers never join with "/" or "-" ("12/13" is a year)."""
    first = _read_one(text, pos)
    if first is None:
        return [], pos
    refs, end = [first[0]], first[1]
    while sep := _LIST_SEP.match(text, end):
        nxt = _read_one(text, sep.end())
        if nxt is None or not _joins(refs[-1], nxt[0], sep["sep"] or " ", only_dotted):
            break
        refs.append(nxt[0])
        end = nxt[1]
    return refs, end


def _joins(last: _Ref, nxt: _Ref, sep: str, only_dotted: bool) -> bool:
    if only_dotted:
        return last.shape in _LIST_SHAPES and nxt.shape in _LIST_SHAPES
    bare = last.shape in ("number", "lettered") or nxt.shape in ("number", "lettered")
    return not (bare and sep in "/-–")


def _after(text: str, end: int, refs: list[_Ref], *, deliberate: bool) -> int | None:
    """Where the action's words begin after the ref, or None if what follows says it is not a ref."""
    first = refs[0]
    if first.shape == "code" and not (deliberate or first.text[0].isupper()):
        return None  # printed codes are upper case: "p1 develop" is not one
    needs = _DELIBERATE if deliberate else _NEEDS_AFTER[first.shape]
    if first.shape == "lettered" and not first.text[-1].islower():
        needs = ("label",)  # "3D Printing", "4G Rollout": a number with a capital letter is a name
    for need in needs:
        if match := _AFTER[need].match(text, end):
            return match.end()
    return None


def _opens_a_list(ref: _Ref, rest: str) -> bool:
    """'(i) Do x (ii) Do y' and '1.4 a) Do x b) Do y' open a list of one action's items: the label after
    this one ("ii", "b") follows as an item marker."""
    if ref.shape != "roman" and not ref.sub.endswith(")"):
        return False
    label = ref.text if ref.shape == "roman" else ref.sub.strip("() \t")
    markers = (rf"(?<![\w])\(?{n}(?:\)|\.(?=\s))" for n in _next_labels(label.lower()))
    return any(re.search(marker, rest, re.I) for marker in markers)


def _next_labels(label: str) -> list[str]:
    """The labels that can follow `label` in a list of items: "b" after "a"; "ii" (or "j") after "i"."""
    following = []
    if value := roman_value(label):
        following += [n for n in _ROMAN_NAMES if roman_value(n) == value + 1]
    if len(label) == 1 and label < "z":
        following.append(chr(ord(label) + 1))
    return following


_UNITS = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix")
_ROMAN_NAMES = (*_UNITS, "x", *("x" + n for n in _UNITS), "xx")
