"""Signing in to the mailbox: a password, or an OAuth 2.0 access token sent with SASL XOAUTH2.

Microsoft 365 switched basic authentication off for IMAP; an unattended service signs in with the OAuth 2.0
client-credentials grant against Entra ID (scope https://outlook.office365.com/.default) and presents
the token with XOAUTH2. Google Workspace has no client-credentials grant: a service account with
domain-wide delegation signs a JWT for the mailbox user (RFC 7523 JWT bearer grant, scope
https://mail.google.com/). Both grants are authlib's (docs/mailbox.md says why authlib rather than MSAL:
one library for both providers).

Tokens are fetched when first needed and again a few minutes before they expire, never per connection.
"""

from __future__ import annotations

import imaplib
import json
import threading
import time
from dataclasses import dataclass
from typing import Protocol, TypedDict

from collector.core.errors import UserError
from collector.core.settings import Settings

MICROSOFT_TOKEN_URL = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"
MICROSOFT_SCOPE = "https://outlook.office365.com/.default"
GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"
GOOGLE_SCOPE = "https://mail.google.com/"
REFRESH_BEFORE = 300  # seconds: a token this close to expiry is replaced before it is used


@dataclass(frozen=True)
class AccessToken:
    value: str
    expires_at: float  # epoch seconds


class TokenResponse(TypedDict, total=False):
    """What a token endpoint answers (RFC 6749 5.1 and 5.2), as far as we read it."""

    access_token: str
    expires_in: float | str
    expires_at: float
    error: str


class ServiceAccountKey(TypedDict, total=False):
    """The fields of a Google service account's JSON key that signing in reads."""

    client_email: str
    private_key: str
    private_key_id: str
    token_uri: str


class TokenSource(Protocol):
    def token(self) -> AccessToken: ...


class _Cached:
    """Fetch on first use and shortly before expiry; thread-safe (doctor and the reader may share one)."""

    def __init__(self) -> None:
        self._token: AccessToken | None = None
        self._lock = threading.Lock()

    def token(self) -> AccessToken:
        with self._lock:
            if self._token is None or self._token.expires_at - REFRESH_BEFORE <= time.time():
                self._token = self._fetch()
            return self._token

    def _fetch(self) -> AccessToken:
        raise NotImplementedError


def _access_token(raw: TokenResponse) -> AccessToken:
    value = raw.get("access_token")
    if not value:
        raise UserError(f"the token endpoint answered without an access token: {raw.get('error', '?')}")
    expires_at = raw.get("expires_at") or time.time() + float(raw.get("expires_in") or 3600)
    return AccessToken(str(value), float(expires_at))


class ClientCredentials(_Cached):
    """Microsoft Entra ID: the client-credentials grant (the app's own identity, no user present)."""

    def __init__(self, token_url: str, client_id: str, client_secret: str, scope: str):
        super().__init__()
        self.token_url, self.client_id, self.client_secret, self.scope = (
            token_url,
            client_id,
            client_secret,
            scope,
        )

    def _fetch(self) -> AccessToken:
        from authlib.integrations.httpx_client import OAuth2Client

        with OAuth2Client(
            self.client_id,
            self.client_secret,
            scope=self.scope,
            token_endpoint_auth_method="client_secret_post",
            timeout=30,
        ) as client:
            answer: TokenResponse = client.fetch_token(self.token_url, grant_type="client_credentials")
            return _access_token(answer)


class ServiceAccount(_Cached):
    """Google: a service account's signed JWT, acting for the mailbox user (domain-wide delegation)."""

    def __init__(self, token_url: str, key: ServiceAccountKey, subject: str, scope: str):
        super().__init__()
        self.token_url, self.key, self.subject, self.scope = token_url, key, subject, scope

    def _fetch(self) -> AccessToken:
        from authlib.integrations.httpx_client import AssertionClient
        from joserfc.jwk import RSAKey

        with AssertionClient(
            token_endpoint=self.token_url,
            issuer=self.key["client_email"],
            subject=self.subject,
            audience=self.key.get("token_uri") or self.token_url,
            scope=self.scope,
            key=RSAKey.import_key(self.key["private_key"]),
            header={"alg": "RS256", "kid": self.key.get("private_key_id", "")},
            timeout=30,
        ) as client:
            answer: TokenResponse = client.refresh_token()
            return _access_token(answer)


def token_source(settings: Settings, user: str) -> TokenSource | None:
    """The token source MAILBOX_OAUTH asks for, or None for password sign-in. Raises UserError when a setting
    it needs is missing."""
    kind = settings.mailbox_oauth
    if not kind:
        return None
    if kind == "microsoft":
        secret = settings.mailbox_client_secret
        if not settings.mailbox_client_id or secret is None:
            raise UserError("MAILBOX_OAUTH=microsoft needs MAILBOX_CLIENT_ID and MAILBOX_CLIENT_SECRET")
        if not settings.mailbox_token_url and not settings.mailbox_tenant:
            raise UserError("MAILBOX_OAUTH=microsoft needs MAILBOX_TENANT (the Entra ID tenant id)")
        url = settings.mailbox_token_url or MICROSOFT_TOKEN_URL.format(tenant=settings.mailbox_tenant)
        return ClientCredentials(url, settings.mailbox_client_id, secret.get_secret_value(), MICROSOFT_SCOPE)
    if settings.mailbox_key_file is None:
        raise UserError("MAILBOX_OAUTH=google needs MAILBOX_KEY_FILE (the service account's JSON key)")
    try:
        key = json.loads(settings.mailbox_key_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(f"cannot read MAILBOX_KEY_FILE {settings.mailbox_key_file}: {exc}") from exc
    url = settings.mailbox_token_url or key.get("token_uri") or GOOGLE_TOKEN_URL
    return ServiceAccount(url, key, user, GOOGLE_SCOPE)


def xoauth2(user: str, access_token: str) -> bytes:
    """The SASL XOAUTH2 initial response (Google's and Microsoft's format): user and bearer token."""
    return f"user={user}\x01auth=Bearer {access_token}\x01\x01".encode()


def sign_in(connection: imaplib.IMAP4, user: str, password: str | None, tokens: TokenSource | None) -> None:
    """LOGIN with the password, or AUTHENTICATE XOAUTH2 with a current token. Raises imaplib.IMAP4.error."""
    if tokens is None:
        connection.login(user, password or "")
        return
    first = xoauth2(user, tokens.token().value)
    sent: list[bytes] = []

    def respond(_challenge: bytes) -> bytes:
        # the first continuation takes the token; a second one carries the server's error (JSON): answer
        # it with an empty line, as RFC 7628 3.2.3 asks, and the server then fails the command
        sent.append(first if not sent else b"")
        return sent[-1]

    connection.authenticate("XOAUTH2", respond)
