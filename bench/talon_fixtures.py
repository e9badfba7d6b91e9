"""talon's own test fixtures as cases: its tests are read as syntax trees (string literals, .format, fixture
files, helper calls), never run, so each talon call is paired with the reply its test expects. Used by
bench/reply_corpus.py.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from talon_runtime import LANGUAGES


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
