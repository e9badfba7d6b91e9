"""`collector doctor`: look at every outside thing the processes depend on and say, in plain words, what is
wrong and how to fix it. Each check is independent (one failing never hides the others) and never changes
anything: no migration, no mail sent out, no lease taken. (The listener check sends our own listener one
marked probe message, stored as a probe: the only way to know it stores mail.)

Exit code 1 when any check fails, so a deploy script can run it before starting the processes.
"""

from __future__ import annotations

import json
import smtplib
import socket
import ssl
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import typer
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from collector.channels.protocol import ChannelError
from collector.core.settings import Settings

from .context import console, runtime

OK, WARN, FAIL, OFF = "ok", "warning", "failed", "off"
_MARK = {OK: "[green]✓[/]", WARN: "[yellow]![/]", FAIL: "[red]✗[/]", OFF: "[dim]-[/]"}


@dataclass(frozen=True)
class Finding:
    check: str
    status: str  # ok | warning | failed | off
    detail: str
    fix: str = ""


def check_database(settings: Settings) -> Finding:
    from store.db import current_revision, describe_url, head_revision, make_engine

    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
        return Finding(
            "database", WARN, f"no database yet at {url.database}",
            "it is created when a command first opens it, e.g. `collector plan import FILE`",
        )  # fmt: skip
    engine = make_engine(settings.database_url)
    where = describe_url(engine.url)
    try:
        current, head = current_revision(engine), head_revision()
        durable = _durability(engine)
    except SQLAlchemyError as exc:
        first = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        return Finding(
            "database", FAIL, f"cannot open {where}: {first}",
            "check DATABASE_URL; for PostgreSQL, that the server runs and the user may connect",
        )  # fmt: skip
    finally:
        engine.dispose()
    if current is None:
        return Finding("database", FAIL, f"{where} has no schema yet", "run `collector db upgrade`")
    if current != head and engine.dialect.name == "sqlite":
        return Finding(
            "database", WARN, f"{where} is at revision {current}, this version needs {head}",
            "nothing to do: SQLite is upgraded when a command first opens it (or run `collector db upgrade`)",
        )  # fmt: skip
    if current != head:
        return Finding(
            "database", FAIL, f"{where} is at revision {current}, this version needs {head}",
            "run `collector db upgrade` (SQLite upgrades itself when a command first opens it)",
        )  # fmt: skip
    if durable:
        return Finding(
            "database", WARN, f"{where}: {durable}",
            "set synchronous_commit = on and fsync = on: a 250 to a sender must mean the mail is on disk",
        )  # fmt: skip
    return Finding("database", OK, f"{where}, schema current ({head})")


def _durability(engine: Engine) -> str:
    if engine.dialect.name != "postgresql":
        return ""
    with engine.connect() as connection:
        for setting in ("synchronous_commit", "fsync"):
            if (value := connection.exec_driver_sql(f"SHOW {setting}").scalar()) != "on":
                return f"{setting} is {value}"
    return ""


def check_relay(settings: Settings, timeout: float = 10) -> Finding:
    if not settings.smtp_url:
        where = (
            "leads are reached on Slack only"
            if settings.slack_bot_token
            else f"no channel is configured: messages are written to {settings.var_dir / 'outbox'}, not sent"
        )
        return Finding(
            "mail relay", WARN, f"SMTP_URL is not set: {where}",
            "set SMTP_URL=smtp://user:password@relay.example.org:587 to send email",
        )  # fmt: skip
    from mailin.outbound.smtp import RelayConfig, SmtpSender

    try:
        sender = SmtpSender(settings.smtp_url, timeout=timeout, delays=())
    except ValueError as exc:
        return Finding("mail relay", FAIL, str(exc), "fix SMTP_URL")
    try:
        return Finding("mail relay", OK, sender.check())
    except smtplib.SMTPAuthenticationError as exc:
        detail, fix = f"login refused: {exc.smtp_code} {_text(exc.smtp_error)}", "check the user and password"
    except ssl.SSLCertVerificationError as exc:
        detail, fix = f"certificate not trusted: {exc.verify_message}", "use the relay's real host name"
    except (OSError, smtplib.SMTPException) as exc:
        detail = f"{type(exc).__name__}: {exc}"
        fix = "check the host and port (587 STARTTLS, 465 smtps) and that this machine may reach it"
    except ChannelError as exc:  # no STARTTLS, and a password to send
        detail, fix = str(exc), "use a relay that offers STARTTLS, or smtps:// on port 465"
    return Finding("mail relay", FAIL, f"{RelayConfig.parse(settings.smtp_url).redacted()}: {detail}", fix)


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _mx_records(domain: str) -> list[str]:
    import dns.exception
    import dns.resolver

    try:
        answer = dns.resolver.resolve(domain, "MX", lifetime=5)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    except dns.exception.DNSException as exc:
        raise OSError(f"DNS lookup failed: {exc}") from exc
    return sorted(str(r.exchange).rstrip(".") for r in answer)


