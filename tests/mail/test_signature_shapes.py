"""Signatures by shape (mail intake, item 4): whatever shape a signature takes, MailParts.body is the reply
without it, and an update is never taken for one. Each raw message is built with EmailMessage, so the
whole extraction (MIME, quote removal, signature removal) is under test, and body is asserted exactly."""

from __future__ import annotations

import html
import time
from email.headerregistry import Address
from email.message import EmailMessage

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailin.inbound.extract import parse_message

PROMPT_FROM = "Action Plan Progress <reply+9f1c2a7e5b3d@progress.exampleshire.gov.uk>"
ATTRIBUTION = f"On 3 Mar 2027, at 09:12, {PROMPT_FROM} wrote:"
PROMPT = [
    "Hello,",
    "",
    "The Spring 2027 progress round is open. Please tell us where each action stands.",
    "",
    "[1.1] Develop and publish an updated equality policy",
    "Target: March 2027",
    "Status:",
    "Progress:",
    "",
    "[1.2] Deliver equality impact assessment training to all service managers",
    "Target: June 2027",
    "Status:",
    "Progress:",
    "",
    "[2.3] Review accessibility of the council website against WCAG 2.2",
    "Target: December 2027",
    "Status:",
    "Progress:",
    "",
    "Thank you,",
    "Action Plan Progress",
]


def quoted(lines: list[str] = PROMPT) -> str:
    return "\n".join(f"> {line}".rstrip() for line in lines)


def quote_below() -> str:
    return f"\n\n{ATTRIBUTION}\n\n{quoted()}\n"


def message(body: str, sender: str = "Jo Baker", subtype: str = "plain") -> bytes:
    msg = EmailMessage()
    # Address, not a string: the stdlib leaves the comma of a non-ASCII "Baker, Siân" unquoted otherwise
    msg["From"] = Address(display_name=sender, addr_spec="someone@exampleshire.gov.uk")
    msg["To"] = PROMPT_FROM
    msg["Subject"] = "Re: your update for the Spring 2027 round"
    msg.set_content(body, subtype=subtype)
    return bytes(msg)


def body_of(raw: bytes) -> str:
    return parse_message(raw).body


# --- plain text: the signature under the reply, the quote under both ---------------------------------------

ANSWER = "1.1 completed\n1.2 on track - 40 of 55 managers trained"

