"""Replies as leads in councils, NHS trusts and housing associations really write them, and what a careful
coordinator would record from each.

Each row: the text (as the email extractor hands it over: quoted original and signature gone, "Thanks"
lines may remain), the refs the prompt asked about, and the expected updates {ref: (status, revised_due)}.
revised_due is "YYYY-MM" (the month of the revised date), "YYYY-MM-DD" (the exact day) or None. A ref
missing from `expected` must get no update. Optional: unknown refs, the blanket status, confidence bounds.
Rows are answered on TODAY (mid-April 2026, the Q4 round) unless they say otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from collector.core.vocabulary import Status

TODAY = date(2026, 4, 15)
C = Status.COMPLETED
OT = Status.ON_TRACK
AR = Status.AT_RISK
OFF = Status.OFF_TRACK
NS = Status.NOT_STARTED
W = Status.WITHDRAWN
NC = Status.NO_CHANGE
UNSURE = 0.79  # below collector.replies.types.CONFIDENT: should go to a person
SURE = 0.8


@dataclass(frozen=True)
class Row:
    id: str
    text: str
    asked: tuple[str, ...]
    expected: dict[str, tuple[Status | None, str | None]]
    unknown: tuple[str, ...] = ()
    blanket: Status | None = None
    min_confidence: float | None = None
    max_confidence: float | None = None
    today: date | None = TODAY
    note: str = field(default="", compare=False)


ONE = ("1.1",)
THREE = ("1.1", "1.2", "1.3")


def one(id: str, text: str, status: Status | None, due: str | None = None, **kw) -> Row:
    """A reply to a prompt that asked about one action (1.1), with no ref written."""
    return Row(id, text, ONE, {"1.1": (status, due)}, **kw)


ROWS: list[Row] = [
    # --- one action asked, terse answers -------------------------------------------------------------
    one("done", "Done", C, min_confidence=SURE),
    one("completed-full-stop", "Completed.", C),
    one("complete-dash-history", "complete - signed off by Cabinet in Feb", C, None),
    one(
        "now-complete-sentence", "This is now complete, the policy was published on the intranet in March.", C
    ),
    one("finished-exclaim", "Finished!", C),
    one("in-place-and-operating", "In place and operating since January.", C),
    one("on-target", "On target", OT, min_confidence=SURE),
    one(
        "on-track-with-detail", "On track - the working group has met twice and the draft is with legal.", OT
    ),
    one("ongoing", "Ongoing", OT),
    one("progressing-well", "Progressing well, 60% of managers have now done the training.", OT),
    one("in-hand", "In hand", OT),
    one(
        "some-slippage-but-expect",
        "Some slippage due to staff sickness but still expect to finish by the end of June.",
        AR,
        "2026-06",
    ),
    one("behind-schedule", "Behind schedule - procurement took longer than planned.", OFF),
    one("delayed", "Delayed", OFF, note="delayed with no new date: behind with no new date is off track"),
    one("at-risk-lost-officer", "At risk, we have lost our project officer.", AR),
    one("not-started-yet", "Not started yet.", NS, min_confidence=SURE),
    one("not-yet-started-guidance", "Not yet started - waiting for the national guidance.", NS),
    one("withdrawn-restructure", "Withdrawn - no longer relevant following the restructure.", W),
    one("cancelled", "Cancelled", W),
    one("no-change", "No change", NC),
    one("rag-amber", "RAG: amber", AR),
    one("green", "Green", OT),
    one("red-no-budget", "Red - no budget identified", OFF),
    one("blue-complete", "Blue - complete", C),
    one("sorry-all-good", "Sorry for the slow reply! All good, on track.", OT),
    one(
        "signed-off-now-implementing",
        "Apologies for the delay. The strategy was signed off in Feb and is now being implemented.",
        OT,
    ),
    one("off-track", "Off track", OFF),
    one("stalled-pending", "Stalled pending the budget decision", OFF),
    one("superseded", "Superseded by the new EDI strategy", W),
    one("done-and-dusted", "Hi Jo, yes all done and dusted! Cheers, Sam", C),
    one("completed-in-march-as-planned", "Completed in March as planned", C, None),
    one("on-track-complete-by-date", "On track, will be complete by 31/03/2027", OT, "2027-03-31"),
    one("delayed-new-target-quarter", "Delayed - new target date Q1 2027", AR, "2027-03"),
    one("no-change-still-on-track", "No change - still on track", OT),
    one("no-change-still-behind", "No change, still behind.", OFF),
    one(
        "as-per-last-update-on-hold", "As per my last update - on hold until the restructure is finished.", AR
    ),
    one("working-on-it", "The team is working on it.", OT, max_confidence=UNSURE),
    one(
        "recruitment-ongoing-interviews",
        "Recruitment to the post is ongoing. Interviews are on 14 May.",
        OT,
        None,
    ),
    one("still-waiting-for-legal", "Still waiting for legal to review the contract.", None, None),
    one("version-is-not-a-ref", "Version 1.2 of the policy is now complete", C),
    one("done-see-attached", "Done (see attached)", C),
    # --- negation and hedging ------------------------------------------------------------------------
    one(
        "not-yet-complete-due-may",
        "Not yet complete, final report due in May.",
        OT,
        "2026-05",
        max_confidence=UNSURE,
    ),
    one("not-complete", "Not complete", OT, max_confidence=UNSURE),
    one("nearly-finished", "Nearly finished", OT, max_confidence=UNSURE),
    one(
        "almost-done-waiting",
        "Almost done - just waiting for the comms team to publish.",
        OT,
        max_confidence=UNSURE,
    ),
    one("should-be-finished-by-may", "Should be finished by May", OT, "2026-05", max_confidence=UNSURE),
    one("hope-to-complete-june", "Hope to complete in June", OT, "2026-06", max_confidence=UNSURE),
    one("will-be-done-end-of-month", "Will be done by the end of the month", OT, "2026-04-30"),
    one("expected-to-complete-sept", "Expected to complete in September.", OT, "2026-09"),
    one("aiming-to-finish-q3", "Aiming to finish by Q3", OT, "2026-09"),
    one("no-longer-on-track", "No longer on track - the contractor went into administration.", OFF),
    one("not-behind", "We're not behind.", OT),
    one("not-at-risk", "Not at risk", OT),
    one("hasnt-started", "Hasn't started yet as we're still recruiting.", NS),
    one("hasnt-been-completed", "The review hasn't been completed yet.", OT, max_confidence=UNSURE),
    one("wont-be-completed", "Won't be completed by March, now looking like July.", AR, "2026-07"),
    one("unlikely-to-finish", "Unlikely to be finished by the target date", AR, max_confidence=UNSURE),
    one(
        "complete-apart-from",
        "Complete apart from the final sign-off by the board.",
        OT,
        max_confidence=UNSURE,
    ),
    one("partially-complete", "Partially complete - two of the three sites are live.", OT),
    one("draft-complete", "Draft complete, going to SMT next month.", OT, max_confidence=UNSURE),
    one("not-on-track", "Not on track", OFF),
    one("slightly-behind", "Slightly behind", AR),
    one("no-slippage", "No slippage so far", OT),
    one(
        "once-funding-confirmed",
        "Once the funding is confirmed this will be completed quickly.",
        OT,
        max_confidence=UNSURE,
    ),
    one("not-all-teams", "Not all teams have completed it yet", OT, max_confidence=UNSURE),
    one(
        "closed-now-analysing",
        "Consultation closed 3 March, analysing responses now.",
        OT,
        None,
        max_confidence=UNSURE,
    ),
    one("not-started-but-on-track-to-begin", "Not started yet but on track to begin in May", NS, None),
    one("progressing-but-bit-behind", "Progressing well but a bit behind", AR, max_confidence=UNSURE),
    one(
        "done-but-slipped",
        "Done but slipped",
        C,
        max_confidence=UNSURE,
        note="contradictory: a person decides",
    ),
    one("yet-to-start", "Yet to start - funding bid goes in next week", NS),
    one("not-yet-undertaken", "Not yet undertaken", NS),
    # --- revised targets -----------------------------------------------------------------------------
    one("slipped-to-june", "Slipped to June", AR, "2026-06"),
    one("slipped-to-end-of-may", "Slipped to end of May", AR, "2026-05"),
    one("new-target-june-2027", "New target June 2027", AR, "2027-06"),
    one("new-date-numeric", "New date: 30/09/2026", AR, "2026-09-30"),
    one("pushed-back-year", "Pushed back to 2027", AR, "2027-12"),
    one("moved-to-q3", "Moved to Q3", AR, "2026-09"),
    one("now-due-autumn", "Now due in the autumn", AR, None),
    one("revised-deadline-sept-27", "Revised deadline Sept 27", AR, "2027-09"),
    one("delayed-to-march-2027", "Delayed to March 2027 because of the restructure", AR, "2027-03"),
    one("deferred-new-financial-year", "Deferred until the new financial year", AR, None),
    one("target-moved-exact-day", "Target date moved to 31 March 2027 by SMT", AR, "2027-03-31"),
    one("extended-to-december", "Extended to December", AR, "2026-12"),
    one("now-expected-january", "Now expected January", AR, "2027-01"),
    one("on-track-completion-by-q4", "On track for completion by Q4 2026", OT, "2026-12"),
    one("signed-off-in-feb-is-history", "Signed off in Feb", C, None),
    one("met-on-3-march-is-history", "Working group met on 3 March, next meeting in June.", None, None),
    one("went-to-cabinet-approved", "Report went to Cabinet on 12 January and was approved.", C, None),
    one("expect-to-go-live-october", "We expect to go live in October", OT, "2026-10"),
    one("completion-expected-end-june", "Completion expected end of June", OT, "2026-06"),
    one("complete-by-q3", "Should be complete by Q3", OT, "2026-09"),
    one(
        "slipped-to-end-of-year",
        "Due to staff shortages this has slipped to the end of the year",
        AR,
        "2026-12",
    ),
    one(
        "slipped-without-today",
        "Slipped to June",
        AR,
        None,
        today=None,
        note="no today: June of which year?",
    ),
    one("new-target-numeric-2027", "New target date 31/03/2027", AR, "2027-03-31"),
    one("revised-to-spring", "Timescale revised to Spring 2027", AR, None),
    one("financial-year", "Now due to complete in the 2027/28 financial year", AR, "2028-03"),
    one("pushed-back-next-year", "Pushed back to next year I'm afraid", AR, "2027-12"),
    one("slipped-to-next-month", "Slipped to the end of next month", AR, "2026-05"),
    one("was-due-march-now-june", "Was due in March but has slipped to June.", AR, "2026-06"),
    one("by-day-month", "Will be signed off by 30th June", OT, "2026-06-30"),
    one("month-earlier-than-today", "Moved to February", AR, "2027-02"),
    one("new-target-tbc", "Delayed, new date TBC", OFF, None, note="TBC is no new date yet: off track"),
    # --- inline answers under the prompt's own lines ---------------------------------------------------
    Row(
        "prompt-one-answered",
        "[1.1] Review the customer profile data\nTarget: Mar-27\nLast reported: on_track\nStatus: on track\n"
        "Progress: consultation closed 3 March\n\n[1.2] Publish the annual equality report\nTarget: Jun-27\n"
        "Last reported: not_started\nStatus:\nProgress:\n",
        ("1.1", "1.2"),
        {"1.1": (OT, None)},
        min_confidence=SURE,
    ),
    Row(
        "prompt-quoted-markers",
        "> [1.1] Review the customer profile data\n> Target: Mar-27\n> Last reported: on_track\n> Status:\n"
        "> Progress:\n>\n> [1.2] Publish the annual equality report\n> Target: Jun-27\n"
        "> Last reported: not_started\nStatus: Not started\nProgress: waiting for the census data\n",
        ("1.1", "1.2"),
        {"1.2": (NS, None)},
    ),
    Row(
        "prompt-progress-only",
        "[1.1] Review the customer profile data\nTarget: Mar-27\nLast reported: on_track\nStatus:\n"
        "Progress: Done, signed off in Feb\n",
        ("1.1", "1.2"),
        {"1.1": (C, None)},
    ),
    Row(
        "prompt-status-only",
        "[1.1] Review the customer profile data\nTarget: Mar-27\nLast reported: on_track\nStatus: Completed\n"
        "Progress:\n",
        ("1.1",),
        {"1.1": (C, None)},
    ),
    Row(
        "prompt-slipped-new-date",
        "[2.1] Introduce reverse mentoring for board members\nTarget: Q3 2026\nLast reported: on_track\n"
        "Status: slipped\nProgress: New target date 30/09/2026, mentors now matched\n",
        ("2.1", "2.2"),
        {"2.1": (AR, "2026-09-30")},
    ),
    Row(
        "prompt-action-text-has-status-words",
        "[1.1] Ensure the complaints process is in place and published\nTarget: Mar-27\nLast reported: "
        "on_track\n"
        "Status:\nProgress:\n\n[1.2] Review the disciplinary process\nTarget: TBC\nLast reported: at_risk\n"
        "Status: on track\nProgress:\n",
        ("1.1", "1.2"),
        {"1.2": (OT, None)},
    ),
    Row(
        "prompt-free-line-under-last-reported",
        "[1.2] Publish the annual report\nTarget: Jun-27\nLast reported: not_started\n"
        "Drafting has started, on track for June\n",
        ("1.1", "1.2"),
        {"1.2": (OT, "2026-06")},
    ),
    Row(
        "prompt-rag-status-green",
        "[3.1] Train all managers\nTarget: Dec-26\nLast reported: amber\nRAG status: Green\n"
        "Progress: 85% trained\n",
        ("3.1",),
        {"3.1": (OT, None)},
    ),
    Row(
        "prompt-as-last-time",
        "[3.1] Train all managers\nTarget: Dec-26\nLast reported: on_track\nStatus: as last "
        "time\nProgress:\n",
        ("3.1", "3.2"),
        {"3.1": (NC, None)},
    ),
    Row(
        "prompt-status-amber-new-target",
        "[1.3] Audit the website's accessibility\nTarget: Mar-26\nLast reported: on_track\n"
        "Status: Amber - supplier delays\nProgress: audit half done\nNew target: end of July\n",
        THREE,
        {"1.3": (AR, "2026-07")},
    ),
    Row(
        "prompt-all-three-answered",
        "[1.1] Publish workforce race data\nStatus: Complete\nProgress: published 2 April\n\n"
        "[1.2] Reverse mentoring\nStatus: on track\nProgress: pairs matched\n\n"
        "[1.3] Review disciplinary process\nStatus: red\nProgress: no capacity in ER team\n",
        THREE,
        {"1.1": (C, None), "1.2": (OT, None), "1.3": (OFF, None)},
        min_confidence=SURE,
    ),
    # --- top-posted lists and inline refs ---------------------------------------------------------------
    Row(
        "top-posted-semicolon",
        "1.1 done, signed off in Feb; 1.3 slipped to June",
        THREE,
        {"1.1": (C, None), "1.3": (AR, "2026-06")},
        min_confidence=SURE,
    ),
    Row(
        "dash-list",
        "1.1 - complete\n1.2 - on track\n1.3 - not started",
        THREE,
        {"1.1": (C, None), "1.2": (OT, None), "1.3": (NS, None)},
        min_confidence=SURE,
    ),
    Row(
        "colon-list",
        "1.1: Done\n1.2: In progress - first workshop held 4 March\n1.3: Delayed to September",
        THREE,
        {"1.1": (C, None), "1.2": (OT, None), "1.3": (AR, "2026-09")},
    ),
    Row(
        "square-brackets-one-line",
        "[1.1] complete [1.2] ongoing",
        ("1.1", "1.2"),
        {"1.1": (C, None), "1.2": (OT, None)},
    ),
    Row(
        "action-keyword",
        "Action 1.1 - complete. Action 1.2 - on track.",
        ("1.1", "1.2"),
        {"1.1": (C, None), "1.2": (OT, None)},
    ),
    Row(
        "re-refs-new-date",
        "Re 2.4 - on track, re 2.5 - some slippage, new date end of July",
        ("2.4", "2.5"),
        {"2.4": (OT, None), "2.5": (AR, "2026-07")},
    ),
    Row(
        "ampersand-both",
        "2.4 & 2.5 both complete",
        ("2.4", "2.5", "2.6"),
        {"2.4": (C, None), "2.5": (C, None)},
    ),
    Row("slash-pair", "2.4/2.5 - done", ("2.4", "2.5"), {"2.4": (C, None), "2.5": (C, None)}),
    Row("inline-on-ref", "On 1.3 we are behind because of staffing.", ("1.1", "1.3"), {"1.3": (OFF, None)}),
    Row(
        "and-joins-two", "1.1 done and 1.2 is on track", ("1.1", "1.2"), {"1.1": (C, None), "1.2": (OT, None)}
    ),
    Row("hi-sam-re", "Hi Sam, re 2.4 - this is now complete. Thanks, Jo", ("2.4", "2.5"), {"2.4": (C, None)}),
    Row(
        "ref-3-10-vs-3-1",
        "Ref 3.10 - on target\nRef 3.1 - complete",
        ("3.1", "3.10"),
        {"3.1": (C, None), "3.10": (OT, None)},
    ),
    Row(
        "word-numbering-tabs",
        "1.1.\tDone\n1.2.\tOngoing",
        ("1.1", "1.2"),
        {"1.1": (C, None), "1.2": (OT, None)},
    ),
    Row(
        "bullets",
        "• 1.1 complete\n• 1.2 in hand\n• 1.3 at risk - budget",
        THREE,
        {"1.1": (C, None), "1.2": (OT, None), "1.3": (AR, None)},
    ),
    Row(
        "paren-list-one-line",
        "1.1) Done 1.2) On track",
        ("1.1", "1.2"),
        {"1.1": (C, None), "1.2": (OT, None)},
    ),
    Row(
        "en-dash-list-with-forecast",
        "1.1 – Completed\n1.2 – Completed\n1.3 – Ongoing, expected to complete Dec 2026",
        THREE,
        {"1.1": (C, None), "1.2": (C, None), "1.3": (OT, "2026-12")},
    ),
    Row(
        "refs-on-own-lines",
        "Updates below:\n\n1.1\nThe policy was agreed by SMT on 3 March and published on the intranet.\n\n"
        "1.2\nTraining is booked for May and June.\n",
        ("1.1", "1.2"),
        {"1.1": (C, None), "1.2": (None, None)},
    ),
    Row(
        "unblocks-next",
        "2.1 complete. This unblocks 2.2 which can now start.",
        ("2.1", "2.2"),
        {"2.1": (C, None)},
        note="2.2 is only referred to: its lead says nothing about it",
    ),
    Row(
        "delivered-some-of",
        "1.2 – we have delivered 3 of the 5 workshops, the rest are booked.",
        ("1.1", "1.2"),
        {"1.2": (OT, None)},
    ),
    Row(
        "lazy-list-no-punctuation",
        "1.1 done 1.2 done 1.3 done",
        THREE,
        {"1.1": (C, None), "1.2": (C, None), "1.3": (C, None)},
    ),
    Row(
        "trailing-ref-sentence",
        "Complete (1.1). 1.2 on track",
        ("1.1", "1.2"),
        {"1.1": (C, None), "1.2": (OT, None)},
    ),
    Row(
        "trailing-refs-lines",
        "Training delivered to all managers (1.2)\nPolicy drafted and out to consultation (1.1)",
        ("1.1", "1.2"),
        {"1.1": (None, None), "1.2": (C, None)},
    ),
    Row(
        "greeting-apology-list",
        "Hi Sam,\n\nApologies for the delay. Updates below:\n\n1.1 - Done. Policy approved by Cabinet on 12 "
        "March.\n"
        "1.2 - On track, training booked for June.\n1.3 - Not started yet, waiting for the new post to be "
        "filled.\n\n"
        "Thanks,\nJo",
        THREE,
        {"1.1": (C, None), "1.2": (OT, None), "1.3": (NS, None)},
        min_confidence=SURE,
    ),
    Row(
        "re-2-4-paragraph",
        "Re 2.4 -\nConsultation has now closed and responses are being analysed. On track for Cabinet in "
        "July.",
        ("2.4", "2.5"),
        {"2.4": (OT, None)},
    ),
    Row(
        "both-done-but-delayed",
        "1.1 and 1.2 are both done but 1.3 is delayed until the new year",
        THREE,
        {"1.1": (C, None), "1.2": (C, None), "1.3": (AR, None)},
    ),
    Row(
        "linked-to-is-not-a-start",
        "1.1 is on track and is linked to 1.2",
        ("1.1", "1.2"),
        {"1.1": (OT, None)},
    ),
    Row(
        "paragraph-per-action",
        "2.1 Recruitment panels\nWe now have trained panel chairs in every directorate. Complete.\n\n"
        "2.2 Disciplinary review\nThis has been delayed as the ER lead left. New target date: end of "
        "September.",
        ("2.1", "2.2"),
        {"2.1": (C, None), "2.2": (AR, "2026-09")},
    ),
    Row(
        "item-keyword-bare",
        "Item 3 - done\nItem 1 - ongoing",
        ("1", "2", "3"),
        {"1": (OT, None), "3": (C, None)},
    ),
    Row(
        "numbered-plan-bare-refs",
        "1. Complete\n2. In progress\n3. Not started",
        ("1", "2", "3"),
        {"1": (C, None), "2": (OT, None), "3": (NS, None)},
    ),
    # --- blanket answers -------------------------------------------------------------------------------
    Row("no-change-since", "No change since last time", THREE, {r: (NC, None) for r in THREE}, blanket=NC),
    Row("no-change-to-all", "No change to all", THREE, {r: (NC, None) for r in THREE}, blanket=NC),
    Row("all-on-track", "All on track", THREE, {r: (OT, None) for r in THREE}, blanket=OT),
    Row(
        "everything-on-target", "Everything is on target.", THREE, {r: (OT, None) for r in THREE}, blanket=OT
    ),
    Row("as-before", "As before", THREE, {r: (NC, None) for r in THREE}, blanket=NC),
    Row(
        "hi-no-changes-thanks",
        "Hi Sam, no changes from my last update. Thanks, Jo",
        THREE,
        {r: (NC, None) for r in THREE},
        blanket=NC,
    ),
    Row(
        "all-three-progressing",
        "All three are progressing well.",
        THREE,
        {r: (OT, None) for r in THREE},
        blanket=OT,
    ),
    Row("both-on-track", "Both on track", ("2.4", "2.5"), {"2.4": (OT, None), "2.5": (OT, None)}, blanket=OT),
    Row(
        "nothing-to-report",
        "Nothing to report this quarter",
        THREE,
        {r: (NC, None) for r in THREE},
        blanket=NC,
    ),
    Row(
        "all-on-track-except",
        "All on track except 1.3 which has slipped to Q3",
        THREE,
        {"1.1": (OT, None), "1.2": (OT, None), "1.3": (AR, "2026-09")},
        blanket=OT,
    ),
    Row(
        "everything-else-on-track",
        "1.2 is delayed - waiting on IT. Everything else is on track.",
        THREE,
        {"1.1": (OT, None), "1.2": (OFF, None), "1.3": (OT, None)},
        blanket=OT,
        note="1.2 is delayed with no new date: off track",
    ),
    Row(
        "no-change-on-the-others",
        "1.1 done. No change on the others.",
        THREE,
        {"1.1": (C, None), "1.2": (NC, None), "1.3": (NC, None)},
        blanket=NC,
    ),
    Row("most-things-not-blanket", "Most things are on track but the survey is delayed", THREE, {}),
    Row("bare-done-several-asked", "Done", THREE, {}, note="which one? nothing can be attributed"),
    Row("holding-reply", "Thanks for the reminder, will reply properly next week.", THREE, {}),
    Row(
        "all-on-track-with-notes",
        "All on track.\n1.1 - first draft with legal\n1.2 - report drafted",
        ("1.1", "1.2"),
        {"1.1": (OT, None), "1.2": (OT, None)},
        blanket=OT,
    ),
    # --- emoji, Slack, typos ---------------------------------------------------------------------------
    one("slack-check-mark", ":white_check_mark: done", C),
    Row(
        "emoji-bullets",
        "✅ 1.1\n🟡 1.2 - waiting on procurement\n🔴 1.3",
        THREE,
        {"1.1": (C, None), "1.2": (AR, None), "1.3": (OFF, None)},
    ),
    Row("typo-compelted", "1.1 compelted", ("1.1", "1.2"), {"1.1": (C, None)}, min_confidence=SURE),
    Row("typo-on-trak", "1.2 on trak", ("1.1", "1.2"), {"1.2": (OT, None)}),
    one("typo-ongoign", "Ongoign", OT),
    Row("typo-finsihed", "1.1 finsihed", ("1.1", "1.2"), {"1.1": (C, None)}),
    Row("slack-bold-ref", "*1.1* - done :tada:", ("1.1", "1.2"), {"1.1": (C, None)}),
    Row("thumbs-up", "1.1 done 👍", ("1.1", "1.2"), {"1.1": (C, None)}),
    one("typo-on-traget", "on traget, interviews next week", OT),
    one("typo-delayd", "delayd due to the election period", OFF),
    one("typo-not-strated", "not strated yet", NS),
    one("shouting", "COMPLETE", C),
    one("lower-case-slack", "yep all done, sent the report to the board last wk", C),
    one("slack-green-circle", ":large_green_circle: on track, nothing to flag", OT),
    # --- unknown refs and numbers that are not refs ----------------------------------------------------
    Row("unknown-ref-only", "4.2 - done", ("1.1", "1.2"), {}, unknown=("4.2",)),
    Row(
        "known-and-unknown",
        "1.1 done. Also 4.2 - complete",
        ("1.1", "1.2"),
        {"1.1": (C, None)},
        unknown=("4.2",),
    ),
    Row("see-other-ref", "See 4.2 for the budget, 1.1 is on track", ("1.1", "1.2"), {"1.1": (OT, None)}),
    Row(
        "percent-is-not-a-ref",
        "Spend is 3.5% below profile on 1.1, which is on track.",
        ("1.1", "1.2", "3.5"),
        {"1.1": (OT, None)},
    ),
    one("date-with-dots-is-not-a-ref", "Meeting held 1.10.2026 - on track", OT),
    one("money-is-not-a-ref", "£1.5m secured, recruitment under way", OT),
    Row("wcag-version-is-not-a-ref", "Using WCAG 2.1 AA; audit complete", ("2.1", "2.2"), {}),
    Row("unknown-action-number", "Action 7 - complete", ("1.1", "1.2"), {}, unknown=("7",)),
    Row(
        "sub-items-spaced",
        "2.3 a) done\n2.3 b) on track",
        ("2.3a", "2.3b"),
        {"2.3a": (C, None), "2.3b": (OT, None)},
    ),
    Row(
        "sub-items-bracketed",
        "2.3(a) complete, 2.3(b) delayed to Nov",
        ("2.3a", "2.3b"),
        {"2.3a": (C, None), "2.3b": (AR, "2026-11")},
    ),
    Row("sub-item-child-of-asked", "1.1a done", ("1.1", "1.2"), {"1.1": (C, None)}, max_confidence=0.9),
    Row("three-one-is-not-three-ten", "3.1 on track", ("3.10",), {}, unknown=("3.1",)),
    Row(
        "letters-under-heading",
        "2.3\na) done\nb) on track",
        ("2.3a", "2.3b"),
        {"2.3a": (C, None), "2.3b": (OT, None)},
    ),
    Row(
        "parent-ref-for-children",
        "2.3 - both on track",
        ("2.3a", "2.3b"),
        {"2.3a": (OT, None), "2.3b": (OT, None)},
    ),
    Row(
        "time-is-not-a-ref",
        "1.1 - meeting at 10.30 on Friday, on track",
        ("1.1", "10.3"),
        {"1.1": (OT, None)},
    ),
    Row("fte-is-not-a-ref", "1.2 on track\n1.5 FTE recruited in March", ("1.2", "1.5"), {"1.2": (OT, None)}),
    # --- links, duplicates, copies, ranges, markup -----------------------------------------------------
    Row(
        "sharepoint-link-with-ref-inside",
        "1.1 complete - report at https://council.sharepoint.com/:w:/r/sites/EDI/Report%201.2.docx",
        ("1.1", "1.2"),
        {"1.1": (C, None)},
    ),
    Row("as-above", "1.1 - done\n1.2 - as above", ("1.1", "1.2"), {"1.1": (C, None), "1.2": (C, None)}),
    Row("same-for", "1.1 done, same for 1.2", ("1.1", "1.2"), {"1.1": (C, None), "1.2": (C, None)}),
    Row("ditto", "1.1 on track\n1.2 ditto", ("1.1", "1.2"), {"1.1": (OT, None), "1.2": (OT, None)}),
    Row(
        "duplicate-ref-correction",
        "1.1 on track\n\n1.1 - correction, it has slipped to July",
        ("1.1", "1.2"),
        {"1.1": (AR, "2026-07")},
        max_confidence=UNSURE,
    ),
    Row("range-dash", "1.1-1.3 all complete", THREE, {r: (C, None) for r in THREE}),
    Row("range-to", "1.1 to 1.3 on track", THREE, {r: (OT, None) for r in THREE}),
    Row(
        "html-remnants",
        "<p>1.1 &ndash; complete</p><p>1.2 &ndash; on track</p>",
        ("1.1", "1.2"),
        {"1.1": (C, None), "1.2": (OT, None)},
    ),
    Row("crlf", "1.1 done\r\n1.2 on track\r\n", ("1.1", "1.2"), {"1.1": (C, None), "1.2": (OT, None)}),
    Row(
        "thanks-to-person",
        "1.1 done. Thanks to Priya in HR for pulling this together.",
        ("1.1", "1.2"),
        {"1.1": (C, None)},
    ),
    Row(
        "nbsp-and-smart-quotes",
        "1.1\u00a0\u2013 isn\u2019t complete yet, we\u2019re aiming for July",
        ("1.1", "1.2"),
        {"1.1": (OT, "2026-07")},
    ),
    Row(
        "sign-off-block",
        "1.2 - slipped to October, the supplier has gone quiet.\n\nMany thanks\nJo Bloggs\nHead of Inclusion",
        ("1.1", "1.2"),
        {"1.2": (AR, "2026-10")},
    ),
    Row(
        "long-list-with-evidence",
        "1.1 - Complete: https://intranet.council.gov.uk/edi/policy\n"
        "1.2 - On target; 340 of 400 staff trained (85%)\n"
        "1.3 - Amber. Slipped to end of June, the data team are short staffed",
        THREE,
        {"1.1": (C, None), "1.2": (OT, None), "1.3": (AR, "2026-06")},
    ),
    Row(
        "housing-repairs",
        "Re 4.1 - the new repairs triage went live on 1 April, all good.\n"
        "Re 4.2 - still waiting for the contractor, we've pushed the launch back to September.",
        ("4.1", "4.2"),
        {"4.1": (C, None), "4.2": (AR, "2026-09")},
    ),
    Row(
        "nhs-wres",
        "Hi Sam\n\nWRES action 1.1 – data published on the website 31 March, so complete.\n"
        "1.2 – reverse mentoring pilot slipped; first cohort now starting in September.\n\nThanks\nPriya",
        ("1.1", "1.2"),
        {"1.1": (C, None), "1.2": (AR, None)},
        note="'starting in September' is a start, not a new completion date",
    ),
    Row(
        "morning-sam-three-lines",
        "Morning Sam\n\n1.1 – we're making good progress, the EIA template is live on the intranet and 3 "
        "teams are "
        "piloting it. Should all be finished by the end of Q2.\n1.2 – not much to report, still waiting on "
        "finance.\n"
        "1.3 – this one's at risk I'm afraid, we lost the grant.\n\nCheers\nDave",
        THREE,
        {"1.1": (OT, "2026-06"), "1.2": (None, None), "1.3": (AR, None)},
    ),
    Row(
        "others-to-follow",
        "Sorry, I've been off. 1.2 is done. The others I need to check with Karen and will come back to you "
        "by Friday.",
        THREE,
        {"1.2": (C, None)},
    ),
    Row(
        "all-complete-apart-from",
        "Hi, all actions complete apart from 1.3 which we've moved to next year's plan.",
        THREE,
        {"1.1": (C, None), "1.2": (C, None), "1.3": (AR, "2027-12")},
        blanket=C,
    ),
    Row(
        "completed-with-month",
        "1.1 Completed Feb 2026\n1.2 Completed Jan 2026\n1.3 Ongoing - target revised to Dec 2026",
        THREE,
        {"1.1": (C, None), "1.2": (C, None), "1.3": (OT, "2026-12")},
    ),
    Row(
        "nothing-new-and-merged",
        "1.1 - see previous update, nothing new\n1.2 - on track\n1.3 - n/a, this has been merged into 1.2",
        THREE,
        {"1.1": (NC, None), "1.2": (OT, None), "1.3": (W, None)},
    ),
    Row(
        "re-action-paragraph",
        "Re: Action 2.1 - The panel training has been delivered to 45 managers. The remaining sessions are "
        "scheduled "
        "for May and June. On target to complete by July.",
        ("2.1", "2.2"),
        {"2.1": (OT, "2026-07")},
    ),
    one(
        "not-been-able-to-progress",
        "We haven't been able to progress this due to the vacancy, recruitment is under way.",
        OFF,
        max_confidence=UNSURE,
    ),
    Row(
        "rag-shouted",
        "3.4 RED. 3.5 GREEN. 3.6 AMBER - delay to procurement.",
        ("3.4", "3.5", "3.6"),
        {"3.4": (OFF, None), "3.5": (OT, None), "3.6": (AR, None)},
    ),
    Row(
        "finished-nearly-not-started",
        "1.1 is finished, 1.2 is nearly finished and 1.3 hasn't started",
        THREE,
        {"1.1": (C, None), "1.2": (OT, None), "1.3": (NS, None)},
    ),
    one(
        "slower-than-hoped",
        "Progress has been slower than hoped - we're now aiming for the end of September rather than June.",
        AR,
        "2026-09",
    ),
    one("on-schedule-for-a-launch", "Still on schedule for a March 2027 launch", OT, "2027-03"),
    one(
        "first-phase-then-on-hold",
        "We completed the first phase in January; phase 2 is on hold pending funding.",
        AR,
    ),
    one(
        "i-think-complete",
        "I think this is complete but will double check with Jane.",
        C,
        max_confidence=SURE,
    ),
    one(
        "complete-with-history",
        "Complete - the accessibility audit was done in Feb and all 12 priority fixes were in place by the "
        "end of March.",
        C,
        None,
    ),
    Row(
        "all-complete-except-survey",
        "All complete except for the staff survey (1.3), which is now due in October.",
        THREE,
        {"1.1": (C, None), "1.2": (C, None), "1.3": (AR, "2026-10")},
        blanket=C,
    ),
    Row(
        "dash-bullets-mid-may",
        "Updates:\n- 1.1: complete\n- 1.2: slight delay, now expected mid-May\n- 1.3: n/a",
        THREE,
        {"1.1": (C, None), "1.2": (AR, "2026-05"), "1.3": (None, None)},
        note="n/a without a reason: a person decides",
    ),
    Row(
        "status-comments-fields",
        "1.1\nStatus - Complete\nComments - policy live on intranet since 2 March\n\n1.2\nStatus - Amber\n"
        "Comments - awaiting data from BI team, revised date 30 June",
        THREE,
        {"1.1": (C, None), "1.2": (AR, "2026-06-30")},
    ),
    Row(
        "had-to-pause",
        "re action 1.2 I'm afraid we've had to pause this until the new head of service starts in July",
        THREE,
        {"1.2": (AR, None)},
    ),
    Row(
        "nothing-has-changed-for-two",
        "For 1.1 and 1.3 nothing has changed since the last update. 1.2 is complete.",
        THREE,
        {"1.1": (NC, None), "1.2": (C, None), "1.3": (NC, None)},
    ),
    Row(
        "was-amber-last-time",
        "1.1 – on track (was amber last time)",
        THREE,
        {"1.1": (OT, None)},
        min_confidence=SURE,
    ),
    Row(
        "new-in-post",
        "Apologies, I'm new in post and picking this up from Tom. I understand 1.1 was completed last year, "
        "1.2 I'm not sure about, and 1.3 is on hold.",
        THREE,
        {"1.1": (C, None), "1.2": (None, None), "1.3": (AR, None)},
    ),
    Row("percent-complete", "1.3 - 50% complete", THREE, {"1.3": (OT, None)}, max_confidence=UNSURE),
    Row(
        "will-not-be-delivered",
        "1.2 will not be delivered this year due to budget cuts",
        THREE,
        {"1.2": (AR, None)},
        max_confidence=UNSURE,
    ),
    Row(
        "done-two-trailing",
        "We've done 1.1 and 1.2. 1.3 is still outstanding.",
        THREE,
        {"1.1": (C, None), "1.2": (C, None), "1.3": (None, None)},
    ),
    Row(
        "all-good-nothing-to-flag",
        "Hi Sam - all good this end, nothing to flag. J",
        THREE,
        {r: (OT, None) for r in THREE},
        blanket=OT,
    ),
    Row("shouted-complete", "1.1 COMPLETE\n1.2 COMPLETE\n1.3 COMPLETE", THREE, {r: (C, None) for r in THREE}),
    Row(
        "no-updates-sorry",
        "No updates from me this time, sorry",
        THREE,
        {r: (NC, None) for r in THREE},
        blanket=NC,
    ),
    Row(
        "target-revised-from-to",
        "1.1 Completed in December 2025. 1.2 Target revised from March 2026 to September 2026 due to staff "
        "turnover.",
        THREE,
        {"1.1": (C, None), "1.2": (AR, "2026-09")},
    ),
    Row("off-track-reason", "1.2 off track - recruitment freeze", THREE, {"1.2": (OFF, None)}),
    Row(
        "amber-red-missed",
        "1.1 Green\n1.2 Green\n1.3 Amber/Red - deadline will be missed",
        THREE,
        {"1.1": (OT, None), "1.2": (OT, None), "1.3": (OFF, None)},
    ),
    Row("see-attachment", "Answered in the attached spreadsheet", THREE, {}),
    Row("arrows", "1.1 -> done\n1.2 -> in progress", THREE, {"1.1": (C, None), "1.2": (OT, None)}),
    Row(
        "link-with-version-number",
        "1.1 is done, see "
        "https://council.sharepoint.com/sites/EDI/Shared%20Documents/EIA%20guidance%20v1.3.pdf",
        THREE,
        {"1.1": (C, None)},
    ),
    Row(
        "quoted-prompt-free-answers",
        "> [1.1] Review the customer profile data\n> Target: Mar-27\n> Last reported: on_track\n"
        "Still on track, the survey closes next week.\n\n> [1.2] Publish the annual equality report\n"
        "> Target: Jun-27\n> Last reported: not_started\nNot started - waiting for data.\n\n"
        "> [1.3] Audit the website\n> Target: Dec-26\n> Last reported: at_risk\n",
        THREE,
        {"1.1": (OT, None), "1.2": (NS, None)},
    ),
    Row(
        "inline-sub-letters",
        "1.1 a) done b) on track",
        ("1.1a", "1.1b"),
        {"1.1a": (C, None), "1.1b": (OT, None)},
    ),
    one("status-and-progress-lines-only", "Status: On track\nProgress: see attached", OT),
    Row(
        "board-extended-deadline-in-passing",
        "The board agreed on 12/03/2026 to extend the deadline for 1.2 to 31 December 2026. "
        "1.1 and 1.3 remain on track.",
        THREE,
        {"1.1": (OT, None), "1.2": (AR, "2026-12-31"), "1.3": (OT, None)},
    ),
    Row(
        "deadline-extended",
        "1.2 – deadline extended to 31 December 2026 by the board",
        THREE,
        {"1.2": (AR, "2026-12-31")},
    ),
    Row("nothing-to-add-for", "Nothing to add for 1.2 this time", THREE, {"1.2": (NC, None)}),
    Row(
        "not-applicable-outsourced",
        "1.1 - Not applicable any more, the service has been outsourced",
        THREE,
        {"1.1": (W, None)},
    ),
    Row(
        "progressing-but-months-behind",
        "1.2 This is progressing but we're running about 2 months behind.",
        THREE,
        {"1.2": (OFF, None)},
    ),
    Row("range-see-tracker", "1.1 - 1.3 - see the attached tracker", THREE, {r: (None, None) for r in THREE}),
    Row(
        "done-and-on-hold-no-punctuation",
        "1.1 done 1.3 on hold",
        THREE,
        {"1.1": (C, None), "1.3": (AR, None)},
    ),
    Row(
        "ramble-single",
        "Hi Sam, sorry it has taken me a while to get back to you, it has been a busy few weeks with the "
        "inspection and half the team off with the flu. In terms of where we are, the working group has met "
        "three times and we have agreed the terms of reference, the data sharing agreement is with legal and "
        "we are hoping to get the first draft of the profile to SMT in June. Overall I would say we are on "
        "track, although the legal review could hold us up if it drags on over the summer. Happy to discuss.",
        ONE,
        {"1.1": (OT, None)},
        max_confidence=UNSURE,
    ),
]
