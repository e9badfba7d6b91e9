"""The outbox: a Channel that writes each message as a text file a person can read, under var/outbox/.

It is the development and demo channel (style.md 15, errbot's text backend): with no SMTP relay and no Slack
app configured, every prompt, reminder, escalation and receipt lands here, exactly as a lead would read it,
and is reported as written, never as sent. Each file is written whole under a temporary ".part" name in the
same folder, flushed to disk, then renamed (`write_atomic`, as Mailman's switchboard does): a crash leaves
at most a ".part" file, which `sweep_partials` removes when a process starts (the send is still claimed, so
it is made again after the lease). `write_outbox` is the one writer of outbox files: the email channel
without a relay and a report without SMTP_URL write their .eml files through it too, so every file there is
named and written the same way.

    var/outbox/20270301T090000Z-prompt-joanne-tilley-1f2e3d4c.txt
"""

from __future__ import annotations

import logging
import os
import textwrap
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from email.utils import parseaddr
from pathlib import Path

from collector.channels.protocol import (
    AskedItem,
    EscalationMessage,
    NoticeMessage,
    PromptMessage,
    ReceiptLine,
    ReceiptMessage,
    Recipient,
    Sent,
)
from collector.channels.reply_address import reply_address
from collector.core.clock import Clock, SystemClock
from collector.core.names import is_post
from collector.core.text import slug
from collector.core.vocabulary import Status, label, status_from_word
from collector.core.workdays import format_due

log = logging.getLogger(__name__)

WIDTH = 76
SUBJECT_WIDTH = 78  # RFC 5322 2.1.1's line length, and about what a mail list shows of a subject
PARTIAL = ".part"
PARTIAL_GRACE = 60.0  # seconds: a younger .part file may be another live process's write in progress
STATUS_WORDS = "completed, on track, at risk, off track, not started, withdrawn"
_DANGLING = {"a", "an", "and", "&", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"}
_TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "cllr", "councillor", "sir", "dame", "rev"}


def shorten(text: str, width: int) -> str:
    """`text` on one line, cut at a word boundary to at most `width` characters, marked with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    words = text[: width - 1].rsplit(" ", 1)[0].rstrip(" ,;:.-–").split(" ")
    while len(words) > 1 and words[-1].casefold() in _DANGLING:  # not "Equality, Diversity and…"
        words.pop()
    return " ".join(words).rstrip(" ,;:.-–") + "…"


def file_slug(name: str) -> str:
    """A recipient's name as it appears in an outbox file's name (email's .eml files use it too)."""
    return slug(name, limit=40, fallback="someone")


def first_name(name: str) -> str:
    """How a message greets its reader: "Jo" for Jo Baker; a post or team by its whole name ("Director
    of People", not "Director")."""
    if is_post(name):
        return " ".join(name.split())
    words = [w for w in name.split() if w.rstrip(".").casefold() not in _TITLES]
    return words[0] if words else name


def address(to: Recipient) -> str:
    where = to.email or (f"slack:{to.slack_user_id}" if to.slack_user_id else "no address")
    return f"{to.name} <{where}>"


def _wrap(text: str, indent: str = "") -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent) or [indent.rstrip()]


def _status_label(value: str | None) -> str | None:
    try:
        return label(Status(value)) if value else None
    except ValueError:
        return value


def part_lines(part: str) -> list[str]:
    """One item of an action ("a) Review the contract"), indented under it, wrapped under its words."""
    label = part.split(" ", 1)[0]
    return _wrap_hanging(part, "  ", " " * (3 + len(label)))


def _wrap_hanging(text: str, first: str, rest: str) -> list[str]:
    return textwrap.wrap(" ".join(text.split()), WIDTH, initial_indent=first, subsequent_indent=rest)


def bullet_lines(text: str) -> list[str]:
    """`  * text`, wrapped under its words."""
    return _wrap_hanging(text, "  * ", "    ")


