"""collector.core.text.markup_to_text: the one reading of HTML fragments that replies and plan-file cells
share. A tag starts with a letter (so a comparison in a reply is text); block tags end a line."""

from __future__ import annotations

from collector.core.text import markup_to_text
from collector.replies.parsing.clean import normalise
from store.importers.cells import normalise_cell


def test_block_tags_end_lines_and_other_tags_go():
    assert (
        markup_to_text("1.1 <b>done</b><br>1.2 on track<p>thanks</p>") == "1.1 done\n1.2 on track\nthanks\n"
    )


def test_a_comparison_is_text_not_a_tag():
    assert markup_to_text("spend < 5% > last year") == "spend < 5% > last year"


def test_entities_are_decoded_and_list_items_can_carry_a_bullet():
    assert markup_to_text("<ul><li>A &amp; B</li></ul>", item="• ") == "\n\n• A & B\n\n"


def test_office_namespaced_tags_are_markup_too():
    assert markup_to_text("Complete<o:p></o:p>") == "Complete"


def test_replies_and_exported_cells_read_markup_the_same_way():
    assert normalise("Status: amber<br/>Survey &amp; audit") == "Status: amber\nSurvey & audit"
    assert normalise_cell("<p>Survey &amp; audit</p><ul><li>one</li><li>two</li></ul>", html=True) == (
        "Survey & audit\n• one\n• two"
    )
