"""Replies that need a careful coordinator's reading, by class, and what that coordinator would record.

Rows are phrasings.Row (text, refs asked, {ref: (status, revised_due)}, ...) with what this reading adds:
the class the row tests, the actions' current targets where the prompt knows them, the questions and
handovers the coordinator must be told of (counted: the words are the person's), words the progress
must keep, and a reason the update must give. Answered on phrasings.TODAY (15 April 2026) unless a row
says otherwise. A ref missing from `expected` must get no update.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .phrasings import AR, NC, NS, OFF, OT, SURE, UNSURE, C, Row

THREE = ("1.1", "1.2", "1.3")


@dataclass(frozen=True)
class Careful(Row):
    cls: str = ""
    targets: dict[str, date] = field(default_factory=dict, compare=False)  # the actions' current targets
    questions: int = 0  # sentences the coordinator is asked
    handed: int = 0  # actions said to be someone else's now
    progress: dict[str, str] = field(default_factory=dict, compare=False)  # words each progress must keep
    reason: str = ""  # words one update's reasons must contain
    texts: dict[str, str] = field(default_factory=dict, compare=False)  # the actions' own text, as prompted


def row(cls: str, id: str, text: str, asked: tuple[str, ...], expected: dict, **kw) -> Careful:
    return Careful(f"{cls}:{id}", text, asked, expected, cls=cls, **kw)


def one(cls: str, id: str, text: str, status, due: str | None = None, **kw) -> Careful:
    """A reply to a prompt that asked about one action (1.1), with no ref written."""
    return row(cls, id, text, ("1.1",), {"1.1": (status, due)}, **kw)


MARCH_27 = {"1.1": date(2027, 3, 31)}

ROWS: list[Careful] = [
    # --- revised dates: a month without its year, the current target, events, hedges, "not before" ------
    one("dates", "month-after-today", "Slipped to June", AR, "2026-06"),
    one("dates", "month-before-today-is-next-year", "Revised target: March", AR, "2027-03"),
    one("dates", "month-with-year-kept", "Slipped to June 2027", AR, "2027-06"),
    one(
        "dates",
        "slip-month-after-current-target",
        "Slipped to June",
        AR,
        "2027-06",
        targets=MARCH_27,
        note="a slip from March 2027 to June is June 2027, not the June before the target",
    ),
    one(
        "dates",
        "slip-month-already-after-target",
        "Slipped to June",
        AR,
        "2026-06",
        targets={"1.1": date(2026, 3, 31)},
    ),
    one(
        "dates",
        "new-date-not-later-is-no-slip",
        "New target date 31/12/2026 - we are ahead of plan",
        None,
        "2026-12-31",
        targets=MARCH_27,
        note="brought forward: no slip, so nothing implies at risk",
    ),
    one(
        "dates",
        "forecast-after-target-is-a-slip",
        "We expect to finish in June 2027.",
        AR,
        "2027-06",
        targets=MARCH_27,
        reason="target slipped",
    ),
    one(
        "dates",
        "forecast-before-target-is-none",
        "We expect to finish in December.",
        OT,
        "2026-12",
        targets=MARCH_27,
    ),
    one(
        "dates",
        "on-track-but-forecast-after-target",
        "On track, expect to complete by June 2027",
        OT,
        "2027-06",
        targets=MARCH_27,
        max_confidence=UNSURE,
        reason="after the current target",
    ),
    one("dates", "event-panel-meets", "The panel meets on 12 May to agree the shortlist.", None, None),
    one("dates", "event-workshop-held", "Workshop held on 3 March, second one due on 20 May.", None, None),
    one("dates", "event-panel-scheduled", "The recruitment panel is scheduled for 12 May.", None, None),
    one("dates", "event-interviews-planned", "Interviews are planned for 3 June.", None, None),
    one(
        "dates",
        "event-board-meeting",
        "Next board meeting is on 14 July, when the report goes for approval.",
        None,
        None,
    ),
    one("dates", "event-sessions-booked", "Training sessions are scheduled for May and June.", None, None),
    one(
        "dates",
        "event-then-target",
        "The steering group is planned for 12 May; we now expect to complete by September.",
        OT,
        "2026-09",
    ),
    one(
        "dates",
        "board-extends-deadline-is-a-target",
        "The board has extended the deadline to 31 October 2026.",
        AR,
        "2026-10-31",
    ),
    one("dates", "report-to-cabinet-by-is-a-target", "Report to Cabinet by Q3", None, "2026-09"),
    one(
        "dates",
        "hedged-probably-by",
        "Probably by June",
        None,
        "2026-06",
        max_confidence=UNSURE,
        reason="hedged",
    ),
    one("dates", "hedged-hopefully-end-of", "Hopefully end of May", None, "2026-05", max_confidence=UNSURE),
    one("dates", "hedged-slip", "Slipped - hopefully end of July now", AR, "2026-07", max_confidence=UNSURE),
    one("dates", "hedged-after", "Delayed to September, hopefully", AR, "2026-09", max_confidence=UNSURE),
    one("dates", "hedged-ish", "New date end of June-ish", AR, "2026-06", reason="hedged"),
    row(
        "dates",
        "hedged-with-ref-still-recorded",
        "1.2 - slipped, probably to the end of July",
        THREE,
        {"1.2": (AR, "2026-07")},
        reason="hedged",
    ),
    one("dates", "not-before-month-year", "Not before March 2027", AR, "2027-03"),
    one("dates", "not-before-the-end-of", "Not before the end of September", AR, "2026-09"),
    one("dates", "wont-be-ready-before", "Won't be ready before January 2027", AR, "2027-01"),
    one("dates", "no-earlier-than", "No earlier than Q2 2027", AR, "2027-06"),
    one("dates", "not-likely-before", "Not likely before 2027", AR, "2027-12", max_confidence=UNSURE),
    # --- status: instructions and labels beat verbs; negations never count; an opening "no change" ------
    one(
        "status",
        "status-label-beats-verb",
        "Status: at risk. We completed the survey but analysis is behind.",
        AR,
        min_confidence=SURE,
    ),
    one("status", "rag-after-verb", "Completed the first phase. RAG: amber", AR, min_confidence=SURE),
    one("status", "rag-inline-after-verb", "We finished the pilot in March, RAG status is red", OFF),
    one("status", "please-mark-amber", "We completed the pilot, but please mark this as amber.", AR),
    one("status", "put-it-down-as", "Done the drafting; put it down as on track for now.", OT),
    one("status", "record-ref-as", "Please record 1.1 as complete - the policy went live on 2 April.", C),
    one("status", "last-instruction-wins", "Status: green. Actually please mark it as amber.", AR),
    one("status", "not-yet-completed", "Not yet completed", OT, max_confidence=UNSURE),
    one("status", "hasnt-started", "Hasn't started", NS),
    one("status", "has-not-been-completed", "This has not been completed yet.", OT, max_confidence=UNSURE),
    one("status", "not-started-not-completed", "Not started, so not completed either.", NS),
    one("status", "havent-finished", "We haven't finished the audit.", OT, max_confidence=UNSURE),
    one("status", "never-completed", "The pilot was never completed.", OT, max_confidence=UNSURE),
    one("status", "yet-to-be-completed", "The review is yet to be completed.", OT, max_confidence=UNSURE),
    one("status", "not-complete-yet", "Isn't complete yet", OT, max_confidence=UNSURE),
    one(
        "status",
        "not-as-yet-completed",
        "We have not, as yet, completed the review.",
        OT,
        max_confidence=UNSURE,
    ),
    one("status", "far-from-complete", "Far from complete, I'm afraid.", OT, max_confidence=UNSURE),
    one("status", "wouldnt-say-complete", "I wouldn't say it's complete", OT, max_confidence=UNSURE),
    one("status", "nothing-completed", "Nothing completed yet, still scoping.", OT, max_confidence=UNSURE),
    one("status", "was-green-in-brackets", "Status - amber (was green)", AR, min_confidence=SURE),
    one(
        "status",
        "update-status-to",
        "Survey done. Please update the status to at risk.",
        AR,
        min_confidence=SURE,
    ),
    one("status", "no-change-then-history", "No change. The report was completed in March as planned.", NC),
    one(
        "status",
        "no-change-then-part-delayed",
        "No change - the consultation is delayed until the summer.",
        NC,
    ),
    one("status", "no-change-still-behind", "No change, still behind.", OFF),
    one("status", "no-change-remains-on-hold", "No change: remains on hold.", AR),
    one("status", "no-change-then-another-sentence", "No change. We finished the pilot in February.", NC),
    one("status", "no-change-still-in-next-sentence", "No change. Still behind on recruitment.", OFF),
    one("status", "delayed-no-date-is-off-track", "Delayed - waiting on IT.", OFF),
    one("status", "delayed-with-date-is-at-risk", "Delayed to September", AR, "2026-09"),
    one("status", "delayed-with-size-is-at-risk", "Delayed by two weeks because of the election", AR),
    one("status", "delayed-season-is-at-risk", "Delayed until the autumn", AR),
    one("status", "slightly-delayed-is-at-risk", "Slightly delayed", AR),
    one(
        "status",
        "part-delayed-is-at-risk",
        "The survey was completed but analysis is delayed by IT issues",
        AR,
    ),
    # --- handovers: no update, a note for the coordinator ------------------------------------------------
    row("handover", "now-with-estates", "4.5 is now with Estates", ("4.4", "4.5"), {}, handed=1),
    row(
        "handover",
        "now-with-beside-an-update",
        "4.4 on track. 4.5 is now with Estates.",
        ("4.4", "4.5"),
        {"4.4": (OT, None)},
        handed=1,
    ),
    row("handover", "moved-to-sam", "2.1 has moved to Sam", ("2.1", "2.2"), {}, handed=1),
    row(
        "handover",
        "moved-to-sam-then-update",
        "2.1 has moved to Sam. 2.2 complete.",
        ("2.1", "2.2"),
        {"2.2": (C, None)},
        handed=1,
    ),
    row(
        "handover",
        "transferred-to-team",
        "2.1 - transferred to the Estates team in March",
        ("2.1", "2.2"),
        {},
        handed=1,
    ),
    row("handover", "handed-it-over", "I've handed 2.1 over to Priya Shah.", ("2.1", "2.2"), {}, handed=1),
    row(
        "handover", "taken-over-by", "Sam Jones has taken over 2.1 from April.", ("2.1", "2.2"), {}, handed=1
    ),
    row("handover", "now-led-by", "2.2 is now led by Finance", ("2.1", "2.2"), {}, handed=1),
    row(
        "handover",
        "no-longer-mine",
        "2.1 is no longer mine, 2.2 is on track",
        ("2.1", "2.2"),
        {"2.2": (OT, None)},
        handed=1,
    ),
    row("handover", "this-has-moved", "This has moved to HR.", ("1.1",), {}, handed=1),
    row(
        "handover",
        "not-my-action-any-more",
        "Not my action any more - please ask HR.",
        ("1.1",),
        {},
        handed=1,
    ),
    row("handover", "should-be-with", "1.1 should be with Procurement now", ("1.1", "1.2"), {}, handed=1),
    row(
        "handover", "to-a-named-post", "1.1 - passed to the new Head of Service", ("1.1", "1.2"), {}, handed=1
    ),
    row(
        "handover",
        "moved-to-a-system-is-progress",
        "1.1 - moved to SharePoint, on track",
        ("1.1", "1.2"),
        {"1.1": (OT, None)},
    ),
    row(
        "handover",
        "moved-to-a-date-is-a-slip",
        "2.1 has moved to June",
        ("2.1", "2.2"),
        {"2.1": (AR, "2026-06")},
    ),
    row(
        "handover",
        "with-legal-for-review-is-progress",
        "2.1 is now with Legal for review",
        ("2.1", "2.2"),
        {"2.1": (None, None)},
    ),
    row(
        "handover",
        "completed-and-handed-over",
        "2.1 is complete and has been handed over to Estates to run.",
        ("2.1", "2.2"),
        {"2.1": (C, None)},
    ),
    row(
        "handover",
        "the-draft-is-with-legal",
        "2.1 - the draft is with legal, on track",
        ("2.1", "2.2"),
        {"2.1": (OT, None)},
    ),
    # --- blankets with counts and possessives ------------------------------------------------------------
    row(
        "blanket",
        "all-three-of-mine",
        "All three of mine are on track",
        THREE,
        {r: (OT, None) for r in THREE},
        blanket=OT,
    ),
    row(
        "blanket",
        "both-of-my-actions",
        "Both of my actions are complete",
        ("1.1", "1.2"),
        {r: (C, None) for r in ("1.1", "1.2")},
        blanket=C,
    ),
    row(
        "blanket",
        "all-my-actions-no-change",
        "All my actions: no change",
        THREE,
        {r: (NC, None) for r in THREE},
        blanket=NC,
    ),
    row("blanket", "all-3-digits", "All 3 are on track.", THREE, {r: (OT, None) for r in THREE}, blanket=OT),
    row(
        "blanket",
        "my-two-actions",
        "Hi Sam, my two actions are both complete. Thanks",
        ("2.4", "2.5"),
        {r: (C, None) for r in ("2.4", "2.5")},
        blanket=C,
    ),
    row(
        "blanket",
        "each-of-my-actions",
        "Each of my actions is on track",
        ("1.1", "1.2"),
        {r: (OT, None) for r in ("1.1", "1.2")},
        blanket=OT,
    ),
    row(
        "blanket",
        "count-not-the-number-asked",
        "All three of mine are on track",
        ("1.1", "1.2", "1.3", "1.4"),
        {r: (OT, None) for r in ("1.1", "1.2", "1.3", "1.4")},
        blanket=OT,
        max_confidence=UNSURE,
        note="four were asked: which three? a person checks",
    ),
    # --- a ref in brackets after its subject -------------------------------------------------------------
    row(
        "subject",
        "survey-delayed",
        "The staff survey (2.3) is delayed",
        ("2.2", "2.3"),
        {"2.3": (OFF, None)},
        progress={"2.3": "The staff survey is delayed"},
    ),
    row(
        "subject",
        "two-subjects",
        "The staff survey (2.3) is delayed, the training (2.2) is complete",
        ("2.2", "2.3"),
        {"2.2": (C, None), "2.3": (OFF, None)},
        progress={"2.2": "the training is complete", "2.3": "The staff survey is delayed"},
    ),
    row(
        "subject",
        "subjects-joined-by-and",
        "The staff survey (2.3) has slipped to June and the training (2.2) is on track",
        ("2.2", "2.3"),
        {"2.2": (OT, None), "2.3": (AR, "2026-06")},
        progress={"2.2": "the training is on track", "2.3": "The staff survey has slipped to June"},
    ),
    row(
        "subject",
        "after-another-answer",
        "2.2 is done. The staff survey (2.3) has slipped to June.",
        ("2.2", "2.3"),
        {"2.2": (C, None), "2.3": (AR, "2026-06")},
        progress={"2.3": "The staff survey has slipped to June."},
    ),
    row(
        "subject",
        "status-in-the-subject",
        "We are behind on the staff survey (2.3) because of staffing",
        ("2.2", "2.3"),
        {"2.3": (OFF, None)},
        progress={"2.3": "We are behind on the staff survey because of staffing"},
    ),
    row(
        "subject",
        "exception-is-not-a-subject",
        "All complete except for the staff survey (1.3), which is now due in October.",
        THREE,
        {"1.1": (C, None), "1.2": (C, None), "1.3": (AR, "2026-10")},
        blanket=C,
    ),
    # --- questions: never into the record --------------------------------------------------------------
    row("question", "is-it-still-mine", "is 1.1 still mine?", ("1.1", "1.2"), {}, questions=1),
    row(
        "question", "what-is-it-about", "Can you tell me what 2.3 is about?", ("2.2", "2.3"), {}, questions=1
    ),
    row("question", "this-still-mine", "Is this still mine?", ("1.1",), {}, questions=1),
    row("question", "is-it-complete", "Is 1.2 complete?", ("1.1", "1.2"), {}, questions=1),
    row(
        "question",
        "no-question-mark",
        "Can you confirm whether 1.2 is still needed",
        ("1.1", "1.2"),
        {},
        questions=1,
    ),
    row(
        "question",
        "wondering",
        "I was wondering whether 1.2 has been merged with 1.3.",
        THREE,
        {},
        questions=1,
    ),
    row(
        "question",
        "beside-an-update",
        "1.2 complete. Is 1.1 still mine?",
        ("1.1", "1.2"),
        {"1.2": (C, None)},
        questions=1,
    ),
    row(
        "question",
        "in-an-answer",
        "1.1 - on track, do you need the evidence for the committee?",
        ("1.1", "1.2"),
        {"1.1": (OT, None)},
        questions=1,
    ),
    row(
        "question",
        "after-a-label",
        "1.1 - done\n1.2 - is this still needed? Nobody has asked for it.",
        ("1.1", "1.2"),
        {"1.1": (C, None), "1.2": (None, None)},
        questions=1,
    ),
    row(
        "question",
        "polite-questions-are-courtesy",
        "1.1 done. Hope you're well? Does that help?",
        ("1.1", "1.2"),
        {"1.1": (C, None)},
    ),
    row(
        "question",
        "offer-of-more-is-courtesy",
        "1.1 done - what else do you need from me?",
        ("1.1", "1.2"),
        {"1.1": (C, None)},
    ),
    row(
        "question",
        "question-with-its-reason",
        "Are we still doing 1.2? I thought it was cancelled.",
        ("1.1", "1.2"),
        {},
        questions=1,
    ),
    row(
        "question",
        "instruction-is-not-a-question",
        "Can you mark 1.1 as complete please?",
        ("1.1", "1.2"),
        {"1.1": (C, None)},
    ),
    row(
        "question",
        "echoed-action-text-is-not-asked",
        "[1.1] Is the website accessible to screen readers?\nStatus: on track\nProgress: audit booked",
        ("1.1", "1.2"),
        {"1.1": (OT, None)},
        texts={"1.1": "Is the website accessible to screen readers?"},
    ),
    # --- dates as UK public bodies write them ------------------------------------------------------------
    one("uk-dates", "day-month-year", "Revised target 31/03/2028", AR, "2028-03-31"),
    one("uk-dates", "fy-quarter", "Delayed - end of Q1 2028/29", AR, "2028-06"),
    one("uk-dates", "fy-quarter-day", "Delayed to end of Q1 2028/29", AR, "2028-06-30"),
    one("uk-dates", "financial-year", "Now due 2028/29", AR, "2029-03-31"),
    one("uk-dates", "fy-short-form", "New target FY28/29", AR, "2029-03"),
    one("uk-dates", "wrapped-cue", "Revised target\n31/03/2028", AR, "2028-03-31"),
    one("uk-dates", "wrapped-field", "Revised target:\n31/03/2028", AR, "2028-03-31"),
    row(
        "uk-dates",
        "wrapped-in-prompt-form",
        "[1.1] Review the policy\nStatus: delayed\nRevised target:\n31/03/2028\nProgress: new lead in post",
        ("1.1", "1.2"),
        {"1.1": (AR, "2028-03-31")},
    ),
    one("uk-dates", "wrapped-mid-cue", "The deadline has been revised\nto 30/09/2027.", AR, "2027-09-30"),
]
