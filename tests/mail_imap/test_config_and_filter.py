"""MAILBOX_URL parsing and the "is this ours?" filter: pure, no server."""

from __future__ import annotations

import pytest

from collector.core.errors import UserError
from mailin.inbound.imap_config import parse_mailbox_url
from mailin.inbound.imap_filter import envelope_sender, progress_recipients

DOMAIN = "riverside.gov.uk"


def test_an_email_address_as_the_user_is_split_at_the_last_at_sign():
    config = parse_mailbox_url("imaps://progress@riverside.gov.uk@outlook.office365.com/INBOX")
    assert (config.user, config.host, config.port, config.folder) == (
        "progress@riverside.gov.uk",
        "outlook.office365.com",
        993,
        "INBOX",
    )
    assert config.key == "progress@riverside.gov.uk@outlook.office365.com:993/INBOX"
    encoded = parse_mailbox_url("imap://progress%40riverside.gov.uk@127.0.0.1:1143/Replies%20In", "flag")
    assert (encoded.user, encoded.port, encoded.folder, encoded.done) == (
        "progress@riverside.gov.uk",
        1143,
        "Replies In",
        "flag",
    )
    assert encoded.loopback and not config.loopback
    assert parse_mailbox_url("imaps://u@h").folder == "INBOX"
    assert parse_mailbox_url("imaps://u@h", "move:Done/Progress").done_folder == "Done/Progress"


@pytest.mark.parametrize(
    ("url", "done", "says"),
    [
        ("pop3://u@h/INBOX", "flag", "imaps://"),
        ("imaps://h/INBOX", "flag", "user"),
        ("imaps://u:secret@h/INBOX", "flag", "MAILBOX_PASSWORD"),
        ("imaps://u@h:port/INBOX", "flag", "port"),
        ("imaps://u@h/INBOX", "move:", "MAILBOX_DONE"),
        ("imaps://u@h/INBOX", "delete", "MAILBOX_DONE"),
    ],
)
def test_a_bad_setting_says_what_is_wrong(url, done, says):
    with pytest.raises(UserError, match=says):
        parse_mailbox_url(url, done)


def test_only_the_progress_address_in_the_recipient_fields_makes_a_message_ours():
    headers = (
        b"From: Progress <progress@riverside.gov.uk>\r\n"  # the sender field never counts
        b"To: Jo <jo@riverside.gov.uk>, progress+AbCdEf123_-x@Riverside.Gov.UK\r\n"
        b"Cc: notprogress@riverside.gov.uk, progress-team@riverside.gov.uk\r\n"
        b"Cc: progress@riverside.gov.uk.evil\r\n"
        b"Delivered-To: progress@riverside.gov.uk\r\n\r\n"
    )
    assert progress_recipients(headers, DOMAIN) == [
        "progress+AbCdEf123_-x@Riverside.Gov.UK",
        "progress@riverside.gov.uk",
    ]
    assert progress_recipients(b"To: info@riverside.gov.uk\r\n\r\n", DOMAIN) == []
    assert progress_recipients(b"To: progress@elsewhere.org\r\n\r\n", DOMAIN) == []
    folded = b"To: a@b.test,\r\n progress+tok12345@riverside.gov.uk\r\n\r\n"
    assert progress_recipients(folded, DOMAIN) == ["progress+tok12345@riverside.gov.uk"]


def test_malformed_headers_never_raise():
    for junk in (b"", b"\x00\xff\xfe", b"To: =?utf-8?q?broken\r\n\r\n", b"To\r\n: :\r\n", b"To: <<<@>>>\r\n"):
        assert progress_recipients(junk, DOMAIN) == []
        assert isinstance(envelope_sender(junk), str)


def test_the_envelope_sender_is_the_return_path_else_from():
    assert envelope_sender(b"Return-Path: <jo@x.test>\r\nFrom: Other <o@x.test>\r\n\r\n") == "jo@x.test"
    assert envelope_sender(b"Return-Path: <>\r\nFrom: MAILER-DAEMON@x.test\r\n\r\n") == ""  # a bounce
    assert envelope_sender(b"From: Jo Baker <jo@x.test>\r\n\r\n") == "jo@x.test"
