"""Updates read as a careful coordinator would (careful_phrasings.py), and the promises behind them for any
reply: a negated completion is never completed, a handed-over ref never gets an update, and a reply that
only asks questions never puts anything on the record."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collector.core.vocabulary import Status
from collector.replies.parsing import due_string, parse_reply
from collector.replies.types import AskedAction

from .careful_phrasings import ROWS, Careful
from .conftest import TODAY
from .test_phrasings import _due_matches


def _parse(row: Careful):
    asked = [AskedAction(ref, row.texts.get(ref, ""), row.targets.get(ref)) for ref in row.asked]
    return parse_reply(row.text, asked, today=row.today)


def test_every_class_has_its_phrasings() -> None:
    counts = Counter(row.cls for row in ROWS)
    assert set(counts) == {"dates", "status", "handover", "blanket", "subject", "question", "uk-dates"}
    assert min(counts.values()) >= 6, counts
    assert len({row.id for row in ROWS}) == len(ROWS), "row ids are unique"


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_it_reads_as_a_careful_coordinator_would(row: Careful) -> None:
    result = _parse(row)
    got = {u.ref: u for u in result.updates}
    summary = {u.ref: (u.status, u.revised_target_text, u.confidence, u.reasons) for u in result.updates}
    assert set(got) == set(row.expected), summary
    for ref, (status, due) in row.expected.items():
        update = got[ref]
        assert update.status == status, (ref, summary)
        assert _due_matches(update, due), (ref, update.revised_target_text, update.revised_target_date)
        if row.min_confidence is not None:
            assert update.confidence >= row.min_confidence, (ref, summary)
        if row.max_confidence is not None:
            assert update.confidence <= row.max_confidence, (ref, summary)
    for ref, words in row.progress.items():
        assert got[ref].progress == words
    if row.reason:
        assert any(row.reason in reason for u in result.updates for reason in u.reasons), summary
    assert len(result.questions) == row.questions, result.questions
    assert len(result.handed_over) == row.handed, result.handed_over
    assert result.unknown_refs == list(row.unknown)
    if row.blanket is not None:
        assert result.blanket == row.blanket


def test_the_coordinator_is_told_the_question_and_the_handover_in_the_persons_words() -> None:
    result = parse_reply(
        "2.2 complete. 2.1 has moved to Sam. Can you tell me what 2.3 is about?",
        [AskedAction(ref) for ref in ("2.1", "2.2", "2.3")],
        today=TODAY,
    )
    assert [(u.ref, u.status) for u in result.updates] == [("2.2", Status.COMPLETED)]
    assert result.handed_over == ["2.1 has moved to Sam."]
    assert result.questions == ["Can you tell me what 2.3 is about?"]


REFS = ("1.1", "1.2", "2.3", "4.5")
refs = st.sampled_from(REFS)
filler = st.sampled_from(["", "Hi Sam, ", "Sorry for the delay. ", "Quick update: ", "As discussed, "])
tail = st.sampled_from(["", " Thanks, Jo", " Cheers", "\n\nKind regards\nPriya"])
NEGATED_COMPLETIONS = [
    "{ref} is not yet complete", "{ref} hasn't been completed", "{ref} - not completed", "{ref} not done yet",
    "{ref} isn't finished", "{ref} has not been finished yet", "{ref} - not yet delivered",
    "We haven't completed {ref}", "{ref}: not complete", "{ref} was never completed",
    "{ref} has not started, so it is not complete", "{ref} - won't be complete by March",
    "{ref} is not quite finished", "{ref} hasn't been signed off yet", "{ref} - not fully implemented",
]  # fmt: skip
HANDOVERS = [
    "{ref} is now with Estates", "{ref} has moved to Sam", "{ref} has been transferred to the HR team",
    "{ref} - passed to Finance", "I've handed {ref} over to Priya", "{ref} is now led by Sam Jones",
    "Sam has taken over {ref}", "{ref} is no longer mine", "{ref} now sits with Procurement",
    "{ref} has been reassigned to the Digital team",
]  # fmt: skip
QUESTIONS = [
    "Is {ref} still mine?", "Can you tell me what {ref} is about?", "Is {ref} complete?",
    "Could you confirm whether {ref} is still needed?", "What is the deadline for {ref}?",
    "Do you still need an update on {ref}?", "is {ref} on track?", "Should {ref} be marked as done?",
    "Has {ref} been withdrawn?", "Can you check if {ref} is delayed", "Who leads on {ref} now?",
    "Are we still doing {ref}? I thought it was cancelled.",
]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(ref=refs, phrase=st.sampled_from(NEGATED_COMPLETIONS), before=filler, after=tail)
def test_a_negated_completion_is_never_completed(ref: str, phrase: str, before: str, after: str) -> None:
    result = parse_reply(before + phrase.format(ref=ref) + after, [AskedAction(r) for r in REFS], today=TODAY)
    assert all(u.status is not Status.COMPLETED for u in result.updates), result.updates


@settings(max_examples=150, deadline=None)
@given(
    ref=refs,
    other=refs,
    phrase=st.sampled_from(HANDOVERS),
    answer=st.sampled_from(["", "{other} is on track. ", "{other} complete. ", "{other} slipped to June. "]),
    before=filler,
    after=tail,
)
def test_a_handed_over_ref_never_gets_an_update(ref, other, phrase, answer, before, after) -> None:
    if ref == other:
        answer = ""
    text = before + answer.format(other=other) + phrase.format(ref=ref) + "." + after
    result = parse_reply(text, [AskedAction(r) for r in REFS], today=TODAY)
    assert ref not in {u.ref for u in result.updates}, (text, result.updates)
    assert len(result.handed_over) == 1, (text, result.handed_over)


@settings(max_examples=150, deadline=None)
@given(
    asked=st.lists(refs, min_size=1, max_size=4, unique=True),
    questions=st.lists(st.tuples(refs, st.sampled_from(QUESTIONS)), min_size=1, max_size=3),
    before=filler,
    after=tail,
)
def test_a_reply_that_only_asks_never_yields_an_update(asked, questions, before, after) -> None:
    text = before + " ".join(q.format(ref=r) for r, q in questions) + after
    result = parse_reply(text, [AskedAction(r) for r in asked], today=TODAY)
    assert result.updates == [], (text, result.updates)
    assert result.questions, text


@pytest.mark.parametrize(
    ("words", "value", "due"),
    [
        ("31/03/2028", date(2028, 3, 31), "2028-03-31"), ("end of Q1 2028/29", date(2028, 6, 30), "2028-06"),
        ("2028/29", date(2029, 3, 31), "2029-03"), ("Mar-28", date(2028, 3, 31), "2028-03"),
        ("30 June 2027", date(2027, 6, 30), "2027-06-30"), ("the autumn", None, None), (None, None, None),
    ],
)  # fmt: skip
def test_a_stored_revised_target_gives_the_contracts_revised_due(words, value, due) -> None:
    """`plan show --json` prints each update's revised_due from its stored words and date."""
    assert due_string(words, value) == due
