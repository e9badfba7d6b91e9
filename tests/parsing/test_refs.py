"""Finding refs: the forms people write, the numbers that only look like refs, runs of refs, and refs that are
only referred to."""

from __future__ import annotations

import pytest

from collector.replies.parsing.refs import RefIndex, find_groups, norm_ref
from collector.replies.parsing.starters import find_starters
from collector.replies.types import AskedAction

from .conftest import parse

ASKED = RefIndex(
    [AskedAction(r) for r in ("1", "3", "1.1", "1.2", "1.3", "2.3a", "2.3b", "2.4", "2.5", "3.10")]
)


def starts(text: str) -> list[tuple[str, ...]]:
    return [s.refs for s in find_starters(text, ASKED)[0] if s.refs]


@pytest.mark.parametrize(
    ("written", "same_as"),
    [
        ("1.1.", "1.1"),
        ("2.3 a)", "2.3a"),
        ("2.3(a)", "2.3a"),
        ("2.3 (a)", "2.3a"),
        ("Action 3", "3"),
        ("[1.1]", "1.1"),
    ],
)
def test_it_treats_each_written_form_of_a_ref_as_the_same_ref(written: str, same_as: str) -> None:
    assert norm_ref(written) == norm_ref(same_as)


def test_it_keeps_3_10_apart_from_3_1() -> None:
    assert norm_ref("3.10") != norm_ref("3.1")
    assert ASKED.lookup("3.1") == ([], "unknown")


@pytest.mark.parametrize(
    ("text", "refs"),
    [
        ("1.1 done", [("1.1",)]),
        ("1.1: done", [("1.1",)]),
        ("[1.1] done", [("1.1",)]),
        ("(1.1) done", [("1.1",)]),
        ("Action 1.1 - done", [("1.1",)]),
        ("action 1.1 - done", [("1.1",)]),
        ("2.3 a) done", [("2.3a",)]),
        ("2.3a done", [("2.3a",)]),
        ("item 3 - done", [("3",)]),
        ("Hi Sam, re 2.4 - done", [("2.4",)]),
        ("Ref 2.4 done", [("2.4",)]),
        ("2.4/2.5 done", [("2.4", "2.5")]),
        ("2.4 & 2.5 done", [("2.4", "2.5")]),
        ("2.4 and 2.5 done", [("2.4", "2.5")]),
        ("1.1-1.3 done", [("1.1", "1.2", "1.3")]),
        ("2.3 a) and b) done", [("2.3a", "2.3b")]),
        ("On 1.3 we are behind", [("1.3",)]),
        ("1.1 done; 1.3 slipped", [("1.1",), ("1.3",)]),
        ("1.1 done, 1.2 on track and 1.3 at risk", [("1.1",), ("1.2",), ("1.3",)]),
    ],
)
def test_it_finds_refs_in_the_forms_people_write(text: str, refs: list[tuple[str, ...]]) -> None:
    assert starts(text) == refs


@pytest.mark.parametrize(
    "text",
    ["3.5% over budget", "£1.5m secured", "met on 1.10.2026", "v1.1 of the form", "WCAG 2.1 AA", "at 10:30",
     "1.5 FTE recruited", "page 1.2 of the report", "31/03/2027", "version 1.2"],
)  # fmt: skip
def test_it_ignores_numbers_that_only_look_like_refs(text: str) -> None:
    asked = RefIndex([AskedAction(r) for r in ("1.1", "1.2", "1.5", "2.1", "3.5", "10.3", "31", "1")])
    groups = find_groups(text)
    assert not [g for g in groups if any(asked.lookup(k)[0] for k in g.keys)], groups


def test_a_ref_only_referred_to_does_not_start_an_answer() -> None:
    assert starts("1.1 is on track and linked to 1.2") == [("1.1",)]
    assert starts("See 1.2 for the budget") == []


def test_a_ref_written_after_its_answer_takes_the_words_before_it() -> None:
    result = parse("Training delivered to all managers (1.2)\nPolicy out to consultation (1.1)", "1.1", "1.2")
    progress = {u.ref: u.progress for u in result.updates}
    assert progress == {"1.1": "Policy out to consultation", "1.2": "Training delivered to all managers"}


def test_it_flags_a_deliberate_ref_that_was_not_asked_but_not_a_passing_number() -> None:
    result = parse("4.2 - done\n1.1 on track, scored 4.7 in the survey", "1.1", "1.2")
    assert result.unknown_refs == ["4.2"]
    assert [u.ref for u in result.updates] == ["1.1"]
    assert "4.2 - done" in result.leftover


def test_it_never_returns_an_update_for_a_ref_that_was_not_asked() -> None:
    result = parse("3.1 on track", "3.10")
    assert result.updates == []
    assert result.unknown_refs == ["3.1"]


def test_a_parent_ref_answers_its_asked_sub_actions_with_a_little_less_confidence() -> None:
    result = parse("2.3 - both on track", "2.3a", "2.3b")
    assert [(u.ref, u.status) for u in result.updates] == [("2.3a", "on_track"), ("2.3b", "on_track")]
    assert all(u.confidence < 1 and "parent" in " ".join(u.reasons) for u in result.updates)
