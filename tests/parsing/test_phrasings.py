"""Every row of the phrasings table (phrasings.py), parsed as a coordinator would read it."""

from __future__ import annotations

import pytest

from collector.replies.parsing import parse_reply
from collector.replies.types import AskedAction, ParsedUpdate

from .phrasings import ROWS, Row


def _due_matches(update: ParsedUpdate, due: str | None) -> bool:
    """ "2026-06" matches any day of June 2026 (a month means its end); "2026-06-30" only that day."""
    got = update.revised_target_date
    if due is None or got is None:
        return due is None and got is None
    return got.isoformat().startswith(due) if len(due) == 7 else got.isoformat() == due


def test_the_table_has_at_least_150_realistic_rows() -> None:
    assert len(ROWS) >= 150
    assert len({row.id for row in ROWS}) == len(ROWS), "row ids are unique"


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_it_records_what_a_careful_coordinator_would(row: Row) -> None:
    result = parse_reply(row.text, [AskedAction(ref) for ref in row.asked], today=row.today)
    got = {u.ref: u for u in result.updates}
    summary = {u.ref: (u.status, u.revised_target_text, u.confidence, u.reasons) for u in result.updates}
    assert set(got) == set(row.expected), summary
    for ref, (status, due) in row.expected.items():
        update = got[ref]
        assert update.status == status, (ref, summary)
        assert _due_matches(update, due), (ref, update.revised_target_text, update.revised_target_date)
        if row.min_confidence is not None:
            assert update.confidence >= row.min_confidence, (ref, summary)
        if row.max_confidence is not None:
            assert update.confidence <= row.max_confidence, (ref, summary)
    assert result.unknown_refs == list(row.unknown)
    if row.blanket is not None or not row.expected:
        assert result.blanket == row.blanket
