"""Properties parse_reply keeps for any text at all: it never raises, never invents a ref, and says the same
thing twice. Hypothesis draws arbitrary text, and replies built from the pieces real replies are made of."""

from __future__ import annotations

import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from collector.replies.parsing import parse_reply, revised_due
from collector.replies.types import AskedAction, ParseResult

REFS = ["1", "3", "1.1", "1.2", "1.3", "2.3a", "2.3b", "3.10", "3.1", "4.2", "10.3"]
PIECES = [
    "1.1", "1.2", "[1.3]", "(2.3a)", "2.3 b)", "Action 3.10", "item 3", "re 4.2 -", "2.4/2.5", "1.1-1.3",
    "3.1:", "done", "complete", "not yet complete", "on track", "no longer on track", "slipped to June",
    "nearly finished", "at risk", "not started", "withdrawn", "no change", "as above", "same for",
    "all on track", "everything else", "RAG: amber", "Status:", "Progress:", "Target: Mar-27",
    "Last reported: on_track", "new target 30/09/2026", "by Q3", "end of May", "2027/28", "Sept 27",
    "pushed back to 2013", "the autumn", "3.5%", "£1.5m", "1.10.2026", "v2.1",
    "https://council.sharepoint.com/sites/EDI/1.2/report.docx", "jo@council.gov.uk", "Hi Sam,",
    "Thanks, Jo", "Apologies for the delay.", ";", ",", ".", " - ", "\n", "\n\n", "✅", "🔴", "&amp;", "<br>",
    "> ", "\t", "\u200b", "مرحبا", "isn't", "won't be", "compelted", "on trak",
]  # fmt: skip
TODAY = date(2026, 4, 15)
DUE = re.compile(r"\d{4}-\d{2}(-\d{2})?")

asked_lists = st.lists(st.sampled_from(REFS), min_size=0, max_size=5, unique=True)
replies = st.lists(st.sampled_from(PIECES), max_size=60).map(" ".join)
# Lone surrogates, control and format characters: what a broken client or a bad decode can hand over.
odd_text = st.text(
    alphabet=st.characters(categories=["Cs", "Cc", "Cf", "Zs", "Nd", "Po", "Ll", "Lo"]), max_size=300
)
todays = st.one_of(st.none(), st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))


def _parse(text: str, refs: list[str], today: date | None) -> ParseResult:
    return parse_reply(text, [AskedAction(ref) for ref in refs], today=today)


def _check(text: str, refs: list[str], result: ParseResult) -> None:
    assert all(update.ref in refs for update in result.updates)
    assert len({u.ref for u in result.updates}) == len(result.updates)
    assert all(ref in text for ref in result.unknown_refs)
    for update in result.updates:
        assert 0.0 <= update.confidence <= 1.0
        due = revised_due(update)
        assert due is None or DUE.fullmatch(due)
        assert isinstance(update.progress, str)


@settings(max_examples=200, deadline=None)
@given(text=st.one_of(st.text(max_size=400), odd_text), refs=asked_lists, today=todays)
def test_it_never_raises_on_arbitrary_text_and_never_invents_a_ref(text, refs, today) -> None:
    _check(text, refs, _parse(text, refs, today))


@settings(max_examples=200, deadline=None)
@given(text=replies, refs=asked_lists, today=todays)
def test_it_keeps_its_promises_on_replies_made_of_real_pieces(text, refs, today) -> None:
    _check(text, refs, _parse(text, refs, today))


@settings(max_examples=100, deadline=None)
@given(text=st.one_of(replies, st.text(max_size=200)), refs=asked_lists)
def test_it_says_the_same_thing_twice(text, refs) -> None:
    assert _parse(text, refs, TODAY) == _parse(text, refs, TODAY)


@settings(max_examples=100, deadline=None)
@given(text=replies)
def test_an_unknown_ref_is_never_one_that_was_asked(text) -> None:
    refs = ["1.1", "1.2", "2.3a"]
    result = _parse(text, refs, TODAY)
    assert not set(result.unknown_refs) & set(refs)
