"""`collector round`, `collector plan schedule|coordinators` and `collector serve scheduler --once`."""

from __future__ import annotations

import re

import pytest

from collector.core.errors import UserError


def _flat(text: str) -> str:
    """The output with table rules and runs of spaces collapsed, so a row reads as one line of words."""
    return " ".join(re.sub(r"[│┃]", " ", text).split())


def test_a_dry_run_shows_who_would_be_asked_through_which_channel_and_writes_nothing(cli, world, tmp_path):
    result = cli("round", "open", "--plan", "harbourside", "--due", "2027-03-31", "--dry-run")

    assert result.exit_code == 0, result.output
    out = _flat(result.stdout)
    assert "Jo Baker email (via outbox) 1.1, 1.2" in out and "Sam Ortiz slack (via outbox)" in out
    assert "Nadia Khan" in out and "cannot be prompted: no email or Slack id" in out
    assert "4 people asked about 6 actions. Dry run: nothing was written." in out
    assert not (tmp_path / "var" / "outbox").exists()
    assert "No rounds yet" in cli("round", "list").stdout


def test_opening_a_round_sends_the_prompts_and_says_where_they_went(cli, world, tmp_path):
    result = cli("round", "open", "--plan", "harbourside", "--due", "2027-03-31", "--closes", "2027-04-09")

    assert result.exit_code == 0, result.output
    out = _flat(result.stdout)
    assert "Opened round #2 'Spring 2027' of plan harbourside: 4 people asked about 6 actions." in out
    outbox = tmp_path / "var" / "outbox"  # no SMTP_URL, no Slack: written there, and never called sent
    assert (
        f"4 prompts written to {outbox}/ (not sent: no channel is configured; set SMTP_URL or "
        "SLACK_BOT_TOKEN to send them)" in out
    )
    assert "sent by" not in out and "Cannot be prompted: Nadia Khan" in out
    assert len(list(outbox.glob("*-prompt-*.txt"))) == 1  # Sam: Slack only, so a text file
    assert len(list(outbox.glob("*-prompt-*.eml"))) == 3  # an email address: the email as it would go
    listed = _flat(cli("round", "list", "--plan", "harbourside").stdout)
    assert "harbourside Spring 2027 open Mon 01 Mar 09:30 2027-03-31 Fri 09 Apr 4" in listed


def test_round_status_shows_each_lead_their_channel_answers_and_the_problems(cli, world, tmp_path):
    cli("round", "open", "--plan", "harbourside", "--due", "2027-03-31")

    result = cli("round", "status", "--plan", "harbourside")

    assert result.exit_code == 0, result.output
    out = _flat(result.stdout)
    assert "#2 Spring 2027 (harbourside): open, due 2027-03-31" in out
    assert "Jo Baker email (via outbox) written Mon 01 Mar 09:30 (not sent) 0 0/2" in out
    assert "Sam Ortiz slack (via outbox)" in out and "Nadia Khan cannot be prompted" in out
    assert (
        f"4 prompts: 0 sent, 4 written to {tmp_path / 'var' / 'outbox'}/ (not sent), 0 failed, "
        "0 unreachable, 0 pending; 0/6 actions answered; 0 leads done; 1 cannot be prompted." in out
    )


def test_a_reminder_by_hand_goes_once_a_day(cli, world, clock):
    cli("round", "open", "--plan", "harbourside", "--due", "2027-03-31")
    clock.set(clock.now().replace(day=2))

    first = cli("round", "remind", "--plan", "harbourside", "--lead", "Jo Baker")
    assert first.exit_code == 0, first.output
    assert "Reminded 1: Jo Baker." in first.stdout
    with pytest.raises(
        UserError, match=r"already reminded today \(2027-03-02\): Jo Baker; one reminder a day"
    ):
        cli("round", "remind", "--plan", "harbourside", "--lead", "Jo Baker")
    others = cli("round", "remind", "--round", "2")
    assert "Reminded 3" in others.stdout and "already reminded today: Jo Baker" in others.stdout
    assert "reminders" in cli("round", "status", "--round", "2").stdout


