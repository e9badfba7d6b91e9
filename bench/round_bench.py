"""How long do opening a big round and a scheduler tick take, against doing the bare minimum by hand?

Builds two SQLite databases in a temporary folder through store.persist.save_plan on generated drafts:
  big     one plan of 10,000 actions led by 2,000 people (each with an email)
  many    100 plans of 100 actions, 20 leads each (the same 10,000 actions and 2,000 people)
then measures, each in a fresh subprocess on a fresh copy of its database (so peak RSS is its own):
  open          open_round + the prompt step (collector.rounds.tick.send_pending) into the outbox channel
  open (bare)   one SELECT of the open actions with their leads, then one file per lead with open/write
  tick idle     one tick with 100 open rounds and nothing due
  tick (bare)   one SELECT of the open rounds and their prompts
  tick remind   one tick with 100 open rounds on a reminder day: every lead reminded
  remind (bare) one SELECT of the prompts and their actions, then one file per prompt with open/write
Every send of ours is claimed and recorded in its own transactions (synchronous=FULL commits); the bare
versions write nothing to the database. Usage: python bench/round_bench.py [--actions 10000] [--leads 2000]
[--quick]. It prints figures; it is never a test.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

OPENED = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)  # a Monday
DUE = date(2027, 3, 31)
REMINDER_DAY = datetime(2027, 3, 18, 10, tzinfo=UTC)  # 7 working days before DUE
VERBS = ("Review", "Publish", "Introduce", "Audit", "Consult on", "Train staff on", "Monitor", "Agree")
OBJECTS = (
    "the complaints process",
    "recruitment and shortlisting",
    "the website's accessibility",
    "translation and interpreting",
    "equality impact assessments",
)


def draft(n_actions: int, codes: list[str], seed: int):
    """A plan of numbered actions in 10 sections; 10% with a second lead, a third with baseline progress."""
    from collector.core.vocabulary import Status
    from store.importers.draft import ActionDraft, LeadDraft, PlanDraft, ProgressDraft, SectionDraft

    rnd = random.Random(seed)
    statuses = (Status.ON_TRACK, Status.AT_RISK, Status.NOT_STARTED, Status.COMPLETED)
    actions = []
    for i in range(n_actions):
        section = i * 10 // n_actions + 1
        leads = [LeadDraft(name=None, code=codes[i % len(codes)])]
        if rnd.random() < 0.1:
            leads.append(LeadDraft(name=None, code=rnd.choice(codes)))
        progress = []
        if rnd.random() < 0.33:
            progress = [ProgressDraft("Reported at the last committee", rnd.choice(statuses))]
        text = f"{rnd.choice(VERBS)} {rnd.choice(OBJECTS)} in area {section}.{i + 1}"
        actions.append(ActionDraft(ref=f"{section}.{i + 1}", text=text, section_ref=str(section),
                                   leads=leads, progress=progress))  # fmt: skip
    return PlanDraft(
        title=f"Synthetic action plan {seed}",
        source="bench",
        sections=[SectionDraft(str(s), f"Objective {s}") for s in range(1, 11)],
        actions=actions,
        lead_key={code: f"Lead officer {code}" for code in codes},
    )


def build(path: Path, plans: int, actions: int, leads: int) -> float:
    """Write `plans` plans sharing `actions` and `leads` between them; every lead gets an email."""
    from sqlalchemy import text

    from collector.core.clock import FrozenClock
    from store.db import make_engine, session_scope, upgrade
    from store.persist import save_plan

    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    clock = FrozenClock(OPENED - timedelta(days=30))
    start = time.perf_counter()
    per_plan = leads // plans
    for p in range(plans):
        codes = [f"L{p * per_plan + i:04d}" for i in range(per_plan)]
        with session_scope(engine) as s:
            save_plan(s, draft(actions // plans, codes, seed=p), name=f"plan{p}", update=False, clock=clock)
    with session_scope(engine) as s:
        s.execute(text("UPDATE people SET email = 'lead' || id || '@bench.test' WHERE email IS NULL"))
    engine.dispose()
    return time.perf_counter() - start


# --- measurements, each run in a child process -------------------------------------------------------


def _engine_clock(db: Path, at: datetime):
    from collector.core.clock import FrozenClock
    from store.db import make_engine

    return make_engine(f"sqlite:///{db}"), FrozenClock(at)


def child_open(db: Path, out: Path) -> dict:
    from collector.channels.outbox import OutboxChannel
    from collector.rounds.lifecycle import open_round
    from collector.rounds.tick import send_pending
    from store.db import session_scope
    from store.queries import find_plan

    engine, clock = _engine_clock(db, OPENED)
    start = time.perf_counter()
    with session_scope(engine) as s:
        opened = open_round(
            s, find_plan(s, "plan0"), due=DUE, closes=None, subset=None, clock=clock, actor="bench"
        )
        round_id = opened.round.id
    opened_at = time.perf_counter()
    outbox = {"outbox": OutboxChannel(out, clock=clock)}
    report = send_pending(engine, outbox, clock, round_id=round_id, timezone="Europe/London", actor="bench")
    end = time.perf_counter()
    engine.dispose()
    return {"seconds": end - start, "open": opened_at - start, "files": report.prompts_sent}


def child_open_bare(db: Path, out: Path) -> dict:
    """The least a round costs: read the open actions and their leads' addresses, write one file each."""
    import sqlite3

    start = time.perf_counter()
    connection = sqlite3.connect(db)
    rows = connection.execute(
        """SELECT p.id, p.name, p.email, a.ref, a.text FROM actions a
           JOIN action_leads l ON l.action_id = a.id JOIN people p ON p.id = l.person_id
           WHERE a.retired_at IS NULL AND a.plan_id = (SELECT id FROM plans WHERE name = 'plan0')
           AND NOT EXISTS (SELECT 1 FROM updates u WHERE u.action_id = a.id AND u.status = 'completed')"""
    ).fetchall()
    by_person: dict[int, list] = {}
    for person_id, name, email, ref, text in rows:
        by_person.setdefault(person_id, [name, email]).append(f"[{ref}] {text}\nStatus:\nProgress:\n")
    out.mkdir(parents=True, exist_ok=True)
    for person_id, (name, email, *items) in by_person.items():
        with open(out / f"{person_id}.txt", "w", encoding="utf-8") as f:
            f.write(f"To: {name} <{email}>\n\n" + "\n".join(items))
    connection.close()
    return {"seconds": time.perf_counter() - start, "files": len(by_person)}


