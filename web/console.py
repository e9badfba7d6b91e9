"""The coordinators' console: sign-in by emailed link, sign-out, and the read-only plan pages (docs/web.md).

A Starlette app of its own, mounted by web/app.py, so its session cookie and CSRF check wrap only these
routes. The session is Starlette's SessionMiddleware: an itsdangerous-signed cookie keyed by WEB_SECRET,
HttpOnly, SameSite=Lax, Secure under https. It holds the address signed in, when, and the CSRF token; what
the address may see is read from the store on every request, and a session older than SESSION_LIFETIME is
refused whatever the cookie's own age (Starlette re-signs the cookie on each answer, which would slide it).
Every POST must carry the session's CSRF token.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from collector.channels.protocol import Channel
from collector.core.clock import Clock
from store.db import session_scope
from web import auth, console_data

log = logging.getLogger(__name__)

SESSION_LIFETIME = 8 * 3600  # seconds
COOKIE = "console_session"
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # a sign-in link must never leave in a Referer
    "Cache-Control": "no-store",
}
SENT = "If that address can sign in, a link to do so is on its way. It works once, for 15 minutes."


@dataclass(frozen=True)
class ConsoleConfig:
    secret: str
    public_url: str
    admin_emails: str = ""
    per_address: int = 5  # sign-in requests per address per RATE_WINDOW
    per_client: int = 30  # and per client address, when the server gives one
    overall: int = 300  # and for the whole process: a backstop that one client cannot use to lock out others


RATE_WINDOW = 15 * 60.0


def build_console(
    engine: Engine, channels: dict[str, Channel], clock: Clock, config: ConsoleConfig
) -> Starlette:
    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates" / "console"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
    )
    admins = auth.admins(config.admin_emails)
    by_address = auth.RateLimit(config.per_address, RATE_WINDOW)
    by_client = auth.RateLimit(config.per_client, RATE_WINDOW)
    overall = auth.RateLimit(config.overall, RATE_WINDOW)
    base = config.public_url.rstrip("/")

    pending: set[asyncio.Future[None]] = set()

    def mail_link(email: str) -> None:
        try:
            token = auth.new_link(engine, clock, email)
            auth.send_link(engine, channels, email, f"{base}/signin/{token}")
        except Exception:  # logged; the person asks again
            log.exception("console sign-in: no link was made for a known address")

    def csrf(request: Request) -> str:
        token = request.session.get("csrf")
        if not isinstance(token, str):
            token = request.session["csrf"] = secrets.token_urlsafe(32)
        return token

    def html(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("who", None)
        body = env.get_template(name).render(csrf=csrf(request), **context)
        return HTMLResponse(body, status, headers=HEADERS)

    def plain(name: str, status: int) -> HTMLResponse:
        """A page that touches no session: a dead link or an unknown path sets no cookie."""
        return HTMLResponse(env.get_template(name).render(who=None, csrf=""), status, headers=HEADERS)

    async def form_ok(request: Request) -> dict[str, str] | None:
        async with request.form(max_files=0, max_fields=20) as data:
            form = {k: v for k, v in data.items() if isinstance(v, str)}
        expected = request.session.get("csrf")
        sent = form.get("csrf", "")
        if not isinstance(expected, str) or not secrets.compare_digest(expected.encode(), sent.encode()):
            return None
        return form

    def refused(request: Request) -> HTMLResponse:
        return html(request, "refused.html", 403)

    async def signed_in(request: Request) -> auth.Access | None:
        email, since = request.session.get("email"), request.session.get("since")
        if not isinstance(email, str) or not isinstance(since, (int, float)):
            return None
        if not 0 <= clock.now().timestamp() - since < SESSION_LIFETIME:
            request.session.clear()
            return None
        return await run_in_threadpool(auth.access, engine, admins, email)

    async def signin_form(request: Request) -> Response:
        return html(request, "signin.html", email="")

    async def signin_ask(request: Request) -> Response:
        form = await form_ok(request)
        if form is None:
            return refused(request)
        email = auth.normal(form.get("email", ""))[:320]
        client = request.client.host if request.client else None
        allowed = by_address.allow(email) and (client is None or by_client.allow(client))
        if not (allowed and overall.allow("all")):
            return html(request, "signin.html", 429, email=email, limited=True)
        who = await run_in_threadpool(auth.access, engine, admins, email) if "@" in email else None
        if who is not None:  # made and mailed after the answer, so its time does not say who is known
            pending.add(asyncio.get_running_loop().run_in_executor(None, mail_link, email))
            for done in [f for f in pending if f.done()]:
                pending.discard(done)
        return html(request, "sent.html", message=SENT)

    async def signin_confirm(request: Request) -> Response:
        """Opening the link spends nothing: it shows a button that does (a scanner's GET signs nobody in)."""
        email = await run_in_threadpool(auth.link_email, engine, clock, request.path_params["token"])
        if email is None or await run_in_threadpool(auth.access, engine, admins, email) is None:
            return plain("link_dead.html", 404)
        return html(request, "confirm.html", token=request.path_params["token"])

    async def signin_use(request: Request) -> Response:
        if await form_ok(request) is None:
            return refused(request)
        email = await run_in_threadpool(auth.use_link, engine, clock, request.path_params["token"])
        if email is None or await run_in_threadpool(auth.access, engine, admins, email) is None:
            return plain("link_dead.html", 404)
        request.session.clear()  # a new session: nothing from before sign-in carries over
        request.session.update(
            {"email": email, "since": clock.now().timestamp(), "csrf": secrets.token_urlsafe(32)}
        )
        return RedirectResponse("/console", 303, headers=HEADERS)

    async def signout(request: Request) -> Response:
        if await form_ok(request) is None:
            return refused(request)
        request.session.clear()
        return html(request, "signed_out.html")

    def view_plans(who: auth.Access) -> list[console_data.PlanRow]:
        with session_scope(engine, read_only=True) as s:
            return console_data.plans(s, who)

    def view_plan(plan_id: int) -> console_data.PlanPage | None:
        with session_scope(engine, read_only=True) as s:
            return console_data.plan_page(s, plan_id)

    async def home(request: Request) -> Response:
        who = await signed_in(request)
        if who is None:
            return RedirectResponse("/signin", 303, headers=HEADERS)
        rows = await run_in_threadpool(view_plans, who)
        return html(request, "plans.html", who=who, plans=rows)

    async def plan(request: Request) -> Response:
        who = await signed_in(request)
        if who is None:
            return RedirectResponse("/signin", 303, headers=HEADERS)
        plan_id = request.path_params["plan_id"]
        if not who.may_see(plan_id):
            return html(request, "forbidden.html", 403, who=who)
        page = await run_in_threadpool(view_plan, plan_id)
        if page is None:
            return html(request, "not_found.html", 404, who=who)
        return html(request, "plan.html", who=who, page=page)

    routes = [  # PATHS below lists these paths for web/app.py
        Route("/signin", signin_form, methods=["GET"]),
        Route("/signin", signin_ask, methods=["POST"]),
        Route("/signin/{token}", signin_confirm, methods=["GET"]),
        Route("/signin/{token}", signin_use, methods=["POST"]),
        Route("/signout", signout, methods=["POST"]),
        Route("/console", home, methods=["GET"]),
        Route("/console/plans/{plan_id:int}", plan, methods=["GET"]),
    ]
    session = Middleware(
        SessionMiddleware,
        secret_key=config.secret,
        session_cookie=COOKIE,
        max_age=SESSION_LIFETIME,
        same_site="lax",
        https_only=base.startswith("https://"),
    )
    app = Starlette(routes=routes, middleware=[session])

    async def missing(request: Request, exc: Exception) -> Response:
        return plain("not_found.html", 404)

    app.add_exception_handler(404, missing)
    app.add_exception_handler(405, missing)
    return app


# The paths web/app.py sends to this app; any other path stays the lead pages' plain 404.
PATHS = ("/signin", "/signin/{token}", "/signout", "/console", "/console/plans/{plan_id:int}")
