"""Answers typed into an unquoted copy of our prompt (Outlook, Outlook on the web, Notes), over real SMTP.

The copy is the prompt the round really sent to Jo, rendered by the real composer, below each client's
header block; the lead writes after "Status:" and "Progress:", or a line under an action's heading. Both
text/plain and HTML-only replies; the updates recorded and the receipt are what a coordinator would expect.
"""

# ruff: noqa: F811  (the fixtures imported from test_mail are used as arguments)
from __future__ import annotations

import html
import textwrap
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import make_msgid

import pytest
from sqlalchemy import select

from collector.core.vocabulary import Status
from mailin.compose import prompt_context, render
from mailin.inbound.align import added_answers
from mailin.inbound.decision import prompt_as_sent
from mailin.inbound.process import process_pending
from store.db import session_scope
from store.models.plans import Action
from store.models.records import InboundMessage
from store.models.rounds import Prompt
from store.models.updates import Update

from .test_mail import (  # noqa: F401  (fixtures)
    DOMAIN,
    JO,
    channels,
    clock,
    email,
    handler,
    jo_prompt,
    send,
    server,
    settings,
)


def mail(frm: str, to: str, body: str, subtype: str = "plain") -> bytes:
    """A client's message: long lines encoded as clients encode them (quoted-printable), CRLF line ends."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = frm, to, "RE: Your update for the round"
    message["Message-ID"] = make_msgid(domain="client.test")
    message["Date"] = "Mon, 01 Mar 2027 10:00:00 +0000"
    message.set_content(body, subtype=subtype, cte="quoted-printable")
    return message.as_bytes(policy=SMTP)


HEADER_BLOCKS = {
    "outlook": "From: Action Plan Progress <progress@{domain}>\nSent: 01 March 2027 09:30\n"
    "To: Jo Baker <{jo}>\nSubject: {subject}\n",
    "outlook_web": "________________________________\nFrom: Action Plan Progress <progress@{domain}>\n"
    "Sent: Monday, March 1, 2027 9:30 AM\nTo: Jo Baker <{jo}>\nSubject: {subject}\n",
    "notes": "Action Plan Progress <progress@{domain}>\n01/03/2027 09:30\n\nTo\nJo Baker <{jo}>\ncc\n\n"
    "Subject\n{subject}\n",
}


def sent_prompt(email) -> tuple[str, list[str], str]:
    """The text of the prompt Jo was sent, as the email composer renders it, its refs and its subject."""
    [message] = [m for m in email.of("prompt") if m.recipient.email == JO]
    subject, text, _ = render("prompt", prompt_context(message))
    return text, [item.ref for item in message.items], subject


def fill(copy: str, answers: dict[str, dict[str, str]]) -> str:
    """Write after an action's Status:/Progress: lines in the copy, and free lines under its heading."""
    out, ref = [], None
    for line in copy.splitlines():
        if line.startswith("["):
            ref = line[1:].split("]")[0]
        answer = answers.get(ref or "", {})
        if line == "Status:" and "status" in answer:
            line = f"Status: {answer['status']}"
        elif line == "Progress:" and "progress" in answer:
            line = f"Progress: {answer['progress']}"
        out.append(line)
        if line.startswith("[") and "note" in answer:
            out.append(answer["note"])
    return "\n".join(out)


def outlook_reply(copy: str, client: str, subject: str, top: str = "Answers below, thanks.\n\nJo") -> str:
    block = HEADER_BLOCKS[client].format(domain=DOMAIN, jo=JO, subject=subject)
    return f"{top}\n\n{block}\n{copy}"


def recorded(engine) -> dict[str, tuple[str | None, str]]:
    with session_scope(engine, read_only=True) as s:
        rows = s.execute(
            select(Action.ref, Update.status, Update.progress)
            .join(Update, Update.action_id == Action.id)
            .where(Update.inbound_message_id.is_not(None))
        ).all()
    return {ref: (status, progress) for ref, status, progress in rows}


