"""Reply extraction scored on talon's own test fixtures (talon is Mailgun's reply extractor): ours
(`parse_message(raw).reply`) beside talon's `quotations.extract_from`, per class of fixture. An outside
corpus keeps us honest: tests/fixtures/mail was written against our own extractor. Prints; never a test.

    .venv/bin/python bench/reply_corpus.py [--with-talon] [--failures] [--cache DIR]

talon's source distribution is fetched from PyPI at run time (pip download) into a cache directory outside
the tree (~/.cache/progress-collector/talon, never committed); its fixtures are the .eml replies, the HTML
replies and the expected-reply pairs written inline in its tests, read from their syntax tree, not run.
With --with-talon, talon is installed into a throwaway venv in that cache and run in a subprocess
(bench/talon_runtime.py), so its old dependencies never touch our environment. Installed
quotations-only, as talon's own `--no-ml` mode: numpy/scipy/scikit-learn serve its signature classifier,
which extract_from does not use.

Scores, per class: exact (the expected reply after whitespace normalisation; for HTML all whitespace is
dropped, as talon's tests do) and loose (the expected text is contained and no line of the quoted part is).
HTML that talon returns and HTML that its tests expect become text through one neutral converter here, not
ours, which would strip quotes itself.

"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from talon_fixtures import Case, html_text, load_cases
from talon_runtime import (
    DEFAULT_CACHE,
    TALON_VERSION,
    fetch_sdist,
    first_body,
    run_talon,
    talon_python,
)

# --- scoring -----------------------------------------------------------------------------------------


def norm(text: str, html: bool) -> str:
    return "".join(text.split()) if html else " ".join(text.split())


def quoted_lines(source: str, expected: str | None, html: bool) -> list[str]:
    """Lines of the input that are not part of the expected reply: none may appear in a good answer."""
    want = norm(expected or "", html)
    lines = (norm(line.lstrip("> \t"), html) for line in source.splitlines())
    return [line for line in lines if len(line) >= 4 and line not in want]


@dataclass
class Score:
    exact: bool | None  # None: the test states no expected reply
    loose: bool


def score(case: Case, got: str, source: str) -> Score:
    html = case.kind == "html"
    text = norm(got, html)
    quoted = [q for q in quoted_lines(source, case.expected, html) if q in text]
    if case.expected is None:
        ok = (not case.nonempty or bool(text)) and not any(a in got for a in case.absent)
        return Score(None, ok)
    want = norm(case.expected, html)
    return Score(text == want, want in text and not quoted)


def why_missed(case: Case, source: str, got: str) -> str:
    """Sorts a miss into a contract that differs from the test's or a plain miss, by its shape."""
    if case.expected is None:
        return "miss: fails the test's ok_() checks"
    html = case.kind == "html"
    want, mine = norm(case.expected, html), norm(got, html)
    if want == norm(source, html):
        return "contract: the test wants the message whole (a forward, no reply, '>>>' text); it was cut"
    if want in mine:
        return "miss: a quote kept (its splitter not recognised)"
    if want and not mine:
        return "miss: the reply was dropped with the quote"
    if html and "<blockquote" in case.body.lower():
        return "contract: talon keeps a blockquote with no splitter; we drop every blockquote"
    return "miss: cut inside the reply"


def source_text(case: Case) -> str:
    if case.kind == "eml":
        body, ctype = first_body(Path(case.body).read_bytes())
        return html_text(body) if ctype == "text/html" else body
    return html_text(case.body) if case.kind == "html" else case.body


