"""How fast is the update parser, and what does full parsing cost next to merely finding the refs?

Measures, in one run and on the same inputs:
  baseline   a naive regex that only finds ref-shaped numbers ("1.1", "2.3a") in each reply: what scanning the
             text costs at the least
  parser     collector.replies.parsing.parse_reply: refs, segments, statuses with negation, targets, links,
  confidence
over every reply in the phrasings table (tests/parsing/phrasings.py), N rounds (best of --repeat), then on one
50,000-character reply (a long top-posted list) and a 50,000-character reply dense with refs.
Figures are printed; this is never a test. Usage: python bench/parse_bench.py [--rounds 20] [--repeat 3]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from collector.replies.parsing import parse_reply  # noqa: E402  (after the path is set)
from collector.replies.types import AskedAction  # noqa: E402
from tests.parsing.phrasings import ROWS  # noqa: E402

NAIVE_REF = re.compile(r"\b\d{1,3}(?:\.\d{1,3})+[a-z]?\b")


def naive(text: str, asked: list[AskedAction]) -> int:
    """The baseline: how many ref-shaped numbers the text holds. No meaning, no statuses."""
    return len(NAIVE_REF.findall(text))


def full(text: str, asked: list[AskedAction]) -> int:
    return len(parse_reply(text, asked).updates)


def best_of(repeat: int, work: Callable[[], int]) -> tuple[float, int]:
    """(fastest wall seconds, what the work returned)."""
    best, result = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result


def long_reply(size: int = 50_000) -> str:
    block = (
        "1.{n} - on track, the working group met on 3 March and agreed the terms of reference; the draft is "
        "with legal (https://council.sharepoint.com/sites/EDI/1.{n}). Some slippage on the survey, new date "
        "end of May.\n"
    )
    text, n = "Hi Sam, apologies for the delay, updates below.\n\n", 0
    while len(text) < size:
        text += block.format(n=n % 9 + 1)
        n += 1
    return text[:size]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="passes over the phrasings table per timing")
    parser.add_argument("--repeat", type=int, default=3, help="timings taken; the fastest is reported")
    args = parser.parse_args()

    cases = [(row.text, [AskedAction(ref) for ref in row.asked]) for row in ROWS]
    chars = sum(len(text) for text, _ in cases) * args.rounds
    print(
        f"phrasings table: {len(cases)} replies x {args.rounds} rounds, {chars:,} characters; "
        f"best of {args.repeat}"
    )
    print(f"{'':28}{'seconds':>10}{'replies/s':>12}{'found/s':>12}{'MB/s':>8}")
    figures = {}
    for label, fn in (("baseline (refs regex)", naive), ("parser (parse_reply)", full)):
        seconds, found = best_of(
            args.repeat,
            lambda fn=fn: sum(fn(text, asked) for _ in range(args.rounds) for text, asked in cases),
        )
        figures[label] = seconds
        replies = len(cases) * args.rounds
        print(
            f"{label:28}{seconds:>10.3f}{replies / seconds:>12,.0f}{found / seconds:>12,.0f}"
            f"{chars / seconds / 1e6:>8.2f}"
        )
    print("  found/s: refs found (baseline) or updates parsed (parser) per second")
    base, parsed = figures.values()
    print(f"  full parsing costs {parsed / base:,.0f}x the bare ref scan")

    asked = [AskedAction(f"1.{n}") for n in range(1, 10)]
    print("\none 50,000-character reply")
    for label, text in (
        ("long top-posted list", long_reply()),
        ("refs only ('1.1 ' x 12,500)", "1.1 " * 12_500),
    ):
        base_s, _ = best_of(args.repeat, lambda text=text: naive(text, asked))
        full_s, updates = best_of(args.repeat, lambda text=text: full(text, asked))
        print(
            f"  {label:30} baseline {base_s * 1000:8.2f} ms   parser {full_s * 1000:8.1f} ms   "
            f"{updates} updates"
        )


if __name__ == "__main__":
    main()