@pytest.mark.parametrize("client", sorted(HEADER_BLOCKS))
def test_answers_typed_into_an_unquoted_copy_are_recorded(
    client, server, engine, email, channels, settings, clock, jo_prompt
):
    copy, refs, subject = sent_prompt(email)
    assert refs[:2] == ["1.1", "1.2"]
    answers = {
        "1.1": {"status": "on track", "progress": "Draft report is with the comms team"},
        "1.2": {"note": "Completed - the carers network met for the first time in February."},
    }
    to = f"progress+{jo_prompt.token}@{DOMAIN}"
    send(server.port, JO, to, mail(JO, to, outlook_reply(fill(copy, answers), client, subject)))

    counts = process_pending(engine, channels, settings, clock)
    with session_scope(engine, read_only=True) as s:
        reason = s.scalar(select(InboundMessage.reason))
    assert counts["applied"] == 1, reason
    got = recorded(engine)
    assert got["1.1"] == (Status.ON_TRACK.value, "Draft report is with the comms team")
    assert got["1.2"][0] == Status.COMPLETED.value
    assert "carers network met for the first time" in got["1.2"][1]
    [receipt] = email.of("receipt")
    assert [line.ref for line in receipt.lines] == ["1.1", "1.2"]


def test_an_html_only_outlook_reply_with_inline_answers(
    server, engine, email, channels, settings, clock, jo_prompt
):
    copy, _, _ = sent_prompt(email)
    filled = fill(copy, {"1.1": {"status": "at risk", "progress": "Waiting for the payroll data"}})
    body = "".join(f"<p>{html.escape(line) or '&nbsp;'}</p>" for line in filled.splitlines())
    page = (
        "<html><body><div><p>See below.</p></div>"
        '<div id="divRplyFwdMsg"><hr><b>From:</b> Action Plan Progress<br><b>Sent:</b> 01 March 2027<br>'
        f"<b>To:</b> Jo Baker<br><b>Subject:</b> Your update</div><div>{body}</div></body></html>"
    )
    to = f"progress+{jo_prompt.token}@{DOMAIN}"
    send(server.port, JO, to, mail(JO, to, page, "html"))

    assert process_pending(engine, channels, settings, clock)["applied"] == 1
    assert recorded(engine)["1.1"] == (Status.AT_RISK.value, "Waiting for the payroll data")


def test_an_untouched_copy_adds_nothing(server, engine, email, channels, settings, clock, jo_prompt):
    """The lead answers at the top; the copy below is ours, unchanged: only the top counts."""
    copy, refs, subject = sent_prompt(email)
    assert added_answers(outlook_reply(copy, "outlook", subject), [copy], refs) is None
    to = f"progress+{jo_prompt.token}@{DOMAIN}"
    send(server.port, JO, to, mail(JO, to, outlook_reply(copy, "outlook", subject, top="1.1 completed")))
    process_pending(engine, channels, settings, clock)
    assert recorded(engine) == {"1.1": (Status.COMPLETED.value, "")}
    with session_scope(engine, read_only=True) as s:
        assert s.scalar(select(InboundMessage.state)) == "applied"


def test_the_copy_rewrapped_by_the_client_is_still_ours(email, jo_prompt):
    """A client that re-wraps our lines at another width leaves no stray 'answers'."""
    copy, refs, _ = sent_prompt(email)
    words = " ".join(line for line in copy.splitlines() if not line.startswith(("Status:", "Progress:")))
    rewrapped = textwrap.wrap(words, 50)
    assert added_answers("\n".join(rewrapped), [copy], refs) is None


def sent_html(email) -> str:
    [message] = [m for m in email.of("prompt") if m.recipient.email == JO]
    return render("prompt", prompt_context(message))[2]


def coloured_outlook_reply(ours: str, answers: list[tuple[str, str, str]], colour: str = "#C00000") -> str:
    """Our real HTML prompt quoted as Outlook quotes it (its <body> style lost, a bordered header block
    above), the lead's words typed in `colour` at the end of a line of ours: (ref, the line's start, words),
    the line's start "" for the action's heading."""
    body = ours.split("<body", 1)[1].split(">", 1)[1].rsplit("</body>", 1)[0]
    for ref, line, words in answers:
        at = body.index(line, body.index(f"[{ref}]")) if line else body.index(f"[{ref}]")
        at = body.index("</p>", at)
        body = body[:at] + f' <span style="color:{colour}">{html.escape(words)}</span>' + body[at:]
    return (
        '<html><body><div style="font-family:Calibri,sans-serif;color:#1F497D"><p>Answers in red below.</p>'
        "<p>Jo</p></div>"
        '<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">'
        "<p><b>From:</b> Action Plan Progress &lt;progress@example.org&gt;"
        "<br><b>Sent:</b> 01 March 2027 09:30"
        f"<br><b>To:</b> Jo Baker<br><b>Subject:</b> Your update</p></div>{body}</body></html>"
    )