def item_lines(item: AskedItem) -> list[str]:
    """One asked action, as the body shows it: its whole text (wrapped, never cut), each of its items once
    under it, then blank Status:/Progress: lines to write on."""
    words = item.intro if item.parts else item.text
    lines = _wrap(f"[{item.ref}] {words}".rstrip())
    for part in item.parts:
        lines += part_lines(part)
    if item.part_of:
        lines += _wrap(f"Part of {item.part_of}")
    lines.append(f"Target: {shorten(item.target, 100) if item.target else 'none given'}")
    status = _status_label(item.last_status)
    progress = item.last_progress or ""
    if status and status_from_word(progress) is not None:
        progress = ""  # "On target" under "On track" says nothing more
    if status or progress:
        last = " - ".join(x for x in (status, shorten(progress, 140)) if x)
        lines += _wrap(f"Last reported: {last}")
    else:
        lines.append("Last reported: nothing yet")
    if item.answered_by:
        note = f"({item.answered_by} has already answered for this action this round: add to it if you wish.)"
        lines += _wrap(note)
    return [*lines, "Status:", "Progress:", ""]


def how_to_answer(items: tuple[AskedItem, ...]) -> list[str]:
    example = items[0].ref
    other = items[1].ref if len(items) > 1 else example
    return [
        "How to answer",
        "-------------",
        "Reply to this message in whichever way is easiest:",
        "  * write under each action's Status: and Progress: lines above; or",
        "  * write at the top of your reply, starting each answer with its ref:",
        f"      {example}: on track - what has happened since the last report",
        f"      {other}: completed",
        "  * or, if nothing has changed since the last report, reply with one line:",
        "      no change",
        "",
        *_wrap(
            f"Status words we understand: {STATUS_WORDS}. A new target date is welcome too "
            '("revised target: June 2027").'
        ),
    ]


def fit_subject(make: Callable[[str], str], title: str, width: int = SUBJECT_WIDTH) -> str:
    """`make(title)`, the plan's title shortened by whole words (with an ellipsis) when the subject would
    be longer than `width`: a subject line is read in a list, and clients cut it there anyway."""
    title = " ".join(title.split())
    subject = make(title)
    if len(subject) <= width:
        return subject
    budget = max(len(title) - (len(subject) - width), 12)
    return make(shorten(title, budget))


def subject(message: PromptMessage) -> str:
    due = f", due {format_due(message.due)}" if message.due else ""
    if message.kind == "reminder":
        return fit_subject(lambda t: f"Reminder - {t}: {message.round_name} update{due}", message.plan_title)
    return fit_subject(lambda t: f"{t}: your {message.round_name} update{due}", message.plan_title)


def sender_name(sender: str) -> str:
    """How our messages sign off: MAIL_FROM's display name ("Action Plan Progress" by default)."""
    name, _address = parseaddr(sender)
    return " ".join(name.split()) or "Action Plan Progress"


def contact_line(contact: Recipient | None, sender: str) -> str:
    """Whom to ask about the round: the plan's coordinator, else whoever MAIL_FROM names."""
    if contact is not None:
        where = contact.email or (f"@{contact.slack_user_id} on Slack" if contact.slack_user_id else "")
        return f"Questions about this round? Ask {contact.name}" + (f" ({where})." if where else ".")
    name, address = parseaddr(sender)
    who = " ".join(name.split()) or "the progress team"
    return f"Questions about this round? Write to {who}" + (f" ({address})." if address else ".")


