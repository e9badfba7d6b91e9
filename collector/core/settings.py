"""One settings object, read from the environment or .env, and passed to whoever needs it (never global)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every variable in docs/architecture.md's configuration table, typed and documented."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(
        default="sqlite:///var/collector.db",
        description="SQLAlchemy URL; postgresql+psycopg://user@host/db in production.",
    )
    timezone: str = Field(
        default="Europe/London", description="Time zone for schedules, due dates and report dates."
    )
    mail_domain: str = Field(default="localhost", description="The domain replies come back to.")
    mail_from: str | None = Field(
        default=None, description="Sender of prompts, reminders, receipts and reports."
    )
    mail_listen: str = Field(
        default="127.0.0.1:8025", description="host:port where `collector serve mail` listens."
    )
    mail_max_per_peer: int = Field(
        default=20,
        ge=1,
        description="Most SMTP sessions at once from one IP address; the excess is told 421.",
    )
    mail_authserv_id: str | None = Field(
        default=None,
        description="authserv-id of the relay in front of the listener whose Authentication-Results "
        "passes are believed (mailin/inbound/sender.py); unset: only fails count.",
    )
    smtp_url: str | None = Field(
        default=None, description="Outbound relay, smtp://user:pass@relay:587; unset writes to the outbox."
    )
    mailbox_url: str | None = Field(
        default=None,
        description="Read replies from a mailbox: imaps://user@host/INBOX (imap:// uses STARTTLS when "
        "offered, plain only on loopback).",
    )
    mailbox_password: SecretStr | None = Field(
        default=None, description="The mailbox's password (no OAuth 2.0)."
    )
    mailbox_oauth: Literal["", "microsoft", "google"] = Field(
        default="", description="Sign in with OAuth 2.0 (SASL XOAUTH2): microsoft (Entra ID) or google."
    )
    mailbox_tenant: str | None = Field(
        default=None, description="Microsoft 365: the Entra ID tenant id or domain."
    )
    mailbox_client_id: str | None = Field(default=None, description="The OAuth 2.0 client (application) id.")
    mailbox_client_secret: SecretStr | None = Field(
        default=None, description="Microsoft 365: the client secret."
    )
    mailbox_key_file: Path | None = Field(
        default=None, description="Google: the service account's JSON key (domain-wide delegation)."
    )
    mailbox_token_url: str | None = Field(
        default=None,
        description="Token endpoint; unset: the provider's (tests point it at a local stand-in).",
    )
    mailbox_done: str = Field(
        default="move:Processed",
        description="What marks a taken message in the mailbox: move:FOLDER (created when missing) or flag.",
    )
    mailbox_poll: float = Field(
        default=60.0, description="Seconds between looks when the server has no IDLE."
    )
    slack_bot_token: str | None = Field(
        default=None, description="Slack bot token (xoxb-...); unset turns Slack off."
    )
    slack_signing_secret: str | None = Field(
        default=None, description="Slack signing secret for request verification."
    )
    slack_app_token: str | None = Field(
        default=None, description="Slack app-level token (xapp-...) for Socket Mode."
    )
    slack_api_url: str = Field(default="https://slack.com/api/", description="Base URL of Slack's Web API.")
    port: int = Field(default=3000, description="HTTP port of the web process.")
    slack_command: str = Field(default="/progress", description="The slash command, as in manifest.yml.")
    slack_coordinators: str = Field(
        default="",
        description="Who may use the slash command: Slack user ids (U...) and/or user group ids (S...), "
        "comma-separated; a plan's coordinators with a Slack id may too.",
    )
    slack_committee_channel: str | None = Field(
        default=None, description="Channel id (C...) the compiled report's summary and files are posted to."
    )
    slack_fallback_email: bool = Field(
        default=True,
        description="When Slack stays unavailable for a lead with an email address, send by email.",
    )
    delivery_lease: int = Field(
        default=300,
        ge=30,
        description="Seconds a claimed send may go unrecorded before another process sends it again "
        "(at least once, the same Message-ID); longer than any channel call may take.",
    )
    slack_allowed_teams: str = Field(
        default="",
        description="Workspace ids (T...) whose requests are accepted, comma-separated; empty: any.",
    )
    slack_rate: float = Field(
        default=20.0, description="Messages per second the bot allows itself across the workspace (pacing)."
    )
    public_url: str | None = Field(
        default=None,
        description="The web process's address as leads reach it (https://progress.example.org); set, "
        "prompts and reminders carry each lead's update-page link. Needs WEB_SECRET.",
    )
    web_secret: SecretStr | None = Field(
        default=None,
        description="Signs the leads' update-page links and form tokens (docs/web.md); long and random. "
        "Changing it stops every link sent so far.",
    )
    lead_link_grace_days: int = Field(
        default=14, ge=0, description="Days a lead's update-page link keeps working after its round closes."
    )
    admin_emails: str = Field(
        default="",
        description="Addresses that may sign in to the web console as admins (every plan), comma-separated.",
    )
    web_max_body: int = Field(
        default=10 * 1024 * 1024,
        ge=1024,
        description="Largest request body the web pages accept, in bytes (Slack's endpoint keeps 1 MB).",
    )
    evidence_max_bytes: int = Field(
        default=10 * 1024 * 1024,
        ge=1,
        description="Largest evidence file a lead may send with an action on the web page, in bytes.",
    )
    log_format: Literal["text", "json"] = Field(
        default="text",
        description="Log lines of the long-running processes: text, or json (one object a line).",
    )
    log_level: str = Field(default="INFO", description="DEBUG, INFO, WARNING or ERROR.")
    var_dir: Path = Field(
        default=Path("var"), description="Where the SQLite file, outbox and other local state live."
    )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as Europe/London)") from exc
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def sender(self) -> str:
        return self.mail_from or f"Action Plan Progress <progress@{self.mail_domain}>"
