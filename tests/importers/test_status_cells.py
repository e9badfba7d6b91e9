"""A plan's status as printed: fill colours read from Word and Excel, colours and keys, a progress cell's
opening words, and the one order in which a row's evidence is weighed.

Fixtures are written in each test with python-docx or openpyxl, so every fill under test sits next to
its assertion.
"""

from __future__ import annotations

import colorsys
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.styles import PatternFill
from openpyxl.styles.colors import Color

from collector.core.vocabulary import Status, status_from_text, status_from_word
from store.importers.colour_key import read_colour_key
from store.importers.colours import NAMED_COLOURS, colour_status, hex_colour
from store.importers.docx_reader import read_docx
from store.importers.source import SourceLine
from store.importers.status_cells import leading_status, row_status
from store.importers.xlsx_reader import apply_tint, read_xlsx

DONE, ON, RISK, OFF, IDLE, GONE = (
    Status.COMPLETED,
    Status.ON_TRACK,
    Status.AT_RISK,
    Status.OFF_TRACK,
    Status.NOT_STARTED,
    Status.WITHDRAWN,
)


# --- readers ----------------------------------------------------------------------------------------


def shade(cell, fill: str, pattern: str = "clear", color: str = "auto") -> None:
    """Give a python-docx cell Word's cell shading (w:tcPr/w:shd), as Word writes it."""
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), pattern)
    shd.set(qn("w:color"), color)
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def test_word_cell_shading_comes_back_as_fills_at_the_cells_positions(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Plan")
    table = document.add_table(rows=4, cols=4)
    for cell, title in zip(table.rows[0].cells, ("Ref", "Action", "RAG", "Progress"), strict=True):
        cell.text = title
        shade(cell, "D9D9D9")
    one = table.rows[1].cells
    one[0].text, one[1].text, one[3].text = "1.1", "Publish the report", "Launched"
    shade(one[2], "00b050")  # lower case, as some tools write it
    shade(one[3], "auto")
    two = table.rows[2].cells
    two[0].text, two[1].text = "1.2", "Train managers"
    shade(two[2], "FFFFFF")  # white is no fill
    shade(two[3], "FFC000")
    paragraph_shading = OxmlElement("w:shd")  # a paragraph's shading is not the cell's
    paragraph_shading.set(qn("w:fill"), "FF0000")
    two[1].paragraphs[0]._p.get_or_add_pPr().append(paragraph_shading)
    three = table.rows[3].cells
    three[0].text = "1.3"
    merged = three[2].merge(three[3])
    merged.text = "Stalled"
    shade(merged, "000000", pattern="solid", color="C00000")  # solid pattern: w:color shows
    path = tmp_path / "plan.docx"
    document.save(str(path))

    rows = [line for line in read_docx(path).lines if line.in_table]

    assert rows[0].fills == ("D9D9D9",) * 4
    assert rows[1].fills == (None, None, "00B050", None)
    assert rows[2].fills == (None, None, None, "FFC000")
    assert rows[3].cells == ("1.3", "", "Stalled", "")
    assert rows[3].fills == (None, None, "C00000", "C00000")  # a spanning cell colours each column


def test_an_unshaded_word_table_gives_no_fills(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "1.1", "Act"
    path = tmp_path / "plain.docx"
    document.save(str(path))
    assert [line.fills for line in read_docx(path).lines] == [()]


def solid(colour: Color | str) -> PatternFill:
    return PatternFill(fill_type="solid", fgColor=colour)


def test_excel_solid_fills_come_back_as_hex_at_the_cells_positions(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Equality plan"])
    sheet.append(["", "Complete"])  # a legend swatch beside its label, above the table
    sheet["A2"].fill = solid("FF00B0F0")
    sheet.append(["Ref", "Action", "RAG", "Progress"])
    sheet.append(["1.1", "Publish the report", "", "Launched in March"])
    sheet["C4"].fill = solid("FF92D050")
    sheet.append(["1.2", "Train managers", "Amber", "Delayed"])
    sheet["C5"].fill = solid(Color(indexed=10))  # the default palette's red
    sheet["D5"].fill = PatternFill(fill_type="lightGray", fgColor="FFFF0000")  # a hatch: not a fill
    sheet.append(["1.3", "Audit the website", "", ""])
    sheet["D6"].fill = solid("FFFFFFFF")  # white is no fill
    sheet["F6"].fill = solid("FFFF0000")  # a filled cell past the last text is trimmed with it
    path = tmp_path / "plan.xlsx"
    book.save(path)

    lines = read_xlsx(path).lines

    assert lines[0].fills == ()
    assert lines[1].cells == ("Complete",) and lines[1].fills == ("00B0F0",)
    assert lines[2].fills == ()
    assert lines[3].fills == (None, None, "92D050", None)
    assert lines[4].fills == (None, None, "FF0000", None)
    assert lines[5].cells == ("1.3", "Audit the website") and lines[5].fills == ()


def test_excel_theme_colours_take_the_workbooks_theme_and_tint(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Ref", "RAG"])
    sheet.append(["1", "x"])
    sheet["B2"].fill = solid(Color(theme=6, tint=0.0))  # accent3 of the theme openpyxl writes: 9BBB59
    sheet.append(["2", "y"])
    sheet["B3"].fill = solid(Color(theme=6, tint=0.5999938962981048))  # "Lighter 60%"
    sheet.append(["3", "z"])
    sheet["B4"].fill = solid(Color(theme=6, tint=-0.499984740745262))  # "Darker 50%"
    sheet.append(["4", "w"])
    sheet["B5"].fill = solid(Color(theme=0))  # lt1, "Background 1": white, no fill
    path = tmp_path / "theme.xlsx"
    book.save(path)

    fills = [line.fills for line in read_xlsx(path).lines[1:]]

    assert fills[0] == (None, "9BBB59")
    assert fills[1] == (None, apply_tint("9BBB59", 0.5999938962981048)) == (None, "D7E4BD")
    assert fills[2] == (None, "4F6228")
    assert fills[3] == ()
    assert all(colour_status(f[1]) is ON for f in fills[:3])


def test_hex_colour_normalises_what_each_format_writes() -> None:
    assert hex_colour("FFFF0000") == "FF0000"
    assert hex_colour("#92d050") == "92D050"
    assert hex_colour("f00") == "FF0000"
    for nothing in ("auto", "", None, "FFFFFF", "FFFFFFFF", "red", "12345"):
        assert hex_colour(nothing) is None


# --- colours ----------------------------------------------------------------------------------------

REAL_WORLD_SHADES = [
    # Excel's standard colours
    ("C00000", OFF),
    ("FF0000", OFF),
    ("FFC000", RISK),
    ("FFFF00", RISK),
    ("92D050", ON),
    ("00B050", ON),
    ("00B0F0", DONE),
    ("0070C0", DONE),
    ("7030A0", None),  # purple: no meaning without a key
    # Word's highlight-like shades
    ("00FF00", ON),
    ("00FFFF", DONE),
    ("FF00FF", None),
    ("808080", IDLE),
    ("C0C0C0", IDLE),
    # pastel RAG shades (Google Sheets, Excel's "Good/Bad/Neutral")
    ("F4CCCC", OFF),
    ("FCE5CD", RISK),
    ("D9EAD3", ON),
    ("FFC7CE", OFF),
    ("FFEB9C", RISK),
    ("C6EFCE", ON),
    ("FFF2CC", RISK),
    ("E2EFDA", ON),
    ("CFE2F3", DONE),
    # Office's faintest tints: table banding and section shading, not a status
    ("DEEAF6", None),
    ("DDEBF7", None),
    ("FCE4D6", None),
    # dark shades
    ("375623", ON),
    ("833C0B", RISK),
    ("002060", DONE),
    # greys, white and black
    ("D9D9D9", IDLE),
    ("F2F2F2", None),
    ("FAFAFA", None),
    ("000000", None),
    ("262626", None),
]


@pytest.mark.parametrize(("shade_", "expected"), REAL_WORLD_SHADES)
def test_colour_status_reads_real_world_shades(shade_: str, expected: Status | None) -> None:
    assert colour_status(shade_) is expected


def test_a_plans_key_overrides_the_default_meaning_of_a_colour() -> None:
    green_is_done = {"00B050": DONE, "FFC000": ON, "FF0000": OFF}
    assert colour_status("00B050", green_is_done) is DONE
    assert colour_status("92D050", green_is_done) is DONE  # same family as the key's green
    assert colour_status("FFFF00", green_is_done) is ON
    assert colour_status("00B0F0", green_is_done) is DONE  # not in the key: the default
    assert colour_status("7030A0", {"7030A0": IDLE}) is IDLE
    assert colour_status("8064A2", {"7030A0": IDLE}) is IDLE  # another tool's purple


def test_two_greens_in_a_key_are_told_apart_by_the_nearest() -> None:
    key = {"00B050": DONE, "92D050": ON}
    assert colour_status("00B050", key) is DONE
    assert colour_status("9BD35A", key) is ON
    assert colour_status("00A040", key) is DONE


def test_a_key_colour_within_tolerance_matches_even_outside_the_default_families() -> None:
    assert colour_status("F2F2F2", {"F2F2F2": GONE}) is GONE
    assert colour_status("DDEBF7", {"DEEAF6": DONE}) is DONE  # a faint legend swatch
    assert colour_status("FAFAFA", {"595959": GONE}) is None  # pale is no grey's kin


HEX6 = st.text(alphabet="0123456789abcdefABCDEF", min_size=6, max_size=6)


@given(HEX6, st.sampled_from([None, {}, {"00B050": DONE}, {"7030A0": IDLE, "A6A6A6": GONE}]))
def test_colour_status_never_raises_on_a_six_digit_hex(colour: str, key) -> None:
    result = colour_status(colour, key)
    assert result is None or isinstance(result, Status)


def hls_hex(hue: float, lightness: float, saturation: float) -> str:
    r, g, b = colorsys.hls_to_rgb(hue / 360, lightness, saturation)
    return "".join(f"{round(c * 255):02X}" for c in (r, g, b))


@given(
    st.sampled_from([(-12.0, 12.0, OFF), (85.0, 150.0, ON), (185.0, 245.0, DONE), (25.0, 62.0, RISK)]),
    st.floats(0, 1),
    st.floats(0.35, 0.65),
    st.floats(0.6, 1.0),
)
def test_saturated_mid_lightness_hues_in_a_band_give_its_status(band, where, lightness, saturation) -> None:
    low, high, expected = band
    hue = (low + (high - low) * where) % 360
    assert colour_status(hls_hex(hue, lightness, saturation)) is expected


@given(
    st.text(max_size=40),
    st.text(max_size=60),
    st.lists(st.one_of(st.none(), HEX6, st.text(max_size=8)), max_size=4),
    st.sampled_from([{}, {"A6A6A6": GONE, "00B050": DONE}]),
)
def test_reading_a_rows_status_never_raises(status_cell, progress_cell, fills, key) -> None:
    for found in (row_status(status_cell, progress_cell, fills, key), leading_status(progress_cell, key)[0]):
        assert found is None or isinstance(found, Status)
    read_colour_key([line(status_cell, progress_cell, fills=tuple(fills)), text(progress_cell)])


# --- words ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Completed. The scheme was launched in March.", DONE),
        ("On track – survey issued to all staff", ON),
        ("On-track: survey issued", ON),
        ("Amber: delayed by the budget vote", RISK),
        ("Not started", IDLE),
        ("Not yet due", IDLE),
        ("RAG: Green. Training booked for May", ON),
        ("RAG status - Blue", DONE),
        ("Partially complete; two sites remain", ON),
        ("Partially achieved - one of three sessions held", RISK),
        ("Some slippage: now expected in June", RISK),
        ("Significant slippage, contractor withdrew", OFF),
        ("Red/Amber - recruitment paused", OFF),
        ("Achieved", DONE),
    ],
)
def test_leading_status_reads_a_status_opening_a_progress_cell(text: str, expected: Status) -> None:
    status, printed = leading_status(text)
    assert status is expected
    assert printed == text  # the text is kept whole


@pytest.mark.parametrize(
    "text",
    [
        "The completed survey was sent to the board",
        "Survey completed in March",  # the status is not in the opening words
        "Green spaces strategy drafted",
        "Blue badge parking reviewed",
        "Redesign of the intranet agreed",
        "A new complaints process is being drafted",
        "No change",  # a reply's word, not a plan's status
        "",
    ],
)
def test_leading_status_ignores_status_words_that_do_not_open_the_cell(text: str) -> None:
    assert leading_status(text) == (None, text)


def test_a_colour_opening_a_progress_cell_reads_through_the_key() -> None:
    assert leading_status("Green - all sessions held", {"00B050": DONE})[0] is DONE
    assert leading_status("Purple.", {"7030A0": IDLE})[0] is IDLE
    assert leading_status("Purple.")[0] is None


def test_the_vocabulary_knows_the_key_words_plans_use() -> None:
    assert status_from_word("Significant delay") is OFF
    assert status_from_word("not achieved") is OFF
    assert status_from_word("Partly achieved") is RISK
    assert status_from_text("Minor slippage against the June date") is RISK


# --- a row's status ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status_cell", "progress_cell", "fills", "expected"),
    [
        ("On target", "Delayed", ["FF0000", "FF0000"], ON),  # the word beats everything
        ("G", "", [], ON),
        ("A/G", "", [], RISK),  # two colours: the worse
        ("R", "", [], OFF),
        ("b", "", [], DONE),
        ("Amber-Red", "", [], OFF),
        ("Blue", "", [], DONE),
        ("", "Completed in May", ["FFC000", None], RISK),  # a status cell's colour beats the narrative
        ("", "Completed in May", [None, "FF0000"], DONE),  # the narrative beats the progress cell's fill
        ("", "Training booked for May", [None, "92D050"], ON),  # only a colour
        ("", "Training booked", [None, None, "FFC000"], RISK),  # any text cell's colour, last
        ("n/a", "", ["00B0F0"], DONE),  # no word in the status cell: its colour
        ("", "", [None, "F2F2F2"], None),
        ("", "", [], None),
    ],
)
def test_row_status_weighs_evidence_in_order(status_cell, progress_cell, fills, expected) -> None:
    assert row_status(status_cell, progress_cell, fills, {}) is expected


def test_row_status_reads_words_and_colours_through_the_plans_key() -> None:
    key = {"00B050": DONE, "FFC000": ON, "7030A0": IDLE}
    assert row_status("Green", "", [], key) is DONE
    assert row_status("Purple", "", [], key) is IDLE
    assert row_status("", "", ["92D050"], key) is DONE
    assert row_status("", "Amber: on course", [], key) is ON


# --- the plan's own key -----------------------------------------------------------------------------


def line(*cells: str, fills: tuple[str | None, ...] = (), table: int | None = 0, **kw) -> SourceLine:
    return SourceLine(cells=cells, where="test", in_table=table is not None, table=table, fills=fills, **kw)


def text(t: str) -> SourceLine:
    return line(t, table=None)


PLAN_ROWS = [
    line("Ref", "Action", "Lead", "RAG", "Progress"),
    line("1.1", "Publish the report", "SE", "", "Launched", fills=(None, None, None, "00B0F0", None)),
    line("1.2", "Train managers", "JM", "Amber", "Delayed"),
]


def test_a_legend_of_filled_cells_with_labels_above_the_table_is_read() -> None:
    lines = [
        text("Equality action plan 2026"),
        text("Key"),
        line("", "Complete", fills=("00B0F0", None), table=0),
        line("", "On track", fills=("92D050", None), table=0),
        line("", "Some slippage", fills=("FFC000", None), table=0),
        line("", "Significant delay", fills=("FF0000", None), table=0),
        *PLAN_ROWS,
    ]
    key, skip = read_colour_key(lines)
    assert key == {"00B0F0": DONE, "92D050": ON, "FFC000": RISK, "FF0000": OFF}
    assert skip == {1, 2, 3, 4, 5}


def test_a_legend_row_of_labelled_coloured_cells_below_the_table_is_read() -> None:
    lines = [
        *PLAN_ROWS,
        line(
            "Complete",
            "On track",
            "Not started",
            "Significant slippage",
            fills=("5B9BD5", "70AD47", "A6A6A6", "C00000"),
            table=1,
        ),
    ]
    key, skip = read_colour_key(lines)
    assert key == {"5B9BD5": DONE, "70AD47": ON, "A6A6A6": IDLE, "C00000": OFF}
    assert skip == {3}


def test_a_key_table_of_colour_names_and_meanings_on_its_own_sheet_is_read() -> None:
    lines = [
        *PLAN_ROWS,
        line("Colour", "Meaning", table=1),
        line("Blue", "Completed – evidence provided", table=1),
        line("Green", "On track to deliver by the target date", table=1),
        line("Amber", "At risk: some slippage expected", table=1),
        line("Red", "Off track", "Needs the board's help", table=1),
        line("Purple", "Not yet due", table=1),
    ]
    key, skip = read_colour_key(lines)
    assert key == {
        NAMED_COLOURS["blue"]: DONE,
        NAMED_COLOURS["green"]: ON,
        NAMED_COLOURS["amber"]: RISK,
        NAMED_COLOURS["red"]: OFF,
        NAMED_COLOURS["purple"]: IDLE,
    }
    assert skip == {3, 4, 5, 6, 7, 8}


def test_text_legends_in_several_forms_are_read() -> None:
    lines = [
        text("Progress against the plan"),
        text("Red – not achieved / significant delay"),
        text("Amber – partially achieved"),
        text("Green – achieved"),
        *PLAN_ROWS,
        text("B = Blue = Completed"),
        text("G = Green = On track"),
    ]
    key, skip = read_colour_key(lines)
    assert key == {
        NAMED_COLOURS["red"]: OFF,
        NAMED_COLOURS["amber"]: RISK,
        NAMED_COLOURS["green"]: DONE,
        NAMED_COLOURS["blue"]: DONE,
    }  # the first legend's green wins over the second's
    assert skip == {1, 2, 3, 7, 8}


def test_a_one_line_rag_key_and_letter_codes_are_read() -> None:
    one_line = text("RAG key: Red = off track, Amber = at risk, Green = on track")
    key, skip = read_colour_key([one_line, *PLAN_ROWS])
    assert key == {NAMED_COLOURS["red"]: OFF, NAMED_COLOURS["amber"]: RISK, NAMED_COLOURS["green"]: ON}
    assert skip == {0}
    key, _ = read_colour_key([text("Status: G = on track; A = delayed; R = stalled; B = complete")])
    assert key == {
        NAMED_COLOURS["green"]: ON,
        NAMED_COLOURS["amber"]: RISK,
        NAMED_COLOURS["red"]: OFF,
        NAMED_COLOURS["blue"]: DONE,
    }


def test_a_word_plans_shaded_key_table_gives_its_shaded_rows_their_status(tmp_path: Path) -> None:
    document = docx.Document()
    plan = document.add_table(rows=3, cols=3)
    for cell, title in zip(plan.rows[0].cells, ("Ref", "Action", "Status"), strict=True):
        cell.text = title
    plan.rows[1].cells[0].text, plan.rows[1].cells[1].text = "1.1", "Publish the report"
    shade(plan.rows[1].cells[2], "00B050")
    plan.rows[2].cells[0].text, plan.rows[2].cells[1].text = "1.2", "Train managers"
    shade(plan.rows[2].cells[2], "7030A0")
    document.add_paragraph("Key")
    legend = document.add_table(rows=3, cols=2)
    for row, (swatch, label) in zip(
        legend.rows, (("00B050", "Complete"), ("92D050", "On track"), ("7030A0", "Not yet due")), strict=True
    ):
        shade(row.cells[0], swatch)
        row.cells[1].text = label
    path = tmp_path / "keyed.docx"
    document.save(str(path))

    lines = read_docx(path).lines
    key, skip = read_colour_key(lines)

    assert key == {"00B050": DONE, "92D050": ON, "7030A0": IDLE}
    assert [lines[i].where for i in sorted(skip)] == ["paragraph 1", *(f"table 2 row {r}" for r in (1, 2, 3))]
    rows = [line for line in lines if line.table == 0][1:]
    assert [row_status(r.cells[2], "", [r.fills[2]], key) for r in rows] == [DONE, IDLE]


def test_a_single_entry_needs_a_heading_to_be_a_key() -> None:
    assert read_colour_key([text("Blue = complete"), *PLAN_ROWS]) == ({}, set())
    key, skip = read_colour_key([text("Key"), line("Complete", fills=("00B0F0",), table=None), *PLAN_ROWS])
    assert key == {"00B0F0": DONE} and skip == {0, 1}


@pytest.mark.parametrize(
    "lines",
    [
        PLAN_ROWS,
        # body rows with only a coloured status, between rows of the same table: not a legend
        [
            PLAN_ROWS[0],
            line("", "", "", "Complete", "Launched", fills=(None, None, None, "00B0F0", None)),
            line("", "", "", "On track", "Booked", fills=(None, None, None, "00B050", None)),
            PLAN_ROWS[2],
        ],
        # rows continuing a merged action cell are body rows
        [
            line("", "Complete", fills=("00B0F0", None), merged_above=(0,)),
            line("", "On track", fills=("00B050", None), merged_above=(0,)),
        ],
        # progress text that merely mentions colours
        [text("Green spaces audit complete"), text("Blue badge bays reviewed: done")],
        # a filled section heading and the header row
        [
            line("1. Knowing our tenants", fills=("D9D9D9",)),
            line("Ref", "Status", fills=("1F4E79", "1F4E79")),
        ],
    ],
)
def test_plan_rows_are_not_mistaken_for_a_legend(lines: list[SourceLine]) -> None:
    assert read_colour_key(lines) == ({}, set())
