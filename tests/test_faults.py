"""The fault hooks act only in a test environment: a stray APP_FAULTS never pauses production."""

from __future__ import annotations

import time

import pytest

from collector.core.faults import InjectedFault, fault


def test_fault_points_do_nothing_without_app_testing(monkeypatch):
    monkeypatch.delenv("APP_TESTING", raising=False)
    monkeypatch.setenv("APP_FAULTS", "mail.before_commit=raise")
    fault("mail.before_commit")


def test_fault_points_raise_or_sleep_when_asked(monkeypatch):
    monkeypatch.setenv("APP_TESTING", "1")
    monkeypatch.setenv("APP_FAULTS", "mail.before_commit=raise, mail.after_commit=sleep:0.2")
    with pytest.raises(InjectedFault, match=r"mail\.before_commit"):
        fault("mail.before_commit")
    started = time.monotonic()
    fault("mail.after_commit")
    assert time.monotonic() - started >= 0.2
    fault("slack.after_ack")  # not configured: nothing
