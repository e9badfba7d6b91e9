"""A real Dovecot IMAP server for the tests: a throwaway configuration, one user, a loopback port.

Nothing of the system's own Dovecot configuration is read (-c points at ours). Run as root (CI), Dovecot's
login processes must not be root: they run as Debian's `dovenull`, and the mail as its `dovecot` user (UID 0
may not own mail); run as anyone else, everything runs as that user. The mail lives in a directory under
/tmp that those users can reach (pytest's tmp_path is private to its owner).
"""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

USER, PASSWORD = "progress@council.test", "correct horse battery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Dovecot:
    def __init__(self, introspection_url: str | None = None):
        binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
        if not Path(binary).exists():
            pytest.fail("Dovecot is not installed: apt-get install dovecot-imapd (.ci/run installs it)")
        self.binary, self.port = binary, free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="dovecot-"))
        self.dir.chmod(0o755)
        if os.getuid() == 0:
            mail_user, login_user, internal = pwd.getpwnam("dovecot"), "dovenull", "root"
        else:
            mail_user = pwd.getpwuid(os.getuid())
            login_user = internal = mail_user.pw_name
        for sub in ("run", "state", "mail", "home"):
            (self.dir / sub).mkdir()
        for sub in ("mail", "home"):
            os.chown(self.dir / sub, mail_user.pw_uid, mail_user.pw_gid)
        (self.dir / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        oauth = ""
        if introspection_url:
            (self.dir / "oauth2.conf").write_text(
                f"introspection_mode = post\nintrospection_url = {introspection_url}\n"
                "username_attribute = username\nactive_attribute = active\nactive_value = true\n"
                "force_introspection = yes\n"
            )
            oauth = (
                "passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n"
                f"  args = {self.dir}/oauth2.conf\n}}\n"
            )
        (self.dir / "dovecot.conf").write_text(
            f"""base_dir = {self.dir}/run
state_dir = {self.dir}/state
log_path = {self.dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login{" xoauth2 oauthbearer" if oauth else ""}
auth_failure_delay = 0
default_login_user = {login_user}
default_internal_user = {internal}
first_valid_uid = 1
mail_location = maildir:{self.dir}/mail/%u
passdb {{
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN {self.dir}/users
}}
{oauth}userdb {{
  driver = static
  args = uid={mail_user.pw_uid} gid={mail_user.pw_gid} home={self.dir}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""
        )
        self.process: subprocess.Popen | None = None

    @property
    def log(self) -> str:
        path = self.dir / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def start(self) -> Dovecot:
        self.process = subprocess.Popen(
            [self.binary, "-F", "-c", str(self.dir / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail("Dovecot stopped at start:\n" + self.log)
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    if sock.recv(100).startswith(b"* OK"):
                        return self
            except OSError:
                time.sleep(0.05)
        pytest.fail("Dovecot never listened:\n" + self.log)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        shutil.rmtree(self.dir, ignore_errors=True)

    def client(self) -> imaplib.IMAP4:
        """A second client, as a person (or the organisation's mail system) would use the mailbox."""
        connection = imaplib.IMAP4("127.0.0.1", self.port, timeout=30)
        connection.login(USER, PASSWORD)
        return connection

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        """Deliver a message the way a test can: IMAP APPEND."""
        with self.client() as connection:
            typ, data = connection.append(f'"{folder}"', None, None, raw)
            assert typ == "OK", data

    def uids(self, folder: str = "INBOX", criteria: str = "ALL") -> list[int]:
        with self.client() as connection:
            typ, _ = connection.select(f'"{folder}"')
            if typ != "OK":
                return []
            _, data = connection.uid("SEARCH", criteria)
            return [int(uid) for uid in data[0].split()]
