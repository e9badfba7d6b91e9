"""Lead cells and the plan's key of initials: where a cell is cut, how codes are spelled, where keys sit.

Every plan here is made up in the test; the people and teams are invented.
"""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from store.importers.key import read_key
from store.importers.lead_codes import NOT_CODES, norm_code
from store.importers.leads import parse_leads, split_lead_cell
from store.importers.source import SourceDoc, SourceLine

# --- cutting a lead cell ------------------------------------------------------------------------------

KEY = {"AP": "Amira Patel", "TD": "Tom Davies", "RK": "Raj Kumar", "CIT": "Customer Insight Team"}

SPLITS = [
    ("AP, TD, RK", ["AP", "TD", "RK"]),
    ("AP/TD", ["AP", "TD"]),
    ("AP / TD", ["AP", "TD"]),
    ("Amira Patel/ Tom Davies", ["Amira Patel", "Tom Davies"]),
    ("AP & TD", ["AP", "TD"]),
    ("AP&TD", ["AP", "TD"]),
    ("AP and TD", ["AP", "TD"]),
    ("AP + TD", ["AP", "TD"]),
    ("AP and/or TD", ["AP", "TD"]),
    ("AP; Jo Baker", ["AP", "Jo Baker"]),
    ("AP\nTD", ["AP", "TD"]),
    ("• AP\n• Comms team", ["AP", "Comms team"]),
    ("AP TD", ["AP", "TD"]),
    ("MG MG MG", ["MG", "MG", "MG"]),
    ("a) RK b) AP & TD", ["RK", "AP", "TD"]),
    ("a), b) & c) RK, d) TD", ["RK", "TD"]),
    ("Chief Nurse / Director of People", ["Chief Nurse", "Director of People"]),
    ("Head of HR/Priya Shah", ["Head of HR", "Priya Shah"]),
    ("Chief Nurse, Director of People", ["Chief Nurse", "Director of People"]),
    ("Jo Baker, Sam Ortiz", ["Jo Baker", "Sam Ortiz"]),
    ("Jo Baker, Head of HR, Estates team", ["Jo Baker", "Head of HR", "Estates team"]),
    ("AP, Jo Baker", ["AP", "Jo Baker"]),
    ("Jo Baker, Sam Ortiz and Lee Chan", ["Jo Baker", "Sam Ortiz", "Lee Chan"]),
    ("AP, TD and RK", ["AP", "TD", "RK"]),
    ("AP, Equality and Diversity Team", ["AP", "Equality and Diversity Team"]),
    ("AP with HR", ["AP", "HR"]),
    ("Chief Nurse supported by Director of People", ["Chief Nurse", "Director of People"]),
    ("L&D & HR", ["L&D", "HR"]),
    ("HR and OD", ["HR", "OD"]),
    ("Amira Patel & Tom Davies", ["Amira Patel", "Tom Davies"]),  # both names are in the key
    ("(AP)", ["AP"]),
    ("Jo Baker (HR)", ["Jo Baker"]),
]

WHOLE = [
    "Learning & Development",
    "Equality and Diversity Team",
    "Health and Safety Manager",
    "Estates & Facilities",
    "HR and Comms",
    "Head of HR, Finance and Estates",
    "Director of Housing, Health and Wellbeing",
    "Work with partners",
    "Develop links with Local Authority",
    "Jo Baker & Sam Ortiz",  # two people, probably; but "&" is only trusted between certain leads
    "HR team",
    "Mary van der Berg",
    "HR, Learning and Development",
]


@pytest.mark.parametrize(("cell", "leads"), SPLITS)
def test_a_lead_cell_is_cut_at_unambiguous_delimiters(cell, leads):
    assert split_lead_cell(cell, KEY) == leads


@pytest.mark.parametrize("cell", WHOLE)
def test_a_team_role_or_phrase_is_kept_whole(cell):
    assert split_lead_cell(cell, KEY) == [cell]


