"""Read one piece of a reply (the words under one ref) into a draft update: status, progress, target, links.

A draft is not yet an update: "as above" still needs the answer before it, a ref answered twice needs
merging, and a blanket from elsewhere in the reply may give it its status. reply.py does those; the doubts
met on the way are noted here as confidence.py keys.

"Delayed" as the answer's own status means at risk when the answer gives a new date (even a vague one,
"the autumn") or the size of the delay ("delayed by two weeks"), and off track when it gives neither
("Delayed - waiting on IT", "delayed, new date TBC"): behind with no new date is red, as a slip to a new
date is amber. A part of the work delayed in passing ("the analysis is delayed by IT issues") stays at
risk. A revised target is read against the action's current target when the prompt knows it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from collector.core.vocabulary import Status

from .blanket import Blanket, aside, blanket
from .clean import mask
from .evidence import find_links
from .fields import read_answer
from .refs import RefIndex
from .segments import Piece
from .status import Reading, Signal, explicit, resolve, signals
from .targets import RevisedTarget, against, find_revised
from .tidy import strip_label, tidy
from .tokens import tokenize

# Lead-ins that say "the same again": "1.1 done, same for 1.2".
COPY_LEAD_INS = frozenset({"same for", "same with", "same goes for", "ditto for", "likewise", "likewise for"})
# A whole answer of one of these words copies the answer above ("1.2 - same").
COPY_WORDS = frozenset({"same", "same.", "same again", "ditto", "likewise", "as above", "see above"})
LONG_REPLY = 400  # characters: an unlabelled reply longer than this may be about more than one action
_FIRST_SENTENCE = re.compile(r"(?:[^.!?;\n]|[.!?;](?!\s))*")
# A revised target that is no date yet, and the size of a delay: either way "delayed" is not open-ended.
_NO_DATE = re.compile(r"tb[acd]|to\s+be\s+\w+", re.I)
_SIZED = re.compile(
    r"\bby\s+(?:about\s+|around\s+|roughly\s+|up\s+to\s+)?(?:a|an|one|two|three|four|five|six|a\s+few|"
    r"a\s+couple\s+of|several|\d+)\s+(?:days?|weeks?|months?|quarters?)\b",
    re.I,
)


@dataclass
class Draft:
    refs: tuple[str, ...]
    status: Status | None
    progress: str
    target: RevisedTarget | None = None
    evidence: list[str] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)  # confidence.py keys and details
    copy: bool = False  # take the status of the answer above


def read_piece(piece: Piece, index: RefIndex, today: date | None) -> tuple[Draft | None, Blanket | None, str]:
    """The draft for a piece (None when it was left unanswered), any "everything else ..." in it, and any
    words about the other actions that are not this one's progress."""
    action_text = index.texts.get(piece.refs[0], "") if piece.refs else ""
    answer = read_answer(piece.text, action_text, piece.heading)
    if not answer.answered:
        if piece.lead_in in COPY_LEAD_INS:  # "1.1 done, same for 1.2": nothing after the ref but the lead-in
            return Draft(piece.refs, None, "", notes=_ref_notes(piece, index), copy=True), None, ""
        return None, None, ""
    progress, rest, set_aside = _take_out_the_others(answer.progress, several=len(index.refs) > 1)
    masked = mask(progress)
    subject = piece.subject.strip()
    # "the staff survey (2.3) is delayed" reads as "2.3 is delayed"; a subject with a status of its own
    # ("we are behind on the survey (2.3)") is read as written
    if subject and masked.startswith(subject) and not signals(mask(subject)):
        masked = " " * len(subject) + masked[len(subject) :]
    # Only the Status line's first sentence is its label: "Status: at risk. We completed the survey ..."
    label = _FIRST_SENTENCE.match(answer.status or "")
    field: Sequence[Signal] = signals(mask(label.group())) if label and label.group().strip() else ()
    if label and field:  # "Status: green. Actually, please mark it as amber.": the later instruction
        later = mask(answer.status or "")
        field = [s for s in signals(later) if s.start >= label.end() and explicit(later, s)][-1:] or field
    reading = resolve(signals(masked), field, masked)
    target = find_revised(mask(f"{answer.status or ''}\n{progress}"), today, answer.target)
    target = against(target, index.targets.get(piece.refs[0]))
    draft = Draft(piece.refs, reading.status, progress, target, find_links(piece.text))
    draft.notes = _ref_notes(piece, index) + _status_notes(reading) + _target_notes(target, reading)
    draft.copy = reading.copy or (
        reading.status is None
        and (piece.lead_in in COPY_LEAD_INS or " ".join(progress.lower().split()) in COPY_WORDS)
    )
    _slip_means_at_risk(draft, reading)
    _delay_without_a_date(draft, reading, f"{answer.status or ''}\n{progress}")
    draft.progress = "" if draft.copy and not reading.signal else _progress(progress, answer.status, reading)
    return draft, rest, set_aside


