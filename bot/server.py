"""The web process's HTTP server: /slack/events for bolt, /healthz for whoever watches the process.

A small threading server (stdlib http.server, as bolt's own development server is) with the front check
bolt lacks (RELIABILITY.md F5, "Rules for us"): bolt answers 500 with a traceback when the timestamp header
is not a number, and parses the body before it checks the signature. So, before bolt sees a request:
  * a body over MAX_BODY is refused 413 without being read;
  * a missing or non-numeric timestamp, a missing signature, a stale or wrong signature: 401;
  * a signed body that does not parse (form without a JSON payload, JSON that is not an object): 400;
and bolt then verifies the signature again itself. Nothing a client sends produces a 500; an unexpected
error inside bolt is logged and answered 500 with no detail.
"""

from __future__ import annotations

import json
import logging
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from slack_bolt import App
from slack_bolt.request import BoltRequest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine, text

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
MAX_BODY = 1024 * 1024


def front_check(headers: dict[str, str], body: bytes, verifier: SignatureVerifier) -> tuple[int, str] | None:
    """(status, reason) when the request must not reach bolt; None when it may."""
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not timestamp.strip().isdigit() or not signature:
        return HTTPStatus.UNAUTHORIZED, "missing or malformed signature headers"
    try:
        text_body = body.decode("utf-8")  # slack_sdk's verifier decodes too, and would raise
    except UnicodeDecodeError:
        return HTTPStatus.BAD_REQUEST, "body is not UTF-8"
    if not verifier.is_valid(body=text_body, timestamp=timestamp.strip(), signature=signature):
        return HTTPStatus.UNAUTHORIZED, "invalid signature or stale timestamp"
    try:
        if headers.get("content-type", "").startswith("application/json"):
            parsed: Any = json.loads(text_body)
        else:
            form = parse_qs(text_body, keep_blank_values=True)
            parsed = json.loads(form["payload"][0]) if "payload" in form else form
    except ValueError:
        return HTTPStatus.BAD_REQUEST, "body does not parse"
    if not isinstance(parsed, dict) or not parsed:
        return HTTPStatus.BAD_REQUEST, "body is not an object"
    return None


class SlackServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self, address: tuple[str, int], app: App | None, signing_secret: str, engine: Engine | None = None
    ):
        """app None: Slack is not configured; /healthz still answers and /slack/events says 503."""
        super().__init__(address, _Handler)
        self.app, self.engine = app, engine
        self.verifier = SignatureVerifier(signing_secret) if app is not None else None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def start_in_thread(self) -> threading.Thread:
        # a short poll so shutdown() returns promptly (tests start and stop one per test)
        thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, name="slack-http", daemon=True
        )
        thread.start()
        return thread


class _Handler(BaseHTTPRequestHandler):
    server: SlackServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # http.server prints to stderr by default
        log.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:
        if self.path.split("?")[0] != "/healthz":
            return self._send(HTTPStatus.NOT_FOUND, b"not found")
        ok = True
        if self.server.engine is not None:
            try:
                # read_only: a plain BEGIN on SQLite (store.db), so a health check never takes the write lock
                with self.server.engine.execution_options(read_only=True).connect() as connection:
                    connection.execute(text("SELECT 1"))
            except Exception:
                log.warning("healthz: the database does not answer", exc_info=True)
                ok = False
        status = HTTPStatus.OK if ok else HTTPStatus.SERVICE_UNAVAILABLE
        self._send(status, json.dumps({"ok": ok}).encode(), "application/json")

    def do_POST(self) -> None:
        if self.path.split("?")[0] != EVENTS_PATH:
            return self._send(HTTPStatus.NOT_FOUND, b"not found")
        if self.server.app is None:
            return self._send(HTTPStatus.SERVICE_UNAVAILABLE, b"Slack is not configured here", close=True)
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            return self._send(HTTPStatus.LENGTH_REQUIRED, b"length required", close=True)
        if length < 0 or length > MAX_BODY:
            return self._send(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, b"too large", close=True)
        body = self.rfile.read(length)
        headers = {k.lower(): v for k, v in self.headers.items()}
        assert self.server.verifier is not None  # set whenever there is an app
        refused = front_check(headers, body, self.server.verifier)
        if refused is not None:
            status, reason = refused
            log.warning("refused a request to %s: %s", EVENTS_PATH, reason)
            return self._send(status, json.dumps({"error": "invalid request"}).encode(), "application/json")
        query = self.path.partition("?")[2]
        try:
            request = BoltRequest(body=body.decode("utf-8"), query=query, headers=dict(self.headers.items()))
            response = self.server.app.dispatch(request)
        except Exception:
            log.exception("bolt failed on a signed request")
            return self._send(HTTPStatus.INTERNAL_SERVER_ERROR, b"")
        extra = {k: v for k, values in response.headers.items() for v in values[:1]}
        content_type = extra.pop("content-type", "text/plain;charset=utf-8")
        self._send(response.status, (response.body or "").encode("utf-8"), content_type, extra=extra)

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str = "text/plain",
        *,
        extra: dict | None = None,
        close=False,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            if key.lower() != "content-length":
                self.send_header(key, value)
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)
