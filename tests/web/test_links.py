"""The link itself: signed and checked by collector/core/links.py, added to prompts and reminders (never
to other messages) by the channel wrapper, and absent unless PUBLIC_URL and WEB_SECRET are both set."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from pydantic import SecretStr

from collector.channels.linking import LinkingChannel
from collector.channels.protocol import PromptMessage, ReceiptMessage, Recipient
from collector.cli.wiring import channels_for, linked
from collector.core.links import lead_link, lead_token, read_lead_token
from collector.core.settings import Settings
from tests.fakes.channels import RecordingChannel

JO = Recipient(1, "Jo Baker", "jo@example.org")
PROMPT = PromptMessage("prompt", "Plan", "Spring 2027", date(2027, 3, 31), JO, (), reply_token="tok3n")


def test_a_token_reads_back_only_with_its_secret_and_unaltered():
    token = lead_token("s" * 40, "tok3n")
    assert token.startswith("tok3n.") and read_lead_token("s" * 40, token) == "tok3n"
    assert read_lead_token("t" * 40, token) is None
    assert read_lead_token("s" * 40, "tok3m" + token[5:]) is None
    assert read_lead_token("s" * 40, "tok3n") is None
    assert lead_link("https://p.example.org/", "s" * 40, "tok3n") == f"https://p.example.org/u/{token}"


def test_prompts_and_reminders_get_the_link_and_nothing_else_does():
    inner = RecordingChannel()
    channel = LinkingChannel(inner, lambda token: f"https://p/u/{token}")
    channel.send_prompt(PROMPT)
    channel.send_reminder(replace(PROMPT, kind="reminder"))
    channel.send_prompt(replace(PROMPT, reply_token=None))
    receipt = ReceiptMessage("Plan", "Spring 2027", JO, ())
    channel.send_receipt(receipt)
    links = [getattr(m, "link", None) for _, m in inner.sent]
    assert links == ["https://p/u/tok3n", "https://p/u/tok3n", None, None]
    assert channel.name == inner.name


def test_no_link_unless_both_settings_are_set(tmp_path: Path):
    def settings(**kwargs: object) -> Settings:
        return Settings(_env_file=None, var_dir=tmp_path, **kwargs)  # type: ignore[call-arg, arg-type]

    inner = RecordingChannel()
    assert linked(settings(), inner) is inner
    assert linked(settings(public_url="https://p"), inner) is inner
    assert linked(settings(web_secret=SecretStr("s" * 40)), inner) is inner
    both = settings(public_url="https://p", web_secret=SecretStr("s" * 40))
    assert isinstance(linked(both, inner), LinkingChannel)
    assert all(isinstance(c, LinkingChannel) for c in channels_for(both).values())
    assert not any(isinstance(c, LinkingChannel) for c in channels_for(settings()).values())
