"""How long does the report take, per format, for a big plan with a long history, against a bare Jinja2 loop?

Builds one SQLite database in a temporary folder: a plan of 2,000 actions (200 of them sub-actions) in 10
sections, led by 200 people, with the imported baseline and 8 collection rounds, every open action updated
in most rounds (about 15,000 updates, 400-character narratives). Then, each in a fresh subprocess so peak
RSS is its own, it measures:
  compile        store -> ReportData (reports.compile.compile_report)
  <format>       compile + render one format (html, docx, pdf, xlsx, csv, md)
  bare jinja2    one SELECT of the actions with their latest update this round, rendered through a bare
                 Jinja2 loop of <tr><td> cells (autoescaped): the floor any HTML report stands on
Usage: python bench/report_bench.py [--actions 2000] [--rounds 8] [--formats html,docx,...] [--quick].
It prints figures; it is never a test.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

START = datetime(2025, 1, 6, 9, tzinfo=UTC)
STATUSES = (
    "on_track",
    "on_track",
    "on_track",
    "at_risk",
    "off_track",
    "not_started",
    "completed",
    "no_change",
)
WORDS = (
    "the",
    "working",
    "group",
    "met",
    "and",
    "agreed",
    "terms",
    "of",
    "reference",
    "with",
    "partners",
    "staff",
)


def build_database(path: Path, n_actions: int, n_rounds: int) -> None:
    from collector.core.clock import FrozenClock
    from collector.core.dates import TargetDraft, TargetKind
    from store.db import make_engine, session_scope, upgrade
    from store.importers.draft import ActionDraft, LeadDraft, PlanDraft, SectionDraft
    from store.models.plans import Action
    from store.models.rounds import Round
    from store.models.updates import Update
    from store.persist import save_plan

    rng = random.Random(7)
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    codes = [f"L{i:03d}" for i in range(200)]
    per_section = n_actions // 10
    actions = []
    for number in range(1, n_actions - n_actions // 10 + 1):
        section = min(10, 1 + (number - 1) // (per_section - per_section // 10))
        target = date(2025, 1, 31) + timedelta(days=rng.randrange(0, 900))
        subs = []
        if number % 9 == 0 and len(actions) * 10 < n_actions * 9:
            subs = [
                ActionDraft(
                    ref="a)", text="First part of the work", leads=[LeadDraft(None, rng.choice(codes))]
                )
            ]
        actions.append(
            ActionDraft(
                ref=f"{section}.{number}",
                text=" ".join(rng.choices(WORDS, k=18)).capitalize(),
                section_ref=str(section),
                leads=[LeadDraft(None, rng.choice(codes))],
                target=TargetDraft(f"{target:%B %Y}", TargetKind.DATE, target),
                sub_actions=subs,
            )
        )
    draft = PlanDraft(
        title="Big Borough Council Equality Action Plan 2025–2028",
        source="bench",
        sections=[SectionDraft(str(i), f"Objective {i}") for i in range(1, 11)],
        actions=actions,
        period="2025–2028",
    )
    clock = FrozenClock(START)
    with session_scope(engine) as s:
        saved = save_plan(s, draft, name="big", update=False, clock=clock)
    with session_scope(engine) as s:
        ids = list(
            s.scalars(__import__("sqlalchemy").select(Action.id).where(Action.plan_id == saved.plan_id))
        )
        for index in range(n_rounds):
            opened = START + timedelta(days=91 * (index + 1))
            round_ = Round(
                plan_id=saved.plan_id, kind="collection", name=f"Quarter {index + 1}", opened_at=opened,
                due_date=(opened + timedelta(days=21)).date(), created_at=opened, state="closed",
                closed_at=opened + timedelta(days=30),
            )  # fmt: skip
            s.add(round_)
            s.flush()
            s.add_all(
                Update(
                    action_id=action_id,
                    round_id=round_.id,
                    status=rng.choice(STATUSES),
                    progress=" ".join(rng.choices(WORDS, k=60)),
                    evidence=[],
                    via="email",
                    created_at=opened + timedelta(days=rng.randrange(1, 28)),
                )
                for action_id in ids
                if rng.random() < 0.95
            )
    engine.dispose()


def child(db: Path, what: str, out: Path) -> dict:
    """Run one measurement in this (fresh) process; print its figures as JSON."""
    from zoneinfo import ZoneInfo

    from reports.build import render
    from reports.compile import compile_report
    from store.db import make_engine, session_scope
    from store.queries import find_plan

    engine = make_engine(f"sqlite:///{db}")
    tz = ZoneInfo("Europe/London")
    started = time.perf_counter()
    if what == "bare":
        size = _bare(engine)
        return {"what": "bare jinja2", "seconds": time.perf_counter() - started, "bytes": size}
    with session_scope(engine, read_only=True) as s:
        data = compile_report(s, find_plan(s, "big"), today=date(2027, 6, 1), tz=tz)
    compiled = time.perf_counter() - started
    size = 0
    if what != "compile":
        content = render(data, what)
        (out / f"big.{what}").write_bytes(content)
        size = len(content)
    return {"what": what, "seconds": time.perf_counter() - started, "compile": compiled, "bytes": size}


def _bare(engine) -> int:
    """The floor: one query for this round's rows and an autoescaped Jinja2 loop over them."""
    from jinja2 import Environment

    query = """
        SELECT a.ref, a.text, a.target_text, u.status, u.progress FROM actions a
        LEFT JOIN updates u ON u.action_id = a.id AND u.round_id = (SELECT max(id) FROM rounds)
        ORDER BY a.position, a.id
    """
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(query).all()
    template = Environment(autoescape=True).from_string(
        "<table>{% for r in rows %}<tr><td>{{ r[0] }}</td><td>{{ r[1] }}</td><td>{{ r[2] }}</td>"
        "<td>{{ r[3] }}</td><td>{{ r[4] }}</td></tr>{% endfor %}</table>"
    )
    return len(template.render(rows=rows).encode())


def measure(db: Path, what: str, out: Path) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--child", what, "--db", str(db), "--out", str(out)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--formats", default="html,docx,pdf,xlsx,csv,md")
    parser.add_argument("--quick", action="store_true", help="200 actions, 3 rounds")
    parser.add_argument("--child")
    parser.add_argument("--db", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.child:
        figures = child(args.db, args.child, args.out)
        figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        print(json.dumps(figures))
        return
    if args.quick:
        args.actions, args.rounds = 200, 3
    with tempfile.TemporaryDirectory() as folder:
        db, out = Path(folder) / "bench.db", Path(folder)
        started = time.perf_counter()
        build_database(db, args.actions, args.rounds)
        print(f"database: {args.actions} actions, {args.rounds} rounds + baseline, built in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        print(f"{'what':<14}{'seconds':>9}{'of which compile':>18}{'output':>12}{'peak RSS':>11}")
        for what in ["bare", "compile", *args.formats.split(",")]:
            f = measure(db, what, out)
            compile_s = f"{f['compile']:.2f}" if "compile" in f else ""
            size, peak = f"{f['bytes'] / 1024:.0f}KB", f"{f['peak_mb']:.0f}MB"
            print(f"{f['what']:<14}{f['seconds']:>9.2f}{compile_s:>18}{size:>12}{peak:>11}")


if __name__ == "__main__":
    main()
