"""The ref forms the importer gives (a ref printed twice, numbers for a plan that prints none, codes and
roman numerals) written back by a lead in a reply, or typed by a coordinator."""

from __future__ import annotations

import pytest

from collector.replies.parsing.refs import RefIndex, find_groups, norm_ref, resolve_typed_ref
from collector.replies.types import AskedAction

from .conftest import parse


def index(*refs: str) -> RefIndex:
    return RefIndex([AskedAction(ref) for ref in refs])


def answered(text: str, *refs: str) -> dict[str, str]:
    """{asked ref: status} for the reply."""
    return {u.ref: str(u.status) for u in parse(text, *refs).updates}


# --- a ref printed twice: "2.2" and "2.2 (2)" ------------------------------------------------------------


def test_a_duplicates_mark_is_its_own_normal_form_not_more_digits() -> None:
    assert norm_ref("2.2 (2)") != norm_ref("2.22")
    assert norm_ref("2.2 (2)") == norm_ref("2.2(2)") == norm_ref("2.2#2") == "2.2#2"
    assert norm_ref("2.2 (2)") != norm_ref("2.2")
    assert norm_ref("2.3 (a)") == "2.3a"  # a letter in brackets is still a sub-item


def test_a_lead_writing_the_duplicates_mark_answers_the_second_copy() -> None:
    assert answered("2.2 (2) - done", "2.2", "2.2 (2)") == {"2.2 (2)": "completed"}
    assert answered("2.2 (2): on track\n2.1 at risk", "2.1", "2.2", "2.2 (2)") == {
        "2.1": "at_risk",
        "2.2 (2)": "on_track",
    }


def test_the_bare_ref_means_the_only_copy_the_lead_was_asked_about() -> None:
    assert answered("2.2 done", "2.2 (2)", "3.1") == {"2.2 (2)": "completed"}
    assert answered("2.2 done", "2.2", "3.1") == {"2.2": "completed"}


def test_the_bare_ref_of_two_asked_copies_is_left_for_a_person() -> None:
    result = parse("2.2 done", "2.2", "2.2 (2)")
    assert result.updates == []
    assert result.unknown_refs == ["2.2"]
    assert index("2.2", "2.2 (2)").lookup("2.2") == ([], "unknown")


def test_a_duplicates_mark_that_was_not_asked_is_not_guessed() -> None:
    asked = index("2.2", "2.2 (2)")
    assert asked.lookup(norm_ref("2.2 (3)")) == ([], "unknown")
    assert index("1.1").lookup(norm_ref("1.1 (2)")) == (["1.1"], "exact")  # no copies: "(2)" is words


def test_a_range_covers_both_copies_of_a_ref_inside_it() -> None:
    assert answered("2.1-2.3 on track", "2.1", "2.2", "2.2 (2)", "2.3") == dict.fromkeys(
        ["2.1", "2.2", "2.2 (2)", "2.3"], "on_track"
    )


# --- a plan that prints no refs: "#1", "#1.2", "#1.2 a)" -----------------------------------------------


@pytest.mark.parametrize(
    "text", ["1.2 done", "#1.2 done", "action 1.2 done", "Action 1.2: done", "[#1.2] done", "[1.2] done"]
)
def test_a_numbered_ref_answers_the_synthetic_ref_it_carries(text: str) -> None:
    assert answered(text, "#1.1", "#1.2") == {"#1.2": "completed"}


@pytest.mark.parametrize("text", ["1.2a done", "1.2 a) done", "#1.2 a) done", "[#1.2 a)] done"])
def test_a_synthetic_sub_action_is_answered_in_any_written_form(text: str) -> None:
    assert answered(text, "#1.2 a)", "#1.2 b)") == {"#1.2 a)": "completed"}


def test_synthetic_refs_answered_together() -> None:
    assert answered("#1 done\n#2 at risk", "#1", "#2") == {"#1": "completed", "#2": "at_risk"}


# --- keyword forms the generic finder already reads -------------------------------------------------


@pytest.mark.parametrize(
    "text", ["Action 4 on track", "action 4 - on track", "Ref 4: on track", "item 4 on track"]
)
def test_a_keyword_names_a_bare_number(text: str) -> None:
    assert answered(text, "4", "5") == {"4": "on_track"}


