"""Fixtures for the lead's update page: the Harbourside round opened through the outbox channel with links
on, and a real bot/server.py SlackServer on loopback serving the pages app (no Slack)."""

from __future__ import annotations

import email
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from bot.server import SlackServer
from collector.cli.wiring import channels_for
from collector.core.clock import FrozenClock
from collector.core.settings import Settings
from store.db import session_scope
from store.models.rounds import Round
from tests.rounds import personas
from tests.rounds.helpers import open_harbourside, run
from web.app import WebConfig, build_app

MONDAY = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
PUBLIC = "https://progress.harbourside.test"
SECRET = "a-test-secret-that-is-long-enough-0123456789"
EVIDENCE_MAX = 100_000  # bytes per evidence file in these tests, so an oversize file stays a small request


@dataclass
class Answer:
    status: int
    body: str
    headers: dict[str, str]


@dataclass
class Site:
    url: str
    outbox: Path
    round_id: int
    world: personas.World

    def local(self, link: str) -> str:
        """A link as mailed (PUBLIC_URL), pointed at the server under test."""
        assert link.startswith(PUBLIC + "/u/")
        return self.url + link[len(PUBLIC) :]

    def get(self, url: str) -> Answer:
        return _call(urllib.request.Request(url))

    def post(self, url: str, fields: dict[str, str]) -> Answer:
        data = urllib.parse.urlencode(fields).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return _call(urllib.request.Request(url, data=data, headers=headers, method="POST"))

    def post_files(self, url: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> Answer:
        """A multipart/form-data POST, as a browser sends a form with file inputs."""
        boundary = "----formboundary" + uuid.uuid4().hex
        parts: list[bytes] = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
        for name, (filename, data) in files.items():
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            )
            parts.append(head.encode() + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return _call(urllib.request.Request(url, data=body, headers=headers, method="POST"))

    def messages(self) -> list[EmailMessage]:
        return [
            email.message_from_bytes(p.read_bytes(), policy=default)  # type: ignore[misc]
            for p in sorted(self.outbox.glob("*.eml"))
        ]

    def link_for(self, address: str) -> str:
        """The link in the text part of the prompt mailed to `address`, read from the outbox .eml."""
        for msg in self.messages():
            if address in str(msg["To"]) and "update" in str(msg["Subject"]).lower():
                text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
                lines = [line for line in text.splitlines() if line.startswith(PUBLIC)]
                assert len(lines) == 1, text  # on a line of its own
                return lines[0].strip()
        raise AssertionError(f"no prompt to {address} in the outbox")


def _call(request: urllib.request.Request) -> Answer:
    try:
        with urllib.request.urlopen(request, timeout=20) as r:
            return Answer(r.status, r.read().decode(), {k.lower(): v for k, v in r.headers.items()})
    except urllib.error.HTTPError as e:
        return Answer(e.code, e.read().decode(), {k.lower(): v for k, v in e.headers.items()})


def form_fields(body: str) -> dict[str, str]:
    """The csrf token and the action ids of a page's form."""
    csrf = re.search(r'name="csrf" value="([^"]+)"', body)
    assert csrf, body
    return {"csrf": csrf.group(1)}


def action_ids(body: str) -> list[int]:
    return [int(i) for i in re.findall(r'name="status-(\d+)"', body)]


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(MONDAY)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        var_dir=tmp_path,
        mail_domain="harbourside.gov.uk",
        public_url=PUBLIC,
        web_secret=SecretStr(SECRET),
        evidence_max_bytes=EVIDENCE_MAX,
    )


@pytest.fixture
def site(engine, clock, settings) -> Iterator[Site]:
    with session_scope(engine) as s:
        world = personas.build(s, clock)
    channels = channels_for(settings, clock)
    open_harbourside(engine, world, clock)
    with session_scope(engine, read_only=True) as s:
        round_id = s.scalar(select(Round.id).where(Round.kind == "collection"))
    run(engine, channels, clock)
    config = WebConfig(
        SECRET,
        settings.lead_link_grace_days,
        evidence_dir=settings.var_dir / "evidence",
        evidence_max_bytes=settings.evidence_max_bytes,
    )
    pages = build_app(engine, channels, clock, config)
    server = SlackServer(
        ("127.0.0.1", 0), None, "", engine, pages=pages, pages_max_body=settings.web_max_body
    )
    server.start_in_thread()
    try:
        yield Site(server.url, settings.var_dir / "outbox", round_id, world)
    finally:
        server.shutdown()
        server.server_close()