def prompt_body(message: PromptMessage, sender: str = "") -> list[str]:
    n = len(message.items)
    actions = "action" if n == 1 else f"{n} actions"
    due = f" by {format_due(message.due, long=True)}" if message.due else ""
    if message.kind == "reminder":
        opening = (
            f"A reminder: we have not yet heard from you about the {actions} below for the "
            f"{message.round_name} progress round of the {message.plan_title}. Please send your update{due}."
        )
    else:
        opening = (
            f"The {message.round_name} progress round of the {message.plan_title} is open. You lead the "
            f"{actions} below: please tell us where {'it stands' if n == 1 else 'each one stands'}{due}."
        )
    lines = [f"Hello {first_name(message.recipient.name)},", "", *_wrap(opening), "", "-" * WIDTH, ""]
    for item in message.items:
        lines += item_lines(item)
    lines += ["-" * WIDTH, ""]
    if message.link:  # on a line of its own, so a mail client or a terminal makes it clickable whole
        lines += ["Answer on the web, no account needed:", message.link, ""]
    lines += [*how_to_answer(message.items), ""]
    lines += [*_wrap(contact_line(message.contact, sender)), "", "Thank you,", sender_name(sender)]
    return lines


def escalation_body(message: EscalationMessage, sender: str = "") -> list[str]:
    due = format_due(message.due, long=True) if message.due else "its due date"
    lines = [f"Hello {first_name(message.recipient.name)},", ""]
    lines += _wrap(
        f"The {message.round_name} progress round of the {message.plan_title} was due on {due}. "
        "We have not heard about these actions yet:"
    )
    lines.append("")
    for missing in message.missing:
        lines += _wrap(f"  * {missing.lead}: {', '.join(missing.refs)}", "")
    lines += ["", *_wrap("A word from you may help. Answers still count if they arrive late.")]
    return [*lines, "", "Thank you,", sender_name(sender)]


def receipt_title(line: ReceiptLine) -> str:
    """A receipt names each action by its ref and the first words of its text: "[1.2] Collect profile…"."""
    return f"[{line.ref}] {shorten(line.title, 64)}" if line.title else f"[{line.ref}]"


def recorded(line: ReceiptLine) -> str:
    """What was recorded for one action: "On track; revised target: June 2027", or that no status was."""
    status = _status_label(line.status)
    if not status:
        what = "No status was recorded"
        if line.revised_target:
            what += f" (revised target: {line.revised_target})"
        return f'{what}: please reply with one, e.g. "{line.ref}: on track".'
    return status + (f"; revised target: {line.revised_target}" if line.revised_target else "")


def receipt_line_lines(line: ReceiptLine) -> list[str]:
    lines = _wrap(receipt_title(line))
    lines += _wrap(recorded(line), "    ")
    progress = line.progress.strip()
    lines += _wrap(f"Progress: {progress}" if progress else "Progress: none given", "    ")
    return [*lines, ""]


def receipt_body(message: ReceiptMessage, sender: str = "") -> list[str]:
    lines = [f"Hello {first_name(message.recipient.name)},", "", "Thank you. We recorded:", ""]
    for line in message.lines:
        lines += receipt_line_lines(line)
    if message.needs_review:
        lines += ["A person will look at:", *(t for r in message.needs_review for t in bullet_lines(r)), ""]
    return [*lines, "To correct anything, reply to this message.", "", sender_name(sender)]