def _take_out_the_others(progress: str, several: bool) -> tuple[str, Blanket | None, str]:
    """Cut "everything else is on track" (a blanket for the rest) and "the others I'll check" (words about
    other actions) out of this action's words; (what is left, the blanket, the words set aside)."""
    if not several:
        return progress, None, ""
    rest = blanket(mask(progress), rest_only=True)
    if rest:
        progress = progress[: rest.start] + progress[rest.end :]
    others = aside(mask(progress))
    if not others:
        return progress, rest, ""
    return progress[: others[0]] + progress[others[1] :], rest, progress[others[0] : others[1]]


def _slip_means_at_risk(draft: Draft, reading: Reading) -> None:
    """A slipped target with no status said outright ("now due to complete in 2027/28"): at least at risk."""
    target = draft.target
    implied_good = reading.certainty == "implied" and reading.status in (Status.ON_TRACK, None)
    # A completion mid-sentence is of a part ("the board agreed ... to extend the deadline to December").
    part_done = reading.tier == "body" and reading.status is Status.COMPLETED
    if target and target.slip and not draft.copy and (draft.status is None or implied_good or part_done):
        draft.status = Status.AT_RISK
        draft.notes = [n for n in draft.notes if n[0] not in ("status_implied", "status_body")]
        draft.notes.append(("status_from_slip", target.text))


def _delay_without_a_date(draft: Draft, reading: Reading, words: str) -> None:
    """ "Delayed" as the answer's own status, with no new date and no size of delay: off track."""
    signal = reading.signal
    if draft.status is not Status.AT_RISK or reading.tier not in ("label", "field") or signal is None:
        return
    if signal.modified or [t.text for t in tokenize(signal.words) if t.kind == "word"] != ["delayed"]:
        return  # "slightly delayed", "on hold", "some slippage": at risk as said
    target = draft.target
    dated = target is not None and not _NO_DATE.fullmatch(target.text)
    if not dated and not _SIZED.search(words):
        draft.status = Status.OFF_TRACK


def _target_notes(target: RevisedTarget | None, reading: Reading) -> list[tuple[str, str]]:
    """Doubts about a revised target: said with a hedge, or a forecast beyond the current target beside a
    status that says all is well."""
    if target is None:
        return []
    notes = [("target_hedged", target.text)] if target.hedged else []
    if (
        target.later
        and reading.status in (Status.ON_TRACK, Status.COMPLETED)
        and reading.certainty == "direct"
    ):
        notes.append(("target_later", target.text))
    return notes


def _progress(words: str, status_line: str | None, reading: Reading) -> str:
    """The person's words, tidied: a bare status label cut, what a Status line said beyond its label kept."""
    signal = reading.signal
    if reading.tier == "label" and signal and not signal.modified:
        words = strip_label(words, signal.start, signal.end)
        again = resolve(signals(mask(words)))
        if (
            again.signal
            and again.tier == "label"
            and again.status is reading.status
            and not again.signal.modified
        ):
            words = strip_label(words, again.signal.start, again.signal.end)  # "All good, on track."
    words = tidy(words)
    said = _more_than_status(status_line, reading) if status_line else ""
    return f"{said}\n{words}" if said and words else said or words


def _more_than_status(value: str, reading: Reading) -> str:
    """What a Status line says beyond its label: "Amber - recruitment delays" -> "recruitment delays",
    "complete apart from sign-off" -> all of it, "On track" -> ""."""
    signal = reading.signal
    if reading.tier != "field" or signal is None or signal.modified:
        return tidy(value)
    return tidy(strip_label(value, signal.start, signal.end))


def _ref_notes(piece: Piece, index: RefIndex) -> list[tuple[str, str]]:
    if piece.how == "inferred":
        long = len(piece.text) > LONG_REPLY or piece.text.count("\n") > 8
        return [("ref_inferred", "")] + ([("ref_inferred_long", "")] if long else [])
    if piece.how == "mention":
        return [("ref_mentioned", ", ".join(piece.refs))]
    if piece.how in ("parent", "child"):
        return [(f"ref_{piece.how}", "/".join(piece.refs))]
    return []


def _status_notes(reading: Reading) -> list[tuple[str, str]]:
    if reading.status is None or reading.signal is None:
        return []
    words = f'"{reading.signal.words}"'
    notes: list[tuple[str, str]] = []
    if reading.tier == "body" and reading.certainty == "direct":
        notes.append(("status_body", words))
    if reading.certainty == "hedged":
        notes.append(("status_hedged", words))
    elif reading.certainty == "implied":
        notes.append(("status_implied", words))
    if reading.mended:
        notes.append(("status_typo", words))
    if reading.conflict and reading.other:
        key = "status_contradicted" if reading.conflict == "contradicted" else "status_mixed"
        notes.append((key, f'{words} but also "{reading.other.words}"'))
    return notes
