"""Sending: the committee email's headers and parts, and the Slack post through any slack_sdk-like client."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from collector.core.errors import UserError
from reports.build import build_files
from reports.distribute import MAX_ATTACHMENTS, Built, compose, post_to_slack, send_email
from reports.render.md import render_md

NOW = datetime(2027, 7, 12, 9, tzinfo=UTC)


class FakeSlack:
    """Records calls the way slack_sdk's WebClient would receive them."""

    def __init__(self):
        self.calls: list[tuple[str, dict]] = []

    def chat_postMessage(self, **kwargs):
        self.calls.append(("chat_postMessage", kwargs))
        return {"ok": True, "ts": "1720000000.000100"}

    def files_upload_v2(self, **kwargs):
        self.calls.append(("files_upload_v2", kwargs))
        return {"ok": True}


@pytest.fixture
def files(sqlite_report, tmp_path) -> list[Built]:
    return build_files(sqlite_report, ["md", "csv"], tmp_path / "out")


def test_the_email_has_one_clean_subject_and_the_files_attached(sqlite_report, files, tmp_path):
    msg = compose(sqlite_report, files, sender="Progress <progress@harbourside.gov.uk>",
                  to=["clerk@harbourside.gov.uk"], now=NOW, domain="harbourside.gov.uk")  # fmt: skip
    delivered = send_email(msg, relay=None, outbox=tmp_path / "outbox", now=NOW)
    raw = Path(delivered.where).read_bytes()
    parsed = BytesParser(policy=policy.default).parsebytes(raw)
    assert parsed["Subject"] == "Equality Action Plan 2026–28: progress report, Summer 2027"
    assert parsed["Auto-Submitted"] == "auto-generated" and parsed["Message-ID"].endswith(
        "@harbourside.gov.uk>"
    )
    assert [p.get_filename() for p in parsed.iter_attachments()] == [f.path.name for f in files]
    assert b"\r\nBcc:" not in raw


def test_an_address_with_a_line_break_is_refused_before_anything_is_built(sqlite_report, files):
    with pytest.raises(UserError, match="not a usable email address"):
        compose(
            sqlite_report, files, sender="p@x.org", to=["a@x.org\r\nBcc: evil@y.org"], now=NOW, domain="x.org"
        )


def test_files_too_big_to_email_are_refused_with_what_to_do(sqlite_report, files):
    huge = [Built("pdf", files[0].path, MAX_ATTACHMENTS + 1)]
    with pytest.raises(UserError, match="too big to email: send fewer formats"):
        compose(sqlite_report, huge, sender="p@x.org", to=["a@x.org"], now=NOW, domain="x.org")


def test_the_relay_gets_the_message_when_one_is_configured(sqlite_report, files, tmp_path):
    sent = []

    class Relay:
        def send(self, msg):
            sent.append(msg)

    msg = compose(sqlite_report, files, sender="p@x.org", to=["a@x.org"], now=NOW, domain="x.org")
    delivered = send_email(msg, relay=Relay(), outbox=tmp_path / "outbox", now=NOW)
    assert delivered.where == "relay" and sent == [msg] and not (tmp_path / "outbox").exists()


def test_slack_gets_the_summary_then_the_files_in_its_thread(sqlite_report, files):
    client = FakeSlack()
    ts = post_to_slack(client, "C0COMMITTEE", render_md(sqlite_report, "slack"), [f.path for f in files])
    (first, post), (second, upload) = client.calls
    assert (first, second, ts) == ("chat_postMessage", "files_upload_v2", "1720000000.000100")
    assert post["channel"] == "C0COMMITTEE" and post["text"].startswith("*Equality Action Plan 2026–28*")
    assert "<script" not in post["text"] and post["unfurl_links"] is False
    assert upload["thread_ts"] == ts and [u["filename"] for u in upload["file_uploads"]] == [
        f.path.name for f in files
    ]


def test_slack_refuses_something_that_is_not_a_channel_id(sqlite_report, files):
    with pytest.raises(UserError, match="is not a Slack channel id"):
        post_to_slack(FakeSlack(), "#committee", "hi", [f.path for f in files])


def test_the_text_part_is_plain_readable_text_not_escaped_markdown(sqlite_report, files):
    data = dataclasses.replace(sqlite_report, plan_title="EQUALITIES & DIVERSITY ACTION PLAN (2026-28)")
    msg = compose(data, files, sender="p@x.org", to=["a@x.org"], now=NOW, domain="x.org")
    text = msg.get_body(("plain",)).get_content()

    assert text.startswith("EQUALITIES & DIVERSITY ACTION PLAN (2026-28)\n=====")
    assert "\\" not in text and "**" not in text and "\n#" not in text
    assert "\nSummary\n-------\n  * Actions: " in text
    attention = text.split("Needs attention\n---------------\n")[1]
    row = next(r for _, r in data.rows() if r.is_exception)
    assert attention.startswith(f"  * {row.ref} ") and row.status.label in attention.split("\n  * ")[0]
    assert all(len(line) <= 76 for line in text.splitlines())
    assert text.endswith("Attached:\n" + "".join(f"  * {f.path.name}\n" for f in files))


def test_the_subject_names_the_imported_position_in_the_committees_words(sqlite_report):
    """The store calls the plan's own progress columns the "Imported baseline" round; a committee reads
    "Position in the plan as imported", in the email's subject as in the report."""
    from dataclasses import replace

    from reports.distribute import subject
    from reports.render.words import AS_IMPORTED
    from store.persist import BASELINE_ROUND

    title = subject(replace(sqlite_report, round_name=BASELINE_ROUND))
    assert BASELINE_ROUND not in title and title.endswith(AS_IMPORTED)
