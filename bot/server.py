"""The web process's HTTP server: /slack/events for bolt, /healthz for whoever watches the process.

Bounded by design (docs/slack-web.md says why): one asyncio loop reads every connection, so a client that
never finishes its request costs a socket and a few kilobytes, not a thread; a request is handed to a
fixed pool of WORKERS threads only once it has been read in full, within READ_TIMEOUT. So:
  * the request line and headers must fit in MAX_HEAD bytes (431), the body in precheck.MAX_BODY (413,
    refused before it is read), and both must arrive within READ_TIMEOUT (408, then the socket closes);
  * at most WORKERS requests run at once and BACKLOG more wait; past that the answer is 503 + Retry-After
    (Slack retries events on a 5xx) without touching bolt;
  * at most MAX_CONNECTIONS sockets are open; one more is answered 503 and closed.
Before bolt sees a request, bot/precheck.py refuses what bolt would choke on (401/400). Nothing a client
sends produces a 500; an unexpected error inside bolt is logged and answered 500 with no detail.
/healthz runs on its own thread, so it answers while the workers are busy; it says whether the database
answers (503 if not) and, with Slack configured, whether Slack's Web API takes our token (bot/link.py):
Slack being down is reported, not a failure of this process.
Every other path goes to `pages`, an ASGI app (the web pages, built by collector.cli; typed as a callable so
bot never imports web), awaited on this loop with the request already read in full under the same limits,
except the body's, which is `pages_max_body` (uploads); its answer is collected and written as ours.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
import threading
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from slack_bolt import App
from slack_bolt.request import BoltRequest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine, text

from bot import precheck
from bot.link import SlackLink

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
MAX_BODY = precheck.MAX_BODY
MAX_HEAD = 16 * 1024  # request line and headers; Slack's are under 2 KB
READ_TIMEOUT = 10.0  # seconds for a whole request (head and body), and for an idle kept-alive connection
WRITE_TIMEOUT = 10.0  # seconds for a client to take our answer
HEALTH_TIMEOUT = 5.0
LINGER, LINGER_BYTES = 2.0, 16 * 1024 * 1024  # see _linger
WORKERS = 8  # requests handled at once: an ack is milliseconds, a DM's store-first at most ingest.ACK_BUDGET
BACKLOG = 64  # requests read in full and waiting for a worker
MAX_CONNECTIONS = 512  # open sockets, idle or stalled included (stays well under a default ulimit -n of 1024)
PAGE_TIMEOUT = 30.0  # seconds a page may take to answer (503 past it)
PAGES_MAX_BODY = 10 * 1024 * 1024
# An ASGI application: (scope, receive, send) -> None.
Message = MutableMapping[str, Any]
Asgi = Callable[
    [MutableMapping[str, Any], Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
    Awaitable[None],
]
_SINGLE = ("content-length", "transfer-encoding", "content-type", "x-slack-signature",
           "x-slack-request-timestamp")  # fmt: skip


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    close: bool = False

    def encode(self) -> bytes:
        try:
            phrase = HTTPStatus(self.status).phrase
        except ValueError:  # a status bolt made up
            phrase = ""
        lines = [f"HTTP/1.1 {self.status} {phrase}", f"Content-Type: {self.content_type}"]
        lines += [f"{k}: {v}" for k, v in self.headers.items() if "\r" not in v and "\n" not in v]
        lines += [f"Content-Length: {len(self.body)}"] + (["Connection: close"] if self.close else [])
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace") + self.body


async def _linger(reader: asyncio.StreamReader) -> None:
    """Read and drop what the client still sends, for up to LINGER seconds and LINGER_BYTES: closing at once
    would reset the connection under a client still writing its body, and it would never see our answer."""
    dropped = 0
    with contextlib.suppress(TimeoutError, ConnectionError):
        async with asyncio.timeout(LINGER):
            while dropped < LINGER_BYTES and (chunk := await reader.read(65536)):
                dropped += len(chunk)


def _error(status: int, message: str, *, close: bool = False, headers: dict[str, str] | None = None) -> Reply:
    body = json.dumps({"error": message}).encode()
    return Reply(status, body, "application/json", dict(headers or {}), close)


@dataclass
class _Request:
    method: str
    path: str
    query: str
    headers: dict[str, str]  # lower-case names
    raw_headers: dict[str, str]  # as sent, for bolt
    body: bytes
    keep_alive: bool
    peer: tuple[str, int] | None = None  # the client's address, for the pages' rate limit


class SlackServer:
    def __init__(
        self,
        address: tuple[str, int],
        app: App | None,
        signing_secret: str,
        engine: Engine | None = None,
        *,
        link: SlackLink | None = None,
        workers: int = WORKERS,
        backlog: int = BACKLOG,
        max_connections: int = MAX_CONNECTIONS,
        read_timeout: float = READ_TIMEOUT,
        pages: Asgi | None = None,
        pages_max_body: int = PAGES_MAX_BODY,
    ):
        """app None: Slack is not configured; /healthz still answers and /slack/events says 503. The socket
        is bound here, so `url` is known before serving starts."""
        self.app, self.engine, self.link = app, engine, link
        self.verifier = SignatureVerifier(signing_secret) if app is not None else None
        self.workers, self.backlog, self.max_connections = workers, backlog, max_connections
        self.read_timeout = read_timeout
        self.pages, self.pages_max_body = pages, pages_max_body
        self.socket = socket.create_server(address, backlog=min(max_connections, socket.SOMAXCONN))
        self.server_address = self.socket.getsockname()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="slack-web")
        self._health = ThreadPoolExecutor(max_workers=1, thread_name_prefix="slack-health")
        self._pending = 0  # requests in the pool, running or waiting; only the loop's thread touches it
        self._connections = 0
        self._writers: set[asyncio.StreamWriter] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._shutdown = threading.Event()
        self._done = threading.Event()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    # -- running -------------------------------------------------------------------------------------------

    def serve_forever(self) -> None:
        """Serve until shutdown() (from another thread); starts the Slack link's background check."""
        if self.link is not None:
            self.link.start()
        try:
            asyncio.run(self._serve())
        finally:
            self._done.set()

    def start_in_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, name="slack-http", daemon=True)
        thread.start()
        return thread

    def shutdown(self) -> None:
        """Stop accepting and close every connection; returns once serve_forever has returned."""
        self._shutdown.set()
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None:
            with contextlib.suppress(RuntimeError):  # the loop has already closed
                loop.call_soon_threadsafe(stop.set)
            self._done.wait(10)

    def server_close(self) -> None:
        self.socket.close()
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._health.shutdown(wait=False, cancel_futures=True)
        if self.link is not None:
            self.link.stop()

    async def _serve(self) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        if self._shutdown.is_set():
            return
        server = await asyncio.start_server(self._connection, sock=self.socket, limit=MAX_HEAD)
        try:
            await self._stop.wait()
        finally:
            server.close()
            for writer in list(self._writers):
                writer.close()

    # -- one connection ------------------------------------------------------------------------------------

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._connections >= self.max_connections:
            writer.write(
                _error(503, "too many connections", close=True, headers={"Retry-After": "1"}).encode()
            )
            writer.close()
            return
        self._connections += 1
        self._writers.add(writer)
        served = 0
        try:
            while True:
                try:
                    async with asyncio.timeout(self.read_timeout):
                        request = await self._read(reader, writer)
                except TimeoutError:
                    if served:  # an idle kept-alive connection: a 408 now could be read as the next answer
                        break
                    request = _error(408, "request not received in time", close=True)
                if request is None:
                    break
                served += 1
                reply = request if isinstance(request, Reply) else await self._route(request)
                writer.write(reply.encode())
                async with asyncio.timeout(WRITE_TIMEOUT):
                    await writer.drain()
                if isinstance(request, Reply):  # refused unread: let the client finish sending, to read it
                    await _linger(reader)
                if reply.close or (isinstance(request, _Request) and not request.keep_alive):
                    break
        except (ConnectionError, TimeoutError, asyncio.IncompleteReadError):
            pass  # the client went away, or would not take our answer
        finally:
            self._connections -= 1
            self._writers.discard(writer)
            writer.close()

    async def _read(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> _Request | Reply | None:
        """The next request, a Reply refusing it (the connection then closes), or None at a clean end."""
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as exc:
            return None if not exc.partial.strip() else _error(400, "incomplete request", close=True)
        except asyncio.LimitOverrunError:
            return _error(431, "request head too large", close=True)
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3 or parts[2] not in ("HTTP/1.0", "HTTP/1.1"):
            return _error(400, "malformed request line", close=True)
        method, target, version = parts
        headers: dict[str, str] = {}
        raw: dict[str, str] = {}
        for line in lines[1:]:
            if not line:
                continue
            name, colon, value = line.partition(":")
            if not colon or not name or name != name.strip() or " " in name or "\t" in name:
                return _error(400, "malformed header", close=True)
            key = name.lower()
            if key in headers and key in _SINGLE:
                return _error(400, f"repeated {key} header", close=True)
            headers[key] = raw[name] = value.strip(" \t")
        path, _, query = target.partition("?")
        connection = headers.get("connection", "").lower()
        # a body we do not read (on a GET) would be taken for the next request: close after answering
        unread = method != "POST" and headers.get("content-length", "0") not in ("", "0")
        keep_alive = version == "HTTP/1.1" and "close" not in connection and not unread
        body = b""
        if method == "POST":
            length = headers.get("content-length", "")
            if "transfer-encoding" in headers or not (length.isascii() and length.isdigit()):
                return _error(411, "a Content-Length is required", close=True)
            limit = MAX_BODY if path == EVENTS_PATH or self.pages is None else self.pages_max_body
            if len(length) > 9 or int(length) > limit:
                return _error(413, f"body over {limit} bytes", close=True)
            if headers.get("expect", "").lower() == "100-continue":
                writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            body = await reader.readexactly(int(length))
        peer = writer.get_extra_info("peername")
        client = (str(peer[0]), int(peer[1])) if isinstance(peer, tuple) and len(peer) >= 2 else None
        return _Request(method, path, query, headers, raw, body, keep_alive, client)

    async def _route(self, request: _Request) -> Reply:
        loop = asyncio.get_running_loop()
        if request.path == "/healthz" and request.method == "GET":
            try:
                async with asyncio.timeout(HEALTH_TIMEOUT):
                    return await loop.run_in_executor(self._health, self._healthz)
            except TimeoutError:
                return _error(503, "health check timed out")
        if request.path != EVENTS_PATH:
            if self.pages is None:
                return _error(404, "not found")
            return await self._page(request)
        if request.method != "POST":
            return _error(405, "POST only", headers={"Allow": "POST"})
        if self.app is None:
            return _error(503, "Slack is not configured here", close=True)
        if self._pending >= self.workers + self.backlog:
            log.warning("busy: %d requests in hand; answering 503 so Slack retries", self._pending)
            return _error(503, "busy", headers={"Retry-After": "1"})
        self._pending += 1
        try:
            return await loop.run_in_executor(self._pool, self._dispatch, request)
        finally:
            self._pending -= 1

    async def _page(self, request: _Request) -> Reply:
        """Hand the request to the pages app and collect its answer; any failure is a bare 500."""
        assert self.pages is not None
        if self._pending >= self.workers + self.backlog:
            return _error(503, "busy", headers={"Retry-After": "1"})
        scope: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": request.method,
            "scheme": "http",
            "path": request.path,
            "raw_path": request.path.encode("latin-1"),
            "query_string": request.query.encode("latin-1"),
            "root_path": "",
            "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in request.headers.items()],
            "client": request.peer,
            "server": self.server_address[:2],
        }
        sent_body = False

        async def receive() -> Message:
            nonlocal sent_body
            if sent_body:
                return {"type": "http.disconnect"}
            sent_body = True
            return {"type": "http.request", "body": request.body, "more_body": False}

        answer: dict[str, Any] = {"status": 500, "headers": [], "body": []}

        async def send(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer["status"], answer["headers"] = message["status"], message.get("headers", [])
            elif message["type"] == "http.response.body":
                answer["body"].append(message.get("body", b""))

        self._pending += 1
        try:
            async with asyncio.timeout(PAGE_TIMEOUT):
                await self.pages(scope, receive, send)
        except TimeoutError:
            return _error(503, "the page took too long", headers={"Retry-After": "5"})
        except Exception:
            log.exception("the pages app failed on %s %s", request.method, request.path)
            return Reply(500, b"", close=True)
        finally:
            self._pending -= 1
        headers = {
            bytes(k).decode("latin-1").lower(): bytes(v).decode("latin-1") for k, v in answer["headers"]
        }
        content_type = headers.pop("content-type", "text/plain; charset=utf-8")
        for hop in ("content-length", "connection", "transfer-encoding"):
            headers.pop(hop, None)
        return Reply(answer["status"], b"".join(answer["body"]), content_type, headers)

    # -- in worker threads ---------------------------------------------------------------------------------

    def _dispatch(self, request: _Request) -> Reply:
        assert self.app is not None and self.verifier is not None  # _route answers 503 without an app
        refused = precheck.check(request.headers, request.body, self.verifier)
        if refused is not None:
            log.warning("refused a request to %s: %s", EVENTS_PATH, refused.reason)
            return _error(refused.status, "invalid request")
        try:
            body = request.body.decode("utf-8")
            headers: dict[str, str | Sequence[str]] = dict(request.raw_headers)
            bolt = BoltRequest(body=body, query=request.query, headers=headers)
            response = self.app.dispatch(bolt)
        except Exception:
            log.exception("bolt failed on a signed request")
            return Reply(500)
        extra = {k: v for k, values in response.headers.items() for v in values[:1]}
        content_type = extra.pop("content-type", "text/plain;charset=utf-8")
        for hop in ("content-length", "connection", "transfer-encoding"):
            extra.pop(hop, None)
        return Reply(response.status, (response.body or "").encode("utf-8"), content_type, extra)

    def _healthz(self) -> Reply:
        ok = True
        if self.engine is not None:
            try:
                # read_only: a plain BEGIN on SQLite (store.db), so a health check never takes the write lock
                with self.engine.execution_options(read_only=True).connect() as connection:
                    connection.execute(text("SELECT 1"))
            except Exception:
                log.warning("healthz: the database does not answer", exc_info=True)
                ok = False
        report: dict[str, Any] = {"ok": ok}
        if self.link is not None:
            report["slack"] = self.link.reach.as_json()
        return Reply(200 if ok else 503, json.dumps(report).encode(), "application/json")