def check_mail_domain(settings: Settings, mx: Callable[[str], list[str]] = _mx_records) -> Finding:
    domain = settings.mail_domain
    if domain in ("localhost", "localhost.localdomain") or "." not in domain:
        return Finding(
            "mail domain", WARN, f"MAIL_DOMAIN is {domain!r}: replies from outside cannot reach it",
            "set MAIL_DOMAIN to a domain whose MX record points at this server (docs: inbound mail)",
        )  # fmt: skip
    try:
        hosts = mx(domain)
    except OSError as exc:
        return Finding("mail domain", WARN, f"{domain}: {exc}", "check this machine's DNS")
    if not hosts:
        return Finding(
            "mail domain", FAIL, f"{domain} has no MX record: replies to progress@{domain} bounce",
            f"add an MX record for {domain} pointing at the host running `collector serve mail`, or "
            "forward an existing mailbox to it",
        )  # fmt: skip
    return Finding("mail domain", OK, f"{domain} receives mail at {', '.join(hosts)}")


def check_listener(settings: Settings, timeout: float = 3, probe_timeout: float = 15) -> Finding:
    host, _, port = settings.mail_listen.rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout) as sock:
            banner = sock.recv(512).decode("ascii", "replace").strip()
    except (OSError, ValueError) as exc:
        return Finding(
            "mail listener", WARN, f"nothing answers on {settings.mail_listen} ({exc})",
            "start `collector serve mail` (the Procfile's mail process)",
        )  # fmt: skip
    if not banner.startswith("220"):
        return Finding(
            "mail listener", FAIL, f"{settings.mail_listen} answered {banner[:80]!r}, not an SMTP greeting",
            "another program holds MAIL_LISTEN: choose another port",
        )  # fmt: skip
    # A greeting is not health (issue 13): the listener must store a message end to end. The probe is
    # stored as a probe, never read as a reply (mailin.inbound.probe).
    from mailin.inbound.probe import send_probe

    try:
        stored = send_probe(host or "127.0.0.1", int(port), settings.mail_domain, timeout=probe_timeout)
    except smtplib.SMTPResponseException as exc:
        detail = f"{exc.smtp_code} {_text(exc.smtp_error)}"
    except (OSError, smtplib.SMTPException) as exc:  # a timeout: the listener took DATA and never answered
        detail = f"{type(exc).__name__}: {exc}"
    else:
        return Finding(
            "mail listener", OK, f"{settings.mail_listen} greets ({banner[:60]}) and stored a probe: {stored}"
        )
    return Finding(
        "mail listener", FAIL, f"{settings.mail_listen} greets but did not store a probe message: {detail}",
        "restart `collector serve mail` and read its log; check the database (mail cannot be stored)",
    )  # fmt: skip


def check_mailbox(settings: Settings) -> Finding:
    """MAILBOX_URL: sign-in, the folder, IDLE and the OAuth token's lifetime
    (mailin/inbound/imap_check.py)."""
    if not settings.mailbox_url:
        return Finding("mailbox", OFF, "MAILBOX_URL is not set: replies come in by SMTP only")
    from mailin.inbound.imap_check import inspect_mailbox

    return Finding("mailbox", *inspect_mailbox(settings))


def check_slack(settings: Settings) -> Finding:
    if not settings.slack_bot_token:
        return Finding("slack", OFF, "SLACK_BOT_TOKEN is not set: Slack is off")
    if not settings.slack_app_token and not settings.slack_signing_secret:
        return Finding(
            "slack", FAIL, "SLACK_SIGNING_SECRET is not set: Slack's requests cannot be verified",
            "copy the Signing Secret from the app's Basic Information page, or use Socket Mode",
        )  # fmt: skip
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    client = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url, timeout=10)
    try:
        answer = client.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error", "unknown_error")
        return Finding(
            "slack", FAIL, f"auth.test refused the bot token: {error}",
            "reinstall the app to the workspace and copy its Bot User OAuth Token (xoxb-...)",
        )  # fmt: skip
    except OSError as exc:
        return Finding("slack", FAIL, f"cannot reach {settings.slack_api_url}: {exc}", "check SLACK_API_URL")
    return Finding("slack", OK, f"bot {answer.get('user')} in workspace {answer.get('team')}")