# --- codes and roman numerals, found only where asked --------------------------------------------------

CODES = ("P1", "A-01", "IA24-07", "HR/03", "EDI-2.1")


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("P1: done", "P1"),
        ("p1 done", "P1"),
        ("[P1] done", "P1"),
        ("Action P1 - done", "P1"),
        ("A-01 complete", "A-01"),
        ("A01 complete", "A-01"),
        ("a-1 complete", "A-01"),
        ("IA24-07 – in progress", "IA24-07"),
        ("HR/03: on track", "HR/03"),
        ("re EDI-2.1, on track", "EDI-2.1"),
    ],
)
def test_an_asked_code_is_found_in_the_forms_leads_write_it(text: str, ref: str) -> None:
    asked = index(*CODES)
    groups = find_groups(text, asked)
    assert [asked.lookup(key)[0] for g in groups for key in g.keys] == [[ref]]


def test_asked_codes_written_as_a_run_are_one_group() -> None:
    asked = index(*CODES)
    (group,) = find_groups("P1 and A-01: both done", asked)
    assert [asked.lookup(key)[0] for key in group.keys] == [["P1"], ["A-01"]]


@pytest.mark.parametrize(
    "text",
    ["Q3 review went well", "V2 of the form is out", "COVID-19 rules relaxed", "P2 is done", "MP1 done",
     "see page P12", "the A-012 form", "HR/030 filed"],
)  # fmt: skip
def test_a_code_that_was_not_asked_is_never_taken_for_a_ref(text: str) -> None:
    assert find_groups(text, index(*CODES)) == []
    assert find_groups(text) == []  # and the generic finder sees no codes at all


@pytest.mark.parametrize("text", ["iv) done", "(iv) done", "IV: done", "iv - done", "Action iv done"])
def test_an_asked_roman_numeral_is_found_when_written_as_a_label(text: str) -> None:
    asked = index("iii", "iv")
    assert [asked.lookup(k)[0] for g in find_groups(text, asked) for k in g.keys] == [["iv"]]


@pytest.mark.parametrize("text", ["I will finish iv next week", "Part v of the report", "vivid results"])
def test_a_roman_numeral_in_a_sentence_is_not_a_ref(text: str) -> None:
    assert find_groups(text, index("iv", "v", "i")) == []


def test_numbered_refs_are_found_beside_asked_codes() -> None:
    asked = index("P1", "1.1")
    groups = find_groups("P1 done; 1.1 at risk", asked)
    assert [g.keys for g in groups] == [("p1",), ("1.1",)]


@pytest.mark.parametrize(
    ("text", "ref"), [("P1: done", "P1"), ("A-01 complete", "A-01"), ("IA24-07 – done", "IA24-07")]
)
def test_a_reply_naming_an_asked_code_answers_it(text: str, ref: str) -> None:
    assert answered(text, *CODES) == {ref: "completed"}


# --- a ref typed by a coordinator ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "refs", "found"),
    [
        ("1.1", ["1.1", "1.2"], ["1.1"]),
        (" 2.3 a) ", ["2.3 a)", "2.3 b)"], ["2.3 a)"]),
        ("2.3a", ["2.3 a)", "2.3 b)"], ["2.3 a)"]),
        ("Action 4", ["4", "5"], ["4"]),
        ("1.2", ["#1.1", "#1.2"], ["#1.2"]),
        ("#1.2", ["#1.1", "#1.2"], ["#1.2"]),
        ("2.2", ["2.2", "2.2 (2)"], ["2.2"]),
        ("2.2(2)", ["2.2", "2.2 (2)"], ["2.2 (2)"]),
        ("2.2", ["2.2 (2)", "2.2 (3)"], ["2.2 (2)", "2.2 (3)"]),
        ("a01", ["A-01", "A-02"], ["A-01"]),
        ("9.9", ["1.1"], []),
    ],
)
def test_a_typed_ref_resolves_to_the_actions_it_can_mean(
    typed: str, refs: list[str], found: list[str]
) -> None:
    assert resolve_typed_ref(typed, refs) == found
