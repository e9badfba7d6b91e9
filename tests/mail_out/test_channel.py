"""EmailChannel end to end: through a recording aiosmtpd relay on loopback, and to .eml files without one."""

from __future__ import annotations

import dataclasses
import logging
import socket
from datetime import UTC, date, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

from collector.channels.protocol import (
    AskedItem,
    ChannelError,
    PromptMessage,
    ReceiptLine,
    ReceiptMessage,
    Recipient,
)
from collector.channels.registry import resolve
from collector.cli.wiring import channels_for
from collector.core.clock import FrozenClock
from collector.core.settings import Settings
from mailin.outbound.channel import EmailChannel
from mailin.outbound.smtp import RelayConfig, SmtpSender, redact

JO = Recipient(4, "Jo Baker", "jo.baker@harbourside.example.org")
SAM = Recipient(1, "Sam Ortiz", "sam@harbourside.example.org")
CLOCK = FrozenClock(datetime(2027, 3, 1, 9, 30, tzinfo=UTC))


def prompt(to: Recipient = JO) -> PromptMessage:
    items = (AskedItem(1, "1.1", "Open the harbour walk", "March 2027"),)
    return PromptMessage(
        "prompt", "Harbourside Action Plan", "Spring 2027", date(2027, 3, 31), to, items, "t0k3n"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RecordingRelay:
    """An aiosmtpd handler that records what it accepts and answers from a script when told to."""

    def __init__(self):
        self.delivered: list[tuple[str, list[str], bytes, int]] = []
        self.data_replies: list[str] = []  # answered at DATA, one per message, before accepting
        self.rcpt_reply: str | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_replies:
            return self.data_replies.pop(0)
        self.delivered.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content, id(session)))
        return "250 Message accepted for delivery"


@pytest.fixture
def relay():
    handler = RecordingRelay()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.url = f"smtp://127.0.0.1:{controller.port}"
    yield handler
    controller.stop()


@pytest.fixture
def sleeps():
    return []


def channel_for(url: str | None, tmp_path, sleeps, **kw) -> tuple[EmailChannel, SmtpSender | None]:
    settings = Settings(
        _env_file=None, var_dir=tmp_path / "var", mail_domain="progress.example.org", smtp_url=url
    )
    sender = SmtpSender(url, sleep=sleeps.append, timeout=5, **kw) if url else None
    return EmailChannel(settings, CLOCK, smtp=sender), sender


@pytest.fixture
def email(relay, tmp_path, sleeps):
    channel, _ = channel_for(relay.url, tmp_path, sleeps)
    yield channel
    channel.close()


def test_a_prompt_arrives_at_the_relay_with_the_right_envelope(relay, email):
    sent = email.send_prompt(prompt())

    [(mail_from, rcpt_tos, content, _)] = relay.delivered
    assert mail_from == "progress@progress.example.org" and rcpt_tos == ["jo.baker@harbourside.example.org"]
    received = message_from_bytes(content, policy=default)
    assert received["Message-ID"] == sent.external_id
    assert received["Reply-To"] == "progress+t0k3n@progress.example.org"
    assert "Status:" in received.get_body(("plain",)).get_content()


def test_the_connection_is_reused_for_several_sends(relay, email):
    for _ in range(3):
        email.send_prompt(prompt())
    email.send_receipt(ReceiptMessage("Plan", "Spring 2027", SAM, (ReceiptLine("1.1", "completed", "Done"),)))

    assert len(relay.delivered) == 4 and len({session for *_, session in relay.delivered}) == 1
    assert email.relay.connections_opened == 1


def test_a_relay_answering_451_twice_delivers_after_retries(relay, email, sleeps):
    relay.data_replies = ["451 4.3.0 Try again later", "451 4.3.0 Try again later"]

    email.send_prompt(prompt())

    assert len(relay.delivered) == 1 and sleeps == [0.5, 2.0]


def test_a_relay_answering_451_every_time_is_a_temporary_error(relay, email, sleeps):
    relay.data_replies = ["451 4.3.0 Try again later"] * 3

    with pytest.raises(ChannelError, match="451") as caught:
        email.send_prompt(prompt())

    assert caught.value.permanent is False and relay.delivered == [] and sleeps == [0.5, 2.0]


def test_550_at_rcpt_is_permanent_for_that_recipient_with_the_relays_reply(relay, email, sleeps):
    relay.rcpt_reply = "550 5.1.1 No such user here"

    with pytest.raises(ChannelError, match=r"550 5\.1\.1 No such user here") as caught:
        email.send_prompt(prompt())

    assert caught.value.permanent is True and sleeps == []
    relay.rcpt_reply = None
    email.send_prompt(prompt(SAM))  # the others continue, on the same connection
    assert [rcpt for _, rcpt, *_ in relay.delivered] == [["sam@harbourside.example.org"]]


def test_554_at_data_is_permanent(relay, email):
    relay.data_replies = ["554 5.6.0 Message rejected"]

    with pytest.raises(ChannelError, match="554") as caught:
        email.send_prompt(prompt())

    assert caught.value.permanent is True


def test_a_relay_that_is_down_is_a_temporary_error_after_retries(tmp_path, sleeps):
    channel, _ = channel_for(f"smtp://127.0.0.1:{free_port()}", tmp_path, sleeps)

    with pytest.raises(ChannelError, match="failed 3 times") as caught:
        channel.send_prompt(prompt())

    assert caught.value.permanent is False and sleeps == [0.5, 2.0]