SHAPES = {
    "name, title, organisation, phone": (
        "Jo Baker",
        "Jo Baker\nHead of Equalities and Inclusion\nExampleshire County Council\nTel: 01632 960 418",
    ),
    "name only": ("Jo Baker", "Jo Baker"),
    "first name right under the answer": ("Jo Baker", "Jo"),
    "initials": ("Rhiannon Pryce", "RP"),
    "one initial": ("Rhiannon Pryce", "R"),
    "initials with dots": ("Rhiannon Pryce", "R.P."),
    "initials that spell an honorific": ("Mohammed Rahman", "MR"),
    "first name in capitals": ("Jo Baker", "JO"),
    "name without its accent": ("Zoe Clarke", "Zoë"),
    "surname-first display name": ("Baker, Jo", "Jo Baker\nPolicy Officer"),
    "pronouns after the name": ("Alex Morgan", "Alex Morgan (they/them)\nPolicy Officer, Customer Access"),
    "pronouns on their own line": ("Jo Baker", "Jo Baker\nPronouns: she/her\nHead of Equalities"),
    "mobile +44 7700 900123": ("Siân Evans", "Siân Evans\nService Manager\nM: +44 7700 900123"),
    "mobile 07700 900123": ("Siân Evans", "Siân Evans\n07700 900123"),
    "mobile +44 (0)7700 900123 with email": (
        "Siân Evans",
        "Siân Evans | Service Manager\nMob: +44 (0)7700 900123 | E: sian.evans@exampleshire.gov.uk",
    ),
    "address and postcode": (
        "Jo Baker",
        "Jo Baker\nExampleshire County Council\nCounty Hall, Market Street\nExampleton EX1 1AA",
    ),
    "address on one line with web address": (
        "Jo Baker",
        "Jo Baker\nCounty Hall | Market Street | Exampleton | EX1 1AA\nwww.exampleshire.gov.uk",
    ),
    "title and organisation on one line": (
        "Amara Okafor",
        "Dr Amara Okafor\nDirector of People | Kingsmere NHS Trust",
    ),
    "title and organisation without the name": ("Amara Okafor", "Director of People | Kingsmere NHS Trust"),
    "someone else signing for the sender": (
        "Jo Baker",
        "Priya Shah\nPA to the Head of Equalities\nExampleshire County Council",
    ),
    "post-nominals and social": (
        "Ngozi Okafor",
        "Dr Ngozi Okafor MBE\nDirector of Public Health\nFollow us on X @ExampleshireCC",
    ),
    "sign-off word then the block": ("Jo Baker", "Kind regards,\n\nJo Baker\nHead of Equalities"),
    "sign-off with the name on its line": ("Jo Baker", "Thanks, Jo"),
    "delimiter": ("Tom Hughes", "-- \nTom Hughes\nDigital Services Manager"),
    "Sent from my iPhone": ("Karen O'Neill", "Sent from my iPhone"),
    "Sent from my Galaxy": ("Karen O'Neill", "Sent from my Galaxy"),
    "Get Outlook for Android": ("Karen O'Neill", "Get Outlook for Android"),
    "Envoyé de mon iPhone": ("Karen O'Neill", "Envoyé de mon iPhone"),
    "Sent with an app, with its link": ("Karen O'Neill", "Sent with BlackBerry Work (www.blackberry.com)"),
    "device line under the name": ("Karen O'Neill", "Karen\n\nSent from my iPad"),
    "environment footer": (
        "Jo Baker",
        "Jo Baker\nHead of Equalities\n\nPlease consider the environment before printing this email.",
    ),
    "environment footer, other wording": ("Jo Baker", "Save paper - think before you print."),
}


@pytest.mark.parametrize("sender, signature", SHAPES.values(), ids=list(SHAPES))
def test_a_signature_under_the_reply_is_removed(sender: str, signature: str) -> None:
    gap = "\n" if signature in {"Jo"} else "\n\n"
    raw = message(ANSWER + gap + signature + quote_below(), sender)
    assert body_of(raw) == ANSWER


@pytest.mark.parametrize("sender, signature", SHAPES.values(), ids=list(SHAPES))
def test_a_signature_with_no_quote_is_removed(sender: str, signature: str) -> None:
    assert body_of(message(f"{ANSWER}\n\n{signature}\n", sender)) == ANSWER


@pytest.mark.parametrize("sender, signature", SHAPES.values(), ids=list(SHAPES))
def test_a_signature_in_html_is_removed(sender: str, signature: str) -> None:
    def div(text: str) -> str:
        return "<div>" + "<br>".join(html.escape(line) for line in text.split("\n")) + "</div>"

    page = f"<html><body>{div(ANSWER)}<div><br></div>{div(signature)}{OUTLOOK_QUOTE}</body></html>"
    assert body_of(message(page, sender, subtype="html")) == ANSWER


def test_the_reply_reads_the_same_with_the_signature_kept() -> None:
    raw = message(f"{ANSWER}\n\nJo Baker\nHead of Equalities{quote_below()}")
    parts = parse_message(raw)
    assert parts.reply == f"{ANSWER}\n\nJo Baker\nHead of Equalities"
    assert parts.body == ANSWER


# --- the signature must never eat an update ---------------------------------------------------------------

