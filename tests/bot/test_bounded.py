"""The web process's bounds: stalled clients cost no thread and time out; at most `workers` requests are
handled at once and the rest wait in a bounded backlog or get 503; over-long heads and bodies are refused."""

from __future__ import annotations

import json
import socket
import threading
import time
from urllib.parse import urlparse

import pytest

from tests.bot import slack
from tests.bot.conftest import SAM, running
from tests.bot.test_busy import locked
from tests.bot.test_requests import CHALLENGE

STALLED = 300


def _connect(url: str) -> socket.socket:
    parts = urlparse(url)
    return socket.create_connection((parts.hostname, parts.port), timeout=5)


@pytest.mark.slow  # about 2.5 s: the stalled sockets must reach their read timeout
def test_stalled_posts_cost_no_thread_time_out_and_do_not_delay_a_good_request(settings, engine, clock, api):
    with running(settings, engine, clock, api, read_timeout=1.0) as h:
        threads = threading.active_count()
        stalled = []
        for n in range(STALLED):
            sock = _connect(h.events)
            head = "POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            # half send a head and part of a body, half not even the whole head
            sock.sendall((head + "Content-Length: 1000\r\n\r\n{").encode() if n % 2 else head[:30].encode())
            stalled.append(sock)
        try:
            good = slack.post(h.events, json.dumps(CHALLENGE).encode(), "application/json")
            assert good.status == 200 and good.seconds < 0.5, good
            assert threading.active_count() <= threads + 2  # the worker that answered, at most
            started = time.monotonic()
            answers = {_status(sock) for sock in (stalled[0], stalled[1])}
            assert answers == {b"408"} and time.monotonic() - started < 1.5
        finally:
            for sock in stalled:
                sock.close()


def _status(sock: socket.socket) -> bytes:
    line = sock.makefile("rb").readline()
    return line.split()[1] if line else b"(closed)"


def test_at_most_workers_requests_run_at_once_and_one_more_is_told_busy(settings, engine, clock, api):
    """Two workers, no backlog, the database locked: two DMs wait ingest.ACK_BUDGET for it, the third is
    answered 503 "busy" at once (Slack retries a 5xx)."""
    answers: list[slack.Answer] = []
    with running(settings, engine, clock, api, workers=2, backlog=0) as h, locked(engine):

        def send(n: int) -> None:
            answers.append(h.event(slack.event(slack.dm(SAM, f"update {n}"), event_id=f"Ev0CAP{n:04d}")))

        senders = [threading.Thread(target=send, args=(n,)) for n in range(3)]
        for sender in senders:
            sender.start()
            time.sleep(0.05)
        for sender in senders:
            sender.join(10)
    busy = [a for a in answers if a.json() == {"error": "busy"}]
    waited = [a for a in answers if a not in busy]
    assert len(busy) == 1 and busy[0].status == 503 and busy[0].seconds < 0.5
    assert [a.status for a in waited] == [503, 503] and all(a.seconds > 1 for a in waited)


def test_an_over_long_head_or_an_unread_body_is_refused_and_the_answer_reaches_the_client(harness):
    with _connect(harness.events) as sock:
        sock.sendall(b"POST /slack/events HTTP/1.1\r\nX-Long: " + b"a" * 20_000 + b"\r\n\r\n")
        assert _status(sock) == b"431"
    with _connect(harness.events) as sock:
        sock.sendall(
            b"POST /slack/events HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
        )
        assert _status(sock) == b"411"
    with _connect(harness.events) as sock:
        sock.sendall(b"GARBAGE\r\n\r\n")
        assert _status(sock) == b"400"
    big = b"{" + b" " * (2 * 1024 * 1024) + b"}"
    answer = slack.post(harness.events, big, "application/json")  # sent whole: the refusal still arrives
    assert answer.status == 413


def test_a_kept_alive_connection_serves_several_requests(harness):
    import http.client

    parts = urlparse(harness.events)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    body = json.dumps(CHALLENGE).encode()
    for _ in range(3):
        ts = str(int(time.time()))
        headers = {"Content-Type": "application/json", "X-Slack-Request-Timestamp": ts}
        connection.request("POST", parts.path, body, headers | {"X-Slack-Signature": slack.sign(body, ts)})
        response = connection.getresponse()
        assert response.status == 200 and json.loads(response.read())["challenge"]
    connection.request("GET", "/healthz")
    assert connection.getresponse().status == 200
    connection.close()
