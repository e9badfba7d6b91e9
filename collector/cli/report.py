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
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from collector.core.errors import UserError

from .context import Runtime, console, runtime

app = typer.Typer(help="The committee's progress report: build, send, committee, list.", no_args_is_help=True)

ALL_FORMATS = "html,docx,pdf,xlsx,csv,md"
PLAN = typer.Option(..., "--plan", help="The plan's id or name.")
ROUND = typer.Option(None, "--round", help="A round's id or name (default: the latest).")
EXCEPTIONS = typer.Option(
    False, "--exceptions", help="Only amber, red, overdue and unanswered actions (a short committee paper)."
)


def _zone(rt: Runtime, plan) -> ZoneInfo:
    from collector.core.workdays import zone

    return zone(plan.timezone, rt.settings.timezone)


def _compile(rt: Runtime, plan_ident: str, round_ref: str | None, exceptions: bool):
    from reports.compile import compile_report
    from store.queries import find_plan

    with rt.session(read_only=True) as s:
        plan = find_plan(s, plan_ident)
        tz = _zone(rt, plan)
        today: date = rt.clock.now().astimezone(tz).date()
        return compile_report(s, plan, round_ref, today=today, tz=tz, exceptions=exceptions)


def _build(rt: Runtime, data, formats: list[str], out: Path, docx_template: Path | None):
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


def _say_built(data, built) -> None:
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
    from reports.distribute import check_addresses

    rt = runtime(ctx)
    chosen = parse_formats(formats)
    addresses, slack_channel = _recipients(rt, plan, to)
    addresses = check_addresses(addresses)
    data = _compile(rt, plan, round_ref, exceptions)
    built, ids = _build(rt, data, chosen, out or Path(rt.settings.var_dir) / "reports", None)
    slack = _slack_client(rt) if slack_channel else None
    planned = [f"email:{a}" for a in addresses] + ([f"slack:{slack_channel}"] if slack is not None else [])
    _mark(rt, ids, planned, sent=False)  # the attempt is on record before anything goes out
    where = _send_email(rt, data, built, addresses)
    console.print(f"[green]Emailed[/] {', '.join(addresses)}: {where}", highlight=False)
    if slack is not None and slack_channel:
        _post_slack(slack, slack_channel, data, built)
        console.print(f"[green]Posted[/] to Slack channel {slack_channel}.", highlight=False)
    elif slack_channel:
        console.print(
            f"[yellow]Slack channel {slack_channel} is set but Slack is not configured:[/] not posted."
        )
    _mark(rt, ids, planned, sent=True)


def _recipients(rt: Runtime, plan_ident: str, to: str) -> tuple[list[str], str | None]:
    from store.queries import find_plan

    parts = [p.strip() for p in to.split(",") if p.strip()]
    with rt.session(read_only=True) as s:
        plan = find_plan(s, plan_ident)
        committee = list(plan.committee_emails or [])
        # The plan's own committee channel, else the installation's (SLACK_COMMITTEE_CHANNEL).
        channel = plan.committee_slack_channel or getattr(rt.settings, "slack_committee_channel", None)
        name = plan.name
    addresses = [p for p in parts if p.casefold() != "committee"]
    if any(p.casefold() == "committee" for p in parts):
        if not committee:
            raise UserError(
                f"plan {name} has no committee list: add one with "
                f"`collector report committee --plan {name} --add clerk@example.org`, or give --to addresses"
            )
        addresses = committee + addresses
    else:
        channel = None  # a send to named people is not a post to the committee's channel
    if not addresses:
        raise UserError("nobody to send the report to: give --to committee or email addresses")
    return addresses, channel


def _send_email(rt: Runtime, data, built, addresses: list[str]) -> str:
    from collector.channels.protocol import ChannelError
    from reports.distribute import compose, send_email

    relay = None
    if rt.settings.smtp_url:
        from mailin.outbound.smtp import SmtpSender

        relay = SmtpSender(rt.settings.smtp_url)
    msg = compose(
        data,
        built,
        sender=rt.settings.sender,
        to=addresses,
        now=rt.clock.now(),
        domain=rt.settings.mail_domain,
    )
    try:
        with console.status("Sending the email…"):
            delivered = send_email(
                msg, relay=relay, outbox=Path(rt.settings.var_dir) / "outbox", now=rt.clock.now()
            )
    except ChannelError as exc:
        raise UserError(f"the report was not emailed: {exc}") from exc
    finally:
        if relay is not None:
            relay.close()
    return (
        "through the relay" if delivered.where == "relay" else f"no SMTP_URL, so written to {delivered.where}"
    )


def _slack_client(rt: Runtime):
    if not rt.settings.slack_bot_token:
        return None
    try:
        from slack_sdk import WebClient
    except ImportError:
        console.print("[yellow]slack_sdk is not installed: the report is not posted to Slack.[/]")
        return None
    return WebClient(token=rt.settings.slack_bot_token, base_url=rt.settings.slack_api_url)


def _post_slack(client, channel: str, data, built) -> None:
    from reports.distribute import post_to_slack
    from reports.render.md import render_md

    try:
        post_to_slack(client, channel, render_md(data, "slack"), [b.path for b in built])
    except UserError:
        raise
    except Exception as exc:  # slack_sdk's SlackApiError or a connection error: one line, exit 1
        raise UserError(f"the email went, but posting to Slack channel {channel} failed: {exc}") from exc


def _mark(rt: Runtime, ids: list[int], recipients: list[str], *, sent: bool) -> None:
    from store.models.records import Report

    with rt.session() as s:
        for row in s.query(Report).filter(Report.id.in_(ids)):
            row.recipients = list(recipients)
            if sent:
                row.sent_at = rt.clock.now()


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