def check_web(settings: Settings) -> Finding:
    """The leads' update-page links (docs/web.md): on only with PUBLIC_URL and WEB_SECRET both set."""
    if not settings.public_url:
        return Finding("web links", OFF, "PUBLIC_URL is not set: prompts carry no update-page link")
    if settings.web_secret is None or len(settings.web_secret.get_secret_value()) < 32:
        return Finding(
            "web links", FAIL, "PUBLIC_URL is set but WEB_SECRET is missing or shorter than 32 characters",
            "set WEB_SECRET to a long random value, e.g. `openssl rand -hex 32`",
        )  # fmt: skip
    if not settings.public_url.startswith("https://"):
        return Finding(
            "web links", WARN, f"{settings.public_url} is not https: links would travel in the clear",
            "serve the web process behind https and set PUBLIC_URL to that address",
        )  # fmt: skip
    return Finding("web links", OK, f"prompts link to {settings.public_url.rstrip('/')}/u/...")


def check_scheduler(settings: Settings, now: datetime | None = None) -> Finding:
    from collector.rounds import lease
    from collector.rounds.scheduler import LEASE
    from store.db import make_engine

    engine = make_engine(settings.database_url)
    try:
        held = lease.holder_of(engine, LEASE)
    except SQLAlchemyError:
        return Finding("scheduler", FAIL, "cannot read the scheduler lease", "fix the database first")
    finally:
        engine.dispose()
    now = now or datetime.now(UTC)
    if held is None:
        return Finding(
            "scheduler", WARN, "no scheduler holds the lease: rounds will not open, remind or close",
            "start `collector serve scheduler` (the Procfile's scheduler process)",
        )  # fmt: skip
    holder, expires = held
    if isinstance(expires, datetime) and expires <= now:
        return Finding(
            "scheduler", WARN, f"{holder} stopped renewing its lease at {expires:%Y-%m-%d %H:%M} UTC",
            "restart `collector serve scheduler`; a standby takes over by itself",
        )  # fmt: skip
    return Finding("scheduler", OK, f"{holder} holds the lease")


def check_reach(settings: Settings) -> Finding:
    """Per channel, how many leads of the plans in use it would reach, and who none would."""
    from collector.channels.registry import configured_names
    from collector.rounds.reach import reach
    from store.db import make_engine, session_scope

    engine = make_engine(settings.database_url)
    try:
        with session_scope(engine, read_only=True) as s:
            found = reach(s, configured_names(settings))
    except SQLAlchemyError:
        return Finding("leads", FAIL, "cannot read the plans and people", "fix the database first")
    finally:
        engine.dispose()
    if not found.plans:
        return Finding("leads", OFF, "no plan yet: import one with `collector plan import FILE`")
    detail = "; ".join(found.lines())
    fixes = [] if found.configured else ["set SMTP_URL or SLACK_BOT_TOKEN to send to them"]
    if found.unreachable:
        fixes.append("give the unreachable an email or Slack id (`collector people set NAME --email ...`)")
    return Finding("leads", WARN, detail, "; ".join(fixes)) if fixes else Finding("leads", OK, detail)


def findings(settings: Settings) -> list[Finding]:
    database = check_database(settings)
    checks: list[Callable[[], Finding]] = [
        lambda: check_relay(settings),
        lambda: check_mail_domain(settings),
        lambda: check_listener(settings),
        lambda: check_mailbox(settings),
        lambda: check_slack(settings),
    ]
    if settings.public_url:  # the links are opt-in: an installation without them is not told about them
        checks.append(lambda: check_web(settings))
    found = [database, *(check() for check in checks)]
    if database.status == OK:  # the lease, plans and people live in the database
        found += [check_reach(settings), check_scheduler(settings)]
    return found


def doctor(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print the findings as JSON."),
) -> None:
    """Check the database, mail relay, mail domain, listener, Slack token, who each channel reaches and the
    scheduler; say what to fix."""
    found = findings(runtime(ctx).settings)
    if as_json:
        print(json.dumps([asdict(f) for f in found], indent=2))
    else:
        for f in found:
            console.print(f"{_MARK[f.status]} [bold]{f.check}[/]: {f.detail}", highlight=False)
            if f.fix:
                console.print(f"    fix: {f.fix}", highlight=False, style="dim")
    if any(f.status == FAIL for f in found):
        raise typer.Exit(1)