def as_message(case: Case) -> bytes:
    """The raw message our extractor reads: an .eml as it is, a test's body wrapped in minimal headers."""
    if case.kind == "eml":
        return Path(case.body).read_bytes()
    ctype = "text/html" if case.kind == "html" else "text/plain"
    head = (
        "From: Sender <sender@example.com>\r\nTo: Lead <lead@example.org>\r\nSubject: Re: test\r\n"
        f"MIME-Version: 1.0\r\nContent-Type: {ctype}; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    )
    return head.encode() + case.body.encode("utf-8", "surrogateescape")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--with-talon", action="store_true", help="install talon in a throwaway venv and score it"
    )
    ap.add_argument("--failures", action="store_true", help="list every case either extractor misses")
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = ap.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from mailin.inbound.extract import parse_message

    root = fetch_sdist(args.cache)
    cases = load_cases(root)
    sources = [source_text(c) for c in cases]
    ours = [parse_message(as_message(c)).reply for c in cases]
    talon: list[str] | None = None
    if args.with_talon:
        python, how = talon_python(args.cache)
        if python is None:
            print(f"talon {TALON_VERSION}: not available ({how}); our scores alone")
        else:
            request = [
                {"eml": c.body} if c.kind == "eml" else {"body": c.body, "ctype": f"text/{c.kind}"}
                for c in cases
            ]
            answer = run_talon(python, {"mode": "extract", "cases": request})["results"]
            talon = [html_text(r["reply"]) if r["ctype"] == "text/html" else r["reply"] for r in answer]

    rows: dict[str, list[tuple[Score, Score | None]]] = defaultdict(list)
    for i, case in enumerate(cases):
        mine = score(case, ours[i], sources[i])
        theirs = score(case, talon[i], sources[i]) if talon is not None else None
        rows[case.klass].append((mine, theirs))

    def rate(scores: list[Score], attr: str) -> str:
        marks = [getattr(s, attr) for s in scores if getattr(s, attr) is not None]
        return f"{sum(marks):>3}/{len(marks):<3}" if marks else "  -    "

    print(f"talon {TALON_VERSION} fixtures: {len(cases)} cases from {root}")
    head = f"  {'class':22} {'n':>3}   ours exact  ours loose"
    print(head + ("   talon exact  talon loose" if talon is not None else ""))
    for klass in [*sorted(rows), "all"]:
        pairs = [p for k in sorted(rows) for p in rows[k]] if klass == "all" else rows[klass]
        line = f"  {klass:22} {len(pairs):>3}   {rate([p[0] for p in pairs], 'exact'):>10}"
        line += f"  {rate([p[0] for p in pairs], 'loose'):>10}"
        if talon is not None:
            theirs = [p[1] for p in pairs if p[1] is not None]
            line += f"   {rate(theirs, 'exact'):>11}  {rate(theirs, 'loose'):>11}"
        print(line)
    print("  exact: equal after whitespace normalisation (HTML: all whitespace dropped); loose: holds the")
    print("  expected text and no quoted line. Cases with only ok_() checks count in loose alone.")
    print("Contracts that differ from talon's tests:")
    print("  - signatures: both keep them in the reply (ours: `reply`; `body` strips them); talon's")
    print("    signature fixtures test its separate signature module and are not scored")
    print("  - a message talon cannot split (a forward, a quote with no reply, '>>>' lines) comes back")
    print("    whole; we cut at a forward's header and drop lines starting with '>'")
    print("  - HTML: talon keeps a blockquote that has no splitter; we drop every blockquote")
    print("  - HTML: talon returns HTML; ours is text (both scored as text)")
    for who, outputs in (("ours", ours), ("talon", talon)):
        if outputs is None:
            continue
        missed = [
            (c, outputs[i], sources[i])
            for i, c in enumerate(cases)
            if not (s := score(c, outputs[i], sources[i])).loose or s.exact is False
        ]
        print(f"Misses, {who} ({len(missed)}):")
        for case, got, source in missed:
            print(f"  {case.name:52} {why_missed(case, source, got)}")
            if args.failures:
                print(f"      expected {norm(case.expected or '', False)[:96]!r}")
                print(f"      got      {norm(got, False)[:96]!r}")


if __name__ == "__main__":
    main()