@pytest.mark.parametrize(
    ("cell", "known", "leads"),
    [
        ("HR and Comms", {"Comms"}, ["HR", "Comms"]),
        ("Estates & Facilities", {"Estates", "Facilities"}, ["Estates", "Facilities"]),
        ("Jo Baker & Sam Ortiz", {"Jo Baker", "Sam Ortiz"}, ["Jo Baker", "Sam Ortiz"]),
        ("Estates & Facilities", {"Estates"}, ["Estates & Facilities"]),
        (
            "Jo Baker Sam Ortiz Lee Chan",
            {"Jo Baker", "Sam Ortiz", "Lee Chan"},
            ["Jo Baker", "Sam Ortiz", "Lee Chan"],
        ),
        ("Jo Baker Sam Ortiz Lee Chan", {"Jo Baker", "Sam Ortiz"}, ["Jo Baker Sam Ortiz Lee Chan"]),
    ],
)
def test_names_the_plan_uses_elsewhere_allow_a_cut(cell, known, leads):
    assert split_lead_cell(cell, {}, known) == leads


@pytest.mark.parametrize("cell", ["TBC", "N/A", "n/a", "None", "-", "tbc"])
def test_a_placeholder_is_no_lead(cell):
    assert parse_leads(cell, KEY) == []


def test_a_slash_between_single_letters_is_not_a_delimiter():
    assert split_lead_cell("H/S", {}) == ["H/S"]


def test_a_cell_resolves_codes_through_the_key_and_keeps_teams_teams():
    leads = parse_leads("AP & CIT, ZQ", KEY)
    assert [(lead.code, lead.name, lead.is_team) for lead in leads] == [
        ("AP", "Amira Patel", False),
        ("CIT", "Customer Insight Team", True),
        ("ZQ", None, False),
    ]


def test_a_lead_named_twice_is_listed_once():
    assert [lead.code for lead in parse_leads("AP / AP, TD", KEY)] == ["AP", "TD"]


# --- spelling codes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "code"),
    [
        ("PK", "PK"),
        ("P.K.", "PK"),
        ("P. K.", "PK"),
        ("P K", "PK"),
        ("PK.", "PK"),
        ("(PK)", "PK"),
        ("[PK]", "PK"),
        (" PK ", "PK"),
        ("ＰＫ", "PK"),  # fullwidth
        ("АВ", "AB"),  # Cyrillic capitals A and VE
        ("PК", "PK"),  # Latin P, Cyrillic KA
        ("ΑΒ", "AB"),  # Greek capitals
        ("ВЕТ", "BET"),
        ("L & D", "L&D"),
        ("Pk", "Pk"),  # case is for the key lookup to decide
        ("PK TD", "PK TD"),  # two codes, not one
        ("P.K. T.D.", "P.K. T.D."),
        ("Jo Baker", "Jo Baker"),
        ("O'Neil", "O'Neil"),
        ("Мария", "Мария"),  # a real Cyrillic name is left alone
    ],
)
def test_norm_code_spells_a_code_one_way(printed, code):
    assert norm_code(printed) == code


@pytest.mark.parametrize("printed", ["P.K.", "(PK)", "PK.", "ＰＫ", "PК", "Pk", "pk", "P K"])
def test_a_code_printed_differently_still_finds_its_key_entry(printed):
    [lead] = parse_leads(printed, {"PK": "Priya Kaur"})
    assert (lead.code, lead.name) == ("PK", "Priya Kaur")


def test_a_key_spelled_with_dots_is_found_by_plain_initials():
    [lead] = parse_leads("PK", {"P.K.": "Priya Kaur"})
    assert (lead.code, lead.name) == ("P.K.", "Priya Kaur")


def test_case_is_ignored_only_when_one_key_code_matches():
    key = {"JBW": "Jo Bywater", "JbW": "Jon Webb"}
    assert [lead.name for lead in parse_leads("JbW", key)] == ["Jon Webb"]
    assert [lead.name for lead in parse_leads("Jbw", key)] == ["Jbw"]


# --- reading the key ----------------------------------------------------------------------------------


def row(*cells: str, table: int = 1) -> SourceLine:
    return SourceLine(cells=cells, where="", in_table=True, table=table)


def text(line: str) -> SourceLine:
    return SourceLine(cells=(line,), where="", in_table=False)


PLAN = [
    row("Ref", "Action", "Lead", "Target"),
    row("1.1", "Develop a policy", "HR", "Mar 2026"),
    row("1.2", "Train managers", "AP & TD", "Jun 2026"),
]
PAIRS = {"AP": "Amira Patel", "TD": "Tom Davies"}


