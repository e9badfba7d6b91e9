"""The polite edges of a reply, and the pieces of it no action can claim: greetings, apologies, sign-offs,
a quoted original the extractor missed."""

from __future__ import annotations

import pytest

from collector.replies.parsing.courtesy import closing_start, opening_end
from collector.replies.parsing.evidence import find_links

from .conftest import parse


@pytest.mark.parametrize(
    ("text", "news"),
    [
        ("Hi Sam,\nDone", "Done"),
        ("Hi all - on track", "on track"),
        (
            "Apologies for the delay, the strategy was signed off in Feb.",
            "the strategy was signed off in Feb.",
        ),
        ("Sorry, this has slipped to June", "this has slipped to June"),
        ("Morning Jo! Please see my update below:\n1.1 done", "1.1 done"),
        ("Thanks to the team, it is done", "Thanks to the team, it is done"),
    ],
)
def test_greetings_and_apologies_are_cut_but_news_is_kept(text: str, news: str) -> None:
    assert text[opening_end(text) :] == news


@pytest.mark.parametrize(
    ("text", "news"),
    [
        ("1.1 done\nThanks,\nJo", "1.1 done\n"),
        ("1.1 done\n\nMany thanks\nJo Bloggs\nHead of Inclusion", "1.1 done\n\n"),
        ("1.3 slipped to June. Thanks", "1.3 slipped to June."),
        ("1.1 done\nLet me know if you need anything else", "1.1 done\n"),
        ("Thanks - all on track", "Thanks - all on track"),
        ("1.1 done\n\n-----Original Message-----\nFrom: Progress\n[1.2] Publish", "1.1 done\n\n"),
        ("1.1 done\n\nOn Tue, 14 Apr 2026 at 09:00, Progress wrote:\n> [1.2] Publish", "1.1 done\n\n"),
    ],
)
def test_sign_offs_and_a_quoted_original_are_cut_but_news_is_kept(text: str, news: str) -> None:
    assert text[: closing_start(text)] == news


def test_links_are_found_whole_and_once() -> None:
    text = (
        "See https://council.sharepoint.com/sites/EDI/Report%201.2.docx, (https://intranet/edi/page_(2)) "
        "and <https://teams.microsoft.com/l/file/ABC|the file>; again https://intranet/edi/page_(2)."
    )
    assert find_links(text) == [
        "https://council.sharepoint.com/sites/EDI/Report%201.2.docx",
        "https://intranet/edi/page_(2)",
        "https://teams.microsoft.com/l/file/ABC",
    ]


def test_an_email_address_is_not_a_ref_or_a_link() -> None:
    result = parse("1.1 done - ask jo.1.2@council.gov.uk for the file", "1.1", "1.2")
    assert [u.ref for u in result.updates] == ["1.1"]
    assert result.updates[0].evidence == []