def child_prepare_many(db: Path, out: Path) -> dict:
    """Open a round on each of the 100 plans and send its prompts (the state the tick measures start from)."""
    from collector.channels.outbox import OutboxChannel
    from collector.rounds.lifecycle import open_round
    from collector.rounds.tick import tick
    from store.db import session_scope
    from store.models.plans import Plan

    engine, clock = _engine_clock(db, OPENED)
    start = time.perf_counter()
    with session_scope(engine) as s:
        for plan in s.query(Plan).order_by(Plan.id):
            open_round(s, plan, due=DUE, closes=None, subset=None, clock=clock, actor="bench")
    report = tick(engine, {"outbox": OutboxChannel(out, clock=clock)}, clock)
    engine.dispose()  # closing the last connection checkpoints the WAL into the file that is copied on
    return {"seconds": time.perf_counter() - start, "files": report.prompts_sent}


def child_tick(db: Path, out: Path, at: datetime) -> dict:
    from collector.channels.outbox import OutboxChannel
    from collector.rounds.tick import tick

    engine, clock = _engine_clock(db, at)
    start = time.perf_counter()
    report = tick(engine, {"outbox": OutboxChannel(out, clock=clock)}, clock)
    seconds = time.perf_counter() - start
    engine.dispose()
    return {
        "seconds": seconds,
        "files": report.reminders_sent,
        "summary": report.summary(),
    }


def child_tick_bare(db: Path, out: Path, write: bool) -> dict:
    """The least a tick costs: read the open rounds' prompts (and, when reminding, write a file for each)."""
    import sqlite3

    start = time.perf_counter()
    connection = sqlite3.connect(db)
    query = """SELECT p.id, a.ref, a.text FROM rounds r JOIN prompts p ON p.round_id = r.id
               JOIN prompt_actions pa ON pa.prompt_id = p.id JOIN actions a ON a.id = pa.action_id
               WHERE r.state = 'open' AND r.kind = 'collection' AND p.responded_at IS NULL"""
    by_prompt: dict[int, list[str]] = {}
    for prompt_id, ref, text in connection.execute(query):
        by_prompt.setdefault(prompt_id, []).append(f"[{ref}] {text}\nStatus:\nProgress:\n")
    if write:
        out.mkdir(parents=True, exist_ok=True)
        for prompt_id, items in by_prompt.items():
            with open(out / f"{prompt_id}.txt", "w", encoding="utf-8") as f:
                f.write("\n".join(items))
    connection.close()
    return {"seconds": time.perf_counter() - start, "files": len(by_prompt) if write else 0}


