"""Sending through a relay that insists on TLS and a login, as Office 365, Gmail and most hosted relays
do: STARTTLS on 587, implicit TLS on 465 (smtps://), and a certificate we must verify. The relay is a real
aiosmtpd server on loopback with a certificate made for the test by openssl."""

from __future__ import annotations

import ssl
import subprocess
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from collector.channels.protocol import ChannelError
from mailin.outbound.smtp import SmtpSender
from tests.mail_out.test_channel import RecordingRelay, free_port

USER, PASSWORD = "progress@harbourside.example.org", "correct horse battery staple"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[str, str]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return str(cert), str(key)


class _Logins:
    """aiosmtpd authenticator: one account; remembers who logged in."""

    def __init__(self):
        self.seen: list[str] = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            USER.encode(),
            PASSWORD.encode(),
        ):
            self.seen.append(auth_data.login.decode())
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


class _TlsRelay(RecordingRelay):
    async def handle_DATA(self, server, session, envelope):
        # session.ssl is set by STARTTLS; under implicit TLS the transport itself is the TLS one
        self.tls_seen = session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None
        return await super().handle_DATA(server, session, envelope)


def _relay(certificate, *, implicit: bool):
    cert, key = certificate
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    handler, logins = _TlsRelay(), _Logins()
    common = {"hostname": "127.0.0.1", "port": free_port(), "authenticator": logins}
    if implicit:  # aiosmtpd only counts STARTTLS as TLS for auth_require_tls; the socket is TLS throughout
        controller = Controller(handler, ssl_context=server_tls, auth_require_tls=False, **common)
    else:
        controller = Controller(
            handler, tls_context=server_tls, require_starttls=True, auth_require_tls=True, **common
        )
    return handler, logins, controller


def _trusting(certificate) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=certificate[0])


def _mail() -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = USER, "jo.baker@harbourside.example.org", "Progress update"
    msg["Message-ID"] = "<tls-test@harbourside.example.org>"
    msg.set_content("1.1 on track")
    return msg


@pytest.mark.parametrize("implicit", [False, True], ids=["starttls-587", "smtps-465"])
def test_the_relay_gets_the_mail_over_tls_after_a_login(certificate, implicit):
    handler, logins, controller = _relay(certificate, implicit=implicit)
    controller.start()
    try:
        scheme = "smtps" if implicit else "smtp"
        login = f"{USER.replace('@', '%40')}:{PASSWORD.replace(' ', '%20')}"
        url = f"{scheme}://{login}@127.0.0.1:{controller.port}"
        sender = SmtpSender(url, ssl_context=_trusting(certificate), sleep=lambda _s: None, timeout=5)
        sender.send(_mail())
        sender.close()
    finally:
        controller.stop()
    assert logins.seen == [USER] and handler.tls_seen
    assert handler.delivered[0][1] == ["jo.baker@harbourside.example.org"]


def test_a_wrong_password_is_a_clear_error_and_nothing_is_sent(certificate):
    handler, _, controller = _relay(certificate, implicit=False)
    controller.start()
    try:
        url = f"smtp://{USER.replace('@', '%40')}:wrong@127.0.0.1:{controller.port}"
        sender = SmtpSender(url, ssl_context=_trusting(certificate), sleep=lambda _s: None, timeout=5)
        with pytest.raises(ChannelError, match="login failed") as failed:
            sender.send(_mail())
        sender.close()
    finally:
        controller.stop()
    assert "wrong" not in str(failed.value) and handler.delivered == []


def test_a_certificate_we_cannot_verify_stops_the_send(certificate):
    handler, logins, controller = _relay(certificate, implicit=False)
    controller.start()
    try:  # the default context trusts the system's CAs, not this self-made certificate
        url = f"smtp://{USER.replace('@', '%40')}:x@127.0.0.1:{controller.port}"
        sender = SmtpSender(url, sleep=lambda _s: None, timeout=5)
        with pytest.raises(ChannelError, match="CERTIFICATE_VERIFY_FAILED"):
            sender.send(_mail())
        sender.close()
    finally:
        controller.stop()
    assert logins.seen == [] and handler.delivered == []
