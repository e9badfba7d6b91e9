"""`collector serve all`: the three services in one process, started for real and stopped with SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import smtplib
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from collector.rounds import lease
from collector.rounds.scheduler import LEASE
from store.db import make_engine
from tests.fakes.slack_api import TOKEN, SlackStandIn
from tests.mail_in.test_kill import _free_port

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _wait(check, what: str, proc: subprocess.Popen, log: Path, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()[-3000:]
        try:
            value = check()
            if value:
                return value
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{what} never happened:\n{log.read_text()[-3000:]}")


def test_serve_all_runs_mail_scheduler_and_slack_then_stops_cleanly_on_sigterm(tmp_path):
    api = SlackStandIn().start()
    mail_port, web_port, db = _free_port(), _free_port(), tmp_path / "var" / "collector.db"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "VAR_DIR": str(tmp_path / "var"),
        "MAIL_LISTEN": f"127.0.0.1:{mail_port}",
        "PORT": str(web_port),
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": "8f14e45fceea167a5a36dedd4bea2543",
        "SLACK_API_URL": api.api_url,
        "LOG_FORMAT": "json",
    }
    log = tmp_path / "all.log"
    code = "import sys; from collector.cli.app import app; sys.argv[0] = 'collector'; app()"
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", code, "serve", "all", "--host", "127.0.0.1", "--grace", "3"],
            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    engine = make_engine(f"sqlite:///{db}")
    try:

        def banner() -> bytes:
            with smtplib.SMTP("127.0.0.1", mail_port, timeout=2) as client:
                return client.ehlo()[1]

        def healthy() -> dict:
            with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/healthz", timeout=2) as answer:
                return json.loads(answer.read())

        assert _wait(banner, "an SMTP greeting", proc, log)
        report = _wait(
            lambda: (r := healthy())["slack"]["reachable"] and r, "a healthy web process", proc, log
        )
        assert report["ok"] is True
        holder = _wait(lambda: lease.holder_of(engine, LEASE), "the scheduler's lease", proc, log)
        assert str(os.getpid()) not in holder[0]  # held by the service process, not by this test
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0, log.read_text()[-3000:]
    finally:
        if proc.poll() is None:
            proc.kill()
        api.stop()
    assert lease.holder_of(engine, LEASE) is None  # released, so a standby takes over at once
    engine.dispose()
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    assert any(line["message"] == "all services stopped" for line in lines)
    assert TOKEN not in log.read_text()
    assert not any(line["logger"] == "mail.log" for line in lines)  # no client command lines at info
