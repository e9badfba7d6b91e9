"""A stand-in for an OAuth 2.0 authorisation server (Entra ID's or Google's token endpoint), on loopback.

POST /token        client_credentials (client id and secret in the form) or the JWT bearer grant (an RS256
                   assertion signed with the service account key the test made); answers an access token
POST /introspect   RFC 7662 for Dovecot's oauth2 passdb: active and the username for a token it issued and
                   that has not expired, inactive for anything else
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"


class TokenServer:
    def __init__(self, client_id: str, client_secret: str, username: str, *, lifetime: int = 3600):
        self.client_id, self.client_secret, self.username, self.lifetime = (
            client_id,
            client_secret,
            username,
            lifetime,
        )
        self.public_key: object | None = None  # set to verify JWT bearer assertions
        self.issued: dict[str, float] = {}
        self.requests: list[dict[str, str]] = []
        self.introspected: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                status, body = server.answer(self.path, form)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def answer(self, path: str, form: dict[str, str]) -> tuple[int, dict]:
        if path == "/introspect":
            token = form.get("token", "")
            self.introspected.append(token)
            alive = self.issued.get(token, 0) > time.time()
            return 200, {"active": "true", "username": self.username} if alive else {"active": "false"}
        if path != "/token":
            return 404, {"error": "not_found"}
        self.requests.append(form)
        grant = form.get("grant_type")
        if grant == "client_credentials":
            if (form.get("client_id"), form.get("client_secret")) != (self.client_id, self.client_secret):
                return 401, {"error": "invalid_client"}
        elif grant == JWT_BEARER:
            if not self._assertion_ok(form.get("assertion", "")):
                return 400, {"error": "invalid_grant"}
        else:
            return 400, {"error": "unsupported_grant_type"}
        token = secrets.token_urlsafe(24)
        self.issued[token] = time.time() + self.lifetime
        return 200, {"access_token": token, "token_type": "Bearer", "expires_in": self.lifetime}

    def _assertion_ok(self, assertion: str) -> bool:
        from joserfc import jwt
        from joserfc.errors import JoseError
        from joserfc.jwk import RSAKey

        try:
            claims = jwt.decode(assertion, RSAKey.import_key(self.public_key)).claims
        except (JoseError, ValueError):
            return False
        return (
            claims.get("sub") == self.username
            and claims.get("aud") == self.url + "/token"
            and float(claims.get("exp", 0)) > time.time()
        )

    def close(self) -> None:
        self.http.shutdown()
        self.http.server_close()
