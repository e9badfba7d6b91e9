"""What the lead's update page reads and records, apart from HTTP: the prompt a link opens, the actions it
asks about, and a submission stored raw, recorded through intake and answered with the usual receipt.

Kept free of Starlette so each step can be read (and tested) as the email and Slack paths are: store the
raw input first, then one intake, then the receipt claimed in the same transaction and sent after it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from collector.channels.messages import prompt_message
from collector.channels.protocol import Channel
from collector.core.clock import Clock
from collector.core.links import read_lead_token
from collector.core.reply_dates import read_date
from collector.core.vocabulary import Status, label
from collector.replies import intake
from collector.replies.types import ParsedUpdate, Reply
from collector.rounds.delivery import Deliverer
from collector.rounds.work import Claim, Work, ready
from store.db import session_scope
from store.inbound import mark_rejected, store_raw
from store.models.directory import Person
from store.models.plans import Action, Plan
from store.models.records import InboundMessage
from store.models.rounds import Prompt, PromptAction, Round
from store.models.updates import Update
from store.models.web import EvidenceFile, LeadDraft
from store.people import contact_channel
from web.evidence import Accepted, store

# The statuses a lead may choose, in the order the form lists them ("no change" is a reply word, kept too)
CHOICES = (Status.NOT_STARTED, Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.COMPLETED,
           Status.NO_CHANGE)  # fmt: skip
MAX_FIELD = 10_000  # characters kept of one progress field; more is cut, never refused


@dataclass(frozen=True)
class Row:
    """One asked action as the page shows it."""

    action_id: int
    ref: str
    text: str
    target: str
    last: str


@dataclass(frozen=True)
class Page:
    prompt_id: int
    plan_title: str
    round_name: str
    lead: str
    due: date | None
    closed: bool
    rows: tuple[Row, ...]
    choices: tuple[tuple[str, str], ...]  # (value, the plan's label)


@dataclass
class Outcome:
    """What a submission came to: the lines recorded, what waits for a coordinator, or why it was refused."""

    recorded: list[tuple[str, str]] = field(default_factory=list)  # (ref, what was recorded)
    review: list[str] = field(default_factory=list)
    files: list[tuple[str, str, int]] = field(default_factory=list)  # (ref, file name, bytes) received
    refused: str | None = None
    duplicate: bool = False


def open_prompt(session: Session, secret: str, token: str, clock: Clock, grace_days: int) -> Prompt | None:
    """The prompt a link names, or None (unknown, tampered, or GRACE days past its round's closing)."""
    reply_token = read_lead_token(secret, token)
    if reply_token is None:
        return None
    prompt = session.scalar(select(Prompt).where(Prompt.token == reply_token))
    if prompt is None or prompt.person_id is None:
        return None
    round_ = session.get_one(Round, prompt.round_id)
    if round_.closed_at is not None and clock.now() > round_.closed_at + timedelta(days=grace_days):
        return None
    return prompt


def asked_actions(session: Session, prompt: Prompt) -> dict[int, Action]:
    query = select(Action).join(PromptAction, PromptAction.action_id == Action.id)
    return {a.id: a for a in session.scalars(query.where(PromptAction.prompt_id == prompt.id))}


def page(session: Session, prompt: Prompt) -> Page:
    round_ = session.get_one(Round, prompt.round_id)
    plan = session.get_one(Plan, round_.plan_id)
    person = session.get_one(Person, prompt.person_id)
    asked = asked_actions(session, prompt)
    message = prompt_message(session, prompt)
    items = [i for i in (message.items if message else ()) if i.action_id in asked]
    labels = plan.status_labels
    rows = tuple(
        Row(
            i.action_id,
            i.ref,
            i.text,
            i.target or "none given",
            label(Status(i.last_status), labels) if i.last_status else "nothing reported yet",
        )
        for i in items
    )
    choices = tuple((s.value, label(s, labels)) for s in CHOICES)
    closed = round_.closed_at is not None
    return Page(prompt.id, plan.title, round_.name, person.display, round_.due_date, closed, rows, choices)


def answers(form: dict[str, str], asked: dict[int, Action], today: date) -> list[ParsedUpdate] | str:
    """The updates a form gives, keyed by each action's own ref; a string says why the form is refused
    (an action this prompt did not ask about, or a status that is not one of ours)."""
    wanted: dict[int, dict[str, str]] = {}
    for name, value in form.items():
        kind, dash, rest = name.partition("-")
        if not dash or kind not in ("status", "progress", "target"):
            continue
        if not (rest.isascii() and rest.isdigit()) or int(rest) not in asked:
            return "the form names an action this link does not ask about"
        wanted.setdefault(int(rest), {})[kind] = value.strip()
    updates: list[ParsedUpdate] = []
    for action_id, fields in sorted(wanted.items()):
        status_value, progress = fields.get("status", ""), fields.get("progress", "")[:MAX_FIELD]
        target = fields.get("target", "")[:200]
        if not (status_value or progress or target):
            continue
        if status_value and status_value not in {s.value for s in CHOICES}:
            return "the form gives a status the plan does not use"
        written = read_date(target, 0, today) if target else None
        updates.append(
            ParsedUpdate(
                ref=asked[action_id].ref,
                status=Status(status_value) if status_value else None,
                progress=progress,
                revised_target_text=target or None,
                revised_target_date=written.value if written else None,
            )
        )
    return updates


def submit(
    engine: Engine,
    channels: dict[str, Channel],
    clock: Clock,
    prompt_id: int,
    form: dict[str, str],
    nonce: str,
    files: tuple[Accepted, ...] = (),
    evidence_dir: Path | None = None,
) -> Outcome:
    """Store the form raw (channel "web", one row per form shown: a double submit is the same row), then
    record it through intake and send the receipt, as email and Slack do. Evidence files are written to
    disk and referenced in the same transaction as the updates; the raw row names them (name, size,
    sha256) but does not hold their bytes again."""
    listed = [
        {"action_id": f.action_id, "name": f.name, "size": len(f.data), "sha256": f.sha256} for f in files
    ]
    raw = json.dumps(form | ({"_evidence": listed} if listed else {}), ensure_ascii=False, sort_keys=True)
    envelope = {"prompt_id": prompt_id}
    stored = store_raw(engine, "web", f"form:{prompt_id}:{nonce}", raw.encode(), envelope, clock.now())
    if stored.duplicate:
        return Outcome(duplicate=True)
    deliverer = Deliverer(engine, channels, clock, actor="web", via="web")
    outcome = Outcome()
    claim = None
    written: list[Path] = []
    try:
        claim = _record(engine, deliverer, clock, stored.id, form, files, evidence_dir, outcome, written)
    except BaseException:
        for path in written:  # the transaction rolled back: no row refers to these
            path.unlink(missing_ok=True)
        raise
    if claim is not None:
        deliverer.send(claim)
    return outcome


def _record(
    engine: Engine,
    deliverer: Deliverer,
    clock: Clock,
    inbound_id: int,
    form: dict[str, str],
    files: tuple[Accepted, ...],
    evidence_dir: Path | None,
    outcome: Outcome,
    written: list[Path],
) -> Claim | None:
    """One transaction: the updates through intake, the evidence rows, the draft cleared, the receipt
    claimed. Files written are listed in `written` so a rollback can remove them."""
    claim = None
    with session_scope(engine) as s:
        msg = s.get_one(InboundMessage, inbound_id)
        prompt = s.get_one(Prompt, int(msg.envelope["prompt_id"]))
        msg.prompt_id, msg.person_id, msg.round_id = prompt.id, prompt.person_id, prompt.round_id
        asked = asked_actions(s, prompt)
        updates = answers(form, asked, clock.now().date())
        if not isinstance(updates, str) and any(f.action_id not in asked for f in files):
            updates = "the form names an action this link does not ask about"
        if isinstance(updates, str):
            mark_rejected(msg, at=clock.now(), reason=updates)
            outcome.refused = updates
            return None
        if not updates:
            mark_rejected(msg, at=clock.now(), reason="the form was sent empty")
            outcome.refused = "Nothing to record: choose a status or write a few words for an action."
            return None
        reply = Reply(
            channel="web",
            text="",
            received_at=clock.now(),
            sender_person_id=prompt.person_id,
            prompt_id=prompt.id,
            round_id=prompt.round_id,
            inbound_message_id=msg.id,
            structured=updates,
        )
        result = intake.apply(s, reply, clock=clock)
        if files and evidence_dir is not None:
            _keep_files(s, msg.id, prompt, asked, files, evidence_dir, clock, outcome, written)
        s.execute(delete(LeadDraft).where(LeadDraft.prompt_id == prompt.id))  # sent: the draft is done
        lines = result.receipt.lines if result.receipt is not None else ()
        outcome.recorded = [
            (line.ref, _said(line.status, line.progress, line.revised_target)) for line in lines
        ]
        outcome.review = list(result.review)
        if result.receipt is not None and prompt.person_id is not None:
            lead = s.get_one(Person, prompt.person_id)
            work = Work(f"receipt:{msg.id}", "receipt", prompt.round_id, prompt.id, prompt.person_id,
                        contact_channel(lead), lead.display, ready(result.receipt))  # fmt: skip
            if work.wanted is not None:
                claim = deliverer.claim_in(s, work)
    return claim


def _keep_files(
    s: Session,
    inbound_id: int,
    prompt: Prompt,
    asked: dict[int, Action],
    files: tuple[Accepted, ...],
    evidence_dir: Path,
    clock: Clock,
    outcome: Outcome,
    written: list[Path],
) -> None:
    """Write each file under evidence_dir and add its row, tied to the update recorded for its action."""
    s.flush()
    recorded = {
        u.action_id: u.id for u in s.scalars(select(Update).where(Update.inbound_message_id == inbound_id))
    }
    for f in files:
        path = store(evidence_dir, prompt.round_id, f)
        written.append(path)
        s.add(
            EvidenceFile(
                inbound_message_id=inbound_id,
                update_id=recorded.get(f.action_id),
                action_id=f.action_id,
                prompt_id=prompt.id,
                original_name=f.name,
                content_type=f.content_type,
                size=len(f.data),
                sha256=f.sha256,
                stored_path=str(path.relative_to(evidence_dir)),
                created_at=clock.now(),
            )
        )
        outcome.files.append((asked[f.action_id].ref, f.name, len(f.data)))


def _said(status: str | None, progress: str, target: str | None) -> str:
    """One recorded answer in a line: the plan's status label, any revised target, the words."""
    parts = [status or "no status"]
    if target:
        parts.append(f"revised target {target}")
    if progress:
        parts.append(progress)
    return "; ".join(parts)
