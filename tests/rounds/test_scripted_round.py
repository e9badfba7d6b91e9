"""One round played as a coordinator meets it, end to end: every situation that used to make the figures
untrue, at once, and one set of figures in every format.

The Harbourside plan (tests/rounds/personas.py) in an installation with email (a real relay on loopback)
and no Slack. In it: Sam prefers Slack and has no address (unreachable), Alex prefers Slack and has one
(reached by email), 1.2 has two leads (Jo and Sam), and 1.1 is given items a) and b) that share its lead
(so it is asked once, as a whole). Jo answers 1.1 with a target brought forward and says "no change" on 1.2,
which has nothing earlier to carry; Alex answers his item of 2.3; the coordinator changes 1.1's status only,
and types an update for 2.2 that is then withdrawn.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import date, timedelta

import pytest

from bot import home
from collector.channels.registry import close_channels
from collector.cli.wiring import channels_for
from collector.core.settings import Settings
from collector.core.vocabulary import Status
from collector.replies.intake import apply
from collector.replies.types import ParsedUpdate, Reply
from collector.rounds.status import round_status
from store.db import session_scope
from store.models.plans import Action
from store.models.rounds import Round
from tests.reports import format_figures
from tests.rounds.helpers import open_harbourside, prompts, run

FORMATS = ("html", "md", "csv", "xlsx", "docx")


@pytest.fixture
def installation(relay, tmp_path, clock, database_url):
    """Settings and channels of an installation with SMTP_URL and no Slack."""
    settings = Settings(
        _env_file=None,
        database_url=database_url,
        var_dir=tmp_path / "var",
        smtp_url=relay.url,
        mail_domain="progress.example.org",
    )
    channels = channels_for(settings, clock)
    yield settings, channels
    close_channels(channels)


def _answer(engine, clock, world, round_id: int, who: str, updates: list[ParsedUpdate]) -> None:
    """`who` answers through their own prompt, as a reply reaches intake from any channel."""
    clock.advance(timedelta(hours=1))
    with session_scope(engine) as s:
        reply = Reply(
            channel="email",
            text="(structured)",
            received_at=clock.now(),
            sender_person_id=world.people[who],
            prompt_id=prompts(engine, round_id)[who].id,
            structured=updates,
        )
        result = apply(s, reply, clock=clock)
        assert result.state == "applied", result


def _items_under_1_1(engine, world, clock) -> None:
    """1.1 gains two lettered items with no leads of their own: they share 1.1's lead."""
    with session_scope(engine) as s:
        parent = s.get_one(Action, world.actions["1.1"])
        for position, (ref, text) in enumerate([("a)", "Collect the data"), ("b)", "Publish the tables")]):
            s.add(
                Action(
                    plan_id=parent.plan_id, section_id=parent.section_id, parent_id=parent.id, ref=ref,
                    text=text, position=position, created_at=clock.now(), updated_at=clock.now(),
                )
            )  # fmt: skip


def _play(engine, world, clock, cli, channels) -> int:
    _items_under_1_1(engine, world, clock)
    opened = open_harbourside(engine, world, clock)
    run(engine, channels, clock)
    round_id = opened.round.id
    brought_forward = ParsedUpdate(
        "1.1", Status.ON_TRACK, "Survey closed; analysis started", "February 2027", date(2027, 2, 28)
    )
    _answer(
        engine, clock, world, round_id, "Jo", [brought_forward, ParsedUpdate("1.2", Status.NO_CHANGE, "")]
    )
    _answer(
        engine,
        clock,
        world,
        round_id,
        "Alex",
        [ParsedUpdate("a)", Status.ON_TRACK, "Mapped the process")],
    )
    clock.advance(timedelta(hours=1))
    corrected = cli("update", "add", "--plan", "harbourside", "--action", "1.1", "--status", "at_risk")
    assert corrected.exit_code == 0, corrected.output
    typed = cli(
        "update", "add", "--plan", "harbourside", "--action", "2.2", "--by", "Nadia Khan",
        "--status", "completed", "--progress", "Typed against the wrong action",
    )  # fmt: skip
    wrong = re.search(r"\(update (\d+)\)", typed.stdout)
    assert typed.exit_code == 0 and wrong, typed.output
    withdrawn = cli("update", "withdraw", wrong.group(1), "--reason", "meant for another plan")
    assert withdrawn.exit_code == 0, withdrawn.output
    return round_id