def doc(*lines: SourceLine) -> SourceDoc:
    return SourceDoc(
        path="plan.txt",
        format="text",
        lines=[SourceLine(ln.cells, f"line {i + 1}", ln.in_table, ln.table) for i, ln in enumerate(lines)],
    )


def key_after_plan(*key_lines: SourceLine) -> tuple[dict[str, str], set[int]]:
    return read_key(doc(text("Equality plan 2026"), *PLAN, *key_lines))


KEY_FORMS = {
    "a table under an Initials | Name header": [
        row("Initials", "Name", table=2),
        row("AP", "Amira Patel", table=2),
        row("TD", "Tom Davies", table=2),
    ],
    "a table under a Code | Name | Role header": [
        row("Code", "Name", "Role", table=2),
        row("AP", "Amira Patel", "Head of HR", table=2),
        row("TD", "Tom Davies", "Estates Manager", table=2),
    ],
    "a table under a Name | Initials header": [
        row("Name", "Initials", table=2),
        row("Amira Patel", "AP", table=2),
        row("Tom Davies", "TD", table=2),
    ],
    "a two-up table": [
        row("Key", "Name", "Key", "Name", table=2),
        row("AP", "Amira Patel", "TD", "Tom Davies", table=2),
    ],
    "headerless two-up rows closing the plan's table": [row("AP", "Amira Patel", "TD", "Tom Davies")],
    "a heading then headerless rows": [
        text("Lead key:"),
        row("AP", "Amira Patel", table=2),
        row("TD", "Tom Davies", table=2),
    ],
    "lines with =": [text("AP = Amira Patel"), text("TD = Tom Davies")],
    "lines with dashes": [text("AP - Amira Patel"), text("TD – Tom Davies")],
    "lines with colons": [text("AP: Amira Patel"), text("TD: Tom Davies")],
    "bare lines": [text("AP Amira Patel"), text("TD Tom Davies")],
    "one line after Key:": [text("Key: AP = Amira Patel, TD = Tom Davies")],
    "one line with semicolons": [text("AP = Amira Patel; TD = Tom Davies")],
    "one line of dashed pairs": [text("AP - Amira Patel, TD - Tom Davies")],
    "entries with roles": [
        text("Key to leads"),
        text("AP - Amira Patel, Head of HR"),
        text("TD: Tom Davies (Estates)"),
    ],
    "a heading then bare lines": [text("Abbreviations"), text("AP Amira Patel"), text("TD Tom Davies")],
    "a glossary heading": [text("Glossary of initials"), text("AP = Amira Patel"), text("TD = Tom Davies")],
    "dotted codes": [text("Key"), text("A.P. = Amira Patel"), text("T.D. = Tom Davies")],
}


@pytest.mark.parametrize("form", KEY_FORMS)
def test_a_key_after_the_plan_is_read_in_every_common_form(form):
    lines = KEY_FORMS[form]
    key, used = key_after_plan(*lines)
    assert key == PAIRS
    assert used == set(range(1 + len(PLAN), 1 + len(PLAN) + len(lines)))


@pytest.mark.parametrize("form", KEY_FORMS)
def test_a_key_before_the_plan_is_read_too(form):
    lines = [ln if ln.table != 1 else SourceLine(ln.cells, "", True, 3) for ln in KEY_FORMS[form]]
    key, used = read_key(doc(text("Equality plan 2026"), *lines, *PLAN))
    assert key == PAIRS
    assert used == set(range(1, 1 + len(lines)))


def test_a_key_on_a_sheet_of_its_own_is_a_whole_table_of_pairs():
    sheet = [row("AP", "Amira Patel", table=2), row("TD", "Tom Davies", table=2)]
    assert key_after_plan(*sheet) == (PAIRS, {4, 5})
    assert key_after_plan(row("AP", "Amira Patel", table=2)) == ({"AP": "Amira Patel"}, {4})


def test_a_key_sheet_may_give_roles_without_a_header():
    sheet = [
        row("AP", "Amira Patel", "Head of HR", table=2),
        row("TD", "Tom Davies", "Estates Manager", table=2),
    ]
    assert key_after_plan(*sheet)[0] == PAIRS