@pytest.mark.parametrize(
    ("colour", "form"),
    [("#C00000", "html"), ("red", "html"), ("rgb(0, 112, 192)", "html"), ("#0070C0", "both")],
)
def test_answers_in_another_colour_are_kept_with_their_action(
    colour, form, server, engine, email, channels, settings, clock, jo_prompt
):
    """An answer typed at the end of one of our own lines (after the target it is about) is not a line of
    its own, and our "Target:" line is never read for answers: only its colour says it is the lead's, and
    which action it answers."""
    answers = [
        ("1.1", "", "at risk: the venue fell through"),
        ("1.2", "Target:", "completed - the carers network met in February"),
    ]
    page = coloured_outlook_reply(sent_html(email), answers, colour)
    to = f"progress+{jo_prompt.token}@{DOMAIN}"
    if form == "html":
        send(server.port, JO, to, mail(JO, to, page, "html"))
    else:  # text/plain beside the HTML, as Outlook sends it: the plain part shows no colour
        from mailin.inbound.html_text import html_to_text

        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = JO, to, "RE: Your update for the round"
        message["Message-ID"] = make_msgid(domain="client.test")
        message.set_content(html_to_text(page, remove_quotes=False))
        message.add_alternative(page, subtype="html")
        send(server.port, JO, to, message.as_bytes(policy=SMTP))

    assert process_pending(engine, channels, settings, clock)["applied"] == 1
    got = recorded(engine)
    assert got["1.1"] == (Status.AT_RISK.value, "the venue fell through")
    assert got["1.2"] == (Status.COMPLETED.value, "the carers network met in February")


def test_a_copy_restyled_as_a_whole_gives_no_style_signal(email, jo_prompt):
    """A client that puts all of our copy in its own font says nothing by style: the text alone is read."""
    from mailin.inbound.html_text import marked_text

    ours = sent_html(email)
    restyled = ours.replace("<body ", '<body><div style="font-family:Calibri">', 1).replace(
        "</body>", "</div></body>"
    )
    assert marked_text(restyled, ours) is None
    assert marked_text(ours, ours) is None


def test_the_copy_is_compared_with_the_prompt_as_sent_not_as_it_would_read_now(
    server, engine, email, channels, settings, clock, jo_prompt
):
    """After the prompt went out, a coordinator reworded both actions. Jo's client copied the prompt she was
    sent, so that copy, not today's wording, is what her answers are read against."""
    copy, _, subject = sent_prompt(email)
    with session_scope(engine) as s:
        for action in s.scalars(select(Action).where(Action.ref.in_(["1.1", "1.2"]))):
            action.title = f"Reworded after the round opened: {action.ref} now reads quite differently"
    answers = {
        "1.1": {"status": "on track", "progress": "Draft report is with the comms team"},
        "1.2": {"status": "completed", "progress": "The carers network met in February"},
    }
    with session_scope(engine, read_only=True) as s:
        as_sent = prompt_as_sent(s, s.get_one(Prompt, jo_prompt.id))
    [sent] = [m for m in email.of("prompt") if m.recipient.email == JO]
    assert as_sent == sent  # the copy the Delivery kept, not the prompt rebuilt from today's store
    to = f"progress+{jo_prompt.token}@{DOMAIN}"
    send(server.port, JO, to, mail(JO, to, outlook_reply(fill(copy, answers), "outlook", subject)))

    counts = process_pending(engine, channels, settings, clock)
    with session_scope(engine, read_only=True) as s:
        reason = s.scalar(select(InboundMessage.reason))
    assert counts["applied"] == 1, reason
    got = recorded(engine)
    assert got["1.1"] == (Status.ON_TRACK.value, "Draft report is with the comms team")
    assert got["1.2"] == (Status.COMPLETED.value, "The carers network met in February")
