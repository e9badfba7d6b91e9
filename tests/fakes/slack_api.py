"""A stand-in for Slack's Web API on loopback: real HTTP, realistic answers, every call recorded.

Tests and the benchmark point SLACK_API_URL at it (bolt-python's tests do the same with their
mock_web_api_server). It can be told to fail: `fail("chat.postMessage", status=429, retry_after=1, times=3)`
or status 500, or an ok:false error, for the next N calls of a method (or of every method, "*"); and it can
enforce chat.postMessage's rate limits with 429s (`limit(per_conversation=1.0, per_second=50)`).
It also serves the response_url of interactions and the upload URL of files_upload_v2. `down()` closes its
socket (connections are refused, as when Slack cannot be reached) and `up()` listens again on the same port.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

TOKEN = "xoxb-1111-2222-standintoken"
APP_TOKEN = "xapp-1-A0PROGRESS-1111-standinapptoken"  # Socket Mode's app-level token
TEAM = "T0HARBOUR"
BOT_USER = "U0BOT"


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    at: float
    status: int
    answer: dict[str, Any]


@dataclass
class _Failure:
    status: int
    times: int
    retry_after: int | None = None
    error: str | None = None
    after: int = 0  # calls answered normally before this failure starts


@dataclass
class SlackState:
    calls: list[Call] = field(default_factory=list)
    messages: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (channel, ts) -> message
    responses: list[dict[str, Any]] = field(default_factory=list)  # posts to response_urls
    uploads: dict[str, bytes] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> user
    groups: dict[str, list[str]] = field(default_factory=dict)
    gone: set[str] = field(default_factory=set)  # users whose DMs fail with user_not_found
    failures: dict[str, list[_Failure]] = field(default_factory=lambda: defaultdict(list))
    per_conversation: float | None = None
    per_second: float | None = None
    limited: int = 0  # 429s sent by the rate limiter


class SlackStandIn:
    def __init__(self) -> None:
        self.state = SlackState()
        self.socket_url: Callable[[], str] | None = None  # apps.connections.open hands this out
        self._lock = threading.Lock()
        self._ts = 1_700_000_000.0
        self._last_post: dict[str, float] = {}
        self._bucket: list[float] = []
        self._listen(0)

    def _listen(self, port: int) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def start(self) -> SlackStandIn:
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.thread.is_alive():
            self.server.shutdown()
        self.server.server_close()

    def down(self) -> SlackStandIn:
        """Stop listening: every call is refused until up()."""
        self.stop()
        return self

    def up(self) -> SlackStandIn:
        """Listen again, on the same port, with the same state."""
        if not self.thread.is_alive():
            self._listen(self.port)
            self.thread.start()
        return self

    # -- scripting -------------------------------------------------------------------------------------------

    def add_user(self, user_id: str, email: str | None = None, name: str = "") -> None:
        self.state.users[user_id] = {
            "id": user_id,
            "name": name,
            "profile": {"email": email, "real_name": name},
        }

    def fail(
        self,
        method: str,
        *,
        status: int = 500,
        times: int = 1,
        retry_after: int | None = None,
        error: str | None = None,
        after: int = 0,
    ) -> None:
        """Fail the next `times` calls of `method` ("*": any), once `after` calls have gone through."""
        with self._lock:
            self.state.failures[method].append(_Failure(status, times, retry_after, error, after))

    def limit(self, *, per_conversation: float | None = 1.0, per_second: float | None = None) -> None:
        self.state.per_conversation, self.state.per_second = per_conversation, per_second

    # -- reading what happened ------------------------------------------------------------------------------

    def calls(self, method: str | None = None, *, ok: bool | None = None) -> list[Call]:
        with self._lock:
            found = [c for c in self.state.calls if method is None or c.method == method]
        if ok is not None:
            found = [c for c in found if (c.status == 200 and c.answer.get("ok")) == ok]
        return found

    def posts_to(self, user: str) -> list[dict[str, Any]]:
        """Messages that landed in the DM with `user`, oldest first."""
        channel = "D" + user[1:]
        with self._lock:
            return [
                m
                for (c, _), m in sorted(self.state.messages.items(), key=lambda kv: kv[0][1])
                if c == channel
            ]

    # -- answering -------------------------------------------------------------------------------------------

    def answer(
        self, method: str, args: dict[str, Any], auth: str | None
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        with self._lock:
            scripted = self._scripted(method)
            if scripted is not None:
                return scripted
            if auth != f"Bearer {APP_TOKEN if method == 'apps.connections.open' else TOKEN}":
                return 200, {"ok": False, "error": "invalid_auth"}, {}
            if method == "chat.postMessage":
                limited = self._rate_limited(str(args.get("channel", "")))
                if limited is not None:
                    return limited
            handler = getattr(self, "_" + method.replace(".", "_"), None)
            if handler is None:
                return 200, {"ok": False, "error": "unknown_method"}, {}
            return 200, handler(args), {}

    def _scripted(self, method: str) -> tuple[int, dict[str, Any], dict[str, str]] | None:
        for key in (method, "*"):
            queue = self.state.failures.get(key)
            if queue:
                failure = queue[0]
                if failure.after > 0:
                    failure.after -= 1
                    return None
                failure.times -= 1
                if failure.times <= 0:
                    queue.pop(0)
                headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
                if failure.error:
                    return 200, {"ok": False, "error": failure.error}, {}
                body = {"ok": False, "error": "ratelimited" if failure.status == 429 else "internal_error"}
                return failure.status, body, headers
        return None

    def _rate_limited(self, channel: str) -> tuple[int, dict[str, Any], dict[str, str]] | None:
        now = time.monotonic()
        st = self.state
        if st.per_conversation and now - self._last_post.get(channel, -1e9) < st.per_conversation:
            st.limited += 1
            return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}
        if st.per_second:
            self._bucket = [t for t in self._bucket if now - t < 1.0]
            if len(self._bucket) >= st.per_second:
                st.limited += 1
                return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}
            self._bucket.append(now)
        self._last_post[channel] = now
        return None

    def _next_ts(self) -> str:
        self._ts += 0.000100
        return f"{self._ts:.6f}"

    def _dm(self, channel: str) -> str:
        return "D" + channel[1:] if channel.startswith(("U", "W")) else channel

    def _apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if self.socket_url is None:
            return {"ok": False, "error": "not_allowed_token_type"}
        return {"ok": True, "url": self.socket_url()}

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://harbourside.slack.com/",
            "team": "Harbourside",
            "team_id": TEAM,
            "user": "progress",
            "user_id": BOT_USER,
            "bot_id": "B0BOT",
        }

    def _chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        if channel in self.state.gone:
            return {"ok": False, "error": "user_not_found"}
        blocks = _json(args.get("blocks")) or []
        if len(blocks) > 50 or any(len((b.get("text") or {}).get("text") or "") > 3000 for b in blocks):
            return {"ok": False, "error": "invalid_blocks"}
        ts = self._next_ts()
        dm = self._dm(channel)
        message = {"channel": dm, "ts": ts, "text": args.get("text", ""), "blocks": blocks,
                   "thread_ts": args.get("thread_ts"), "user": BOT_USER}  # fmt: skip
        self.state.messages[(dm, ts)] = message
        return {"ok": True, "channel": dm, "ts": ts, "message": {"type": "message", **message}}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        key = (str(args.get("channel")), str(args.get("ts")))
        if key not in self.state.messages:
            return {"ok": False, "error": "message_not_found"}
        blocks = _json(args.get("blocks")) or []
        if len(blocks) > 50:
            return {"ok": False, "error": "invalid_blocks"}
        self.state.messages[key] = {
            **self.state.messages[key],
            "text": args.get("text", ""),
            "blocks": blocks,
        }
        return {"ok": True, "channel": key[0], "ts": key[1], "text": args.get("text", "")}

    def _chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "message_ts": self._next_ts()}

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "channel": {"id": self._dm(str(args.get("users", "")).split(",")[0])}}

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        view = _json(args.get("view")) or {}
        if not args.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        if len(view.get("blocks", [])) > 100:
            return {"ok": False, "error": "invalid_arguments"}
        return {"ok": True, "view": {"id": f"V{len(self.state.calls):06d}", "hash": "1700000000.abc", **view}}

    _views_update = _views_open

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        view = _json(args.get("view")) or {}
        if len(view.get("blocks", [])) > 100:
            return {"ok": False, "error": "invalid_arguments"}
        return {"ok": True, "view": {"id": "VHOME", "hash": "1700000000.home", **view}}

    def _users_lookupByEmail(self, args: dict[str, Any]) -> dict[str, Any]:
        email = str(args.get("email", "")).casefold()
        for user in self.state.users.values():
            if (user["profile"].get("email") or "").casefold() == email:
                return {"ok": True, "user": user}
        return {"ok": False, "error": "users_not_found"}

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.state.users.get(str(args.get("user")))
        return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}

    def _usergroups_users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        group = self.state.groups.get(str(args.get("usergroup")))
        return (
            {"ok": True, "users": group} if group is not None else {"ok": False, "error": "no_such_subteam"}
        )

    def _files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        file_id = f"F{len(self.state.uploads) + 1:05d}"
        self.state.uploads[file_id] = b""
        return {"ok": True, "upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}

    def _files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        files = _json(args.get("files")) or []
        return {
            "ok": True,
            "files": [
                {"id": f["id"], "title": f.get("title", ""), "name": f.get("title", "")} for f in files
            ],
        }


def _json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def _handler(api: SlackStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self._api()

        def do_POST(self) -> None:
            self._api()

        def _api(self) -> None:
            url = urlparse(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if url.path.startswith("/upload/"):
                with api._lock:
                    api.state.uploads[url.path.rsplit("/", 1)[1]] = raw
                return self._reply(200, b"OK", "text/plain")
            if url.path.startswith("/response/"):
                with api._lock:
                    api.state.responses.append({"url": url.path, **(_json(raw.decode()) or {})})
                return self._reply(200, b'{"ok":true}', "application/json")
            method = url.path.removeprefix("/api/")
            args: dict[str, Any] = {k: v[0] for k, v in parse_qs(url.query).items()}
            content_type = self.headers.get("Content-Type", "")
            if raw and content_type.startswith("application/json"):
                args.update(json.loads(raw))
            elif raw:
                args.update({k: v[0] for k, v in parse_qs(raw.decode()).items()})
            status, answer, headers = api.answer(method, args, self.headers.get("Authorization"))
            with api._lock:
                api.state.calls.append(Call(method, args, time.monotonic(), status, answer))
            self._reply(status, json.dumps(answer).encode(), "application/json", headers)

        def _reply(
            self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

    return Handler