def test_a_two_up_key_may_end_with_half_a_row():
    lines = [row("AP", "Amira Patel", "TD", "Tom Davies"), row("RK", "Raj Kumar", "", "")]
    assert key_after_plan(*lines)[0] == {**PAIRS, "RK": "Raj Kumar"}


def test_a_team_in_the_key_stays_a_team():
    key, _ = key_after_plan(text("CIT = Customer Insight Team"))
    [lead] = parse_leads("CIT", key)
    assert lead.is_team and lead.name == "Customer Insight Team"


def test_key_codes_are_normalised_like_cells():
    key, _ = key_after_plan(text("Key"), text("ＰＫ = Priya Kaur"), text("(JBW) = Jo Bywater"))
    assert key == {"PK": "Priya Kaur", "JBW": "Jo Bywater"}


NOT_KEYS = {
    "the plan alone": [],
    "page furniture": [text("Page 1 of 3"), text("OFFICIAL"), text("3 of 9")],
    "a dashed section heading": [text("EDI - Workforce Equality")],
    "a colon heading": [text("EDI: Our commitments")],
    "a lone bare title": [text("NHS Foundation Trust")],
    "a heading that only starts with Key": [text("Key actions for 2026"), text("Owners agreed in May")],
    "a Key heading with nothing under it": [text("Key"), row("Ref", "Action", "Lead", "Target", table=2)],
    "prose lines": [text("AP will report to the board."), text("TD said it was fine.")],
    "a single pair row inside the plan's table": [
        row("HR", "Staff Survey"),
        row("1.3", "Audit pay", "RK", "May 2026"),
    ],
    "a key header row with nothing under it": [row("Initials", "Name", table=2)],
    "a plan header starting with Key": [row("Key actions", "Lead", "Target", table=2)],
}


@pytest.mark.parametrize("case", NOT_KEYS)
def test_ordinary_lines_are_not_read_as_a_key(case):
    assert key_after_plan(*NOT_KEYS[case]) == ({}, set())


def test_the_plans_header_and_rows_are_not_a_key_even_when_its_rows_look_like_pairs():
    lines = [row("Lead", "Action"), row("HR", "Staff Survey"), row("IT", "Website Review")]
    assert read_key(doc(*lines)) == ({}, set())


# --- properties ---------------------------------------------------------------------------------------

codes = st.from_regex(r"[A-Z]{2,4}", fullmatch=True).filter(lambda c: c not in NOT_CODES)
words = st.from_regex(r"[A-Z][a-z]{2,8}", fullmatch=True)
names = st.lists(words, min_size=2, max_size=3).map(" ".join)
key_entries = st.lists(st.tuples(codes, names), min_size=1, max_size=6, unique_by=lambda p: p[0])


def _table(pairs, header=None, table=2):
    lines = [row(*header, table=table)] if header else []
    return lines + [row(c, n, table=table) for c, n in pairs]


def _two_up(pairs):
    cells = [x for pair in pairs for x in pair]
    cells += [""] * (len(cells) % 4)
    return [row(*cells[i : i + 4]) for i in range(0, len(cells), 4)]


RENDERS = {
    "initials table": lambda p: _table(p, ("Initials", "Name")),
    "code name role table": lambda p: (
        [row("Code", "Name", "Role", table=2)] + [row(c, n, "Head of Service", table=2) for c, n in p]
    ),
    "key sheet": lambda p: _table(p),
    "heading then rows": lambda p: [text("Lead key"), *_table(p)],
    "equals lines": lambda p: [text(f"{c} = {n}") for c, n in p],
    "dash lines under a heading": lambda p: [text("Key"), *(text(f"{c} - {n}") for c, n in p)],
    "en dash lines under a heading": lambda p: [text("Key to leads"), *(text(f"{c} – {n}") for c, n in p)],
    "colon lines under a heading": lambda p: [text("Abbreviations:"), *(text(f"{c}: {n}") for c, n in p)],
    "bare lines under a heading": lambda p: [text("Initials"), *(text(f"{c} {n}") for c, n in p)],
    "one line": lambda p: [text("Key: " + ", ".join(f"{c} = {n}" for c, n in p))],
    "one line of semicolons": lambda p: [text("; ".join(f"{c} = {n}" for c, n in p))],
}
RUNS = {  # forms that are a key without a heading only as two or more entries
    "dash lines": lambda p: [text(f"{c} - {n}") for c, n in p],
    "bare lines": lambda p: [text(f"{c} {n}") for c, n in p],
    "two-up rows under the plan": _two_up,
}


