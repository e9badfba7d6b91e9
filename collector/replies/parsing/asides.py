"""Sentences meant for the coordinator, not the record: questions, and actions handed to someone else.

"Is 1.1 still mine?" and "Can you tell me what 2.3 is about?" report nothing: recording them as progress
(or reading "complete" out of "is 1.1 complete?") would put a guess on the record. "4.5 is now with Estates"
and "2.1 has moved to Sam" name a ref only to say it is no longer this person's. Both are found here,
sentence by sentence, and blanked out of the text before it is cut into answers (same length, so every
position stays valid); the caller reports them so intake can put the reply in front of a person.
Only a handover's own clause goes when the sentence answers something else too ("4.4 on track, 4.5 is now
with Estates"); a handover clause that gives a status keeps its words for the record, and one that says
the work is done is a completion ("complete and handed over to Estates to run"), not a handover.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from collector.core.reply_dates import read_date
from collector.core.vocabulary import Status

from .status import signals
from .tidy import tidy

# A sentence ends at . ! ? ; followed by a space (not the dot in "1.1"), or at a line end.
_SENTENCE_END = re.compile(r"[.!?;]+(?=\s|$)|\n")
# Where a question inside a sentence may begin: after a dash, comma or colon, "but" or "and".
_CLAUSE_START = re.compile(r"(?:[,:;]\s+|\s[-–—]+\s+|\s(?:but|and|so|also)\s+)", re.I)
_CLAUSE_BREAK = re.compile(r"[,;]\s+|\s[-–—]+\s+|\s(?:but|while|whereas)\s+", re.I)
_REF = r"(?:(?:action|item|ref)\s*)?\d{1,3}(?:\.\d{1,3}){1,3}(?:\s?\(?[a-h]\))?"
_SUBJECTS = r"(?:i|you|we|they|this|that|it|he|she|anyone|someone|somebody|there)\b"
# "is 1.1 still mine", "can you tell me", "do we still need": asked even without the question mark.
_ASKING = re.compile(
    rf"(?:please\s+)?(?:(?:is|are|am|was|were|do|does|did|can|could|would|will|should|shall|has|have|may)\s+"
    rf"(?:{_SUBJECTS}|{_REF}\b)"
    r"|(?:can|could)\s+(?:you|someone|somebody)\s+(?:please\s+)?(?:confirm|clarify|advise|check|tell|explain|"
    r"let\s+me\s+know)"
    r"|(?:please\s+)?(?:confirm|clarify|advise|check|tell\s+me|let\s+me\s+know)\s+(?:whether|if|what|which|"
    r"who|when|why|how)\b"
    r"|(?:i\s+)?(?:was\s+)?(?:wonder|wondered|wondering)\s+(?:if|whether|what|who)\b"
    r"|(?:is|would)\s+it\s+(?:be\s+)?possible\s+to\b)",
    re.I,
)
# "what is 2.3 about?": a question only with its question mark ("what has happened is ..." is not one).
_WH = re.compile(
    r"(?:who|what|which|where|why|how|when)\s+(?:is|are|was|were|do|does|did|should|would|can|could|will|"
    r"shall|has|have)\b",
    re.I,
)
# A sentence that only says why the question before it is asked: "I thought it was cancelled."
_REASON_FOR_ASKING = re.compile(
    r"\s*(?:(?:i|we)\s+(?:thought|assumed|believed|understood|had\s+heard|heard|was\s+told|were\s+told)\b|"
    r"(?:or|because|as|since)\s)",
    re.I,
)
# Polite questions that ask nothing of the coordinator: cut, never noted.
_COURTESY = re.compile(
    r"(?:(?:and\s+)?how\s+are\s+(?:you|things)|hope\s+.*|is\s+(?:that|this)\s+(?:ok|okay|alright|all\s+right|"
    r"enough|sufficient|fine|what\s+you\s+(?:need|needed|wanted|were\s+after))(?:\s+for\s+now)?|"
    r"does\s+(?:that|this)\s+(?:help|make\s+sense|work|cover\s+it)|(?:do\s+you\s+)?need\s+anything\s+"
    r"(?:else|more)(?:\s+from\s+me)?|(?:is\s+there\s+)?(?:anything|what)\s+else\s+(?:do\s+you\s+need|you\s+need|"
    r"needed|required)(?:\s+from\s+me)?|"
    r"any\s+(?:questions|queries)|(?:please\s+)?(?:let\s+me\s+know|shout)\s+if\b.*|all\s+ok|ok|okay|"
    r"how\s+was\s+.*|happy\s+to\s+.*)[\s?.!]*",
    re.I,
)
# "Can you mark 1.1 as complete?" is an instruction, read as a status, not a question.
_INSTRUCTION = re.compile(
    r"(?:please\s+)?(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:mark|record|show|put|set|log|change|"
    r"update|amend|move)\b.*\b(?:as|to)\b",
    re.I,
)
_LEFT_OVER_REF = re.compile(rf"[\s\[(]*{_REF}[\s\])]*[-–—:.)]*\s*", re.I)

# Handovers. The subject is the action itself (its ref, "this", "it"), never a part of the work: "the
# contract is now with legal" is progress.
_SUBJECT = rf"(?:{_REF}(?:\s*(?:,|and|&|/)\s*{_REF}){{0,8}}|this(?:\s+(?:one|action|item))?|it|these|both)"
_LABEL = r"\s*(?:[-–—:]\s*)?"
_MINE = r"(?:mine|ours|(?:my|our)\s+(?:action|responsibility|area)|with\s+(?:me|us|my\s+team|our\s+team))\b"
_OWNER_NOUN = r"(?:team|service|directorate|department|colleagues?|lead|manager|officer|group|unit)s?"
# A new owner: "Sam", "Sam Jones", "Estates", "HR", "the Estates team", "another directorate".
_WHO = (
    r"(?<![\w'&-])(?P<who>(?:(?:the|our|my|another|a\s+new)\s+)?[\w'&-]+"
    rf"(?:\s+(?:(?-i:[A-Z])[\w'&-]*|{_OWNER_NOUN}\b)){{0,4}})"
)
HANDOVERS: tuple[str, ...] = (
    # "2.1 has moved to Sam", "4.5 - transferred to the Estates team", "this has been handed over to HR"
    rf"\b{_SUBJECT}{_LABEL}(?:(?:is|are|has|have|was|were)\s+)?(?:now\s+)?(?:been\s+)?(?:moved|passed|"
    rf"handed|transferred|re-?assigned|re-?allocated|allocated|given|delegated)\s+(?:over\s+|across\s+|"
    rf"on\s+)?to\s+{_WHO}",
    # "4.5 is now with Estates", "2.1 now sits with Finance"
    rf"\b{_SUBJECT}{_LABEL}(?:(?:is|are)\s+)?now\s+(?:(?:sits?|rests?|lies|is|are)\s+)?(?:with|under)\s+{_WHO}",
    # "2.1 is now led by Sam", "this is now owned by the Estates team"
    rf"\b{_SUBJECT}{_LABEL}(?:(?:is|are)\s+)?now\s+(?:being\s+)?(?:led|owned|managed|run|picked\s+up)\s+by\s+"
    rf"{_WHO}",
    # "I've handed 2.1 over to Sam"
    rf"\b(?:handed|passed|transferred|moved|given|re-?assigned)\s+{_SUBJECT}\s+(?:over\s+|across\s+|on\s+)?"
    rf"to\s+{_WHO}",
    # "Sam has taken over 2.1", "Estates are now leading on 4.5"
    rf"{_WHO}\s+(?:has|have|is|are)\s+(?:now\s+)?(?:taken\s+(?:over|on)|taking\s+(?:over|on)|picked\s+up)\s+"
    rf"{_SUBJECT}\b",
    rf"{_WHO}\s+(?:is|are)\s+now\s+(?:leading\s+on|the\s+lead\s+(?:on|for)|responsible\s+for)\s+{_SUBJECT}\b",
    # "2.1 should be with Procurement now"
    rf"\b{_SUBJECT}{_LABEL}should\s+(?:now\s+)?(?:be|sit)\s+(?:with|led\s+by|owned\s+by)\s+{_WHO}",
    # "2.1 is no longer mine", "this is not my action any more", "Not my action any more - please ask HR"
    rf"(?:\b{_SUBJECT}{_LABEL}(?:(?:is|are)\s+)?|^\s*)(?:no\s+longer\s+{_MINE}|not\s+{_MINE}\s+(?:any\s*more|now))",
    rf"\b{_SUBJECT}{_LABEL}(?:(?:is|are)\s+)?not\s+{_MINE}",
)
_HANDOVERS = [re.compile(p, re.I) for p in HANDOVERS]
# Every handover says one of these: a cheap test before the patterns above.
_HANDOVER_HINT = re.compile(
    r"\b(?:moved|passed|handed|transferred|re-?assigned|re-?allocated|allocated|given|delegated|now|taken|"
    r"taking|picked|longer|not)\b",
    re.I,
)
# Where work goes when it is finished or waiting, not to a new owner: "passed to legal for review".
_NOT_AN_OWNER = re.compile(
    r"(?:business\s+as\s+usual|bau|operations|the\s+service|(?:the\s+)?(?:next|new|final)\s+(?:phase|stage|"
    r"year|quarter|plan|round)|phase|stage|implementation|delivery|consultation|cabinet|the\s+board|board|"
    r"committee|council|smt|cmt|elt|emt|scrutiny|panel|draft|print|printers|publication|sharepoint|teams|"
    r"microsoft|forms|excel|google|zoom|(?:the\s+)?(?:intranet|internet|website|web|system|platform|portal|"
    r"database|cloud|server)|online)\b",
    re.I,
)
_WAITING = re.compile(
    r"\s+(?:for|to)\s+(?:review|sign|approv|comment|check|consider|signature|agree|final|feedback|input)",
    re.I,
)


@dataclass(frozen=True)
class Aside:
    kind: str  # "question", "handover" or "courtesy" (a polite question: cut, never reported)
    start: int  # the span blanked out of the text (empty when the words stay for the record)
    end: int
    words: str  # the sentence, as the person wrote it, for the coordinator


def find_asides(
    masked: str, plain: str, begin: int, end: int, action_texts: Iterable[str] = ()
) -> list[Aside]:
    """Questions and handovers between `begin` and `end` (the reply without its courtesy), in order."""
    echoes = [_words(t) for t in action_texts if t.strip()]
    found: list[Aside] = []
    for start, stop in _sentences(masked, begin, end):
        sentence = masked[start:stop]
        if not sentence.strip():
            continue
        if found and found[-1].kind == "question" and _REASON_FOR_ASKING.match(sentence):
            # "Are we still doing 1.1? I thought it was cancelled.": what the question rests on, not news
            last = found.pop()
            found.append(Aside("question", last.start, stop, f"{last.words} {tidy(plain[start:stop])}"))
            continue
        question = _question(sentence)
        if question is not None:
            words = tidy(plain[start:stop])
            asked = _words(plain[start + question : stop])
            if _COURTESY.fullmatch(sentence[question:].strip()) or any(asked in e for e in echoes):
                found.append(Aside("courtesy", start + question, stop, ""))  # or the action's own text
            else:
                found.append(Aside("question", start + question, stop, words))
            continue
        handover = _handover(sentence)
        if handover is None:
            continue
        lo, hi = handover
        said = [s.status for s in signals(sentence[lo:hi]) if s.status is not None]
        if Status.COMPLETED in said:
            continue  # finished and handed to those who run it: a completion
        if not any(s.status for s in signals(sentence)):
            # "Not my action any more - please ask HR": all of it is for the coordinator
            lo, hi = 0, len(sentence)
        # A clause with a status of its own keeps its words for the record; the handover is still noted.
        span = (start + lo, start + (lo if said else hi))
        found.append(Aside("handover", *span, tidy(plain[start:stop])))
    return found


def _sentences(text: str, begin: int, end: int) -> Iterable[tuple[int, int]]:
    """The spans of the sentences of text[begin:end], their closing punctuation included."""
    start = begin
    for match in _SENTENCE_END.finditer(text, begin, end):
        yield start, match.end() if match.group() != "\n" else match.start()
        start = match.end()
    if start < end:
        yield start, end


def blank(text: str, asides: Iterable[Aside]) -> str:
    """`text` with each aside's span replaced by spaces (line ends kept), so positions do not move."""
    chars = list(text)
    for aside in asides:
        for i in range(aside.start, aside.end):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def _question(sentence: str) -> int | None:
    """Where the question in this sentence begins (after any ref label), or None if it asks nothing."""
    lead = len(sentence) - len(sentence.lstrip())
    label = _LEFT_OVER_REF.match(sentence, lead)
    lead = label.end() if label else lead
    if _INSTRUCTION.match(sentence, lead):
        return None
    asked = sentence.rstrip(" \t\"')]").endswith("?")
    # The last clause that opens with a question's words: "1.1 is on track, do you need the evidence?"
    starts = [lead, *(m.end() for m in _CLAUSE_START.finditer(sentence, lead))]
    opening = next(
        (at for at in reversed(starts) if _ASKING.match(sentence, at) or (asked and _WH.match(sentence, at))),
        None,
    )
    if opening is None and asked:
        opening = starts[-1]  # "1.1 done - anything else you need from me?": the last clause asks
    if opening is not None:
        # "As discussed, is 1.1 still mine?" is all question; "1.1 is on track, do you need ..." is not
        answered = any(s.status for s in signals(sentence[lead:opening]))
        if asked or not answered:
            return opening if answered else lead
    return None


