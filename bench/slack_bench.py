"""Slack fan-out and ack latency against the Web API stand-in (tests/fakes/slack_api.py), on loopback.

1. Fan-out: a round of N prompts (one action, one lead each, all on Slack) sent by the scheduler's own
   claim-and-do steps through SlackChannel, while the stand-in enforces chat.postMessage's limits with
   429s: about one message a second per conversation, and a workspace cap of --cap messages a second.
   Reported against the minimum the cap allows (N / cap seconds); lost (leads with no DM) and
   duplicates (leads with more than one) must both be 0.
2. Ack latency: --concurrent leads pick a status at the same moment (signed block_actions over HTTP to
   the real bolt app); p50/p99 of the time to the HTTP answer, and all updates recorded once.

  .venv/bin/python bench/slack_bench.py [--prompts 2000] [--cap 100] [--concurrent 50]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select

from bot.server import SlackServer
from collector.cli.wiring import slack_app
from collector.core.clock import FrozenClock
from collector.core.settings import Settings
from collector.rounds.lifecycle import open_round
from collector.rounds.tick import send_pending
from store.db import make_engine, session_scope, upgrade
from store.importers.draft import ActionDraft, LeadDraft, PlanDraft, SectionDraft
from store.models.directory import Person
from store.models.plans import Plan
from store.models.updates import Update
from store.persist import save_plan
from tests.bot import slack
from tests.fakes.slack_api import TOKEN, SlackStandIn


def build(engine, clock, n: int) -> int:
    codes = [f"L{i:04d}" for i in range(n)]
    draft = PlanDraft(
        title="Benchmark plan",
        source="bench",
        sections=[SectionDraft("1", "All")],
        lead_key={c: f"Lead {c}" for c in codes},
        actions=[
            ActionDraft(ref=f"1.{i + 1}", text=f"Action {i + 1}", section_ref="1", leads=[LeadDraft(None, c)])
            for i, c in enumerate(codes)
        ],
    )
    with session_scope(engine) as s:
        saved = save_plan(s, draft, name="bench", update=False, clock=clock)
        for p in s.scalars(select(Person).where(Person.code.is_not(None))):
            p.slack_user_id, p.preferred_channel = "U" + p.code, "slack"
    with session_scope(engine) as s:
        opened = open_round(
            s,
            s.get_one(Plan, saved.plan_id),
            due=date(2027, 3, 31),
            closes=None,
            subset=None,
            clock=clock,
            actor="bench",
        )
        return opened.round.id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--prompts", type=int, default=2000)
    parser.add_argument(
        "--cap", type=float, default=100.0, help="workspace messages per second (429 above it)"
    )
    parser.add_argument("--concurrent", type=int, default=50)
    args = parser.parse_args()
    api = SlackStandIn().start()
    api.limit(per_conversation=1.0, per_second=args.cap)
    clock = FrozenClock(datetime(2027, 3, 1, 9, 30, tzinfo=UTC))
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        engine = make_engine(url)
        upgrade(engine)
        settings = Settings(
            database_url=url,
            var_dir=Path(tmp),
            slack_bot_token=TOKEN,
            slack_signing_secret=slack.SECRET,
            slack_api_url=api.api_url,
            slack_rate=args.cap * 0.95,
            slack_coordinators="U0COORD",
        )
        round_id = build(engine, clock, args.prompts)
        app, bot = slack_app(settings, engine, clock)
        started = time.perf_counter()
        report = send_pending(
            engine, bot.channels, clock, round_id=round_id, timezone="Europe/London", actor="bench"
        )
        took = time.perf_counter() - started
        posts = api.calls("chat.postMessage", ok=True)
        per_user: dict[str, int] = {}
        for call in posts:
            per_user[call.args["channel"]] = per_user.get(call.args["channel"], 0) + 1
        lost = args.prompts - len(per_user)
        duplicates = sum(n - 1 for n in per_user.values() if n > 1)
        minimum = args.prompts / args.cap
        print(
            f"fan-out: {args.prompts} prompts in {took:.1f} s; minimum the cap allows {minimum:.1f} s "
            f"(x{took / minimum:.2f}); 429s {api.state.limited}; lost {lost}; duplicates {duplicates}; "
            f"sent {report.prompts_sent}, retrying {report.retrying}, failed {report.failed}"
        )

        server = SlackServer(("127.0.0.1", 0), app, slack.SECRET, engine)
        server.start_in_thread()
        users = [f"UL{i:04d}" for i in range(args.concurrent)]
        messages = {u: api.posts_to(u)[0] for u in users}

        def pick(user: str) -> float:
            message = messages[user]
            block = next(b for b in message["blocks"] if b.get("block_id", "").startswith("u:"))
            payload = slack.block_action(
                user, slack.select_status(block, "on_track"), api.url + "/response", message=message
            )
            answer = slack.post(
                server.url + "/slack/events", slack.interaction(payload), "application/x-www-form-urlencoded"
            )
            assert answer.status == 200
            return answer.seconds

        with ThreadPoolExecutor(args.concurrent) as pool:
            latencies = sorted(pool.map(pick, users))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with session_scope(engine, read_only=True) as s:
                recorded = s.scalar(select(func.count()).select_from(Update).where(Update.via == "slack"))
            if recorded >= args.concurrent:
                break
            time.sleep(0.1)
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        print(
            f"ack latency, {args.concurrent} concurrent interactions: "
            f"p50 {statistics.median(latencies) * 1000:.0f} ms, "
            f"p99 {p99 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms; updates recorded {recorded}"
        )
        server.shutdown()
        server.server_close()
        app.listener_runner.listener_executor.shutdown(wait=True)
        engine.dispose()
    api.stop()


if __name__ == "__main__":
    main()
