"""Confidence: 1.0 less a share for each doubt, with a plain-words reason for each."""

from __future__ import annotations

from collector.replies.parsing.confidence import PENALTIES, score
from collector.replies.types import CONFIDENT

from .conftest import parse


def test_an_explicit_ref_with_a_plain_status_word_is_fully_confident() -> None:
    (update,) = parse("1.1 - complete").updates
    assert (update.confidence, update.reasons) == (1.0, [])


def test_each_doubt_is_counted_once_and_explained() -> None:
    confidence, reasons = score(
        [("status_body", '"behind"'), ("status_body", '"late"'), ("ref_inferred", "")]
    )
    assert confidence == round(1 - PENALTIES["status_body"][0] - PENALTIES["ref_inferred"][0], 2)
    assert reasons == [
        'status read from the middle of the text ("behind"), not a label',
        "no ref written: applied to the only action asked",
    ]


def test_confidence_never_goes_below_zero() -> None:
    assert score([(key, "x") for key in PENALTIES])[0] == 0.0


def test_one_serious_doubt_is_enough_to_send_an_update_to_a_person() -> None:
    serious = [key for key, (penalty, _) in PENALTIES.items() if penalty >= 0.25]
    assert serious, "the table has serious doubts"
    assert all(score([(key, "x")])[0] < CONFIDENT for key in serious)
