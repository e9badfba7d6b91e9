"""Action refs as people print them: alone in a ref column, at the start of an action's text, and sorted."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collector.core.refs import NOT_A_CODE, is_ref_like, parse_ref_cell, ref_key, split_leading_ref

PRINTED = [
    ("1.1", "1.1"),
    ("3", "3"),
    ("3.10", "3.10"),
    ("2.3 c)", "2.3 c)"),
    ("2.3c", "2.3c"),
    ("2.3(c)", "2.3(c)"),
    ("2.3 (c)", "2.3 (c)"),
    ("1a", "1a"),
    ("2b", "2b"),
    ("P1", "P1"),
    ("A-01", "A-01"),
    ("IA24-07", "IA24-07"),
    ("HR/03", "HR/03"),
    ("EDI-2.1", "EDI-2.1"),
    ("Action 4", "4"),
    ("Action 4.2:", "4.2"),
    ("Ref 7", "7"),
    ("No. 5", "5"),
    ("iv", "iv"),
    ("IV.", "IV"),
    ("(iii)", "iii"),
    ("i.", "i"),
    ("1.1.2", "1.1.2"),
    ("2.4 2.5", "2.4/2.5"),
    ("2.4, 2.5", "2.4/2.5"),
    ("2.4 & 2.5", "2.4/2.5"),
    ("P1, P2", "P1/P2"),
    ("[1.1]", "1.1"),
    ("4)", "4"),
    ("1.1.", "1.1"),
    ("  2.3   c) ", "2.3 c)"),
]


@pytest.mark.parametrize(("cell", "ref"), PRINTED)
def test_a_ref_column_cell_keeps_the_ref_as_printed(cell: str, ref: str) -> None:
    assert parse_ref_cell(cell) == ref
    assert is_ref_like(cell)


@pytest.mark.parametrize(
    "cell",
    ["", "TBC", "N/A", "KL", "Q3", "H1", "Mar-12", "Feb-12", "Sept-11", "2025", "2011-12", "12/13",
     "31/03/2027", "1.10.2026", "12.03.12", "x", "X", "v", "I", "✓", "COVID-19", "FY24", "1st", "Ongoing",
     "1.1 Develop a policy", "On track"],
)  # fmt: skip
def test_a_cell_that_is_a_date_a_tick_a_quarter_or_words_is_not_a_ref(cell: str) -> None:
    assert parse_ref_cell(cell) is None
    assert not is_ref_like(cell)


LEADING = [
    ("1.1 Develop a policy", "1.1", "Develop a policy"),
    ("1.1: Develop", "1.1", "Develop"),
    ("[1.1] Develop", "1.1", "Develop"),
    ("4. Develop", "4", "Develop"),
    ("4) Develop", "4", "Develop"),
    ("4: Develop", "4", "Develop"),
    ("4 – Develop", "4", "Develop"),
    ("(3) Develop", "3", "Develop"),
    ("3.10 Review", "3.10", "Review"),
    ("2.3 c) Develop", "2.3 c)", "Develop"),
    ("2.3c Develop", "2.3c", "Develop"),
    ("1a Develop", "1a", "Develop"),
    ("1a) Develop", "1a", "Develop"),
    ("2b. Develop", "2b", "Develop"),
    ("P1: Develop", "P1", "Develop"),
    ("P1. Develop", "P1", "Develop"),
    ("P1 – Develop", "P1", "Develop"),
    ("P1 Develop", "P1", "Develop"),
    ("A-01 Develop", "A-01", "Develop"),
    ("IA24-07 Develop", "IA24-07", "Develop"),
    ("HR/03 Publish", "HR/03", "Publish"),
    ("EDI-2.1 Review", "EDI-2.1", "Review"),
    ("Action 4 Develop", "4", "Develop"),
    ("Action 4.2: Develop", "4.2", "Develop"),
    ("Ref 7 Develop", "7", "Develop"),
    ("No. 5 Develop", "5", "Develop"),
    ("iv) Do", "iv", "Do"),
    ("(ii) Do", "ii", "Do"),
    ("IV. Do", "IV", "Do"),
    ("1.1.2 Develop", "1.1.2", "Develop"),
    ("2.4/2.5 Develop", "2.4/2.5", "Develop"),
    ("2.4 and 2.5 Develop", "2.4/2.5", "Develop"),
    ("  1.1 Develop", "1.1", "Develop"),
    ("1.4 a) Carry out x. b) Publish y", "1.4", "a) Carry out x. b) Publish y"),
]


@pytest.mark.parametrize(("text", "ref", "rest"), LEADING)
def test_a_ref_printed_at_the_start_of_an_action_is_split_from_its_words(
    text: str, ref: str, rest: str
) -> None:
    assert split_leading_ref(text) == (ref, rest)


@pytest.mark.parametrize(
    "text",
    ["2025 targets agreed", "10 staff trained", "4 Develop", "4 - 5 staff", "A new policy", "IT to review",
     "Q3 review", "Q3: Review", "3D printing", "3D Printing", "4G rollout", "M365 rollout", "KS2 Pupils",
     "FY24 Budget", "HR to publish", "I will", "V&A visit", "CEO to sign", "NHS England guidance",
     "No 10 staff", "i.e. the policy", "P1 develop", "3.5% more", "10:30 meeting", "1st quarter",
     "(i) Do x (ii) Do y", "Action plan agreed", "COVID-19 Recovery", "Mar-12 Review", ""],
)  # fmt: skip
def test_ordinary_action_text_does_not_open_with_a_ref(text: str) -> None:
    assert split_leading_ref(text) == (None, text)


def test_refs_sort_naturally_whatever_their_form() -> None:
    shuffled = ["3.10", "4", "1.2a", "3.9", "1.2", "1.1.2", "2.2 (2)", "2.2", "1.3", "2.3 ii)",
                "2.3 i)", "2.3 (iv)", "2.3 c)", "A-10", "A-2", "P1", "ix", "iv", "v", "x", "xi"]  # fmt: skip
    assert sorted(shuffled, key=ref_key) == [
        "1.1.2", "1.2", "1.2a", "1.3", "2.2", "2.2 (2)", "2.3 c)", "2.3 i)", "2.3 ii)", "2.3 (iv)",
        "3.9", "3.10", "4", "iv", "v", "ix", "x", "xi", "A-2", "A-10", "P1",
    ]  # fmt: skip


def test_a_synthetic_ref_sorts_as_the_number_it_carries() -> None:
    assert ref_key("#1.2") == ref_key("1.2")
    assert ref_key("#1.2 a)") == ref_key("1.2a")
    assert sorted(["#10", "#9", "#1.2", "#1"], key=ref_key) == ["#1", "#1.2", "#9", "#10"]


def test_a_duplicate_sorts_after_its_first_copy_in_printed_and_normal_form() -> None:
    assert ref_key("2.2") < ref_key("2.2 (2)") == ref_key("2.2#2") < ref_key("2.2 (3)") < ref_key("2.3")
    assert ref_key("2.2 (2)") != ref_key("2.2.2")


# --- properties: each printed shape survives both readers --------------------------------------------

_dotted = st.lists(st.integers(1, 999), min_size=2, max_size=4).map(lambda ns: ".".join(map(str, ns)))
_numbered = st.builds(
    lambda n, c: f"{n}{c}", st.integers(1, 999), st.sampled_from("abcdefghijklmnopqrstuvwxyz")
)
_prefixed = st.from_regex(r"[A-Z]{1,4}[1-9][0-9]{0,2}", fullmatch=True)
_dashed = st.from_regex(r"[A-Z]{1,4}-[0-9]{1,3}", fullmatch=True)
REFS = st.one_of(_dotted, _numbered, _prefixed, _dashed).filter(lambda ref: not NOT_A_CODE.fullmatch(ref))
WORDS = st.builds(
    lambda word, tail: word + tail,
    st.from_regex(r"[A-Z][a-z]{1,10}", fullmatch=True),
    st.one_of(st.just(""), st.text(max_size=40).map(lambda t: " " + t)),
)


@given(REFS)
def test_every_generated_ref_alone_in_a_cell_reads_as_itself(ref: str) -> None:
    assert parse_ref_cell(ref) == ref


@given(REFS, WORDS)
def test_every_generated_ref_opening_an_action_is_split_from_its_capitalised_words(
    ref: str, words: str
) -> None:
    assert split_leading_ref(f"{ref} {words}") == (ref, words)


@given(st.text(max_size=80))
def test_reading_refs_never_raises_and_the_rest_is_the_texts_own_tail(text: str) -> None:
    ref, rest = split_leading_ref(text)
    assert text.endswith(rest)
    assert ref is None or len(rest) < len(text)
    parse_ref_cell(text)
    ref_key(text)


@given(st.lists(st.one_of(REFS, st.text(max_size=12)), max_size=12))
def test_ref_key_orders_any_mix_of_refs_and_text_without_raising(refs: list[str]) -> None:
    assert sorted(sorted(refs, key=ref_key), key=ref_key) == sorted(refs, key=ref_key)
