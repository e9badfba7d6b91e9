"""`collector report`: build the committee's progress report, send it, and say who the committee is.

    collector report build --plan P [--round R] [--exceptions] --format html,docx,pdf,xlsx,csv,md --out DIR
    collector report send --plan P [--round R] [--exceptions] [--to committee|a@x.org,...] [--format pdf,docx]
    collector report committee --plan P [--add a@x.org] [--remove a@x.org] [--slack-channel C0123]
    collector report list --plan P

The report is compiled in a read-only transaction, rendered to files, and every file is recorded. A send
records its recipients before the mail or Slack call and the time it went after, so a crash mid-send is
visible in `report list` rather than silently lost or repeated.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from collector.core.errors import UserError

from .context import Runtime, console, runtime

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from mailin.outbound.smtp import SmtpSender
    from reports.build import Built
    from reports.model import ReportData
    from store.models.plans import Plan

app = typer.Typer(help="The committee's progress report: build, send, committee, list.", no_args_is_help=True)

ALL_FORMATS = "html,docx,pdf,xlsx,csv,md"
PLAN = typer.Option(..., "--plan", help="The plan's id or name.")
ROUND = typer.Option(None, "--round", help="A round's id or name (default: the latest).")
EXCEPTIONS = typer.Option(
    False, "--exceptions", help="Only amber, red, overdue and unanswered actions (a short committee paper)."
)


def _zone(rt: Runtime, plan: Plan) -> ZoneInfo:
    from collector.core.workdays import zone

    return zone(plan.timezone, rt.settings.timezone)


def _compile(rt: Runtime, plan_ident: str, round_ref: str | None, exceptions: bool) -> ReportData:
    from reports.compile import compile_report
    from store.queries import find_plan

    with rt.session(read_only=True) as s:
        plan = find_plan(s, plan_ident)
        tz = _zone(rt, plan)
        today: date = rt.clock.now().astimezone(tz).date()
        return compile_report(s, plan, round_ref, today=today, tz=tz, exceptions=exceptions)


def _build(
    rt: Runtime, data: ReportData, formats: list[str], out: Path, docx_template: Path | None
) -> tuple[list[Built], list[int]]:
    from reports.build import build_files, record

    if docx_template is not None and not docx_template.is_file():
        raise UserError(f"no Word template at {docx_template}")
    with console.status("Building the report…") as status:
        built = build_files(
            data,
            formats,
            out,
            docx_template=docx_template,
            progress=lambda name: status.update(f"Building the report: {name}…"),
        )
    with rt.session() as s:
        rows = record(s, data, built, now=rt.clock.now(), actor=rt.actor)
        ids = [row.id for row in rows]
    return built, ids


@app.command("build")
def build(
    ctx: typer.Context,
    plan: str = PLAN,
    round_ref: str | None = ROUND,
    exceptions: bool = EXCEPTIONS,
    formats: str = typer.Option(ALL_FORMATS, "--format", help="Comma-separated: html,docx,pdf,xlsx,csv,md."),
    out: Path = typer.Option(Path("var/reports"), "--out", help="The folder the files are written to."),
    docx_template: Path | None = typer.Option(
        None, "--docx-template", help="The organisation's own Word template (docxtpl tags)."
    ),
) -> None:
    """Build the progress report for a plan and round in one or more formats."""
    from reports.build import parse_formats

    rt = runtime(ctx)
    chosen = parse_formats(formats)
    data = _compile(rt, plan, round_ref, exceptions)
    built, _ids = _build(rt, data, chosen, out, docx_template)
    _say_built(data, built)


def _say_built(data: ReportData, built: list[Built]) -> None:
    s = data.summary
    console.print(
        f"[bold]{data.plan_title}[/]: {data.title} — {s.total} actions, {len(s.not_answered)} leads without "
        f"an update, {s.overdue} overdue",
        highlight=False,
    )
    for b in built:
        console.print(f"  {b.format:<5} {b.path}  [dim]({b.size / 1024:.0f} KB)[/]", highlight=False)


@app.command("send")
def send(
    ctx: typer.Context,
    plan: str = PLAN,
    round_ref: str | None = ROUND,
    exceptions: bool = EXCEPTIONS,
    to: str = typer.Option(
        "committee",
        "--to",
        help="'committee' (the plan's list), addresses, or both: 'committee,clerk@x.org'.",
    ),
    formats: str = typer.Option("pdf,docx,xlsx", "--format", help="The files to attach."),
    out: Path | None = typer.Option(None, "--out", help="Where the files are kept (default: var/reports)."),
) -> None:
    """Email the report to the committee (summary in the body, files attached) and post it to the
    committee's Slack channel when one is set and Slack is configured."""
    from reports.build import parse_formats
    from reports.send import SendRequest, send_report

    rt = runtime(ctx)
    request = SendRequest(
        plan,
        round_ref,
        exceptions,
        to=tuple(to.split(",")),
        formats=tuple(parse_formats(formats)),
        out_dir=out,
    )
    relay = _relay(rt)
    try:
        with console.status("Building the report…") as status:
            sent = send_report(
                rt.engine,
                request,
                settings=rt.settings,
                clock=rt.clock,
                actor=rt.actor,
                relay=relay,
                slack=_slack_client(rt),
                progress=status.update,
            )
    finally:
        if relay is not None:
            relay.close()
    if sent.emailed is not None:
        where = (
            "through the relay" if sent.emailed == "relay" else f"no SMTP_URL, so written to {sent.emailed}"
        )
        console.print(f"[green]Emailed[/] {', '.join(sent.addresses)}: {where}", highlight=False)
    if sent.posted:
        console.print(f"[green]Posted[/] to Slack channel {sent.posted}.", highlight=False)
    elif sent.not_posted:
        console.print(
            f"[yellow]Slack channel {sent.not_posted} is set but Slack is not configured:[/] not posted."
        )


