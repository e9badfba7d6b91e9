"""Signing in with OAuth 2.0 (SASL XOAUTH2) to a real Dovecot whose oauth2 passdb asks the token stand-in:
Microsoft's client-credentials grant and Google's service-account JWT grant, then a token's renewal."""

from __future__ import annotations

import json
import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import SecretStr

from collector.core.errors import UserError
from collector.core.settings import Settings
from mailin.inbound import imap_session
from mailin.inbound.imap_auth import REFRESH_BEFORE, ClientCredentials, sign_in, token_source
from mailin.inbound.imap_config import parse_mailbox_url
from tests.mail_imap.conftest import CLIENT_ID, CLIENT_SECRET, DOMAIN, JO
from tests.mail_imap.dovecot import USER
from tests.mail_imap.mail import reply
from tests.mail_imap.test_reader import one_pass, stored

pytestmark = pytest.mark.slow  # a Dovecot per test


def microsoft(settings: Settings, tokens, **changes) -> Settings:
    return settings.model_copy(
        update={
            "mailbox_password": None,
            "mailbox_oauth": "microsoft",
            "mailbox_client_id": CLIENT_ID,
            "mailbox_client_secret": SecretStr(CLIENT_SECRET),
            "mailbox_token_url": tokens.url + "/token",
            **changes,
        }
    )


def test_microsoft_client_credentials_sign_in_with_xoauth2_and_read_the_mailbox(
    dovecot, tokens, reader, settings, engine
):
    dovecot.append(reply(JO, f"progress@{DOMAIN}", "1.1 on track"))
    source = token_source(microsoft(settings, tokens), USER)
    assert one_pass(reader(password=None, tokens=source)) == 1
    assert len(stored(engine)) == 1
    [asked] = tokens.requests
    assert asked["grant_type"] == "client_credentials"
    assert asked["scope"] == "https://outlook.office365.com/.default"
    assert tokens.introspected == [source.token().value]  # Dovecot checked the very token we were issued
    assert "method=XOAUTH2" in dovecot.log
    assert one_pass(reader(password=None, tokens=source)) == 0 and len(tokens.requests) == 1  # token reused


def test_a_wrong_client_secret_is_refused_by_the_token_endpoint(tokens, settings):
    source = token_source(microsoft(settings, tokens, mailbox_client_secret=SecretStr("wrong")), USER)
    with pytest.raises(Exception, match="invalid_client"):
        source.token()


def test_a_token_the_server_does_not_accept_fails_the_sign_in(dovecot, tokens, settings):
    source = token_source(microsoft(settings, tokens), USER)
    token = source.token()
    tokens.issued[token.value] = time.time() - 1  # revoked or expired at the server
    config = parse_mailbox_url(settings.mailbox_url)
    connection = imap_session.connect(config)
    try:
        with pytest.raises(imap_session.imaplib.IMAP4.error, match=r"AUTHENTICATIONFAILED|failed"):
            sign_in(connection, USER, None, source)
    finally:
        imap_session.close(connection)


def test_a_token_close_to_expiry_is_renewed_before_it_is_used(tokens):
    tokens.lifetime = REFRESH_BEFORE + 2
    source = ClientCredentials(tokens.url + "/token", CLIENT_ID, CLIENT_SECRET, "scope")
    first = source.token()
    assert source.token() == first  # still more than REFRESH_BEFORE left: reused
    time.sleep(2.5)
    assert source.token() != first and len(tokens.requests) == 2


def test_google_service_account_signs_a_jwt_for_the_mailbox_user(dovecot, tokens, reader, settings, tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tokens.public_key = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    key_file = tmp_path / "service-account.json"
    key_file.write_text(
        json.dumps(
            {
                "type": "service_account",
                "client_email": "collector@project.iam.gserviceaccount.test",
                "private_key_id": "k1",
                "private_key": pem,
                "token_uri": tokens.url + "/token",
            }
        )
    )
    google = settings.model_copy(
        update={"mailbox_password": None, "mailbox_oauth": "google", "mailbox_key_file": key_file}
    )
    dovecot.append(reply(JO, f"progress@{DOMAIN}", "1.1 on track"))
    assert one_pass(reader(password=None, tokens=token_source(google, USER))) == 1
    [asked] = tokens.requests
    assert asked["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    assert asked["scope"] == "https://mail.google.com/"


def test_missing_oauth_settings_are_explained(settings):
    with pytest.raises(UserError, match="MAILBOX_CLIENT_ID"):
        token_source(settings.model_copy(update={"mailbox_oauth": "microsoft"}), USER)
    with pytest.raises(UserError, match="MAILBOX_KEY_FILE"):
        token_source(settings.model_copy(update={"mailbox_oauth": "google"}), USER)
