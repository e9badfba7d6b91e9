"""talon (Mailgun's reply extractor) beside us, kept out of our environment: its sdist fetched from PyPI into
a cache outside the tree, installed quotations-only into a throwaway venv there, and run in a subprocess
(this file with --talon-worker) that answers one JSON request. bench/reply_corpus.py and
bench/extract_bench.py use it.

This module's top level imports only the standard library: the worker runs it in talon's venv.
"""

from __future__ import annotations

import email
import email.policy
import json
import logging
import os
import subprocess
import sys
import tarfile
import time
import venv
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


if __name__ == "__main__" and sys.argv[1:] == ["--talon-worker"]:
    talon_worker()
