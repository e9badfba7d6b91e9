"""The mailbox reader against a real Dovecot, on both backends: a reply in the mailbox becomes updates
exactly once; it is stored before it is marked; unrelated mail is left alone; UIDVALIDITY is honoured."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from mailin.inbound import imap_session
from mailin.inbound.imap_auth import sign_in
from mailin.inbound.process import process_pending
from store.db import session_scope
from store.models.records import InboundMessage, MailboxState
from store.models.updates import Update
from tests.mail_imap.conftest import DOMAIN, JO
from tests.mail_imap.dovecot import USER
from tests.mail_imap.mail import reply

pytestmark = pytest.mark.slow  # a Dovecot per test


def one_pass(reader) -> int:
    """Connect, sign in, read the folder once, log out: the messages newly stored."""
    connection = imap_session.connect(reader.config)
    try:
        sign_in(connection, reader.config.user, reader.password, reader.tokens)
        return reader.read_once(connection, imap_session.select_folder(connection, reader.config.folder))
    finally:
        imap_session.close(connection)


def stored(engine) -> list[InboundMessage]:
    with session_scope(engine, read_only=True) as s:
        rows = list(s.scalars(select(InboundMessage).order_by(InboundMessage.id)))
        s.expunge_all()
        return rows


def updates(engine) -> int:
    with session_scope(engine, read_only=True) as s:
        return s.scalar(select(func.count()).select_from(Update))


def test_a_reply_in_the_mailbox_becomes_updates_once_and_moves_to_processed(
    dovecot, reader, engine, channels, settings, clock, jo_prompt, email
):
    to = f"progress+{jo_prompt.token}@{DOMAIN}"
    dovecot.append(reply(JO, to, "1.1 on track: the draft is with comms\r\n1.2 completed\r\n"))
    assert one_pass(reader()) == 1
    [row] = stored(engine)
    assert row.envelope["rcpt_tos"] == [to] and row.envelope["mail_from"] == JO
    assert row.envelope["source"] == "imap" and row.envelope["uid"] == 1
    assert dovecot.uids("INBOX") == [] and len(dovecot.uids("Processed")) == 1
    assert process_pending(engine, channels, settings, clock)["applied"] == 1
    assert (stored(engine)[0].state, stored(engine)[0].prompt_id) == ("applied", jo_prompt.id)
    recorded = updates(engine)
    assert recorded >= 2 and len(email.of("receipt")) == 1
    assert one_pass(reader()) == 0 and not process_pending(engine, channels, settings, clock)
    assert updates(engine) == recorded and len(email.of("receipt")) == 1


def test_mail_not_addressed_to_the_progress_address_is_left_alone_and_unread(dovecot, reader, engine):
    dovecot.append(reply("news@vendor.test", f"info@{DOMAIN}", "Our spring newsletter"))
    dovecot.append(reply("a@b.test", f"progress-team@{DOMAIN}", "not us"))
    dovecot.append(reply("a@b.test", "progress@elsewhere.test", "another domain"))
    dovecot.append(
        reply("a@b.test", f"info@{DOMAIN}", "cc'd", headers=(f"Cc: Progress <progress@{DOMAIN}>",))
    )
    assert one_pass(reader()) == 1
    [row] = stored(engine)
    assert row.envelope["rcpt_tos"] == [f"progress@{DOMAIN}"]
    assert dovecot.uids("INBOX") == [1, 2, 3] and dovecot.uids("INBOX", "SEEN") == []
    with session_scope(engine, read_only=True) as s:
        assert s.scalar(select(MailboxState.last_uid)) == 4  # looked at once, never again
    assert one_pass(reader()) == 0


def test_delivered_to_and_x_original_to_count_as_addressed_to_us(dovecot, reader, engine, jo_prompt):
    dovecot.append(
        reply(JO, "team@harbourside.gov.uk", "1.1 on track", headers=(f"Delivered-To: progress@{DOMAIN}",))
    )
    dovecot.append(
        reply(JO, "x@y.test", "1.2 done", headers=(f"X-Original-To: progress+{jo_prompt.token}@{DOMAIN}",))
    )
    assert one_pass(reader()) == 2
    assert [r.envelope["rcpt_tos"] for r in stored(engine)] == [
        [f"progress@{DOMAIN}"],
        [f"progress+{jo_prompt.token}@{DOMAIN}"],
    ]


def test_flag_mode_flags_the_message_and_never_reads_it_again(dovecot, reader, engine):
    dovecot.append(reply(JO, f"progress@{DOMAIN}", "1.1 on track"))
    assert one_pass(reader(done="flag")) == 1
    assert dovecot.uids("INBOX", "FLAGGED") == [1] and dovecot.uids("INBOX", "SEEN") == []
    with session_scope(engine) as s:  # even with the UID mark lost, a flagged message is not taken again
        s.get_one(MailboxState, reader().config.key).last_uid = 0
    assert one_pass(reader(done="flag")) == 0 and len(stored(engine)) == 1


def test_a_crash_between_commit_and_mark_stores_once_and_marks_on_the_next_pass(
    dovecot, reader, engine, monkeypatch
):
    dovecot.append(reply(JO, f"progress@{DOMAIN}", "1.1 on track"))
    real_mark = imap_session.mark

    def dies(*args, **kwargs):
        raise OSError("connection lost after the commit")

    monkeypatch.setattr(imap_session, "mark", dies)
    with pytest.raises(OSError):
        one_pass(reader())
    assert len(stored(engine)) == 1 and dovecot.uids("INBOX") == [1]  # committed, not yet marked
    monkeypatch.setattr(imap_session, "mark", real_mark)
    assert one_pass(reader()) == 0  # fetched again, recognised as stored: nothing new
    assert len(stored(engine)) == 1 and dovecot.uids("INBOX") == [] and len(dovecot.uids("Processed")) == 1


def test_a_new_uidvalidity_reads_the_folder_again_and_stores_nothing_twice(dovecot, reader, engine):
    url = f"imap://{USER}@127.0.0.1:{dovecot.port}/Replies"
    with dovecot.client() as c:
        c.create("Replies")
    first = reply(JO, f"progress@{DOMAIN}", "1.1 on track", message_id="<first@client.test>")
    dovecot.append(first, "Replies")
    assert one_pass(reader(url=url, done="flag")) == 1
    with session_scope(engine, read_only=True) as s:
        before = s.scalar(select(MailboxState.uidvalidity))
    with dovecot.client() as c:  # the folder is deleted and made again: every UID is renumbered
        c.delete("Replies")
    with pytest.raises(imap_session.FolderMissing):
        one_pass(reader(url=url, done="flag"))
    with dovecot.client() as c:
        c.create("Replies")
    dovecot.append(first, "Replies")  # the same message again (restored from a backup, say)
    dovecot.append(reply(JO, f"progress@{DOMAIN}", "1.2 completed"), "Replies")
    assert one_pass(reader(url=url, done="flag")) == 1  # only the new one
    with session_scope(engine, read_only=True) as s:
        state = s.execute(select(MailboxState.uidvalidity, MailboxState.last_uid)).one()
    assert state.uidvalidity != before and state.last_uid == 2 and len(stored(engine)) == 2


def test_a_message_that_cannot_be_parsed_is_stored_and_the_next_one_still_applies(
    dovecot, reader, engine, channels, settings, clock, jo_prompt
):
    to = f"progress+{jo_prompt.token}@{DOMAIN}"
    junk = (
        f"To: {to}\r\nFrom: {JO}\r\nContent-Type: multipart/mixed; boundary=\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n\x00\x01\xff not base64 !!!\r\n"
    ).encode("latin-1")
    dovecot.append(junk)
    dovecot.append(reply(JO, to, "1.1 on track"))
    assert one_pass(reader()) == 2
    counts = process_pending(engine, channels, settings, clock)
    assert (
        counts["applied"] >= 1 and sum(v for k, v in counts.items() if k not in ("receipts", "notices")) == 2
    )
    assert all(row.state != "new" for row in stored(engine)) and dovecot.uids("INBOX") == []
