"""The sender rule (mailin/inbound/sender.py), case by case from its table; pure, no I/O."""

from __future__ import annotations

import pytest

from mailin.inbound.sender import auth_result, check

JO = "jo.baker@harbourside.gov.uk"
RELAY = "mx.harbourside.test"


@pytest.mark.parametrize(
    ("envelope", "routed", "auth", "trusted"),
    [
        (JO, "token", [], True),
        (JO.upper(), "thread", [], True),  # addresses compare case-insensitively
        (JO, "none", [], True),
        ("jo.baker+fwd@harbourside.gov.uk", "token", [], True),  # same domain, token: aliases, forwards
        ("jo.baker+fwd@harbourside.gov.uk", "none", [], False),  # same domain, bare address: not enough
        ("mallory@elsewhere.test", "token", [], False),
        ("mallory@elsewhere.test", "none", [], False),
        ("jo.baker@sub.harbourside.gov.uk", "token", [], False),  # a subdomain is another domain
        ("", "token", [], False),
        ("mallory@elsewhere.test", "token", [f"{RELAY}; dkim=pass header.d=harbourside.gov.uk"], True),
        ("mallory@elsewhere.test", "none", [f"{RELAY}; dmarc=pass header.from=harbourside.gov.uk"], True),
        ("mallory@elsewhere.test", "token", ["evil.test; dkim=pass header.d=harbourside.gov.uk"], False),
        (JO, "token", [f"{RELAY}; dmarc=fail (p=reject) header.from=harbourside.gov.uk"], False),
        (JO, "token", ["anyone.test; dkim=fail header.i=@harbourside.gov.uk"], False),  # a fail from anyone
        (JO, "token", [f"{RELAY}; spf=fail smtp.mailfrom={JO}"], False),
        (JO, "token", [f"{RELAY}; spf=fail smtp.mailfrom=other@elsewhere.test"], True),  # not about From
    ],
)
def test_the_table(envelope: str, routed: str, auth: list[str], trusted: bool) -> None:
    verdict = check(JO, envelope, routed, auth, RELAY)
    assert verdict.trusted is trusted
    assert bool(verdict.reason) is not trusted


def test_the_reason_names_both_addresses() -> None:
    verdict = check(JO, "<mallory@elsewhere.test>", "token", [])
    assert "mallory@elsewhere.test" in verdict.reason and JO in verdict.reason


def test_a_pass_counts_only_from_the_topmost_header_of_the_configured_relay() -> None:
    forged_below = [f"{RELAY}; none", f"{RELAY}; dkim=pass header.d=harbourside.gov.uk"]
    assert auth_result(forged_below, "harbourside.gov.uk", RELAY) is None
    assert auth_result(forged_below[::-1], "harbourside.gov.uk", None) is None  # nothing configured
    assert auth_result(forged_below[::-1], "harbourside.gov.uk", RELAY.upper()) == "pass"


def test_unparseable_authentication_results_say_nothing() -> None:
    for header in ["", ";;;", "x; =", "(comment only)", "mx; dkim", "mx; dkim=pass header.d"]:
        assert auth_result([header], "harbourside.gov.uk", "mx") is None
