"""parse_reply as a whole: top-posted lists, progress words tidied, links, the only asked action, leftover,
and replies no sensible person would send (empty, 50,000 characters, control characters, HTML, RTL)."""

from __future__ import annotations

import time

import pytest

from collector.core.vocabulary import Status
from collector.replies.types import CONFIDENT

from .conftest import parse

THREE = ("1.1", "1.2", "1.3")


def test_it_reads_a_top_posted_list_of_refs_and_strips_the_labels_from_progress() -> None:
    result = parse("1.1 done - signed off by Cabinet in Feb; 1.3 slipped to June", *THREE)
    assert [(u.ref, u.status, u.progress) for u in result.updates] == [
        ("1.1", Status.COMPLETED, "signed off by Cabinet in Feb"),
        ("1.3", Status.AT_RISK, "slipped to June"),
    ]


def test_it_keeps_a_meaningful_sentence_whole() -> None:
    (update,) = parse("On 1.3 we are behind because the post is vacant", *THREE).updates
    assert update.progress == "we are behind because the post is vacant"


def test_links_are_evidence_and_stay_in_the_progress_text() -> None:
    text = (
        "1.1 complete, see <https://council.sharepoint.com/sites/EDI/Policy%201.2.docx|the policy> and "
        "www.council.gov.uk/edi."
    )
    (update,) = parse(text, *THREE).updates
    assert update.evidence == [
        "https://council.sharepoint.com/sites/EDI/Policy%201.2.docx",
        "www.council.gov.uk/edi",
    ]
    assert "sharepoint.com" in update.progress


def test_a_reply_with_no_ref_answers_the_only_asked_action_a_little_less_surely() -> None:
    (update,) = parse("Done - signed off in Feb").updates
    assert (update.ref, update.status, update.progress) == ("1.1", Status.COMPLETED, "signed off in Feb")
    assert CONFIDENT <= update.confidence < 1.0


def test_a_long_rambling_reply_with_no_ref_goes_to_a_person() -> None:
    text = (
        "Hi Sam, " + "We have had a lot going on with the inspection and the restructure. " * 8 + "On track."
    )
    (update,) = parse(text).updates
    assert update.status == Status.ON_TRACK
    assert update.confidence < CONFIDENT
    assert any("long reply" in reason for reason in update.reasons)


def test_greetings_and_sign_offs_are_nobodys_progress() -> None:
    text = (
        "Hi Sam,\n\nApologies for the delay!\n\n1.1 - on track, interviews in May.\n\n"
        "Many thanks,\nJo\nHR Manager"
    )
    result = parse(text, *THREE)
    assert [u.progress for u in result.updates] == ["interviews in May."]
    assert result.leftover == ""


def test_text_before_the_first_ref_is_leftover_unless_it_is_a_blanket() -> None:
    result = parse("The budget was cut in March so please bear with us.\n1.1 - on track", *THREE)
    assert result.leftover == "The budget was cut in March so please bear with us."


def test_reasons_say_why_an_update_is_unsure_in_plain_words() -> None:
    (update,) = parse("1.1 nearly finished").updates
    assert update.reasons == ['status implied, not stated: "nearly finished"']


def test_a_reply_to_no_asked_actions_has_no_updates() -> None:
    from collector.replies.parsing import parse_reply

    result = parse_reply("1.1 done, all on track", [])
    assert result.updates == []


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n\n\n", "\x00\x01\x02 1.1 done \x7f", "🙂" * 500, "مرحبا 1.1 تم الانتهاء",
     "\u202e1.1 done\u202c", "<div><br/><p>1.1 &amp; done</p></div>", "&#0; &#xD800; &bogus;",
     "\ud800 1.1 done \udfff", "1." * 3000, "[[[[((((1.1", "Status:" * 100, "> " * 1000],
)  # fmt: skip
def test_it_never_raises_on_strange_text(text: str) -> None:
    result = parse(text, *THREE)
    assert all(u.ref in THREE for u in result.updates)


def _long_reply() -> str:
    block = (
        "1.{n} - on track, the working group met on 3 March and agreed the terms of reference; the draft is "
        "with legal (https://council.sharepoint.com/sites/EDI/1.{n}). Some slippage on the survey, new date "
        "end of May.\n"
    )
    text = "Hi Sam, apologies for the delay, updates below.\n\n"
    n = 0
    while len(text) < 50_000:
        text += block.format(n=n % 9 + 1)
        n += 1
    return text[:50_000]


@pytest.mark.parametrize(
    "text",
    [_long_reply(), "1.1 " * 12_500, ("not yet complete, slipped to June; " * 1_500)[:50_000], "a" * 50_000],
    ids=["long-reply", "refs-only", "dense-phrases", "one-word"],
)
def test_a_50000_character_reply_costs_about_ten_times_a_5000_character_one(text: str) -> None:
    """Catastrophic backtracking shows as cost growing faster than the text: ten times the text must cost
    well under a hundred times the time (quadratic). A ratio, each side the best of three, so a busy
    machine slows both sides alike; speed itself is measured in bench/parse_bench.py."""
    assert len(text) >= 48_000

    def best(sample: str) -> float:
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            parse(sample, *THREE)
            runs.append(time.perf_counter() - start)
        return min(runs)

    small, large = best(text[:5_000]), best(text)
    assert large < 35 * small + 0.05, (small, large)


def test_the_rest_after_a_semicolon_is_still_this_actions_progress() -> None:
    result = parse("1.2 on track - forms live on 14 of our 20; the rest follow in January.", *THREE)
    (update,) = result.updates
    assert update.progress == "forms live on 14 of our 20; the rest follow in January."
    assert result.leftover == ""


def test_a_sentence_about_the_others_is_set_aside_not_recorded_for_this_action() -> None:
    result = parse("1.2 is done. The others I need to check with Karen.", *THREE)
    (update,) = result.updates
    assert update.status is Status.COMPLETED and "Karen" not in update.progress
    assert "check with Karen" in result.leftover