KEPT = {
    "a last line 'Done.'": "1.1 final draft with Cabinet\n\nDone.",
    "a last line 'On track'": "Jo Baker\nOn track",
    "a ref under the name": "1.1 completed\n\nJo Baker\n2.3 a) at risk",
    "a status under a title": "Head of Equalities\nDelayed until June",
    "an update after the sign-off": "1.1 completed\n\nThanks\nJo\n\n1.2 on track",
    "an update after the delimiter": "1.1 completed\n\n-- \nJo Baker\n\n2.3 at risk",
    "an update with a ref after the device line": "1.1 completed\n\nSent from my iPhone\n\n1.2 on track",
}
KEPT_BODY = {
    "an update after the sign-off": "1.1 completed\n\n1.2 on track",
    "an update after the delimiter": "1.1 completed\n\n2.3 at risk",
    "an update with a ref after the device line": "1.1 completed\n\n1.2 on track",
}


@pytest.mark.parametrize("name", list(KEPT))
def test_a_line_with_a_ref_or_status_word_stops_the_signature(name: str) -> None:
    raw = message(KEPT[name] + quote_below())
    assert body_of(raw) == KEPT_BODY.get(name, KEPT[name])


@pytest.mark.parametrize(
    "text",
    [
        "1.1 completed\n\nAgreed",  # one capitalised word, not the sender's name
        "1.1 completed\n\nExampleshire County Council",  # an organisation alone proves nothing
        "The policy has gone to the\nChief Executive, Exampleshire Council",  # a wrapped sentence
        "1.1 completed\n\nSent via email to all managers",  # a sentence, not a device
        "1.1 completed\n\nwww.exampleshire.gov.uk/equality-policy",  # a link to the evidence
        "1.1 completed\n\nBest Value Review",  # a heading, not a sign-off
    ],
)
def test_lines_that_only_resemble_a_signature_stay(text: str) -> None:
    assert body_of(message(text + quote_below())) == text


@pytest.mark.parametrize("line", ["Thanks", "--", "Sent from my iPhone", "Jo Baker"])
def test_thousands_of_signature_lines_take_linear_time(line: str) -> None:
    """Hostile input must not stall intake: each marker once scanned the rest of the message."""
    text = "1.1 completed\n\n" + f"{line}\n" * 4000 + "1.2 on track\n"
    started = time.perf_counter()
    body = body_of(message(text))
    assert time.perf_counter() - started < 10  # about 1s; quadratic took minutes
    assert body.startswith("1.1 completed") and body.endswith("1.2 on track")


# --- a signature above the quote (Apple Mail, iPhone), inline answers below --------------------------------


def inline_answers() -> str:
    """The quoted prompt with answers written under two of its actions."""
    out = quoted(PROMPT[:12]) + "\n\nStatus: completed\nProgress: final session held 27 February\n\n"
    return out + quoted(PROMPT[12:18]) + "\n\nStatus: on track\n\n" + quoted(PROMPT[18:]) + "\n"


INLINE_BODY = (
    "[1.2] Deliver equality impact assessment training to all service managers\n"
    "Status: completed\nProgress: final session held 27 February\n\n"
    "[2.3] Review accessibility of the council website against WCAG 2.2\nStatus: on track"
)


@pytest.mark.parametrize(
    "above",
    [
        "Jo Baker\nHead of Equalities and Inclusion\nExampleshire County Council\nM: 07700 900123",
        "Jo",
        "Kind regards,\nJo",
        "-- \nJo Baker\nHead of Equalities",
        "Jo\n\nSent from my iPhone",
        "Jo Baker\n\nThis email and any attachments are confidential and intended solely for the addressee.",
    ],
    ids=["block", "first name", "sign-off", "delimiter", "device line", "disclaimer"],
)
def test_a_signature_above_the_quote_ends_where_the_quote_begins(above: str) -> None:
    raw = message(f"Answers below.\n\n{above}\n\n{ATTRIBUTION}\n\n{inline_answers()}")
    assert parse_message(raw).reply.startswith("Answers below.\n\n")
    assert body_of(raw) == f"Answers below.\n\n{INLINE_BODY}"


def test_a_signature_alone_above_the_quote_leaves_the_inline_answers() -> None:
    raw = message(f"Jo Baker\nHead of Equalities\n\n{ATTRIBUTION}\n\n{inline_answers()}")
    assert body_of(raw) == INLINE_BODY


