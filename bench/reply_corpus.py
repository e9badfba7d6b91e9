"""Reply extraction scored on talon's own test fixtures (talon is Mailgun's reply extractor): ours
(`parse_message(raw).reply`) beside talon's `quotations.extract_from`, per class of fixture. An outside
corpus keeps us honest: tests/fixtures/mail was written against our own extractor. Prints; never a test.

    .venv/bin/python bench/reply_corpus.py [--with-talon] [--failures] [--cache DIR]

talon's source distribution is fetched from PyPI at run time (pip download) into a cache directory outside
the tree (~/.cache/progress-collector/talon, never committed); its fixtures are the .eml replies, the HTML
replies and the expected-reply pairs written inline in its tests, read from their syntax tree, not run.
With --with-talon, talon is installed into a throwaway venv in that cache and run in a subprocess (this
same file with --talon-worker), so its old dependencies never touch our environment. Installed
quotations-only, as talon's own `--no-ml` mode: numpy/scipy/scikit-learn serve its signature classifier,
which extract_from does not use.

Scores, per class: exact (the expected reply after whitespace normalisation; for HTML all whitespace is
dropped, as talon's tests do) and loose (the expected text is contained and no line of the quoted part is).
HTML that talon returns and HTML that its tests expect become text through one neutral converter here, not
ours, which would strip quotes itself.

This module's top level imports only the standard library: the talon worker runs it in talon's venv.
"""

from __future__ import annotations

import argparse
import ast
import email
import email.policy
import json
import logging
import os
import re
import subprocess
import sys
import tarfile
import time
import venv
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

TALON_VERSION = "1.4.4"
TALON_RUNTIME = ["lxml", "regex", "chardet", "cchardet", "cssselect", "six", "html5lib"]
DEFAULT_CACHE = (
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "progress-collector" / "talon"
)
LANGUAGES = ("german", "french", "polish", "danish", "swedish", "norwegian", "dutch", "vietnamese")


# --- fetching and installing talon -------------------------------------------------------------------


def fetch_sdist(cache: Path) -> Path:
    """talon's unpacked source distribution (downloaded once, then read from the cache)."""
    root = cache / f"talon-{TALON_VERSION}"
    if (root / "tests").is_dir():
        return root
    cache.mkdir(parents=True, exist_ok=True)
    archive = cache / f"talon-{TALON_VERSION}.tar.gz"
    if not archive.exists():
        cmd = [sys.executable, "-m", "pip", "download", f"talon=={TALON_VERSION}", "--no-deps"]
        cmd += ["--no-binary", ":all:", "-d", str(cache), "-q"]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        if done.returncode or not archive.exists():
            raise SystemExit(f"could not download talon's sdist: {done.stderr.strip()[-400:]}")
    with tarfile.open(archive) as tar:
        tar.extractall(cache, filter="data")
    return root


def talon_python(cache: Path) -> tuple[Path | None, str]:
    """The interpreter of a throwaway venv holding talon, installing it on first use; (None, why) when it
    cannot be had, so that callers print our figures alone."""
    env_dir = cache / "venv"
    python = env_dir / "bin" / "python"
    probe = [str(python), "-c", "import talon.quotations"]
    if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return python, "cached"
    try:
        venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    except Exception as exc:
        return None, f"venv failed: {exc}"
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    for args in ([f"talon=={TALON_VERSION}", "--no-deps"], TALON_RUNTIME):
        try:
            done = subprocess.run(pip + args, capture_output=True, text=True, timeout=900)
        except subprocess.TimeoutExpired:
            return None, "pip install timed out"
        if done.returncode:
            return None, f"pip install {' '.join(args)} failed: {done.stderr.strip()[-300:]}"
    check = subprocess.run(probe, capture_output=True, text=True)
    if check.returncode:
        return None, f"talon does not import: {check.stderr.strip()[-300:]}"
    return python, "installed"