class OutboxChannel:
    """Writes messages to files; never fails for a person (a missing address is shown, not refused)."""

    name = "outbox"

    def __init__(
        self, directory: Path, *, clock: Clock | None = None, sender: str = "", mail_domain: str = ""
    ):
        self.directory = Path(directory)
        self.clock = clock or SystemClock()
        self.sender = sender or f"Action Plan Progress <progress@{mail_domain or 'localhost'}>"
        self.mail_domain = mail_domain or "localhost"

    def send_prompt(self, message: PromptMessage) -> Sent:
        return self._prompt(message)

    def send_reminder(self, message: PromptMessage) -> Sent:
        return self._prompt(message)

    def send_escalation(self, message: EscalationMessage) -> Sent:
        title = fit_subject(
            lambda t: f"{t}: {message.round_name} round - who has not answered yet", message.plan_title
        )
        body = escalation_body(message, self.sender)
        return self._write("escalation", message.recipient, title, body, [], message.send_id)

    def send_receipt(self, message: ReceiptMessage) -> Sent:
        title = fit_subject(lambda t: f"{t}: we recorded your update", message.plan_title)
        headers: list[tuple[str, str | None]] = [("Thread", message.thread_ref)] if message.thread_ref else []
        body = receipt_body(message, self.sender)
        return self._write("receipt", message.recipient, title, body, headers, message.send_id)

    def send_notice(self, message: NoticeMessage) -> Sent:
        first = message.recipient.name.split()[0] if message.recipient.name else "there"
        body = [f"Hello {first},", "", *message.lines, "", sender_name(self.sender)]
        return self._write("notice", message.recipient, message.subject, body, [], message.send_id)

    def _prompt(self, message: PromptMessage) -> Sent:
        headers: list[tuple[str, str | None]] = []
        if message.reply_token:
            headers += [
                ("Reply-To", reply_address(self.mail_domain, message.reply_token)),
                ("Reply-Token", message.reply_token),
            ]
        if message.thread_ref:
            headers.append(("Thread", message.thread_ref))
        body = prompt_body(message, self.sender)
        return self._write(message.kind, message.recipient, subject(message), body, headers, message.send_id)

    def _write(
        self,
        kind: str,
        to: Recipient,
        title: str,
        body: Iterable[str],
        headers: list[tuple[str, str | None]],
        send_id: str | None,
    ) -> Sent:
        now = self.clock.now().astimezone(UTC)
        unique = send_id or uuid.uuid4().hex
        external_id = f"<{unique}@outbox>"
        head = [("To", address(to)), ("From", self.sender), ("Subject", title), *headers]
        head += [("Message-ID", external_id), ("Date", now.strftime("%a, %d %b %Y %H:%M:%S +0000"))]
        text = "\n".join([*(f"{k}: {_one_line(v)}" for k, v in head if v), "", *body]) + "\n"
        data, label = text.encode("utf-8"), f"{kind}-{file_slug(to.name)}"
        path = write_outbox(self.directory, data, now=now, label=label, unique=unique, suffix=".txt")
        return Sent(external_id=external_id, detail={"path": str(path), "written": "not sent"})


def _one_line(value: str | None) -> str:
    """A header value can never carry a line break (docs/reliability.md F4: no header injection)."""
    return " ".join((value or "").split())


def write_outbox(
    directory: Path, data: bytes, *, now: datetime, label: str, unique: str, suffix: str
) -> Path:
    """Write one outbox file (`write_atomic`) and return its path: `{UTC time}-{label}-{unique[-8:]}{suffix}`,
    so files sort by when they were written and say what they hold."""
    path = directory / f"{now.astimezone(UTC):%Y%m%dT%H%M%SZ}-{label}-{unique[-8:]}{suffix}"
    write_atomic(path, data)
    return path


def write_atomic(path: Path, data: bytes) -> None:
    """`data` at `path`, whole or not at all: written to a .part file in the same folder, fsynced, renamed
    over `path` (atomic on POSIX), and the folder fsynced so the rename itself survives a power cut."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + PARTIAL)
    with open(partial, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(partial, path)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def sweep_partials(directory: Path, *, grace: float = PARTIAL_GRACE) -> int:
    """Remove the .part files a crash left in `directory` (older than `grace` seconds, so a write another
    process is making right now is left alone): how many. Nothing is lost: a file only becomes .part-free
    by its rename, and a send whose rename never happened is still claimed, so it is made again."""
    if not directory.is_dir():
        return 0
    removed, cutoff = 0, time.time() - grace
    for partial in directory.glob(f"*{PARTIAL}"):
        try:
            if partial.stat().st_mtime <= cutoff:
                partial.unlink()
                removed += 1
        except FileNotFoundError:  # another process swept or renamed it first
            continue
    if removed:
        log.warning("%s: removed %d half-written file(s) left by a crash", directory, removed)
    return removed
