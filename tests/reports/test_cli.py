"""`collector report build|send|committee|list` on a real database, as a committee secretary uses them."""

from __future__ import annotations

import email
from email import policy

import pytest
from sqlalchemy import select

from collector.core.errors import UserError
from store.db import session_scope
from store.models.records import AuditEvent, Report


def _reports(engine) -> list[Report]:
    with session_scope(engine, read_only=True) as s:
        rows = list(s.scalars(select(Report).order_by(Report.id)))
        s.expunge_all()
        return rows


def test_build_writes_every_format_and_records_each_file(cli, committee, engine, tmp_path):
    out = tmp_path / "papers"
    result = cli(
        "report", "build", "--plan", "harbourside", "--format", "html,docx,xlsx,csv,md", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [f"harbourside-summer-2027.{s}" for s in ("csv", "docx", "html", "md", "xlsx")]
    rows = _reports(engine)
    assert [(r.format, r.variant, r.sent_at, r.actor) for r in rows] == [
        (f, "full", None, "cli:test") for f in ("html", "docx", "xlsx", "csv", "md")
    ]
    assert "Summer 2027" in result.output and "1 leads without an update" in result.output


def test_build_an_earlier_round_as_an_exceptions_paper(cli, committee, tmp_path):
    out = tmp_path / "papers"
    result = cli(
        "report", "build", "--plan", "harbourside", "--round", "Spring 2027", "--exceptions",
        "--format", "md", "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = (out / "harbourside-spring-2027-exceptions.md").read_text()
    assert "Exceptions report: Spring 2027" in text


def test_bad_arguments_are_one_line_errors(cli, committee, tmp_path):
    unknown = cli("report", "build", "--plan", "nope", "--format", "md", "--out", str(tmp_path))
    assert unknown.exit_code == 1 and isinstance(unknown.exception, UserError)
    assert "no plan called nope" in str(unknown.exception)
    bad = cli("report", "build", "--plan", "harbourside", "--format", "md,odt", "--out", str(tmp_path))
    assert "unknown report format odt: choose from html, docx, pdf, xlsx, csv, md" in str(bad.exception)


def test_send_without_a_committee_says_how_to_add_one(cli, committee):
    result = cli("report", "send", "--plan", "harbourside")
    assert result.exit_code == 1
    assert "has no committee list: add one with `collector report committee --plan harbourside" in str(
        result.exception
    )


def test_committee_is_set_audited_and_shown(cli, committee, engine):
    result = cli(
        "report",
        "committee",
        "--plan",
        "harbourside",
        "--add",
        "chair@harbourside.gov.uk,clerk@harbourside.gov.uk",
    )
    assert result.exit_code == 0, result.output
    assert "chair@harbourside.gov.uk, clerk@harbourside.gov.uk" in result.output
    cli("report", "committee", "--plan", "harbourside", "--remove", "CHAIR@harbourside.gov.uk")
    shown = cli("report", "committee", "--plan", "harbourside")
    assert "committee: clerk@harbourside.gov.uk" in shown.output
    refused = cli("report", "committee", "--plan", "harbourside", "--add", "x@y.org\r\nBcc: evil@z.org")
    assert refused.exit_code == 1 and "not a usable email address" in str(refused.exception)
    with session_scope(engine, read_only=True) as s:
        events = list(s.scalars(select(AuditEvent.event).where(AuditEvent.event == "plan.committee_changed")))
    assert len(events) == 2


def test_send_emails_the_committee_the_summary_with_the_files_attached(cli, committee, engine, tmp_path):
    cli("report", "committee", "--plan", "harbourside", "--add", "clerk@harbourside.gov.uk")
    result = cli("report", "send", "--plan", "harbourside", "--to", "committee,chair@harbourside.gov.uk",
                 "--format", "docx,xlsx")  # fmt: skip
    assert result.exit_code == 0, result.output
    [eml] = list((tmp_path / "var" / "outbox").glob("*-report-*.eml"))
    msg = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert msg["To"] == "clerk@harbourside.gov.uk, chair@harbourside.gov.uk"
    assert msg["Subject"] == "Equality Action Plan 2026–28: progress report, Summer 2027"
    body = msg.get_body(("plain",)).get_content()
    assert "Updates received: 83% (5 of 6)" in body and "No update from: Chris Doe for Facilities" in body
    html = msg.get_body(("html",)).get_content()
    assert "<script" not in html and "harbourside-summer-2027.docx" in html
    attachments = {part.get_filename(): part.get_content() for part in msg.iter_attachments()}
    assert sorted(attachments) == ["harbourside-summer-2027.docx", "harbourside-summer-2027.xlsx"]
    assert attachments["harbourside-summer-2027.docx"][:2] == b"PK"
    rows = _reports(engine)
    assert all(r.sent_at is not None for r in rows)
    assert rows[0].recipients == ["email:clerk@harbourside.gov.uk", "email:chair@harbourside.gov.uk"]
    listed = cli("report", "list", "--plan", "harbourside")
    assert "email:clerk@harbourside.gov.uk" in listed.output and "docx" in listed.output


def test_send_to_named_people_does_not_post_to_the_committee_channel(cli, committee, tmp_path):
    cli("report", "committee", "--plan", "harbourside", "--slack-channel", "C0COMMITTEE")
    result = cli(
        "report", "send", "--plan", "harbourside", "--to", "chair@harbourside.gov.uk", "--format", "md"
    )
    assert result.exit_code == 0, result.output
    assert "Slack" not in result.output


def test_a_committee_channel_without_slack_configured_is_said_not_posted(cli, committee):
    cli("report", "committee", "--plan", "harbourside", "--add", "clerk@harbourside.gov.uk",
        "--slack-channel", "C0COMMITTEE")  # fmt: skip
    result = cli("report", "send", "--plan", "harbourside", "--format", "md")
    assert result.exit_code == 0, result.output
    assert "Slack channel C0COMMITTEE is set but Slack is not configured: not posted." in result.output


def test_the_slack_bot_sends_through_send_report_and_each_file_is_recorded(
    engine, committee, clock, tmp_path
):
    from collector.core.settings import Settings
    from reports.send import SendRequest, send_report
    from tests.reports.test_distribute import FakeSlack

    settings = Settings(var_dir=tmp_path / "var", slack_committee_channel="C0COMMITTEE")
    slack = FakeSlack()
    request = SendRequest(None, email=False, formats=("md", "csv"), out_dir=tmp_path / "r")
    sent = send_report(engine, request, settings=settings, clock=clock, actor="slack:U0PRIYA", slack=slack)
    summary, files = slack.calls[0][1]["text"], [b.path for b in sent.files]
    assert summary.startswith("*Equality Action Plan 2026–28*") and "&lt;" not in summary[:200]
    assert [f.name for f in files] == ["harbourside-summer-2027.md", "harbourside-summer-2027.csv"]
    assert [r.actor for r in _reports(engine)] == ["slack:U0PRIYA", "slack:U0PRIYA"]


def test_a_slack_send_posts_to_the_plans_own_committee_channel_and_records_it(
    cli, engine, committee, clock, tmp_path
):
    from collector.core.settings import Settings
    from reports.send import SendRequest, send_report
    from tests.reports.test_distribute import FakeSlack

    cli("report", "committee", "--plan", "harbourside", "--slack-channel", "C0PLANS")
    settings = Settings(var_dir=tmp_path / "var", slack_committee_channel="C0INSTALL")
    slack = FakeSlack()
    request = SendRequest("harbourside", email=False, formats=("md",), out_dir=tmp_path / "r")
    sent = send_report(engine, request, settings=settings, clock=clock, actor="slack:U0PRIYA", slack=slack)
    assert sent.posted == "C0PLANS" and sent.emailed is None
    assert {c[1]["channel"] for c in slack.calls} == {"C0PLANS"}
    [row] = _reports(engine)
    assert row.recipients == ["slack:C0PLANS"] and row.sent_at is not None


def test_a_refused_slack_post_leaves_the_recipients_on_record_unconfirmed(engine, committee, clock, tmp_path):
    from collector.core.settings import Settings
    from reports.send import NotPosted, SendRequest, send_report
    from tests.reports.test_distribute import FakeSlack

    class Refusing(FakeSlack):
        def chat_postMessage(self, **kwargs):
            raise RuntimeError("channel_not_found")

    settings = Settings(var_dir=tmp_path / "var", slack_committee_channel="C0INSTALL")
    request = SendRequest(None, email=False, formats=("md",), out_dir=tmp_path / "r")
    with pytest.raises(NotPosted, match=r"Slack refused the post \(channel_not_found\)"):
        send_report(engine, request, settings=settings, clock=clock, actor="slack:U0PRIYA", slack=Refusing())
    [row] = _reports(engine)
    assert row.recipients == ["slack:C0INSTALL"] and row.sent_at is None
