"""`collector doctor`'s mailbox check against a real Dovecot: sign-in, folder, IDLE, the token's lifetime."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from collector.cli import doctor
from tests.mail_imap.conftest import CLIENT_ID, CLIENT_SECRET
from tests.mail_imap.dovecot import USER

pytestmark = pytest.mark.slow  # a Dovecot per test


def test_without_a_mailbox_the_check_is_off(tmp_path):
    settings = doctor.Settings(database_url=f"sqlite:///{tmp_path}/c.db", mailbox_url=None)
    assert doctor.check_mailbox(settings).status == doctor.OFF


def test_a_working_mailbox_reports_its_folder_and_idle(settings, dovecot):
    found = doctor.check_mailbox(settings)
    assert found.status == doctor.OK, found
    assert "signed in (password)" in found.detail and "IDLE" in found.detail and "INBOX" in found.detail


def test_a_wrong_password_and_a_missing_folder_fail_with_a_fix(settings, dovecot):
    found = doctor.check_mailbox(settings.model_copy(update={"mailbox_password": SecretStr("nope")}))
    assert found.status == doctor.FAIL and "cannot sign in" in found.detail and found.fix
    missing = settings.mailbox_url.replace("/INBOX", "/Nowhere")
    found = doctor.check_mailbox(settings.model_copy(update={"mailbox_url": missing}))
    assert found.status == doctor.FAIL and "Nowhere" in found.detail


def test_oauth_reports_the_token_lifetime_and_a_short_one_warns(settings, dovecot, tokens):
    oauth = settings.model_copy(
        update={
            "mailbox_password": None,
            "mailbox_oauth": "microsoft",
            "mailbox_client_id": CLIENT_ID,
            "mailbox_client_secret": SecretStr(CLIENT_SECRET),
            "mailbox_token_url": tokens.url + "/token",
        }
    )
    found = doctor.check_mailbox(oauth)
    assert found.status == doctor.OK and "XOAUTH2" in found.detail
    assert "token valid for 60 min" in found.detail
    tokens.lifetime = 120
    found = doctor.check_mailbox(oauth)
    assert found.status == doctor.WARN and "expires in" in found.detail
    assert USER in found.detail
