"""The Procfile's processes, started as a Procfile runner (honcho, foreman) starts them, work together on one
database and stop cleanly on SIGTERM; the web process stays up for /healthz while Slack is not configured
(a runner stops every process when one exits)."""

from __future__ import annotations

import json
import os
import shlex
import signal
import smtplib
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from collector.rounds import lease
from collector.rounds.scheduler import LEASE
from store.db import make_engine
from tests.mail_in.test_kill import _free_port
from tests.test_serve_all import _wait

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _processes() -> dict[str, list[str]]:
    entries = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, command = line.partition(":")
            entries[name.strip()] = shlex.split(command)
    return entries


def test_the_procfile_brings_up_web_mail_and_scheduler_and_they_stop_on_sigterm(tmp_path):
    processes = _processes()
    assert set(processes) == {"web", "mail", "scheduler"}
    mail_port, web_port, db = _free_port(), _free_port(), tmp_path / "var" / "collector.db"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SLACK_")},
        "DATABASE_URL": f"sqlite:///{db}",
        "VAR_DIR": str(tmp_path / "var"),
        "MAIL_LISTEN": f"127.0.0.1:{mail_port}",
        "PORT": str(web_port),
    }
    code = "import sys; from collector.cli.app import app; sys.argv[0] = 'collector'; app()"
    running: dict[str, subprocess.Popen] = {}
    logs = {name: tmp_path / f"{name}.log" for name in processes}
    try:
        for name, command in processes.items():
            assert command[0] == "collector"
            with logs[name].open("ab") as out:
                running[name] = subprocess.Popen(
                    [sys.executable, "-c", code, *command[1:]], env=env, cwd=ROOT, stdout=out,
                    stderr=subprocess.STDOUT,
                )  # fmt: skip

        def healthy() -> dict:
            with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/healthz", timeout=2) as answer:
                return json.loads(answer.read())

        def greeting() -> int:
            with smtplib.SMTP("127.0.0.1", mail_port, timeout=2) as client:
                return client.noop()[0]

        engine = make_engine(f"sqlite:///{db}")
        assert _wait(healthy, "/healthz", running["web"], logs["web"]) == {"ok": True}
        assert _wait(greeting, "an SMTP greeting", running["mail"], logs["mail"]) == 250
        assert _wait(
            lambda: lease.holder_of(engine, LEASE), "the lease", running["scheduler"], logs["scheduler"]
        )
        for proc in running.values():
            proc.send_signal(signal.SIGTERM)
        codes = {name: proc.wait(30) for name, proc in running.items()}
    finally:
        for proc in running.values():
            if proc.poll() is None:
                proc.kill()
    assert codes == {"web": 0, "mail": 0, "scheduler": 0}, {n: logs[n].read_text()[-1500:] for n in logs}
    assert lease.holder_of(engine, LEASE) is None
    engine.dispose()
