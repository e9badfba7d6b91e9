"""bot/server.py serving a pages app: its own body limit (Slack's stays 1 MB), /healthz untouched, and a
pages app that fails answered as a bare 500 without ending the server."""

from __future__ import annotations

import http.client
import json

from bot import precheck
from bot.server import SlackServer


async def _echo(scope, receive, send) -> None:
    body = (await receive())["body"]
    if scope["path"] == "/boom":
        raise RuntimeError("a bug in a page")
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    answer = f"{scope['method']} {scope['path']} {scope['query_string'].decode()} {len(body)}"
    await send({"type": "http.response.body", "body": answer.encode()})


def _post(url: str, path: str, size: int) -> tuple[int, bytes]:
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=20)
    try:
        conn.request("POST", path, body=b"x" * size, headers={"Content-Type": "application/octet-stream"})
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def test_pages_have_their_own_body_limit_and_slack_keeps_its_own():
    server = SlackServer(("127.0.0.1", 0), None, "", None, pages=_echo, pages_max_body=3 * precheck.MAX_BODY)
    server.start_in_thread()
    try:
        big = 2 * precheck.MAX_BODY
        assert _post(server.url, "/u/x?a=1", big) == (200, f"POST /u/x a=1 {big}".encode())
        assert _post(server.url, "/slack/events", big)[0] == 413
        assert _post(server.url, "/u/x", 4 * precheck.MAX_BODY)[0] == 413
        status, body = _post(server.url, "/boom", 10)
        assert status == 500 and body == b""
        conn = http.client.HTTPConnection(*server.server_address[:2], timeout=10)
        conn.request("GET", "/healthz")
        health = conn.getresponse()
        assert health.status == 200 and json.loads(health.read()) == {"ok": True}
        conn.close()
    finally:
        server.shutdown()
        server.server_close()


def test_without_pages_other_paths_stay_404():
    server = SlackServer(("127.0.0.1", 0), None, "", None)
    server.start_in_thread()
    try:
        assert _post(server.url, "/u/x", 10)[0] == 404
    finally:
        server.shutdown()
        server.server_close()


def test_doctor_says_whether_the_links_are_on_and_safe():
    from pydantic import SecretStr

    from collector.cli.doctor import FAIL, OFF, OK, WARN, check_web
    from collector.core.settings import Settings

    def status(**kwargs: object) -> str:
        return check_web(Settings(_env_file=None, **kwargs)).status  # type: ignore[call-arg, arg-type]

    long = SecretStr("x" * 40)
    assert status() == OFF
    assert status(public_url="https://p.example.org") == FAIL
    assert status(public_url="https://p.example.org", web_secret=SecretStr("short")) == FAIL
    assert status(public_url="http://p.example.org", web_secret=long) == WARN
    assert status(public_url="https://p.example.org", web_secret=long) == OK
