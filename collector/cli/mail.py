"""`collector mail parse FILE.eml`: what the pure extraction (mailin.inbound.extract) and the update parser
make of
one received email, without touching the database. For checking a reply by hand and for scripts."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import TypedDict

import typer

from collector.core.errors import UserError

from .context import console

app = typer.Typer(help="Look at received emails.", no_args_is_help=True)

_HEADING_REF = re.compile(r"(?m)^\s*\[\s*(\d+(?:\.\d+)+[a-z]?)\s*\]")


class ParsedUpdateJson(TypedDict):
    ref: str
    status: str | None
    progress: str
    revised_due: str | None


class ParsedFile(TypedDict):
    """The `mail parse --json` contract."""

    reply: str
    body: str
    auto_reply: bool
    bounce: bool
    updates: list[ParsedUpdateJson]


def parse_file(path: Path, refs: list[str] | None, today: date | None) -> ParsedFile:
    """The `mail parse` contract for one .eml file: reply, body, auto_reply, bounce, updates."""
    from collector.replies.parsing import parse_reply, revised_due
    from collector.replies.types import AskedAction
    from mailin.inbound.extract import parse_message

    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    parts = parse_message(raw)
    if refs is None:
        refs = list(dict.fromkeys(_HEADING_REF.findall(parts.reply)))
    updates: list[ParsedUpdateJson] = []
    if refs and not (parts.auto_reply or parts.bounce):
        result = parse_reply(parts.body, [AskedAction(r) for r in refs], today=today)
        updates = [
            {
                "ref": u.ref,
                "status": u.status.value if u.status else None,
                "progress": u.progress,
                "revised_due": revised_due(u),
            }
            for u in result.updates
        ]
    return {
        "reply": parts.reply,
        "body": parts.body,
        "auto_reply": parts.auto_reply,
        "bounce": parts.bounce,
        "updates": updates,
    }


_MBOX_FROM = re.compile(rb"^From \S")  # an mbox separator line, as procmail and fetchmail may pass it
_FIELD = re.compile(rb"^[\x21-\x39\x3b-\x7e]+[ \t]*:")  # RFC 5322 2.2: printable name, then a colon
_HEADER_LINES = 2000  # more header lines than any real message carries: a scan that always ends


def not_an_email(raw: bytes) -> str | None:
    """Why `raw` is not an RFC 5322 message, or None when it is one.

    A message begins with a header block (RFC 5322 2.2: "name: value" lines, folded lines starting with
    space or tab) ended by an empty line or the end of the data, and names its sender (From, 3.6). A PDF, a
    picture or a text file handed to `mail receive` by mistake fails at its first line, before it is stored
    as if someone had mailed it: what the server receives over SMTP is always a message; a file need not be.
    """
    if not raw.strip():
        return "the file is empty"
    lines = raw.split(b"\n", _HEADER_LINES)
    if _MBOX_FROM.match(lines[0]):
        lines = lines[1:]
    fields: set[bytes] = set()
    for number, line in enumerate(lines[:_HEADER_LINES]):
        line = line.rstrip(b"\r")
        if not line:
            break
        if line[:1] in (b" ", b"\t") and number:
            continue
        if b"\0" in line or not _FIELD.match(line):
            return "it does not begin with header lines such as From: and Subject:"
        fields.add(line.split(b":", 1)[0].strip().lower())
    else:
        if len(lines) > _HEADER_LINES:
            return "its header block does not end"
    if b"from" not in fields:
        return "its header block has no From: line"
    return None


def _refs(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [r.strip() for r in value.split(",") if r.strip()]


def _today(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(f"--today {value!r} is not a date: write YYYY-MM-DD") from None


@app.command("parse")
def parse(
    file: Path = typer.Argument(..., help="The received message, as an .eml file."),
    refs: str | None = typer.Option(None, "--refs", help="The asked action refs, e.g. 1.1,1.2."),
    today: str | None = typer.Option(None, "--today", help="Anchor for dates without a year (YYYY-MM-DD)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Show the new text of a reply and the updates read from it."""
    result = parse_file(file, _refs(refs), _today(today))
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    kind = "bounce" if result["bounce"] else "auto-reply" if result["auto_reply"] else "reply"
    console.print(f"[bold]{file.name}[/]: {kind}", highlight=False)
    console.print("[bold]Reply:[/]", highlight=False)
    console.print(result["reply"] or "(empty)", markup=False, highlight=False)
    if result["body"] != result["reply"]:
        console.print("[bold]Body read by the parser:[/]", highlight=False)
        console.print(result["body"] or "(empty)", markup=False, highlight=False)
    if not result["updates"]:
        console.print("No updates.", highlight=False)
    for u in result["updates"]:
        due = f", revised due {u['revised_due']}" if u["revised_due"] else ""
        words = f": {u['progress']}" if u["progress"] else ""
        console.print(
            f"  {u['ref']}: {u['status'] or 'no status'}{due}{words}", markup=False, highlight=False
        )


@app.command("receive")
def receive(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., help="RFC 5322 message files (.eml); '-' reads one from stdin."),
) -> None:
    """Take replies that reached another mailbox (a forwarding rule, fetchmail, a saved .eml) as if our SMTP
    server had received them: stored raw, then processed into updates, review items and receipts.

    For a site that cannot point an MX record at `collector serve mail`: e.g. fetchmail's `mda "collector
    mail receive -"`. The envelope is taken from the headers (Return-Path, else From; the To, Cc and
    Delivered-To addresses).
    """
    import sys
    from email.parser import BytesHeaderParser
    from email.policy import default
    from email.utils import getaddresses

    from collector.channels.registry import close_channels
    from collector.cli.wiring import channels_for
    from mailin.inbound.process import process_pending
    from mailin.inbound.store import store_message

    from .context import runtime

    rt = runtime(ctx)
    messages = []
    for path in files:  # every file is read and checked before any is stored: a bad one stores none
        try:
            raw = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
        except OSError as exc:
            raise UserError(f"{path}: cannot be read ({exc.strerror or exc})") from None
        if problem := not_an_email(raw):
            raise UserError(f"{path}: not an email ({problem}): nothing was stored")
        messages.append((path, raw))
    stored = duplicates = 0
    for path, raw in messages:
        head = BytesHeaderParser(policy=default).parsebytes(raw)
        senders = getaddresses([str(v) for v in head.get_all("From", [])])
        recipients = getaddresses([str(v) for k in ("Delivered-To", "To", "Cc") for v in head.get_all(k, [])])
        # The envelope sender is what the final delivery recorded in Return-Path (mailin/inbound/sender.py
        # checks
        # From against it); a saved file without one falls back to From: the operator vouches for the file.
        return_path = getaddresses([str(v) for v in head.get_all("Return-Path", [])[:1]])
        envelope = {
            "mail_from": return_path[0][1] if return_path else senders[0][1] if senders else "",
            "rcpt_tos": [address for _name, address in recipients if address],
            "peer": f"file:{path.name}",
            "helo": "",
        }
        result = store_message(rt.engine, raw, envelope, rt.clock)
        duplicates += result.duplicate
        stored += not result.duplicate
    channels = channels_for(rt.settings, rt.clock)
    try:
        counts = process_pending(rt.engine, channels, rt.settings, rt.clock)
    finally:
        close_channels(channels)
    done = ", ".join(f"{n} {state.replace('_', ' ')}" for state, n in sorted(counts.items()))
    console.print(f"{stored} stored ({duplicates} already there); processed: {done or 'nothing'}")
