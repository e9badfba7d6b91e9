"""The extractor against the hand-written corpus in tests/fixtures/mail (one row per file in labels.json),
plus the inputs that break the stdlib parser (docs/reliability.md F4)."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collector.replies.parsing import parse_reply, revised_due
from collector.replies.types import AskedAction
from mailin.inbound.extract import parse_message, visible_reply

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "mail"
LABELS: dict[str, dict] = json.loads((CORPUS / "labels.json").read_text(encoding="utf-8"))
TODAY = date(2027, 3, 4)


def problems(name: str) -> list[str]:
    """What is wrong with the extraction of one corpus file (empty when it is right)."""
    label = LABELS[name]
    parts = parse_message((CORPUS / name).read_bytes())
    found: list[str] = []
    found += [f"reply lacks {s!r}" for s in label["reply_contains"] if s not in parts.reply]
    found += [f"reply has {s!r}" for s in label["reply_excludes"] if s in parts.reply]
    found += [f"body lacks {s!r}" for s in label["body_contains"] if s not in parts.body]
    found += [f"body has {s!r}" for s in label["body_excludes"] if s in parts.body]
    if parts.auto_reply != label["auto_reply"]:
        found.append(f"auto_reply {parts.auto_reply}")
    if parts.bounce != label["bounce"]:
        found.append(f"bounce {parts.bounce}")
    if "bounced" in label and parts.bounced_recipients != label["bounced"]:
        found.append(f"bounced {parts.bounced_recipients}")
    if not (label["auto_reply"] or label["bounce"]):
        result = parse_reply(parts.body, [AskedAction(r) for r in label["refs"]], today=TODAY)
        got = {u.ref: [u.status.value if u.status else None, revised_due(u)] for u in result.updates}
        if got != label["updates"]:
            found.append(f"updates {got} != {label['updates']}")
    return found


@pytest.mark.parametrize("name", sorted(LABELS))
def test_each_corpus_reply_is_extracted_as_labelled(name: str) -> None:
    assert problems(name) == []


def test_the_corpus_covers_every_client_with_sixty_files_or_more() -> None:
    assert len(LABELS) >= 60
    assert sorted(p.name for p in CORPUS.glob("*.eml")) == sorted(LABELS)
    clients = {row["client"] for row in LABELS.values()}
    assert {
        "outlook",
        "outlook_web",
        "gmail",
        "apple_mail",
        "iphone",
        "thunderbird",
        "lotus_notes",
    } <= clients


def test_per_client_accuracy_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    right: dict[str, list[bool]] = defaultdict(list)
    for name, label in LABELS.items():
        right[label["client"]].append(not problems(name))
    with capsys.disabled():
        print("\nper-client accuracy (reply right and updates match):")
        for client, oks in sorted(right.items()):
            print(f"  {client:14} {sum(oks):3}/{len(oks):<3} {sum(oks) / len(oks):6.1%}")
        total = [ok for oks in right.values() for ok in oks]
        print(f"  {'all':14} {sum(total):3}/{len(total):<3} {sum(total) / len(total):6.1%}")
    assert all(all(oks) for oks in right.values())


def test_visible_reply_is_the_reply_of_parse_message() -> None:
    raw = (CORPUS / "gmail_web_01.eml").read_bytes()
    assert visible_reply(raw) == parse_message(raw).reply
    assert visible_reply(raw).startswith("1.1 completed")


def test_it_reads_the_headers_into_clean_fields() -> None:
    parts = parse_message((CORPUS / "outlook_web_01.eml").read_bytes())
    assert parts.from_address == "sian.evans@exampleshire.gov.uk"
    assert parts.from_name == "Siân Evans"
    assert parts.message_id and parts.message_id.startswith("<AM9PR06MB7")
    assert parts.in_reply_to == "<prompt.41.7.20270303T091200Z@progress.exampleshire.gov.uk>"
    assert parts.references == [parts.in_reply_to]
    assert parts.date is not None and parts.date.tzinfo is not None
    assert parts.client == "outlook_web"


def test_it_records_an_inline_answer_under_the_quoted_action() -> None:
    parts = parse_message((CORPUS / "gmail_inline_01.eml").read_bytes())
    assert parts.reply.splitlines()[0].startswith("[1.1] Develop and publish")
    assert "Status: completed" in parts.reply
    assert ">" not in parts.reply


def test_it_labels_a_bare_answer_under_an_empty_progress_line() -> None:
    parts = parse_message((CORPUS / "gmail_inline_03.eml").read_bytes())
    assert "Progress: on track" in parts.reply


# --- inputs that break the stdlib (F4) ---


def _nested(depth: int) -> bytes:
    head = b"From: a@b.test\r\nSubject: deep\r\nMIME-Version: 1.0\r\n"
    parts = [head]
    for i in range(depth):
        parts.append(b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i))
    parts.append(b"Content-Type: text/plain\r\n\r\n1.1 completed\r\n")
    for i in reversed(range(depth)):
        parts.append(b"--b%d--\r\n" % i)
    return b"".join(parts)


def test_a_deeply_nested_multipart_does_not_raise() -> None:
    parts = parse_message(_nested(2000))
    assert parts.defects
    assert parts.subject == "deep"


def test_an_unknown_charset_degrades_to_text() -> None:
    raw = b"From: a@b.test\r\nSubject: x\r\nContent-Type: text/plain; charset=x-no-such-charset\r\n\r\n"
    raw += b"1.1 done\r\n"
    parts = parse_message(raw)
    assert parts.reply == "1.1 done"
    assert any("charset" in d for d in parts.defects)


def test_crlf_in_an_encoded_word_subject_is_removed() -> None:
    raw = b"From: a@b.test\r\nSubject: =?utf-8?q?Hello=0D=0ABcc:_victim@example.org?=\r\n\r\nhi\r\n"
    parts = parse_message(raw)
    assert "\r" not in parts.subject and "\n" not in parts.subject
    assert parts.subject == "Hello Bcc: victim@example.org"
    assert parts.defects


def test_nul_bytes_are_removed_from_headers_and_text() -> None:
    raw = b"From: Jo\x00 <jo@b.test>\r\nSubject: a\x00b\r\n\r\n1.1\x00 done\r\n"
    parts = parse_message(raw)
    assert "\x00" not in parts.subject and "\x00" not in parts.reply
    assert "\x00" not in (parts.from_name or "")


def test_an_8bit_body_without_a_charset_is_read_as_cp1252_when_not_utf8() -> None:
    raw = b"From: a@b.test\r\nSubject: x\r\n\r\n1.1 completed \x96 \xa3500 spent\r\n"
    assert parse_message(raw).reply == "1.1 completed \u2013 \xa3500 spent"
    assert parse_message("1.2 Zoë on track".encode()).reply.endswith("Zoë on track")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_parse_message_never_raises_on_arbitrary_bytes(raw: bytes) -> None:
    parts = parse_message(raw)
    assert "\n" not in parts.subject and "\r" not in parts.subject


_SEEDS = [(CORPUS / n).read_bytes() for n in sorted(LABELS)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(_SEEDS),
    st.lists(st.tuples(st.integers(0, 10**6), st.binary(min_size=0, max_size=8)), max_size=6),
)
def test_parse_message_never_raises_on_mutated_corpus_files(
    seed: bytes, edits: list[tuple[int, bytes]]
) -> None:
    raw = bytearray(seed)
    for where, junk in edits:
        at = where % (len(raw) + 1)
        raw[at : at + len(junk)] = junk
    parts = parse_message(bytes(raw))
    assert "\n" not in parts.subject and "\r" not in parts.subject


def test_a_bounce_that_says_it_was_auto_submitted_is_a_bounce_only():
    """Mail servers mark their bounces Auto-Submitted; it is still a bounce (the address is failing), never
    also an auto-reply to be recorded and ignored."""
    raw = (
        b"From: MAILER-DAEMON@mx.example.org\r\nTo: progress@updates.test\r\n"
        b"Subject: Undelivered Mail Returned to Sender\r\nAuto-Submitted: auto-replied\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n"
        b"--b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        b"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\n"
        b"Final-Recipient: rfc822; jo@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n--b--\r\n"
    )
    parts = parse_message(raw)
    assert parts.bounce and not parts.auto_reply
    assert parts.bounced_recipients == ["jo@example.org"]
