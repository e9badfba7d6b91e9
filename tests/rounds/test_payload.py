"""A send's stored copy (collector/channels/payload.py) gives back the very message it was made from,
whatever the
message holds: a re-send after a crash is the same message, field for field, nested ones included."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collector.channels.payload import MESSAGES, dump, load


@pytest.mark.parametrize("kind", sorted(MESSAGES))
def test_every_message_survives_the_round_trip_through_json(kind: str) -> None:
    @settings(max_examples=60, deadline=None)
    @given(message=st.from_type(MESSAGES[kind]), covers=st.lists(st.integers(1, 10**6), max_size=3))
    def round_trip(message, covers) -> None:
        stored = json.loads(json.dumps(dump(message, covers)))
        assert load(kind, stored) == (message, covers)

    round_trip()