def _handover(sentence: str) -> tuple[int, int] | None:
    """The clause of this sentence that hands the action to a new owner, or None."""
    if not _HANDOVER_HINT.search(sentence):
        return None
    for pattern in _HANDOVERS:
        for match in pattern.finditer(sentence):
            who = match.groupdict().get("who")
            if who is not None:
                if read_date(sentence, match.start("who")) or _NOT_AN_OWNER.match(who):
                    continue  # "moved to June", "passed to Cabinet"
                if _WAITING.match(sentence, match.end("who")) or not _an_owner(who):
                    continue  # "passed to Legal for review", "moved to a new system"
            return _clause(sentence, match.start(), match.end())
    return None


def _clause(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The clause around sentence[start:end]: from the comma, semicolon or dash before it to the one after."""
    before = [m.end() for m in _CLAUSE_BREAK.finditer(sentence, 0, start)]
    after = _CLAUSE_BREAK.search(sentence, end)
    return (before[-1] if before else 0), (after.start() if after else len(sentence))


def _an_owner(who: str) -> bool:
    """A person or team: a capitalised name ("Sam", "Estates", "HR"), "the X team", "another directorate"."""
    words = who.split()
    if words[0].lower() in ("the", "our", "my", "another", "a"):
        named = any(w[:1].isupper() for w in words[1:])
        return named or bool(re.search(rf"\b{_OWNER_NOUN}$", who, re.I))
    return words[0][:1].isupper()


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))
