"""The Starlette app behind the lead's update page: GET shows the form, POST records it (docs/web.md).

Starlette for routing, form parsing (python-multipart, bounded) and Jinja2 rendering with autoescape on;
every database step runs in a worker thread (run_in_threadpool), since the store is synchronous. A link
that does not open a prompt, for whatever reason, is the same plain 404, so it tells a guesser nothing.
The form carries a CSRF token: the prompt and a fresh nonce, signed and timed with itsdangerous; the nonce
also names the stored submission, so the same form sent twice is recorded once.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from itsdangerous import BadData, URLSafeTimedSerializer
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from collector.channels.protocol import Channel
from collector.core.clock import Clock
from store.db import session_scope
from web import drafts, evidence, lead
from web.console import PATHS as CONSOLE_PATHS
from web.console import ConsoleConfig, build_console
from web.limits import PageLimits, Rule

FORM_MAX_AGE = 3 * 24 * 3600  # seconds a page's form may stay open before it must be reloaded
MAX_FIELDS = 600  # form fields: three per action, for a lead asked about up to 200 actions
PER_LINK = Rule(30, 60.0)  # a person reloads and sends a form a few times a minute at most
PER_ADDRESS = Rule(120, 60.0)  # wider: one office's leads may share an address
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # the link is the key: never pass it on
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class WebConfig:
    secret: str
    grace_days: int
    per_link: Rule = PER_LINK
    per_address: Rule = PER_ADDRESS
    monotonic: Callable[[], float] = field(default=time.monotonic)
    evidence_dir: Path | None = None  # where evidence files go (var/evidence); None: no file inputs
    evidence_max_bytes: int = 10 * 1024 * 1024


def templates() -> Environment:
    return Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
    )


def build_app(
    engine: Engine,
    channels: dict[str, Channel],
    clock: Clock,
    config: WebConfig,
    console: ConsoleConfig | None = None,
) -> Starlette:
    env = templates()
    forms = URLSafeTimedSerializer(config.secret, salt="lead-form")
    limits = PageLimits(config.per_link, config.per_address, config.monotonic)

    def html(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(context), status, headers=HEADERS)

    def not_found() -> HTMLResponse:
        return html("not_found.html", 404)

    def view(token: str) -> lead.Page | None:
        with session_scope(engine, read_only=True) as s:
            prompt = lead.open_prompt(s, config.secret, token, clock, config.grace_days)
            return lead.page(s, prompt) if prompt is not None else None

    def saved(prompt_id: int) -> dict[str, str]:
        with session_scope(engine, read_only=True) as s:
            return drafts.load(s, prompt_id)

    def form_page(page: lead.Page, token: str, status: int = 200, **extra: Any) -> HTMLResponse:
        csrf = forms.dumps({"p": page.prompt_id, "n": secrets.token_urlsafe(16)})
        defaults: dict[str, Any] = {"problem": None, "outcome": None, "values": {}, "saved": False}
        files = {
            "evidence": config.evidence_dir is not None,
            "max_mb": max(1, config.evidence_max_bytes >> 20),
        }
        context = {**defaults, **files, **extra}
        return html("lead.html", status, page=page, csrf=csrf, action=f"/u/{token}", **context)

    def too_many(request: Request) -> HTMLResponse | None:
        client = request.client.host if request.client is not None else None
        wait = limits.check(request.path_params["token"], client)
        if not wait:
            return None
        answer = html("busy.html", 429, wait=wait)
        answer.headers["Retry-After"] = str(wait)
        return answer

    async def show(request: Request) -> Response:
        if (refused := too_many(request)) is not None:
            return refused
        token = request.path_params["token"]
        page = await run_in_threadpool(view, token)
        if page is None:
            return not_found()
        return form_page(page, token, values=await run_in_threadpool(saved, page.prompt_id))

    async def record(request: Request) -> Response:
        if (refused := too_many(request)) is not None:
            return refused
        token = request.path_params["token"]
        page = await run_in_threadpool(view, token)
        if page is None:
            return not_found()
        max_files = len(page.rows) if config.evidence_dir is not None else 0
        uploads: list[evidence.Upload] = []
        async with request.form(max_files=max_files, max_fields=MAX_FIELDS) as data:
            form = {k: v for k, v in data.items() if isinstance(v, str)}
            for name, value in data.multi_items():
                kind, _, rest = name.partition("-")
                if isinstance(value, UploadFile) and kind == "evidence" and rest.isascii() and rest.isdigit():
                    content = await value.read()
                    if value.filename or content:
                        uploads.append(evidence.Upload(int(rest), value.filename or "", content))
        try:
            signed = forms.loads(form.pop("csrf", ""), max_age=FORM_MAX_AGE)
        except BadData:
            signed = None
        if not isinstance(signed, dict) or signed.get("p") != page.prompt_id or not signed.get("n"):
            problem = (
                "This form has expired or was not sent from this page. Nothing was recorded: send it again."
            )
            return form_page(page, token, 403, problem=problem, values=form)
        if form.pop("intent", "") == "save":
            await run_in_threadpool(drafts.save, engine, clock, page.prompt_id, form)
            return form_page(page, token, values=form, saved=True)
        checked = [evidence.check(u, config.evidence_max_bytes) for u in uploads]
        accepted = tuple(c for c in checked if isinstance(c, evidence.Accepted))
        not_taken = [c for c in checked if isinstance(c, str)]
        outcome = await run_in_threadpool(
            lead.submit, engine, channels, clock, page.prompt_id, form, str(signed["n"]), accepted,
            config.evidence_dir,
        )  # fmt: skip
        files_problem = (
            "Not received: " + "; ".join(not_taken) + ". Your answers are kept below: choose the file "
            "again (or another) and send."
            if not_taken
            else None
        )
        if outcome.refused is not None:
            problem = outcome.refused + (" " + files_problem if files_problem else "")
            return form_page(page, token, 400, problem=problem, values=form)
        fresh = await run_in_threadpool(view, token)
        kept = form if not_taken else {}  # a refused file: the lead's typed text stays in the form
        return form_page(fresh or page, token, outcome=outcome, problem=files_problem, values=kept)

    routes = [Route("/u/{token}", show, methods=["GET"]), Route("/u/{token}", record, methods=["POST"])]
    if console is not None:  # the coordinators' console (web/console.py), an app of its own on its paths
        console_app = build_console(engine, channels, clock, console)
        routes += [Route(path, console_app) for path in CONSOLE_PATHS]
    app = Starlette(routes=routes)

    async def missing(request: Request, exc: Exception) -> Response:
        return not_found()

    app.add_exception_handler(404, missing)
    app.add_exception_handler(405, missing)
    return app