def run_talon(python: Path, request: dict[str, Any], timeout: float = 1800) -> dict[str, Any]:
    """Send one request to the worker in talon's venv and return its JSON answer."""
    done = subprocess.run(
        [str(python), str(Path(__file__).resolve()), "--talon-worker"],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        raise RuntimeError(f"talon worker failed: {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout)


# --- what talon sees of an .eml, shared by the worker and the scorer -----------------------------------


def first_body(raw: bytes) -> tuple[str, str]:
    """(text, content type) of the first text/plain part, else text/html: the body a talon user hands to
    extract_from (its own standard-replies test does the same)."""
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    for wanted in ("text/plain", "text/html"):
        for part in msg.walk():
            if part.get_content_type() != wanted or part.get_filename():
                continue
            data = part.get_payload(decode=True)
            if not isinstance(data, bytes):
                data = str(part.get_payload()).encode("utf-8", "replace")
            try:
                return data.decode(part.get_content_charset() or "utf-8", "replace"), wanted
            except LookupError:
                return data.decode("utf-8", "replace"), wanted
    return "", "text/plain"


# --- the worker, run inside talon's venv -----------------------------------------------------------


def talon_worker() -> None:
    """Answers one JSON request on stdin: extract the given bodies, or time talon on .eml files."""
    import talon
    from talon import quotations

    logging.disable(logging.CRITICAL)  # extract_from logs every failure it swallows
    talon.init()
    request = json.load(sys.stdin)
    if request["mode"] == "extract":
        out = []
        for case in request["cases"]:
            if "eml" in case:
                body, ctype = first_body(Path(case["eml"]).read_bytes())
            else:
                body, ctype = case["body"], case["ctype"]
            out.append({"reply": str(quotations.extract_from(body, ctype)), "ctype": ctype})
        json.dump({"results": out}, sys.stdout)
        return
    messages = [Path(p).read_bytes() for p in request["files"]]
    bodies = [first_body(raw) for raw in messages]

    def full() -> None:
        for raw in messages:
            quotations.extract_from(*first_body(raw))

    def alone() -> None:
        for body, ctype in bodies:
            quotations.extract_from(body, ctype)

    full()  # warm: lxml, regex compilation
    rates = {}
    for name, fn in (("full", full), ("extract_from", alone)):
        best = float("inf")
        for _ in range(request.get("repeat", 3)):
            start = time.perf_counter()
            for _ in range(request["rounds"]):
                fn()
            best = min(best, time.perf_counter() - start)
        rates[name] = len(messages) * request["rounds"] / best
    json.dump({"rates": rates, "talon": TALON_VERSION}, sys.stdout)


# --- reading the fixtures out of talon's tests --------------------------------------------------------


@dataclass
class Case:
    name: str
    klass: str
    kind: str  # "plain", "html" or "eml"
    body: str = ""  # plain or html body; for eml, the file's path
    expected: str | None = None  # None: only the ok_ checks below apply
    absent: list[str] = field(default_factory=list)
    nonempty: bool = False


class _Text(str):
    """A fixture file's text, remembering where it came from."""

    path: Path


class _File:
    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> _Text:
        text = _Text(self.path.read_text(encoding="utf-8", errors="replace"))
        text.path = self.path
        return text


class _Extraction:
    """What a talon call in a test would return: its input and the checks made on it."""

    def __init__(self, body: object, kind: str) -> None:
        self.body, self.kind = body, kind
        self.expected: str | None = None
        self.absent: list[str] = []
        self.nonempty = False
        self.checked = False


class _Unsupported(Exception):
    pass


class _TestReader:
    """Evaluates just enough of talon's test modules (string literals, .format, fixture files, helper
    calls) to pair each talon call with the reply its test expects. Patched tests are skipped."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.globals: dict[str, object] = {}
        fixtures = ast.parse((root / "tests" / "fixtures" / "__init__.py").read_text())
        self._run(fixtures.body, self.globals, [])

    def read(self, module: str) -> list[tuple[str, _Extraction]]:
        with warnings.catch_warnings():  # talon's tests have py2-era escapes ("\\s" in plain strings)
            warnings.simplefilter("ignore")
            tree = ast.parse((self.root / "tests" / module).read_text(encoding="utf-8"))
        funcs = {f.name: f for f in tree.body if isinstance(f, ast.FunctionDef)}
        found: list[tuple[str, _Extraction]] = []
        for name, func in funcs.items():
            if not name.startswith("test_") or func.decorator_list:
                continue
            sink: list[_Extraction] = []
            self._run(func.body, dict(self.globals), sink, funcs)
            found += [(name, ex) for ex in sink if ex.checked]
        return found

    def _run(
        self,
        body: list[ast.stmt],
        env: dict[str, object],
        sink: list[_Extraction],
        funcs: dict[str, ast.FunctionDef] | None = None,
    ) -> None:
        for stmt in body:
            try:
                self._step(stmt, env, sink, funcs or {})
            except (_Unsupported, KeyError, TypeError, ValueError, IndexError, OSError, AttributeError):
                if isinstance(stmt, ast.Assign):
                    for target in stmt.targets:
                        if isinstance(target, ast.Name):
                            env.pop(target.id, None)

    def _step(
        self,
        stmt: ast.stmt,
        env: dict[str, object],
        sink: list[_Extraction],
        funcs: dict[str, ast.FunctionDef],
    ) -> None:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            value = self._eval(stmt.value, env)
            if isinstance(value, _Extraction) and value not in sink:
                sink.append(value)
            env[stmt.targets[0].id] = value
        elif isinstance(stmt, ast.With):
            for item in stmt.items:
                if isinstance(item.optional_vars, ast.Name):
                    env[item.optional_vars.id] = self._eval(item.context_expr, env)
            self._run(stmt.body, env, sink, funcs)
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            call = stmt.value
            callee = call.func.id if isinstance(call.func, ast.Name) else ""
            if callee == "eq_":
                a, b = (self._eval(x, env) for x in call.args[:2])
                ex, want = (a, b) if isinstance(a, _Extraction) else (b, a)
                if isinstance(ex, _Extraction) and isinstance(want, str | bytes):
                    ex.expected = want.decode("utf-8") if isinstance(want, bytes) else str(want)
                    ex.checked = True
                    if ex not in sink:
                        sink.append(ex)
            elif callee == "ok_":
                self._ok(call.args[0], env, sink)
            elif callee in funcs and not funcs[callee].decorator_list:
                params = [a.arg for a in funcs[callee].args.args]
                local = dict(self.globals)
                local.update(zip(params, (self._eval(a, env) for a in call.args), strict=False))
                self._run(funcs[callee].body, local, sink, funcs)

    def _ok(self, node: ast.expr, env: dict[str, object], sink: list[_Extraction]) -> None:
        if isinstance(node, ast.Compare) and isinstance(node.ops[0], ast.NotIn):
            needle, ex = self._eval(node.left, env), self._eval(node.comparators[0], env)
            if isinstance(ex, _Extraction) and isinstance(needle, str):
                ex.absent.append(needle)
                ex.checked = True
        else:
            ex = self._eval(node, env)
            if isinstance(ex, _Extraction):
                ex.nonempty = ex.checked = True
        if isinstance(ex, _Extraction) and ex not in sink:
            sink.append(ex)

    def _eval(self, node: ast.expr, env: dict[str, object]) -> Any:
        if isinstance(node, ast.Constant) and isinstance(node.value, str | bytes):
            return node.value
        if isinstance(node, ast.Name):
            return env[node.id]
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self._eval(node.left, env) + self._eval(node.right, env)
        if not isinstance(node, ast.Call):
            raise _Unsupported(ast.dump(node)[:60])
        func, args = node.func, node.args
        if isinstance(func, ast.Name) and func.id == "open":
            return _File(self.root / str(self._eval(args[0], env)))
        if not isinstance(func, ast.Attribute):
            raise _Unsupported(ast.dump(func)[:60])
        owner = func.value.id if isinstance(func.value, ast.Name) else ""
        if owner == "quotations" and func.attr in ("extract_from_plain", "extract_from_html", "extract_from"):
            kind = "html" if func.attr == "extract_from_html" else "plain"
            if func.attr == "extract_from" and len(args) > 1 and self._eval(args[1], env) == "text/html":
                kind = "html"
            return _Extraction(self._eval(args[0], env), kind)
        if owner == "RE_WHITESPACE" and func.attr == "sub":
            target = self._eval(args[1], env)
            return target if isinstance(target, _Extraction) else re.sub(r"\s", "", target)
        if func.attr == "html_to_text" or (owner == "six" and func.attr == "text_type"):
            value = self._eval(args[0], env)
            return value if isinstance(value, _Extraction) else str(value)
        obj = self._eval(func.value, env)
        if isinstance(obj, _File) and func.attr == "read":
            return obj.read()
        if isinstance(obj, _Extraction) and func.attr in ("decode", "encode", "strip"):
            return obj
        if isinstance(obj, str | bytes) and func.attr in ("format", "replace", "encode", "decode", "strip"):
            return getattr(obj, func.attr)(*(self._eval(a, env) for a in args))
        raise _Unsupported(func.attr)


def load_cases(root: Path) -> list[Case]:
    """Every scoreable talon fixture, classed by folder and kind."""
    reader = _TestReader(root)
    cases: list[Case] = []
    for module in ("text_quotations_test.py", "html_quotations_test.py"):
        counts: dict[str, int] = defaultdict(int)
        for test, ex in reader.read(module):
            counts[test] += 1
            name = f"{module.split('_')[0]}:{test}" + (f"#{counts[test]}" if counts[test] > 1 else "")
            body = ex.body.decode("utf-8") if isinstance(ex.body, bytes) else str(ex.body)
            path = getattr(ex.body, "path", None)
            if path is not None and path.suffix == ".eml":
                kind, klass, body = "eml", "eml / client", str(path)
            elif ex.kind == "html":
                kind = "html"
                klass = "html / client file" if path is not None else "html / snippet"
            else:
                kind = "plain"
                klass = "plain / language" if any(w in test for w in LANGUAGES) else "plain / pattern"
            expected = ex.expected
            if kind == "html" and expected is not None:  # talon's tests expect HTML; we score text
                expected = html_text(expected)
            cases.append(Case(name, klass, kind, body, expected, ex.absent, ex.nonempty))
    replies = root / "tests" / "fixtures" / "standard_replies"
    for eml in sorted(replies.glob("*.eml")):
        reply_file = eml.with_name(eml.stem + "_reply_text")
        expected = reply_file.read_text(encoding="utf-8").strip() if reply_file.exists() else "Hello"
        cases.append(Case(f"standard_replies/{eml.name}", "eml / client", "eml", str(eml), expected))
    return cases


# --- scoring -----------------------------------------------------------------------------------------


class _TextOf(HTMLParser):
    """HTML -> text with line breaks at block elements. Neutral on purpose: it keeps blockquotes."""

    BLOCKS = frozenset({"p", "div", "br", "li", "tr", "blockquote", "hr", "table", "h1", "h2", "h3", "pre"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skip += tag in ("style", "script", "head")
        if tag in self.BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("style", "script", "head") and self.skip > 0
        if tag in self.BLOCKS:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(data)


def html_text(html: str) -> str:
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    return "".join(parser.out)


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
    ap.add_argument("--talon-worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.talon_worker:
        talon_worker()
        return

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