def _relay(rt: Runtime) -> SmtpSender | None:
    """The SMTP relay when SMTP_URL is set; without it the email is written to var/outbox/."""
    if not rt.settings.smtp_url:
        return None
    from mailin.outbound.smtp import SmtpSender

    return SmtpSender(rt.settings.smtp_url)


def _slack_client(rt: Runtime) -> WebClient | None:
    if not rt.settings.slack_bot_token:
        return None
    try:
        from slack_sdk import WebClient
    except ImportError:
        console.print("[yellow]slack_sdk is not installed: the report is not posted to Slack.[/]")
        return None
    return WebClient(token=rt.settings.slack_bot_token, base_url=rt.settings.slack_api_url)


@app.command("committee")
def committee(
    ctx: typer.Context,
    plan: str = PLAN,
    add: str | None = typer.Option(None, "--add", help="Addresses to add: 'chair@x.org,clerk@x.org'."),
    remove: str | None = typer.Option(None, "--remove", help="Addresses to remove."),
    slack_channel: str | None = typer.Option(
        None, "--slack-channel", help="The committee's Slack channel id (C0123ABCD); 'none' clears it."
    ),
) -> None:
    """Show or change who receives the plan's report."""
    from reports.distribute import check_addresses
    from store.audit import audit
    from store.queries import find_plan

    rt = runtime(ctx)
    changing = any(v is not None for v in (add, remove, slack_channel))
    with rt.session(read_only=not changing) as s:
        chosen = find_plan(s, plan)
        emails = list(chosen.committee_emails or [])
        before = {"emails": list(emails), "slack": chosen.committee_slack_channel}
        if add:
            for address in check_addresses(add.split(",")):
                if address.casefold() not in {e.casefold() for e in emails}:
                    emails.append(address)
        if remove:
            gone = {a.strip().casefold() for a in remove.split(",")}
            emails = [e for e in emails if e.casefold() not in gone]
        channel = chosen.committee_slack_channel
        if slack_channel is not None:
            channel = None if slack_channel.strip().lower() in ("", "none") else slack_channel.strip()
            if channel is not None and not channel.isalnum():
                raise UserError(f"{slack_channel!r} is not a Slack channel id (it looks like C0123ABCD)")
        if changing:
            chosen.committee_emails, chosen.committee_slack_channel = emails, channel
            now = rt.clock.now()
            chosen.updated_at = now
            after = {"emails": emails, "slack": channel}
            event = "plan.committee_changed"
            audit(
                s,
                at=now,
                actor=rt.actor,
                entity="plan",
                entity_id=chosen.id,
                event=event,
                before=before,
                after=after,
            )
        name = chosen.name
    console.print(
        f"[bold]{name}[/] committee: {', '.join(emails) or '[dim]no email addresses[/]'}", highlight=False
    )
    console.print(f"  Slack channel: {channel or '[dim]none[/]'}", highlight=False)


@app.command("list")
def list_(ctx: typer.Context, plan: str = PLAN) -> None:
    """The reports built for a plan, newest first, and where each was sent."""
    from sqlalchemy import select

    from store.models.records import Report
    from store.models.rounds import Round
    from store.queries import find_plan

    rt = runtime(ctx)
    with rt.session(read_only=True) as s:
        chosen = find_plan(s, plan)
        tz, name = _zone(rt, chosen), chosen.name
        rows = s.execute(
            select(Report, Round.name)
            .outerjoin(Round, Report.round_id == Round.id)
            .where(Report.plan_id == chosen.id)
            .order_by(Report.built_at.desc(), Report.id.desc())
        ).all()
        table = Table(
            "#", "round", "format", "variant", "built", "sent", "to", "file", title=f"Reports of {name}"
        )
        for report, round_name in rows:
            if report.sent_at:
                sent = f"{report.sent_at.astimezone(tz):%d %b %Y %H:%M}"
            else:  # recipients recorded but no time: the send was attempted and never confirmed
                sent = "[yellow]not confirmed[/]" if report.recipients else ""
            table.add_row(
                str(report.id),
                round_name or "—",
                report.format,
                report.variant,
                f"{report.built_at.astimezone(tz):%d %b %Y %H:%M}",
                sent,
                ", ".join(report.recipients or []),
                report.path,
            )
    console.print(table)
