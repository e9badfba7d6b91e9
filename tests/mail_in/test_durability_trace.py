"""reliability.md M1: the 250 is written only after the message reached the disk. The real mail process runs
under strace; between the server's "354" (the message starts to arrive) and its "250" there must be an
fsync or fdatasync of the SQLite write-ahead log."""

from __future__ import annotations

import os
import re
import shutil
import signal
import smtplib
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.mail_in.test_kill import DOMAIN, ROOT, _free_port, _wait_listening

pytestmark = pytest.mark.slow

_LINE = re.compile(r"^(?P<pid>\d+)\s+(?P<call>\w+)\((?P<args>.*)\)\s+=\s+(?P<result>-?\d+)")
_UNFINISHED = re.compile(r"^(?P<pid>\d+)\s+(?P<call>\w+)\((?P<args>.*) <unfinished \.\.\.>$")
_RESUMED = re.compile(r"^(?P<pid>\d+)\s+<\.\.\. (?P<call>\w+) resumed>(?P<rest>.*)\)\s+=\s+(?P<result>-?\d+)")


def _calls(trace: str):
    """(call, args, result) in the order they finished; a call another thread interrupted is joined up."""
    pending: dict[str, tuple[str, str]] = {}
    for line in trace.splitlines():
        if found := _LINE.match(line):
            yield found["call"], found["args"], found["result"]
        elif found := _UNFINISHED.match(line):
            pending[found["pid"]] = (found["call"], found["args"])
        elif (found := _RESUMED.match(line)) and found["pid"] in pending:
            call, args = pending.pop(found["pid"])
            yield call, args + found["rest"], found["result"]


def _syncs_between_354_and_250(trace: str) -> list[str]:
    """The write-ahead-log syncs between the last 354 before the 250 and the 250 itself."""
    paths: dict[str, str] = {}  # fd -> path (one fd table: the server is one process with threads)
    events: list[tuple[str, str]] = []
    for call, args, result in _calls(trace):
        if call == "openat" and int(result) >= 0:
            paths[result] = args.split('"')[1] if '"' in args else ""
        elif call == "close":
            paths.pop(args.strip(), None)
        elif call in ("fsync", "fdatasync"):
            events.append(("sync", paths.get(args.strip(), "?")))
        elif call in ("sendto", "write") and '"354 ' in args:
            events.append(("354", ""))
        elif call in ("sendto", "write") and '"250 2.0.0 Ok: queued' in args:
            events.append(("250", ""))
    assert ("250", "") in events, "the trace holds no 250"
    end = events.index(("250", ""))
    start = max(i for i, (kind, _) in enumerate(events[:end]) if kind == "354")
    return [path for kind, path in events[start:end] if kind == "sync" and path.endswith("-wal")]


def test_m1_the_wal_is_synced_after_the_data_arrives_and_before_the_250(tmp_path):
    strace = shutil.which("strace")
    assert strace, "strace is needed for this test (.ci/run installs it)"
    port, trace = _free_port(), tmp_path / "trace.txt"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'collector.db'}",
        "VAR_DIR": str(tmp_path / "var"),
        "MAIL_LISTEN": f"127.0.0.1:{port}",
        "MAIL_DOMAIN": DOMAIN,
    }
    code = "import sys; from collector.cli.app import app; sys.argv[0] = 'collector'; app()"
    log = tmp_path / "mail.log"
    calls = "trace=openat,close,fsync,fdatasync,sendto,write"
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [strace, "-f", "-qq", "-s", "64", "-e", calls, "-o", str(trace),
             sys.executable, "-c", code, "serve", "mail", "--grace", "1"],
            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        _wait_listening(port, proc, log)
        raw = f"From: jo@client.test\r\nMessage-ID: <m1@x.test>\r\nTo: progress@{DOMAIN}\r\n\r\n1.1 done\r\n"
        with smtplib.SMTP("127.0.0.1", port, timeout=20) as client:
            client.sendmail("jo@client.test", [f"progress@{DOMAIN}"], raw.encode())
        time.sleep(0.5)
    finally:
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        for child in children:  # the mail process itself: strace would kill it, not stop it cleanly
            os.kill(int(child), signal.SIGTERM)
        proc.wait(30)
    synced = _syncs_between_354_and_250(trace.read_text(errors="replace"))
    assert synced, "no fsync of the write-ahead log between the message arriving and its 250"