def test_a_signature_after_the_inline_answers_goes_too() -> None:
    raw = message(
        f"Answers below.\n\nJo\n\n{ATTRIBUTION}\n\n{inline_answers()}\n-- \nJo Baker\nPolicy Officer\n"
    )
    assert body_of(raw) == f"Answers below.\n\n{INLINE_BODY}"


# --- HTML ---------------------------------------------------------------------------------------------------

OUTLOOK_QUOTE = (
    '<div id="divRplyFwdMsg"><b>From:</b> Action Plan Progress<br><b>Sent:</b> 03 March 2027 09:12<br>'
    "<b>Subject:</b> your update</div><div>[1.1] Develop and publish</div>"
)


@pytest.mark.parametrize(
    "html, sender, expected",
    [
        (
            "<html><body><div>1.1 completed<br>1.2 on track</div><div><br></div>"
            "<div>Jo Baker<br>Head of Equalities<br>Exampleshire County Council<br>Mob: 07700 900123</div>"
            f"{OUTLOOK_QUOTE}</body></html>",
            "Jo Baker",
            "1.1 completed\n1.2 on track",
        ),
        (
            "<p>No change since last time.</p><p>Amara Okafor<br>Director of People | Kingsmere NHS Trust</p>"
            f"<p>Please consider the environment before printing this email.</p>{OUTLOOK_QUOTE}",
            "Amara Okafor",
            "No change since last time.",
        ),
        (
            '<div dir="ltr">2.3 at risk, revised target: June 2028<br clear="all"><div><br></div>-- <br>'
            '<div class="gmail_signature">Tom Hughes<br>Digital Services Manager</div></div>'
            f'<div class="gmail_quote"><div>On Mon wrote:</div><blockquote>{quoted()}</blockquote></div>',
            "Tom Hughes",
            "2.3 at risk, revised target: June 2028",
        ),
        (
            '<div dir="ltr">No change</div><div dir="ltr"><br><div>Sent from my iPhone</div></div>'
            f'<div dir="ltr"><br><blockquote type="cite">{ATTRIBUTION}<br>[1.1] Develop</blockquote></div>',
            "Karen O'Neill",
            "No change",
        ),
        (  # Apple Mail: signature above the quote, answers between the quoted parts
            "<div>Answers below.</div><div><br></div><div>Jo Baker<br>Head of Equalities<br>"
            'Exampleshire County Council</div><div><br><blockquote type="cite"><div>[1.2] Deliver</div>'
            "<div>Status:</div></blockquote></div><div>Status: completed</div>"
            '<div><blockquote type="cite"><div>[2.3] Review</div></blockquote></div>'
            "<div>Status: on track</div>",
            "Jo Baker",
            "Answers below.\n\nStatus: completed\n\nStatus: on track",
        ),
    ],
    ids=["outlook block", "one-line title, footer", "gmail delimiter", "iphone device line", "apple inline"],
)
def test_html_signatures_are_removed(html: str, sender: str, expected: str) -> None:
    assert body_of(message(html, sender, subtype="html")) == expected


# --- properties ---------------------------------------------------------------------------------------------

FIRST = ["Jo", "Siân", "Zoë", "Rhiannon", "Mohammed", "Aisha", "Dafydd", "Graham", "Karen", "Ngozi", "Alex"]
LAST = ["Baker", "Evans", "Clarke", "Pryce", "Iqbal", "Rahman", "Morgan", "O'Neill", "Smith-Jones", "Okafor"]
PLACES = ["Exampleshire", "Kingsmere", "Northbrook", "St Ives", "Ashford"]
DEPARTMENTS = [
    "Equalities and Inclusion",
    "Customer Access",
    "Public Health",
    "Digital Services",
    "People and Organisational Development",
    "Legal and Democratic Services",
    "Adult Social Care",
    "Children's Services",
]
ROLES = ["Head of {}", "Director of {}", "Assistant Director, {}", "{} Manager", "{} Officer", "{} Lead"]
ORGS = ["{} County Council", "{} NHS Foundation Trust", "{} Integrated Care Board", "{} Borough Council"]
LABELS = ["", "Tel: ", "T: ", "M: ", "Mob: ", "Mobile: ", "Direct dial: "]
STATUSES = [
    "completed",
    "on track",
    "at risk",
    "off track",
    "not started",
    "withdrawn",
    "no change",
    "delayed",
]
REFS = ["1.1", "1.2", "2.3", "2.3 a)", "[1.2]", "3.1:"]