def peak_rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def child(kind: str, db: Path, out: Path) -> None:
    measures = {
        "open": lambda: child_open(db, out),
        "open_bare": lambda: child_open_bare(db, out),
        "prepare": lambda: child_prepare_many(db, out),
        "tick_idle": lambda: child_tick(db, out, OPENED + timedelta(hours=1)),
        "tick_idle_bare": lambda: child_tick_bare(db, out, write=False),
        "tick_remind": lambda: child_tick(db, out, REMINDER_DAY),
        "tick_remind_bare": lambda: child_tick_bare(db, out, write=True),
    }
    result = measures[kind]()
    result["rss"] = peak_rss()
    print(json.dumps(result))


def copy_database(source: Path, target: Path) -> None:
    """A SQLite database with its WAL: the last commits may still live in the -wal file."""
    for suffix in ("", "-wal", "-shm"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
        if source.with_name(source.name + suffix).exists():
            shutil.copy(source.with_name(source.name + suffix), target.with_name(target.name + suffix))


def run_child(kind: str, db: Path, work: Path) -> dict:
    """Run one measurement in a fresh process on a fresh copy of `db`."""
    copy = work / f"{kind}.db"
    copy_database(db, copy)
    out = work / f"{kind}-outbox"
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--db", str(copy), "--out", str(out)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if kind == "prepare":
        copy_database(copy, db)  # the tick measurements start from the rounds opened and sent
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=10_000)
    parser.add_argument("--leads", type=int, default=2_000)
    parser.add_argument("--quick", action="store_true", help="a tenth of the size, to try the bench out")
    parser.add_argument("--child")
    parser.add_argument("--db", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.db, args.out)
        return
    actions, leads = (args.actions // 10, args.leads // 10) if args.quick else (args.actions, args.leads)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        big, many = work / "big.db", work / "many.db"
        built = build(big, 1, actions, leads), build(many, 100, actions, leads)
        print(f"built: {actions:,} actions / {leads:,} leads as 1 plan in {built[0]:.1f} s, as 100 plans in "
              f"{built[1]:.1f} s (save_plan, SQLite)\n")  # fmt: skip
        results = {kind: run_child(kind, big, work) for kind in ("open", "open_bare")}
        prepared = run_child("prepare", many, work)
        for kind in ("tick_idle", "tick_idle_bare", "tick_remind", "tick_remind_bare"):
            results[kind] = run_child(kind, many, work)
    rows = [
        (f"open a round: {actions:,} actions, {leads:,} leads", results["open"], results["open_bare"]),
        ("one tick, 100 open rounds, nothing due", results["tick_idle"], results["tick_idle_bare"]),
        (f"one tick, 100 open rounds, {results['tick_remind']['files']:,} reminders", results["tick_remind"],
         results["tick_remind_bare"]),
    ]  # fmt: skip
    width = max(len(r[0]) for r in rows)
    head = ("ours s", "bare s", "ratio", "files", "peak RSS MB")
    print(f"{'measure':<{width}}  {head[0]:>8}  {head[1]:>8}  {head[2]:>6}  {head[3]:>11}  {head[4]:>13}")
    for label, ours, bare in rows:
        ratio = ours["seconds"] / bare["seconds"] if bare["seconds"] else float("inf")
        files = f"{ours['files']}/{bare['files']}"
        rss = f"{ours['rss'] / 2**20:.0f}/{bare['rss'] / 2**20:.0f}"
        figures = f"{ours['seconds']:>8.2f}  {bare['seconds']:>8.3f}  {ratio:>5.0f}x  {files:>11}  {rss:>13}"
        print(f"{label:<{width}}  {figures}")
    print(
        f"\nopen: {results['open']['open']:.2f} s deciding and writing the round, the rest sending "
        f"({results['open']['files']} prompts, each claimed and recorded in its own transaction).\n"
        f"setup of the tick runs: 100 rounds opened and {prepared['files']:,} prompts sent in "
        f"{prepared['seconds']:.1f} s. files and peak RSS: ours/bare."
    )


if __name__ == "__main__":
    main()
