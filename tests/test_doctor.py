"""`collector doctor` against real things: a SQLite file at several revisions, PostgreSQL, an aiosmtpd relay
with and without a login, our own SMTP listener, a port that answers something else, an HTTP server
answering auth.test as Slack does, and the scheduler lease."""

from __future__ import annotations

import json
import socket
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from typer.testing import CliRunner

from collector.cli import doctor
from collector.cli.app import app
from collector.core.clock import FrozenClock
from collector.core.settings import Settings
from collector.rounds import lease
from collector.rounds.scheduler import LEASE
from mailin.inbound.server import MailHandler, ServerThread
from store.db import make_engine, upgrade
from tests.mail_out.test_channel import RecordingRelay, free_port

NOW = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)


def _settings(tmp_path, **values) -> Settings:
    values.setdefault("database_url", f"sqlite:///{tmp_path / 'var' / 'collector.db'}")
    return Settings(_env_file=None, var_dir=tmp_path / "var", **values)


def test_a_missing_sqlite_file_is_a_warning_and_doctor_does_not_create_it(tmp_path):
    found = doctor.check_database(_settings(tmp_path))
    assert found.status == doctor.WARN and "no database yet" in found.detail
    assert not (tmp_path / "var").exists()


def test_an_old_schema_is_named_with_its_revision(tmp_path, database_url, backend):
    engine = make_engine(database_url)
    upgrade(engine, "0002")
    engine.dispose()
    found = doctor.check_database(_settings(tmp_path, database_url=database_url))
    assert "revision 0002" in found.detail
    assert found.status == (doctor.WARN if backend == "sqlite" else doctor.FAIL)
    if backend == "postgresql":
        assert "collector db upgrade" in found.fix


def test_a_current_schema_is_ok(tmp_path, engine, database_url):
    assert doctor.check_database(_settings(tmp_path, database_url=database_url)).status == doctor.OK


def test_a_database_server_that_is_not_there_fails_in_one_line(tmp_path):
    url = f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/none"
    found = doctor.check_database(_settings(tmp_path, database_url=url))
    assert found.status == doctor.FAIL and "cannot open" in found.detail and "\n" not in found.detail


class _OneAccount:
    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = (auth_data.login, auth_data.password) == (b"progress", b"s3cret")
        return AuthResult(success=ok, handled=ok or None)


@pytest.fixture
def relay():
    controller = Controller(
        RecordingRelay(), hostname="127.0.0.1", port=free_port(), authenticator=_OneAccount(),
        auth_require_tls=False,
    )  # fmt: skip
    controller.start()
    yield controller.port
    controller.stop()


def test_the_relay_is_checked_with_a_real_login_and_nothing_is_sent(tmp_path, relay):
    found = doctor.check_relay(_settings(tmp_path, smtp_url=f"smtp://progress:s3cret@127.0.0.1:{relay}"))
    assert found.status == doctor.OK and "logged in as progress" in found.detail


def test_a_refused_login_says_so_without_the_password(tmp_path, relay):
    found = doctor.check_relay(_settings(tmp_path, smtp_url=f"smtp://progress:wrong@127.0.0.1:{relay}"))
    assert found.status == doctor.FAIL and "login refused" in found.detail
    assert "wrong" not in found.detail and "password" in found.fix


def test_an_unreachable_relay_and_no_relay_at_all(tmp_path):
    found = doctor.check_relay(_settings(tmp_path, smtp_url=f"smtp://127.0.0.1:{free_port()}"), timeout=2)
    assert found.status == doctor.FAIL and "ConnectionRefusedError" in found.detail
    unset = doctor.check_relay(_settings(tmp_path))
    assert unset.status == doctor.WARN and "outbox" in unset.detail


def test_the_mail_domain_needs_an_mx_record(tmp_path):
    assert doctor.check_mail_domain(_settings(tmp_path)).status == doctor.WARN  # localhost
    settings = _settings(tmp_path, mail_domain="updates.riverside.example.gov.uk")
    none = doctor.check_mail_domain(settings, mx=lambda _domain: [])
    assert none.status == doctor.FAIL and "no MX record" in none.detail and "MX record" in none.fix
    found = doctor.check_mail_domain(settings, mx=lambda _domain: ["mail.riverside.example.gov.uk"])
    assert found.status == doctor.OK and "mail.riverside.example.gov.uk" in found.detail


def test_the_listener_is_our_smtp_server_or_nothing(tmp_path, engine):
    clock = FrozenClock(NOW)
    with ServerThread(MailHandler(engine, "localhost", clock)) as server:
        found = doctor.check_listener(_settings(tmp_path, mail_listen=f"127.0.0.1:{server.port}"))
    assert found.status == doctor.OK and "220" in found.detail
    idle = doctor.check_listener(_settings(tmp_path, mail_listen=f"127.0.0.1:{free_port()}"))
    assert idle.status == doctor.WARN and "collector serve mail" in idle.fix


