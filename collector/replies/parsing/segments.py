"""Cut a reply into per-action pieces: the text under a ref runs until the next ref.

Three shapes, tried in order:
  starters   refs that open (or close) answers: "1.1 done; 1.3 slipped", "[1.1] ... Status: ...", "re 2.4 -"
  mentions   no ref opens anything, but asked refs are named in sentences ("Work on 1.3 is behind"): each
             such sentence, and the ones after it, go to the refs it names
  whole      no asked ref at all: one piece for the caller (the only asked action, a blanket, or leftover)
With starters, an asked ref only named in the text before the first of them ("the board extended the
deadline for 1.2 to December. 1.1 and 1.3 remain on track") still gets its sentences, as a mention.
Greetings and sign-offs are cut first (courtesy.py). Positions come from the masked text, words from
the plain one: both have the same length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .courtesy import closing_start, opening_end
from .refs import RefIndex
from .starters import SYMBOLS, Mention, Starter, find_starters


@dataclass(frozen=True)
class Piece:
    refs: tuple[str, ...]  # the asked refs this text answers (empty: refs not asked, or none at all)
    unknown: tuple[str, ...]  # refs written that were not asked
    how: str  # "exact", "parent", "child", "mention" or "whole"
    text: str  # the person's words, ref label removed
    heading: bool  # the first line is the rest of the ref's own line ("[1.1] Review the data")
    lead_in: str  # "same for", "and", "re"...
    start: int
    subject: str = ""  # the words a bracketed ref followed ("the staff survey (2.3) ..."): not a status label


@dataclass(frozen=True)
class Cut:
    pieces: list[Piece]
    preamble: str  # the news before the first ref (courtesy removed)
    shape: str  # "starters", "mentions" or "whole"


_SENTENCE_END = re.compile(r"[.!?;]\s|\n")


def cut(plain: str, masked: str, index: RefIndex) -> Cut:
    """The reply's pieces, in order."""
    begin, end = opening_end(masked), closing_start(masked)
    starters, mentions = find_starters(masked, index)
    starters = [s for s in starters if s.group.start < end]
    if starters:
        begin = min(begin, starters[0].start)
        end = max(end, starters[-1].content_start)
        pieces = _from_starters(plain, starters, end)
        # An asked ref named only in the text before the first ref ("the board extended the deadline for
        # 1.2 to December. 1.1 and 1.3 remain on track") still gets those sentences.
        answered = {ref for s in starters for ref in s.refs}
        early = [m for m in mentions if begin <= m.start < starters[0].start and not answered & set(m.refs)]
        if early:
            before = _from_mentions(plain, masked, early, begin, starters[0].start)
            return Cut(before.pieces + pieces, before.preamble, "starters")
        return Cut(pieces, plain[begin : starters[0].start], "starters")
    end = max(end, begin)
    mentions = [m for m in mentions if begin <= m.start < end]
    if mentions:
        return _from_mentions(plain, masked, mentions, begin, end)
    return Cut([Piece((), (), "whole", plain[begin:end], False, "", begin)], "", "whole")


def _from_starters(plain: str, starters: list[Starter], end: int) -> list[Piece]:
    pieces = []
    for k, starter in enumerate(starters):
        stop = max(starters[k + 1].start if k + 1 < len(starters) else end, starter.content_start)
        if starter.trailing:
            text = plain[starter.content_start : starter.content_end] + plain[starter.group.end : stop]
        elif starter.refs:
            text = _bullet_symbols(plain, starter) + plain[starter.content_start : stop]
        else:
            text = plain[starter.start : stop]  # nobody's answer: kept whole, ref included, as leftover
        pieces.append(
            Piece(
                starter.refs,
                starter.unknown,
                starter.how,
                text,
                not starter.trailing,
                starter.lead_in,
                starter.start,
                plain[starter.content_start : starter.content_end] if starter.subject else "",
            )
        )
    return pieces


def _bullet_symbols(plain: str, starter: Starter) -> str:
    """A status emoji or shortcode bulleting the ref's line ("✅ 1.1", ":red_circle: 1.3") is answer too."""
    prefix = plain[starter.start : starter.group.start][-40:]
    marks = [c for c in prefix if c in SYMBOLS] + re.findall(r":[a-z_]{2,40}:", prefix)
    return " ".join(marks) + " " if marks else ""


def _from_mentions(plain: str, masked: str, mentions: list[Mention], begin: int, end: int) -> Cut:
    """Each sentence naming asked refs starts a piece for them; the sentences after it follow it."""
    starts: list[tuple[int, tuple[str, ...]]] = []
    for mention in mentions:
        sentence = begin
        for match in _SENTENCE_END.finditer(masked, max(begin, mention.start - 300), mention.start):
            sentence = match.end()
        if starts and starts[-1][0] == sentence:
            starts[-1] = (sentence, tuple(dict.fromkeys(starts[-1][1] + mention.refs)))
        else:
            starts.append((sentence, mention.refs))
    pieces = []
    for k, (start, refs) in enumerate(starts):
        stop = starts[k + 1][0] if k + 1 < len(starts) else end
        pieces.append(Piece(refs, (), "mention", plain[start:stop], False, "", start))
    return Cut(pieces, plain[begin : starts[0][0]], "mentions")
