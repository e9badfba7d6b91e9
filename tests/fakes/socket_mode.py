"""A stand-in for Slack's Socket Mode server on loopback: a real WebSocket (RFC 6455) over TCP, stdlib only.

slack_sdk's built-in SocketModeClient (the one bolt's SocketModeHandler uses, no extra package) asks
apps.connections.open for a URL, connects to it, and receives envelopes; the Web API stand-in answers that
call with this server's ws:// URL. A test pushes envelopes ({"envelope_id", "type", "payload",
"retry_attempt"...}) and reads what the app sent back (acks: {"envelope_id", "payload"?}). It can also tell
the client to reconnect (a `disconnect` message) or drop the connection outright.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import socket
import struct
import threading
import time
from typing import Any

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA


def frame(opcode: int, payload: bytes) -> bytes:
    """One unmasked, final frame, as a server sends it."""
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", 0x80 | opcode, n)
    elif n < 1 << 16:
        head = struct.pack("!BBH", 0x80 | opcode, 126, n)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 127, n)
    return head + payload


class _Conn:
    """One client connection: its socket and a reader thread that answers pings and collects messages."""

    def __init__(self, server: SocketModeStandIn, sock: socket.socket):
        self.server, self.sock = server, sock
        self.lock = threading.Lock()
        self.open = True

    def send(self, opcode: int, payload: bytes) -> None:
        with self.lock:
            self.sock.sendall(frame(opcode, payload))

    def _exact(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        return data

    def handshake(self) -> bool:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.sock.recv(1024)
            if not chunk:
                return False
            data += chunk
        head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in head[1:])}
        key = headers.get("sec-websocket-key", "").encode()
        accept = base64.b64encode(hashlib.sha1(key + _GUID).digest()).decode()
        self.sock.sendall(
            (
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Accept: {accept}\r\n\r\n"
            ).encode()
        )
        self.server.paths.append(head[0].split(" ")[1])
        hello = {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0PROGRESS"}}
        self.send(TEXT, json.dumps(hello).encode())
        return True

    def run(self) -> None:
        try:
            if not self.handshake():
                return
            while True:
                b1, b2 = self._exact(2)
                opcode, n = b1 & 0x0F, b2 & 0x7F
                if n == 126:
                    (n,) = struct.unpack("!H", self._exact(2))
                elif n == 127:
                    (n,) = struct.unpack("!Q", self._exact(8))
                mask = self._exact(4) if b2 & 0x80 else b"\0\0\0\0"
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(self._exact(n)))
                if opcode == PING:
                    self.send(PONG, payload)
                elif opcode == CLOSE:
                    self.send(CLOSE, payload[:2])
                    return
                elif opcode == TEXT:
                    self.server._received(json.loads(payload.decode("utf-8")))
        except (OSError, ConnectionError, ValueError):
            return
        finally:
            self.open = False
            self.sock.close()


class SocketModeStandIn:
    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.connections: list[_Conn] = []
        self.paths: list[str] = []  # the request path of each handshake, in order
        self.acks: list[dict[str, Any]] = []  # every message the client sent, in order
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="socket-mode-standin", daemon=True)
        self._n = 0

    @property
    def url(self) -> str:
        """What apps.connections.open hands out: a fresh ticket each time, as Slack's does."""
        self._n += 1
        return f"ws://127.0.0.1:{self.listener.getsockname()[1]}/link/?ticket=t{self._n}&app_id=A0PROGRESS"

    def start(self) -> SocketModeStandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        for conn in self.connections:
            self._shut(conn)
        self.listener.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                sock, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            sock.settimeout(None)
            conn = _Conn(self, sock)
            self.connections.append(conn)
            threading.Thread(target=conn.run, name="socket-mode-conn", daemon=True).start()

    def _received(self, message: dict[str, Any]) -> None:
        with self._cond:
            self.acks.append(message)
            self._cond.notify_all()

    # -- what a test does ----------------------------------------------------------------------------------

    @property
    def live(self) -> list[_Conn]:
        return [c for c in self.connections if c.open]

    def wait_connected(self, count: int = 1, timeout: float = 5.0) -> _Conn:
        """The newest live connection once `count` handshakes have happened."""
        deadline = time.monotonic() + timeout
        while len(self.paths) < count or not self.live:
            if time.monotonic() > deadline:
                raise AssertionError(f"no Socket Mode connection #{count} within {timeout} s")
            time.sleep(0.01)
        return self.live[-1]

    def envelope(
        self,
        kind: str,
        payload: dict[str, Any],
        envelope_id: str,
        *,
        retry_attempt: int | None = None,
        retry_reason: str | None = None,
    ) -> None:
        """Deliver one envelope on the newest live connection, as Slack does."""
        message: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind in ("interactive", "slash_commands"),
        }
        if retry_attempt is not None:
            message |= {"retry_attempt": retry_attempt, "retry_reason": retry_reason or "timeout"}
        self.wait_connected().send(TEXT, json.dumps(message).encode())

    def disconnect(self, reason: str = "refresh_requested") -> None:
        """Slack's polite way to move a client: it should open a new connection."""
        message = {"type": "disconnect", "reason": reason, "debug_info": {"host": "standin"}}
        self.wait_connected().send(TEXT, json.dumps(message).encode())

    def drop(self) -> None:
        """Cut every connection without a close frame (a network failure)."""
        for conn in self.live:
            self._shut(conn)

    def acks_for(self, envelope_id: str) -> list[dict[str, Any]]:
        with self._cond:
            return [a for a in self.acks if a.get("envelope_id") == envelope_id]

    def wait_ack(self, envelope_id: str, count: int = 1, timeout: float = 5.0) -> dict[str, Any]:
        """The `count`-th ack for `envelope_id` (waiting for it)."""
        with self._cond:
            ok = self._cond.wait_for(lambda: len(self.acks_for(envelope_id)) >= count, timeout=timeout)
        if not ok:
            raise AssertionError(f"envelope {envelope_id} was not acked {count} time(s) within {timeout} s")
        return self.acks_for(envelope_id)[count - 1]

    @staticmethod
    def _shut(conn: _Conn) -> None:
        with contextlib.suppress(OSError):
            conn.sock.shutdown(socket.SHUT_RDWR)