def test_a_port_held_by_another_program_fails(tmp_path):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]

        def answer() -> None:
            conn, _ = listener.accept()
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")
            conn.close()

        thread = threading.Thread(target=answer)
        thread.start()
        found = doctor.check_listener(_settings(tmp_path, mail_listen=f"127.0.0.1:{port}"))
        thread.join(5)
    assert found.status == doctor.FAIL and "not an SMTP greeting" in found.detail


class _SlackAuth(BaseHTTPRequestHandler):
    """auth.test as Slack answers it: 200 with ok true/false in the JSON body."""

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        good = self.headers.get("Authorization") == "Bearer xoxb-good"
        body = (
            {"ok": True, "url": "https://riverside.slack.com/", "team": "Riverside", "user": "progress"}
            if good
            else {"ok": False, "error": "invalid_auth"}
        )
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def slack_api():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlackAuth)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/"
    server.shutdown()
    server.server_close()


def test_the_slack_token_is_tried_with_auth_test(tmp_path, slack_api):
    def check(token: str, secret: str | None = "shh"):
        settings = _settings(
            tmp_path, slack_bot_token=token, slack_signing_secret=secret, slack_api_url=slack_api
        )
        return doctor.check_slack(settings)

    good = check("xoxb-good")
    assert good.status == doctor.OK and "Riverside" in good.detail
    bad = check("xoxb-revoked")
    assert bad.status == doctor.FAIL and "invalid_auth" in bad.detail and "xoxb-revoked" not in bad.detail
    assert check("xoxb-good", secret=None).status == doctor.FAIL
    assert doctor.check_slack(_settings(tmp_path)).status == doctor.OFF


def test_the_scheduler_lease(tmp_path, engine, database_url):
    settings = _settings(tmp_path, database_url=database_url)
    assert doctor.check_scheduler(settings, NOW).status == doctor.WARN  # nobody runs it
    lease.acquire(engine, LEASE, "host:42:abc", FrozenClock(NOW), timedelta(minutes=5))
    held = doctor.check_scheduler(settings, NOW)
    assert held.status == doctor.OK and "host:42:abc" in held.detail
    stale = doctor.check_scheduler(settings, NOW + timedelta(hours=1))
    assert stale.status == doctor.WARN and "stopped renewing" in stale.detail


def test_the_command_exits_1_when_a_check_fails_and_prints_json(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("SMTP_URL", "SLACK_BOT_TOKEN", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/none")
    monkeypatch.setenv("MAIL_LISTEN", f"127.0.0.1:{free_port()}")
    result = CliRunner().invoke(app, ["doctor", "--json"])
    assert result.exit_code == 1
    found = {f["check"]: f["status"] for f in json.loads(result.stdout)}
    assert found == {
        "database": "failed",
        "mail relay": "warning",
        "mail domain": "warning",
        "mail listener": "warning",
        "mailbox": "off",
        "slack": "off",
    }


def _harbourside(engine):
    from collector.core.clock import FrozenClock
    from store.db import session_scope
    from tests.rounds import personas

    with session_scope(engine) as s:
        personas.build(s, FrozenClock(NOW))


def test_leads_are_counted_per_channel_that_would_reach_them(tmp_path, engine, database_url):
    _harbourside(engine)

    email_only = doctor.check_reach(
        _settings(tmp_path, database_url=database_url, smtp_url="smtp://relay:587")
    )
    both = doctor.check_reach(
        _settings(tmp_path, database_url=database_url, smtp_url="smtp://relay:587", slack_bot_token="xoxb-1")
    )
    neither = doctor.check_reach(_settings(tmp_path, database_url=database_url))

    assert email_only.status == doctor.WARN and email_only.detail == (
        "email: 3 leads; slack: not configured, 1 lead who prefers it goes by email; "
        "unreachable: 2 (Nadia Khan, Sam Ortiz)"
    )
    assert both.detail == "email: 2 leads; slack: 2 leads; unreachable: 1 (Nadia Khan)"
    assert neither.detail.startswith(
        "outbox: 4 leads (written to var/outbox/, not sent: no channel is configured)"
    )
    assert neither.status == doctor.WARN and "set SMTP_URL or SLACK_BOT_TOKEN" in neither.fix


def test_leads_before_any_plan_is_imported(tmp_path, engine, database_url):
    found = doctor.check_reach(_settings(tmp_path, database_url=database_url))

    assert found.status == doctor.OFF and "no plan yet" in found.detail
