"""Extraction throughput on the mail corpus (tests/fixtures/mail): messages/s and MB/s of
mailin.inbound.extract.parse_message, beside a baseline measured in the same run (email.message_from_bytes
with
policy.default plus get_body().get_content() alone) and, with --with-talon, beside talon (Mailgun's reply
extractor) on the same messages. Prints figures; never a test.

    .venv/bin/python bench/extract_bench.py [--rounds 20] [--repeat 3] [--with-talon]

talon runs in a throwaway venv under ~/.cache/progress-collector/talon (see bench/talon_runtime.py), in a
subprocess of this run: its dependencies never touch ours. Its bytes -> reply figure is the stdlib parse
(compat32, the fast policy) of the first text/plain (else text/html) part plus quotations.extract_from, the
work a talon user does per message; extract_from alone is printed too. Ours does more per message (every
header, auto-reply and bounce checks, the signature cut). Each figure is the best of --repeat, warm.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from talon_runtime import DEFAULT_CACHE, TALON_VERSION, run_talon, talon_python

from mailin.inbound.extract import parse_message

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "mail"


def baseline(raw: bytes) -> str:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    body = msg.get_body(preferencelist=("plain", "html"))
    try:
        return body.get_content() if body is not None else ""
    except (LookupError, KeyError):
        return ""


def measure(
    fn: Callable[[bytes], object], messages: list[bytes], rounds: int, repeat: int
) -> tuple[float, float]:
    """(messages/s, MB/s) of the best of `repeat` timings: the least disturbed by the machine."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(rounds):
            for raw in messages:
                fn(raw)
        best = min(best, time.perf_counter() - start)
    return len(messages) * rounds / best, sum(map(len, messages)) * rounds / best / 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--with-talon", action="store_true", help="install talon in a throwaway venv; time it")
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = ap.parse_args()
    paths = sorted(CORPUS.glob("*.eml"))
    messages = [p.read_bytes() for p in paths]
    size = sum(map(len, messages))
    print(f"corpus: {len(messages)} messages, {size / 1e3:.1f} kB, {args.rounds} rounds x {args.repeat}")
    for fn in (baseline, parse_message):  # warm up imports and lxml
        for raw in messages:
            fn(raw)
    rows = [("baseline (stdlib parse + get_content)", baseline), ("parse_message (ours)", parse_message)]
    results = {name: measure(fn, messages, args.rounds, args.repeat) for name, fn in rows}
    for name, (mps, mbps) in results.items():
        print(f"  {name:44} {mps:9.0f} msg/s {mbps:8.2f} MB/s")
    ours = results["parse_message (ours)"][0]
    print(f"  parse_message runs at {ours / results[rows[0][0]][0]:.2f}x the baseline's message rate")
    if not args.with_talon:
        return
    python, how = talon_python(args.cache)
    if python is None:
        print(f"  talon {TALON_VERSION}: could not be installed ({how}); our figures alone")
        return
    request = {"mode": "time", "files": [str(p) for p in paths], "rounds": args.rounds, "repeat": args.repeat}
    try:
        rates = run_talon(python, request)["rates"]
    except Exception as exc:
        print(f"  talon {TALON_VERSION}: did not run ({exc}); our figures alone")
        return
    for key, label in (("full", "bytes -> reply"), ("extract_from", "extract_from alone")):
        name = f"talon {TALON_VERSION} ({label})"
        print(f"  {name:44} {rates[key]:9.0f} msg/s {size * rates[key] / len(messages) / 1e6:8.2f} MB/s")
    print(f"  parse_message runs at {ours / rates['full']:.2f}x talon's bytes -> reply rate ({how} venv)")


if __name__ == "__main__":
    main()