def test_a_dropped_connection_is_reopened(relay, email):
    email.send_prompt(prompt())
    email.relay._conn.sock.shutdown(socket.SHUT_RDWR)  # the connection died while we were idle

    email.send_prompt(prompt())

    assert len(relay.delivered) == 2 and email.relay.connections_opened == 2


def test_a_cr_lf_in_an_envelope_address_is_a_clear_permanent_error(relay, email, sleeps):
    bad = EmailMessage()  # compose refuses such addresses first; this checks the relay's own guard (C10)
    bad["From"], bad["To"], bad["Subject"] = "progress@progress.example.org", "jo@example.org", "x"
    bad.set_content("x")

    with pytest.raises(ChannelError, match="not a usable email address") as caught:
        email.relay.send(bad, to_addrs=["jo@exa\r\nmple.org"])  # smtplib would quietly send to jo@exa

    assert caught.value.permanent is True and relay.delivered == [] and sleeps == []


def test_without_smtp_url_each_email_is_written_as_an_eml_file(tmp_path, sleeps):
    channel, _ = channel_for(None, tmp_path, sleeps)

    sent = channel.send_prompt(prompt())

    [path] = (tmp_path / "var" / "outbox").glob("*.eml")
    assert path.name.startswith("20270301T093000Z-prompt-jo-baker-") and sent.detail["path"] == str(path)
    written = message_from_bytes(path.read_bytes(), policy=default)
    assert written["Message-ID"] == sent.external_id and written.get_content_type() == "multipart/alternative"
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # written whole: no .part left behind


def test_the_message_id_derives_from_the_send_id_alone(relay, email):
    message = dataclasses.replace(prompt(), send_id="3f9a0c2e4b5d")

    first, again = email.send_prompt(message), email.send_prompt(message)

    assert first.external_id == again.external_id == "<3f9a0c2e4b5d@progress.example.org>"
    ids = [message_from_bytes(content, policy=default)["Message-ID"] for *_, content, _ in relay.delivered]
    assert ids == [first.external_id] * 2


def test_a_recipient_without_an_email_address_is_a_permanent_error(tmp_path, sleeps):
    channel, _ = channel_for(None, tmp_path, sleeps)

    with pytest.raises(ChannelError, match="no email address") as caught:
        channel.send_prompt(prompt(Recipient(3, "Nadia Khan", None, "U123")))

    assert caught.value.permanent is True and not (tmp_path / "var" / "outbox").exists()


def test_with_a_relay_the_registry_emails_slack_leads_who_have_an_address_and_has_no_outbox(tmp_path):
    settings = Settings(_env_file=None, var_dir=tmp_path / "var", smtp_url="smtp://127.0.0.1:1")
    channels = channels_for(settings, CLOCK)

    assert list(channels) == ["email"]
    assert resolve(channels, "slack", ["email", "slack"]).name == "email"  # Slack is not configured
    assert resolve(channels, "slack", ["slack"]) is None  # unreachable: never parked in a folder


def test_without_any_channel_the_registry_writes_everything_to_the_outbox(tmp_path):
    channels = channels_for(Settings(_env_file=None, var_dir=tmp_path / "var"), CLOCK)

    assert list(channels) == ["outbox"]
    email, slack = resolve(channels, "email", ["email"]), resolve(channels, "slack", ["slack"])
    assert email is slack is channels["outbox"]


def test_smtp_url_credentials_are_percent_decoded_and_never_logged(caplog):
    config = RelayConfig.parse("smtp://user%40example.org:p%40ss%3Aword@relay.example.org:587")

    assert (config.username, config.password, config.port) == ("user@example.org", "p@ss:word", 587)
    assert "p%40ss" not in config.redacted() and "p@ss" not in config.redacted()
    assert redact("smtps://u:secret@relay:465") == "smtps://u:***@relay:465"
    assert RelayConfig.parse("smtps://relay.example.org").port == 465


def test_a_failed_send_logs_the_relay_without_its_password(tmp_path, sleeps, caplog):
    caplog.set_level(logging.DEBUG, logger="mailin")
    channel, _ = channel_for(f"smtp://jo:hunter2@127.0.0.1:{free_port()}", tmp_path, sleeps)

    with pytest.raises(ChannelError) as caught:
        channel.send_prompt(prompt())

    assert "hunter2" not in caplog.text and "hunter2" not in str(caught.value) and "jo:***@" in caplog.text


def test_a_value_error_from_smtplib_is_caught_as_a_permanent_error(relay, email, sleeps, monkeypatch):
    class Refusing:
        def send_message(self, *args):
            raise ValueError("command and arguments contain prohibited newline characters")

    monkeypatch.setattr(email.relay, "_connection", Refusing)

    with pytest.raises(ChannelError, match="refused before sending: command and arguments") as caught:
        email.send_prompt(prompt())

    assert caught.value.permanent is True and sleeps == []


def test_shutting_down_closes_the_relay_connection():
    from collector.channels.registry import close_channels

    class Holder:
        closed = False

        def close(self):
            Holder.closed = True

    close_channels({"email": Holder(), "outbox": object()})
    assert Holder.closed
