"""The outbox channel: each message a readable text file, as a lead would see it."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from collector.channels.outbox import OutboxChannel, shorten
from collector.channels.protocol import (
    AskedItem,
    EscalationMessage,
    Missing,
    PromptMessage,
    ReceiptLine,
    ReceiptMessage,
    Recipient,
)
from tests.rounds.helpers import open_harbourside, prompts, run
from tests.rounds.personas import LONG_TEXT

JO = Recipient(person_id=1, name="Jo Baker", email="jo.baker@harbourside.gov.uk")
ITEMS = (
    AskedItem(
        1, "1.1", "Publish the workforce equality report", "March 2027", "on_track", "Draft with comms"
    ),
    AskedItem(2, "1.2", "Set up a staff network for carers", "Ongoing", None, None, answered_by="Sam Ortiz"),
)


def _prompt(**kwargs) -> PromptMessage:
    fields = dict(
        kind="prompt",
        plan_title="Equality Action Plan 2026–28",
        round_name="Spring 2027",
        due=date(2027, 3, 12),
        recipient=JO,
        items=ITEMS,
        reply_token="tok_123-abc",
    )
    return PromptMessage(**(fields | kwargs))


def _read(outbox: OutboxChannel, sent) -> str:
    return Path(sent.detail["path"]).read_text(encoding="utf-8")


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_a_prompt_reads_like_a_letter_with_lines_to_answer_on(tmp_path, clock):
    outbox = OutboxChannel(tmp_path / "outbox", clock=clock, mail_domain="harbourside.gov.uk")

    sent = outbox.send_prompt(_prompt())
    text = _read(outbox, sent)

    head, body = text.split("\n\n", 1)
    assert "To: Jo Baker <jo.baker@harbourside.gov.uk>" in head
    assert "Subject: Equality Action Plan 2026–28: your Spring 2027 update, due Fri 12 Mar" in head
    assert "Reply-To: progress+tok_123-abc@harbourside.gov.uk" in head and "Reply-Token: tok_123-abc" in head
    assert f"Message-ID: {sent.external_id}" in head
    assert body.startswith("Hello Jo,\n")
    assert "by Friday 12 March 2027" in _flat(body)
    assert (
        "[1.1] Publish the workforce equality report\nTarget: March 2027\n"
        "Last reported: On track - Draft with comms\nStatus:\nProgress:\n" in body
    )
    assert "[1.2] Set up a staff network for carers\nTarget: Ongoing\nLast reported: nothing yet\n" in body
    assert "(Sam Ortiz has already answered for this action this round" in _flat(body)
    assert "no change" in body and "1.1: on track" in body
    assert re.fullmatch(r"<[0-9a-f]{32}@outbox>", sent.external_id)


def test_files_are_named_by_time_kind_and_recipient_and_never_left_half_written(tmp_path, clock):
    outbox = OutboxChannel(tmp_path / "outbox", clock=clock)

    first, second = outbox.send_prompt(_prompt()), outbox.send_prompt(_prompt())

    names = sorted(p.name for p in (tmp_path / "outbox").iterdir())
    assert len(names) == 2 and first.external_id != second.external_id
    assert all(re.fullmatch(r"20270301T093000Z-prompt-jo-baker-[0-9a-f]{8}\.txt", n) for n in names)


def test_a_reminder_says_so_and_names_the_thread(tmp_path, clock):
    outbox = OutboxChannel(tmp_path / "outbox", clock=clock)

    text = _read(
        outbox, outbox.send_reminder(_prompt(kind="reminder", items=ITEMS[:1], thread_ref="<p1@outbox>"))
    )

    assert "Subject: Reminder - Equality Action Plan 2026–28: Spring 2027 update, due Fri 12 Mar" in text
    assert "Thread: <p1@outbox>" in text and "we have not yet heard from you about the action below" in _flat(
        text
    )
    assert "[1.2]" not in text


def test_long_action_text_is_shortened_at_a_word_boundary():
    short = shorten(LONG_TEXT, 120)

    assert len(short) <= 120 and short.endswith("…") and LONG_TEXT.startswith(short[:-1])
    assert LONG_TEXT[len(short) - 1] == " "  # cut between words
    assert shorten("  a   few\nwords ", 50) == "a few words"


def test_a_name_carrying_a_line_break_cannot_add_a_header(tmp_path, clock):
    outbox = OutboxChannel(tmp_path / "outbox", clock=clock)
    sly = Recipient(person_id=9, name="Eve\r\nBcc: victim@example.org", email="eve@example.org")

    head = _read(outbox, outbox.send_prompt(_prompt(recipient=sly))).split("\n\n", 1)[0]

    assert not any(line.startswith("Bcc:") for line in head.splitlines())


def test_escalations_and_receipts_are_written_too(tmp_path, clock):
    outbox = OutboxChannel(tmp_path / "outbox", clock=clock)
    priya = Recipient(person_id=2, name="Priya Shah", email="priya@harbourside.gov.uk")
    missing = (Missing("Sam Ortiz", ("2.1", "2.3 b)")), Missing("Nadia Khan (cannot be prompted)", ("2.2",)))

    escalation = _read(
        outbox,
        outbox.send_escalation(EscalationMessage("Plan", "Spring 2027", date(2027, 3, 12), priya, missing)),
    )
    receipt = _read(
        outbox,
        outbox.send_receipt(
            ReceiptMessage("Plan", "Spring 2027", JO, (ReceiptLine("1.1", "at_risk", "Late data"),))
        ),
    )

    assert "Hello Priya," in escalation and "  * Sam Ortiz: 2.1, 2.3 b)" in escalation
    assert "was due on Friday 12 March 2027" in _flat(escalation)
    assert "[1.1]\n    At risk\n    Progress: Late data\n" in receipt


def test_a_round_sent_through_the_outbox_leaves_one_file_per_lead_with_their_token(
    engine, world, clock, tmp_path
):
    opened = open_harbourside(engine, world, clock)
    outbox = OutboxChannel(tmp_path / "outbox", clock=clock)

    run(engine, {"outbox": outbox}, clock)

    files = {
        p.name.split("-prompt-")[1].rsplit("-", 1)[0]: p.read_text() for p in (tmp_path / "outbox").iterdir()
    }
    assert sorted(files) == ["alex-price", "chris-doe", "jo-baker", "sam-ortiz"]
    tokens = {name: p.token for name, p in prompts(engine, opened.round.id).items()}
    assert f"Reply-Token: {tokens['Jo']}" in files["jo-baker"]
    assert "To: Sam Ortiz <slack:U02SAM>" in files["sam-ortiz"]
    assert "[1.3] Refresh the recruitment and selection training" in _flat(files["alex-price"])
    assert f"[1.3] {LONG_TEXT}" in _flat(files["alex-price"])  # whole, wrapped, never cut
    assert "Target: Sept 2027" in files["alex-price"]
    assert "[2.3 a)] Map the current process" in files["alex-price"]


@pytest.mark.parametrize(
    ("name", "greeted"),
    [
        ("Jo Baker", "Jo"),
        ("Dr Mei Lin", "Mei"),
        ("Director of People", "Director of People"),
        ("Trust Secretary", "Trust Secretary"),
        ("Freedom to Speak Up Guardian", "Freedom to Speak Up Guardian"),
        ("Estates team", "Estates team"),
    ],
)
def test_a_post_or_team_is_greeted_by_its_whole_name(name, greeted):
    """Leads are often posts ("Director of People"): "Hello Director," reads as a mistake."""
    from collector.channels.outbox import first_name

    assert first_name(name) == greeted


def test_every_outbox_file_is_named_and_written_by_the_one_outbox_writer():
    """Only collector.channels.outbox names outbox files (their UTC time stamp) and writes them; the email
    channel and reports go through write_outbox, so every outbox file is named and written the same way."""
    root = Path(__file__).resolve().parents[2]
    writers = [
        path.relative_to(root).as_posix()
        for folder in ("collector", "store", "bot", "mailin", "reports")
        for path in (root / folder).rglob("*.py")
        if "%Y%m%dT%H%M%SZ" in path.read_text(encoding="utf-8")
    ]
    assert writers == ["collector/channels/outbox.py"]