@st.composite
def phones(draw: st.DrawFn) -> str:
    n = draw(st.integers(0, 999))
    shape = draw(
        st.sampled_from(
            ["+44 7700 900{:03d}", "07700 900{:03d}", "01632 960 {:03d}", "+44 (0)1632 960{:03d}"]
        )
    )
    return draw(st.sampled_from(LABELS)) + shape.format(n)


@st.composite
def signatures(draw: st.DrawFn, first: str, last: str) -> str:
    """A signature block for first/last: a name line, then title, organisation, phone... in any order."""
    name = draw(
        st.sampled_from(
            [
                f"{first} {last}",
                first,
                f"{first[0]}{last[0]}",
                f"{first} {last} (she/her)",
                f"Dr {first} {last}",
            ]
        )
    )
    extras = draw(
        st.lists(
            st.one_of(
                st.builds(lambda r, d: r.format(d), st.sampled_from(ROLES), st.sampled_from(DEPARTMENTS)),
                st.builds(lambda o, p: o.format(p), st.sampled_from(ORGS), st.sampled_from(PLACES)),
                phones(),
                st.just("County Hall, Market Street, Exampleton EX1 1AA"),
                st.just("www.exampleshire.gov.uk"),
                st.just(f"{first.lower()}.{last.lower()}@exampleshire.gov.uk"),
            ),
            max_size=5,
        )
    )
    block = "\n".join([name, *extras])
    sign_off = draw(st.sampled_from(["", "Thanks,\n", "Kind regards,\n\n", "Best wishes\n", "-- \n"]))
    return sign_off + block


@st.composite
def replies(draw: st.DrawFn) -> str:
    notes = st.sampled_from(["", " - see notes", ", supplier confirmed"])
    lines = [
        f"{draw(st.sampled_from(REFS))} {draw(st.sampled_from(STATUSES))}{draw(notes)}"
        for _ in range(draw(st.integers(1, 4)))
    ]
    return draw(st.sampled_from(["", "Hi,\n\n"])) + "\n".join(lines)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_signature_block_appended_to_a_reply_is_removed(data: st.DataObject) -> None:
    first, last = data.draw(st.sampled_from(FIRST)), data.draw(st.sampled_from(LAST))
    reply = data.draw(replies())
    signature = data.draw(signatures(first, last))
    sender = data.draw(st.sampled_from([f"{first} {last}", f"{last}, {first}"]))
    tail = data.draw(st.sampled_from(["\n", quote_below()]))
    assert body_of(message(f"{reply}\n\n{signature}{tail}", sender)) == reply


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_last_line_with_a_ref_or_status_word_is_kept(data: st.DataObject) -> None:
    first, last = data.draw(st.sampled_from(FIRST)), data.draw(st.sampled_from(LAST))
    before = data.draw(st.sampled_from(["", "Thanks for the reminder.\n\n", "1.1 completed\n\n"]))
    signature = data.draw(st.one_of(st.just(""), signatures(first, last).map(lambda s: s + "\n")))
    status = data.draw(st.sampled_from([s.capitalize() for s in STATUSES] + ["Done.", "On track"]))
    last_line = data.draw(
        st.sampled_from([status, f"{data.draw(st.sampled_from(REFS))} {status.lower()}", f"Status: {status}"])
    )
    body = body_of(message(f"{before}{signature}{last_line}{quote_below()}", f"{first} {last}"))
    assert body.endswith(last_line)