@settings(max_examples=150, deadline=None)
@given(
    pairs=key_entries,
    form=st.sampled_from(sorted(RENDERS)),
    before=st.booleans(),
)
def test_every_key_form_gives_back_exactly_its_entries(pairs, form, before):
    lines = RENDERS[form](pairs)
    _check_key(lines, pairs, before=before)


@settings(max_examples=100, deadline=None)
@given(
    pairs=st.lists(st.tuples(codes, names), min_size=2, max_size=6, unique_by=lambda p: p[0]),
    form=st.sampled_from(sorted(RUNS)),
)
def test_runs_of_entries_give_back_exactly_their_entries(pairs, form):
    _check_key(RUNS[form](pairs), pairs, before=False)


def _check_key(lines, pairs, *, before):
    plan = [text("Equality plan 2026"), *PLAN]
    if before:
        lines = [ln if ln.table != 1 else SourceLine(ln.cells, "", True, 3) for ln in lines]
        key, used = read_key(doc(*lines, *plan))
        start = 0
    else:
        key, used = read_key(doc(*plan, *lines))
        start = len(plan)
    assert key == dict(pairs)
    assert used == set(range(start, start + len(lines)))


DELIMITERS = [", ", " / ", "/", "; ", "\n", " & ", " and "]


@settings(max_examples=200, deadline=None)
@given(
    printed=st.lists(codes, min_size=1, max_size=6, unique=True),
    data=st.data(),
    with_key=st.booleans(),
)
def test_codes_joined_by_any_delimiter_parse_to_exactly_those_codes(printed, data, with_key):
    cell = printed[0]
    for code in printed[1:]:
        cell += data.draw(st.sampled_from(DELIMITERS)) + code
    key = {code: f"Person {code.title()}" for code in printed} if with_key else {}
    assert [lead.code for lead in parse_leads(cell, key)] == printed


@settings(max_examples=200, deadline=None)
@given(
    left=st.lists(words, min_size=1, max_size=3),
    right=st.lists(words, min_size=1, max_size=3),
    joiner=st.sampled_from([" & ", " and ", "&", " And "]),
    suffix=st.sampled_from(["", " Team", " team", " Unit", " Manager"]),
    known=st.sets(names, max_size=5),
)
def test_a_team_name_with_and_in_it_is_never_cut(left, right, joiner, suffix, known):
    team = " ".join(left) + joiner + " ".join(right) + suffix
    assume(not {" ".join(left), " ".join(right) + suffix, " ".join(right)} & known)
    assert [lead.label for lead in parse_leads(team, {}, known)] == [team]


@settings(max_examples=300, deadline=None)
@given(
    cell=st.text(), key=st.dictionaries(st.text(max_size=5), st.text(max_size=20)), known=st.sets(st.text())
)
def test_parse_leads_never_raises(cell, key, known):
    for lead in parse_leads(cell, key, known):
        assert lead.code or lead.name


WHOLE_LEADS = [
    "Jo Baker",
    "Sam Ortiz",
    "Mary van der Berg",
    "Dr Amira Patel",
    "Head of HR",
    "Chief Nurse",
    "Director of People",
    "Equality Officer",
    "Estates team",
    "Customer Services",
    "Equality and Diversity Team",
    "AP",
    "HR",
    "SMT",
]


@settings(max_examples=200, deadline=None)
@given(
    leads=st.lists(st.sampled_from(WHOLE_LEADS), min_size=1, max_size=4, unique=True),
    separator=st.sampled_from([", ", "/", " / ", "; ", "\n"]),
)
def test_people_roles_teams_and_codes_listed_with_any_separator_come_back_whole(leads, separator):
    assert split_lead_cell(separator.join(leads), {}) == leads


def test_a_key_stops_at_the_first_line_that_is_not_an_entry():
    lines = [text("Key"), text("AP = Amira Patel"), text("NHS Trust Equality Plan")]
    key, used = read_key(doc(*lines, *PLAN))
    assert (key, used) == ({"AP": "Amira Patel"}, {0, 1})
