"""Who a Slack user is to us, and who we can reach on Slack: the directory's Slack side.

Inbound, a user id is matched to a person by people.slack_user_id, or failing that by the email address on
their Slack profile (users.info), which is then recorded on the person. Outbound, a lead with an email
address but no Slack id is looked up once with users.lookupByEmail: a hit is recorded as their Slack id, a
miss as people.slack_lookup_at, so the rate-limited lookup is not repeated for LOOKUP_AGAIN. Both are
audited. Coordinators are the configured user ids and user groups, plus any plan coordinator whose person
has a Slack id.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from collector.core.clock import Clock
from store.audit import audit
from store.db import session_scope
from store.models.directory import Person
from store.models.plans import PlanCoordinator

log = logging.getLogger(__name__)

LOOKUP_AGAIN = timedelta(days=7)
CACHE_SECONDS = 300.0


class SlackDirectory:
    def __init__(self, engine: Engine, client: WebClient, clock: Clock, *, coordinators: str = ""):
        self.engine, self.client, self.clock = engine, client, clock
        ids = [part.strip() for part in coordinators.split(",") if part.strip()]
        self.coordinator_users = {i for i in ids if not i.startswith("S")}
        self.coordinator_groups = [i for i in ids if i.startswith("S")]
        self._lock = threading.Lock()
        self._people: dict[str, tuple[float, int | None]] = {}
        self._groups: tuple[float, set[str]] | None = None

    # -- inbound: a user id -> a person ------------------------------------------------------------------

    def person_for(self, user_id: str) -> int | None:
        """The person behind a Slack user, or None when they are not in the directory."""
        with self._lock:
            hit = self._people.get(user_id)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        with session_scope(self.engine, read_only=True) as s:
            found = s.scalar(select(Person.id).where(Person.slack_user_id == user_id).order_by(Person.id))
        if found is None:
            found = self._by_profile_email(user_id)
        with self._lock:
            self._people[user_id] = (time.monotonic() + CACHE_SECONDS, found)
        return found

    def _by_profile_email(self, user_id: str) -> int | None:
        try:
            user = self.client.users_info(user=user_id).get("user") or {}
        except SlackApiError as exc:
            log.warning("users.info %s failed: %s", user_id, exc.response.get("error"))
            return None
        email = ((user.get("profile") or {}).get("email") or "").strip()
        if not email or user.get("deleted") or user.get("is_bot"):
            return None
        with session_scope(self.engine) as s:
            person = s.scalar(select(Person).where(func.lower(Person.email) == email.casefold()))
            if person is None:
                return None
            if person.slack_user_id is None:
                person.slack_user_id = user_id
                person.updated_at = self.clock.now()
                self._audit(
                    s, person.id, "person.slack_linked", slack_user_id=user_id, how="users.info email"
                )
            return person.id

    # -- outbound: a lead's email -> a Slack id ---------------------------------------------------------

    def slack_id_for(self, person_id: int | None, email: str | None) -> str | None:
        """A Slack id for someone the directory has none for, by their email address (recorded)."""
        if person_id is None or not email:
            return None
        with session_scope(self.engine, read_only=True) as s:
            person = s.get(Person, person_id)
            if person is None:
                return None
            if person.slack_user_id:
                return person.slack_user_id
            missed = person.slack_lookup_at
        if missed is not None and missed > self.clock.now() - LOOKUP_AGAIN:
            return None
        try:
            found = self.client.users_lookupByEmail(email=email).get("user") or {}
        except SlackApiError as exc:
            if exc.response.get("error") != "users_not_found":
                raise  # not an answer about this person: the caller retries later
            found = {}
        with session_scope(self.engine) as s:
            person = s.get_one(Person, person_id)
            if found.get("id"):
                person.slack_user_id = found["id"]
                self._audit(
                    s, person.id, "person.slack_linked", slack_user_id=found["id"], how="lookupByEmail"
                )
            else:
                person.slack_lookup_at = self.clock.now()
                self._audit(s, person.id, "person.slack_not_found", how="lookupByEmail")
            person.updated_at = self.clock.now()
        return found.get("id")

    # -- coordinators ------------------------------------------------------------------------------------

    def is_coordinator(self, user_id: str) -> bool:
        if user_id in self.coordinator_users or user_id in self._group_members():
            return True
        with session_scope(self.engine, read_only=True) as s:
            query = (
                select(PlanCoordinator.person_id)
                .join(Person, Person.id == PlanCoordinator.person_id)
                .where(Person.slack_user_id == user_id)
            )
            return s.scalar(query.limit(1)) is not None

    def _group_members(self) -> set[str]:
        if not self.coordinator_groups:
            return set()
        with self._lock:
            cached = self._groups
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        members: set[str] = set()
        for group in self.coordinator_groups:
            try:
                members |= set(self.client.usergroups_users_list(usergroup=group).get("users") or [])
            except SlackApiError as exc:
                log.warning("usergroups.users.list %s failed: %s", group, exc.response.get("error"))
        with self._lock:
            self._groups = (time.monotonic() + CACHE_SECONDS, members)
        return members

    def forget(self, user_id: str) -> None:
        with self._lock:
            self._people.pop(user_id, None)

    def _audit(self, s: Session, person_id: int, event: str, **detail: str) -> None:
        at = self.clock.now()
        audit(
            s,
            at=at,
            actor="slack",
            via="slack",
            entity="person",
            entity_id=person_id,
            event=event,
            detail=detail,
        )