def test_closing_and_reopening_by_hand(cli, world):
    cli("round", "open", "--plan", "harbourside", "--due", "2027-03-31")

    assert "Closed round #2 'Spring 2027'." in cli("round", "close", "--plan", "harbourside").stdout
    with pytest.raises(UserError, match="has no open round"):
        cli("round", "close", "--plan", "harbourside")
    assert "Reopened round #2 'Spring 2027'." in cli("round", "reopen", "--plan", "harbourside").stdout
    with pytest.raises(UserError, match="already has an open round: #2"):
        cli("round", "open", "--plan", "harbourside", "--due", "2027-04-30")


def test_a_bad_date_is_a_usage_error(cli, world):
    result = cli("round", "open", "--plan", "harbourside", "--due", "31/03/2027")

    assert result.exit_code == 2 and "write it as YYYY-MM-DD" in _flat(result.output)


def test_plan_schedule_sets_and_shows_the_cadence(cli, world):
    options = ["--due-after", "14d", "--close-after", "4w", "--remind", "5,1,0", "--escalate-after", "2"]
    result = cli("plan", "schedule", "harbourside", "--cron", "0 9 1 3,9 *", *options)

    assert result.exit_code == 0, result.output
    out = _flat(result.stdout)
    assert "rounds open on cron '0 9 1 3,9 *'; next opening Wed 01 Sep 2027 09:00 (Europe/London)" in out
    assert "due 14 days after opening, closes 28 days after opening; reminders 5, 1, 0 working days" in out
    assert "escalation 2 working days after it" in _flat(cli("plan", "schedule", "harbourside").stdout)
    with pytest.raises(UserError, match="when the clocks change"):
        cli("plan", "schedule", "harbourside", "--cron", "30 1 * * 0")
    assert "no automatic openings" in cli("plan", "schedule", "harbourside", "--clear").stdout


def test_plan_coordinators_lists_adds_and_removes(cli, world):
    assert "Priya Shah" in cli("plan", "coordinators", "harbourside").stdout

    added = cli("plan", "coordinators", "harbourside", "--add", "Jo Baker", "--remove", "Priya Shah")

    out = _flat(added.stdout)
    assert "Jo Baker jo.baker@harbourside.gov.uk email" in out and "Priya" not in out
    with pytest.raises(UserError, match="is not a coordinator"):
        cli("plan", "coordinators", "harbourside", "--remove", "Priya Shah")


def test_serve_scheduler_once_runs_one_tick(cli, world):
    cli("plan", "schedule", "harbourside", "--cron", "0 9 * * 1")

    first = cli("serve", "scheduler", "--once")

    assert first.exit_code == 0, first.output
    assert "nothing due" in first.stdout


def test_with_email_only_a_slack_lead_without_an_address_is_unreachable_and_said_so(
    cli, world, monkeypatch, tmp_path, relay
):
    monkeypatch.setenv("SMTP_URL", relay.url)
    dry = _flat(cli("round", "open", "--plan", "harbourside", "--due", "2027-03-31", "--dry-run").stdout)
    assert "Alex Price slack (via email)" in dry
    assert "Sam Ortiz unreachable: no configured channel (email) can reach them" in dry

    opened = _flat(cli("round", "open", "--plan", "harbourside", "--due", "2027-03-31").stdout)
    status = _flat(cli("round", "status", "--plan", "harbourside").stdout)

    assert "1 unreachable: no configured channel can reach them" in opened
    assert "3 prompts sent by email" in opened and "written" not in opened and len(relay.delivered) == 3
    assert "4 prompts: 3 sent, 0 failed, 1 unreachable, 0 pending;" in status
    assert "problem: prompt to Sam Ortiz: unreachable: Sam Ortiz has slack; configured: email" in status
    assert not (tmp_path / "var" / "outbox").exists()
