"""Extraction throughput on the mail corpus (tests/fixtures/mail): messages/s and MB/s of
mailin.extract.parse_message, beside a baseline measured in the same run (email.message_from_bytes with
policy.default plus get_body().get_content() alone). Prints figures; never a test.

    .venv/bin/python bench/extract_bench.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import email
import email.policy
import time
from collections.abc import Callable
from pathlib import Path

from mailin.extract import parse_message

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "mail"


def baseline(raw: bytes) -> str:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    body = msg.get_body(preferencelist=("plain", "html"))
    try:
        return body.get_content() if body is not None else ""
    except (LookupError, KeyError):
        return ""


def measure(fn: Callable[[bytes], object], messages: list[bytes], rounds: int) -> tuple[float, float]:
    total = sum(map(len, messages)) * rounds
    start = time.perf_counter()
    for _ in range(rounds):
        for raw in messages:
            fn(raw)
    took = time.perf_counter() - start
    return len(messages) * rounds / took, total / took / 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()
    messages = [p.read_bytes() for p in sorted(CORPUS.glob("*.eml"))]
    size = sum(map(len, messages))
    print(f"corpus: {len(messages)} messages, {size / 1e3:.1f} kB, {args.rounds} rounds")
    for fn in (baseline, parse_message):  # warm up imports and lxml
        fn(messages[0])
    rows = [("baseline (stdlib parse + get_content)", baseline), ("parse_message", parse_message)]
    results = {name: measure(fn, messages, args.rounds) for name, fn in rows}
    for name, (mps, mbps) in results.items():
        print(f"  {name:40} {mps:9.0f} msg/s {mbps:8.2f} MB/s")
    ratio = results["parse_message"][0] / results[rows[0][0]][0]
    print(f"  parse_message runs at {ratio:.2f}x the baseline's message rate")


if __name__ == "__main__":
    main()
