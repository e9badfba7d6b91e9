"""Words of an answer for the status reader: lower-cased, contractions opened, common typos mended.

People type "compelted", "on trak", "isn't", "on-track", ":white_check_mark:". The reader matches phrases
word by word, so it wants "completed", "on track", "is not", "on track" and the emoji's name. Each token
keeps its span in the text, so a label found in tokens can be cut from the words the person wrote.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from .phrases import words

_TOKEN = re.compile(
    r"(?P<code>:[a-z0-9_+\-]{2,40}:)"
    r"|(?P<word>[^\W\d_]+(?:'[^\W\d_]+)?)"
    r"|(?P<num>\d+(?:[.,:/]\d+)*%?)"
    r"|(?P<sym>[✅✔☑🔵🟢🟡🟠🔴⚠])"
    r"|(?P<stop>[.;!?]|\n|(?<!\S)[-–—]+(?!\S))"
    r"|(?P<pause>[,:()])",
    re.I,
)
_NOT = {"wo": "will", "ca": "can", "sha": "shall", "ai": "is"}
_SUFFIX = {"re": "are", "m": "am", "ve": "have", "ll": "will", "d": "would"}
_IS_AFTER = frozenset(words("it that what there here who everything all he she this which"))

# Status words people mistype, and real words one keystroke from them that must be left alone.
TYPO_TARGETS = (
    "completed",
    "complete",
    "finished",
    "track",
    "target",
    "ongoing",
    "progressing",
    "delayed",
    "slipped",
    "slippage",
    "behind",
    "started",
    "cancelled",
    "withdrawn",
    "schedule",
    "underway",
    "implemented",
    "achieved",
    "delivered",
)
REAL_WORDS = frozenset(
    words(
        "compete competed completes completer finishes tracks trick truck trace tract trade trash targets "
        "delayer relayed decayed slipper clipped flipped skipped shipped slapped sipped slippages stated "
        "starter starred startled scheduled schedules delivery deliverer achiever implementer withdraw "
        "slippery tracked trucks tacky tracy ongoings behinds cancel canceled rack"
    )
)


@dataclass(frozen=True)
class Token:
    text: str  # lower case, mended: "completed", "not", ":white_check_mark:", ".", ","
    kind: str  # "word", "num" ("50%" too), "stop" (ends a clause: . ; ! ? newline dash), "pause" (, : ( ))
    start: int
    end: int
    mended: bool = False  # a typo was corrected to read this word


@lru_cache(maxsize=64)  # one answer is read several times (status, blanket, "the others"): tokenise once
def tokenize(text: str) -> tuple[Token, ...]:
    """The tokens of `text`, in order; one written word may give two ("isn't" -> "is", "not")."""
    tokens: list[Token] = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "word"
        raw = m.group(0)
        if kind in ("code", "sym"):
            tokens.append(Token(raw.lower(), "word", m.start(), m.end()))
        elif kind == "word":
            tokens.extend(_words(raw, m.start(), m.end()))
        else:
            tokens.append(Token(raw.strip() or "\n", kind, m.start(), m.end()))
    return tuple(tokens)


def _words(raw: str, start: int, end: int) -> list[Token]:
    word = raw.lower()
    if "'" not in word:
        mended = _mend(word)
        return [Token(mended or word, "word", start, end, mended is not None)]
    base, suffix = word.split("'", 1)
    if suffix == "t" and base.endswith("n"):
        stem = base[:-1]
        return [Token(_NOT.get(stem, stem), "word", start, end), Token("not", "word", start, end)]
    if suffix == "s":
        extra = [Token("is", "word", start, end)] if base in _IS_AFTER else []
        return [Token(base, "word", start, end), *extra]
    if suffix in _SUFFIX:
        return [Token(base, "word", start, end), Token(_SUFFIX[suffix], "word", start, end)]
    return [Token(word, "word", start, end)]


def _mend(word: str) -> str | None:
    """The status word `word` is one slip of the finger from, if it is not a word in its own right."""
    if len(word) < 4 or word in REAL_WORDS or word in TYPO_TARGETS:
        return None
    return _variants().get(word)


@cache
def _variants() -> dict[str, str]:
    """Every string one deletion, insertion, substitution or swap away from a typo target."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    found: dict[str, str] = {}
    for target in TYPO_TARGETS:
        splits = [(target[:i], target[i:]) for i in range(len(target) + 1)]
        variants = {a + b[1:] for a, b in splits if b}
        variants |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        variants |= {a + c + b[1:] for a, b in splits if b for c in letters}
        variants |= {a + c + b for a, b in splits for c in letters}
        for variant in variants - {target}:
            found.setdefault(variant, target)  # "completd": the first (longer) target wins
    return {v: t for v, t in found.items() if v not in TYPO_TARGETS}


def match_phrases(tokens: Sequence[Token], table: dict[tuple[str, ...], str]) -> list[tuple[int, int, str]]:
    """(first token, end token, value) of each phrase of `table` found, longest first, never overlapping."""
    by_first: dict[str, list[tuple[str, ...]]] = _first_words(table)
    found: list[tuple[int, int, str]] = []
    i = 0
    while i < len(tokens):
        for phrase in by_first.get(tokens[i].text, ()) if tokens[i].kind == "word" else ():
            end = i + len(phrase)
            if end <= len(tokens) and all(
                tokens[i + k].kind == "word" and tokens[i + k].text == word for k, word in enumerate(phrase)
            ):
                found.append((i, end, table[phrase]))
                i = end
                break
        else:
            i += 1
    return found


_FIRST_WORDS: dict[int, tuple[dict[tuple[str, ...], str], dict[str, list[tuple[str, ...]]]]] = {}


def _first_words(table: dict[tuple[str, ...], str]) -> dict[str, list[tuple[str, ...]]]:
    """Phrases indexed by their first word, longest first (cached per table: the tables are constants)."""
    cached = _FIRST_WORDS.get(id(table))
    if cached is not None and cached[0] is table:
        return cached[1]
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in sorted(table, key=len, reverse=True):
        index.setdefault(phrase[0], []).append(phrase)
    _FIRST_WORDS[id(table)] = (table, index)
    return index