def _papers(cli, tmp_path) -> dict[str, bytes]:
    out = tmp_path / "papers"
    built = cli("report", "build", "--plan", "harbourside", "--format", ",".join(FORMATS), "--out", str(out))
    assert built.exit_code == 0, built.output
    return {fmt: next(out.glob(f"*.{fmt}")).read_bytes() for fmt in FORMATS}


@pytest.mark.slow
def test_a_scripted_round_gives_one_set_of_figures_in_every_format(
    engine, world, clock, cli, installation, relay, tmp_path
):
    _settings, channels = installation
    round_id = _play(engine, world, clock, cli, channels)

    # every lead reached by a channel that can reach them, or reported unreachable; nothing parked in a folder
    with session_scope(engine, read_only=True) as s:
        status = round_status(s, s.get_one(Round, round_id), now=clock.now())
        rounds = [line for line in home._rounds(s) if line.plan_title.startswith("Equality Action Plan")]
    reached = {r.lead.split()[0]: r.delivery for r in status.rows}
    assert reached["Jo"] == reached["Alex"] == "sent" and reached["Sam"] == "unreachable", reached
    assert set(reached.values()) <= {"sent", "unreachable"} and status.totals["written"] == 0
    assert not (tmp_path / "var" / "outbox").exists()
    assert sorted(r for _, rcpt, _, _ in relay.delivered for r in rcpt if "alex" in r) == [
        "alex.price@harbourside.gov.uk"
    ]

    papers = _papers(cli, tmp_path)
    read = {
        "html": format_figures.from_html(papers["html"]),
        "md": format_figures.from_md(papers["md"].decode()),
        "xlsx": format_figures.from_xlsx(papers["xlsx"]),
        "docx": format_figures.from_docx(papers["docx"]),
    }
    csv_rows = format_figures.from_csv(papers["csv"]).rows
    html = read["html"]
    # one set of figures: every format's table, the rows it lists, round status and the Home tab
    for name, got in read.items():
        assert got.counts == html.counts, name
        assert (got.due, got.received) == (html.due, html.received), name
        if name != "md":  # the Markdown report lists no status per row to count
            assert Counter(got.counts) == got.rows, name  # the table is a count of the format's own rows
        assert got.not_answered == html.not_answered, name
    assert Counter(html.counts) == csv_rows
    assert (status.totals["asked"], status.totals["answered"]) == (html.due, html.received)
    [line] = rounds
    assert (line.asked, line.answered) == (html.due, html.received)
    assert {r.lead: (r.asked, r.answered) for r in status.rows if r.asked} == html.leads

    # and each figure means what it says
    text = papers["md"].decode()
    assert html.counts.get("No status given") == 1  # 1.2: a first-round "no change" is no status
    assert html.counts.get("Reported with its action") == 2  # 1.1 a) and b), covered by Jo's answer
    by_ref = {row["Ref"]: row for row in csv.DictReader(io.StringIO(papers["csv"].decode("utf-8-sig")))}
    assert (by_ref["1.1"]["Status"], by_ref["1.1"]["Progress this round"]) == (
        "At risk",
        "Survey closed; analysis started",
    )  # the status-only correction kept Jo's words
    assert by_ref["2.2"]["Status"] == "No update received"  # the withdrawn update counts nowhere
    assert "Survey closed; analysis started" in papers["html"].decode()
    assert all(b"Typed against the wrong action" not in paper for paper in papers.values())
    assert "brought forward" in text and "slipped: 0" in text
    sam = next(lead for lead in html.leads if lead.startswith("Sam"))
    assert html.leads[sam][1] == 0  # Jo's answer on 1.2 covers the action, not Sam's response
    assert any(name.startswith("Sam") for name in html.not_answered)
