"""The Starlette app behind the lead's update page: GET shows the form, POST records it (docs/web.md).

Starlette for routing, form parsing (python-multipart, bounded) and Jinja2 rendering with autoescape on;
every database step runs in a worker thread (run_in_threadpool), since the store is synchronous. A link
that does not open a prompt, for whatever reason, is the same plain 404, so it tells a guesser nothing.
The form carries a CSRF token: the prompt and a fresh nonce, signed and timed with itsdangerous; the nonce
also names the stored submission, so the same form sent twice is recorded once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from itsdangerous import BadData, URLSafeTimedSerializer
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from collector.channels.protocol import Channel
from collector.core.clock import Clock
from store.db import session_scope
from web import lead
from web.console import PATHS as CONSOLE_PATHS
from web.console import ConsoleConfig, build_console

FORM_MAX_AGE = 3 * 24 * 3600  # seconds a page's form may stay open before it must be reloaded
MAX_FIELDS = 600  # form fields: three per action, for a lead asked about up to 200 actions
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

    def html(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(context), status, headers=HEADERS)

    def not_found() -> HTMLResponse:
        return html("not_found.html", 404)

    def view(token: str) -> lead.Page | None:
        with session_scope(engine, read_only=True) as s:
            prompt = lead.open_prompt(s, config.secret, token, clock, config.grace_days)
            return lead.page(s, prompt) if prompt is not None else None

    def form_page(page: lead.Page, token: str, status: int = 200, **extra: Any) -> HTMLResponse:
        csrf = forms.dumps({"p": page.prompt_id, "n": secrets.token_urlsafe(16)})
        defaults: dict[str, Any] = {"problem": None, "outcome": None, "values": {}}
        return html("lead.html", status, page=page, csrf=csrf, action=f"/u/{token}", **{**defaults, **extra})

    async def show(request: Request) -> Response:
        token = request.path_params["token"]
        page = await run_in_threadpool(view, token)
        return not_found() if page is None else form_page(page, token)

    async def record(request: Request) -> Response:
        token = request.path_params["token"]
        page = await run_in_threadpool(view, token)
        if page is None:
            return not_found()
        async with request.form(max_files=0, max_fields=MAX_FIELDS) as data:
            form = {k: v for k, v in data.items() if isinstance(v, str)}
        try:
            signed = forms.loads(form.pop("csrf", ""), max_age=FORM_MAX_AGE)
        except BadData:
            signed = None
        if not isinstance(signed, dict) or signed.get("p") != page.prompt_id or not signed.get("n"):
            problem = (
                "This form has expired or was not sent from this page. Nothing was recorded: send it again."
            )
            return form_page(page, token, 403, problem=problem, values=form)
        outcome = await run_in_threadpool(
            lead.submit, engine, channels, clock, page.prompt_id, form, str(signed["n"])
        )
        if outcome.refused is not None:
            return form_page(page, token, 400, problem=outcome.refused, values=form)
        fresh = await run_in_threadpool(view, token)
        return form_page(fresh or page, token, outcome=outcome)

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
