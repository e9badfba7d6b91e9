"""Whether a received email may be taken as coming from the person its From header names: the one rule.

The From header is whatever the sender typed (issue 13: a forged From was applied, with and without the
lead's token). The MAIL FROM envelope sender is no harder to forge in raw SMTP, but a real mail client's
provider sets it to the account that sent, so a mismatch is the cheap, reliable sign of a forgery or of a
forward through someone else's mailbox. The reply token and the thread say the sender saw our prompt.
Authentication-Results (RFC 8601), when the relay in front of us adds them, say what SPF, DKIM and DMARC
found for the From domain.

Inputs: From (the person it names is the claimed sender), the envelope sender, how the message was routed
(token, thread, or neither: the bare address, routed by sender), and Authentication-Results.

    auth results for From's domain  envelope sender          routed by        verdict
    ------------------------------  -----------------------  ---------------  --------------------------------
    a fail (dmarc, dkim or spf)     any                      any              hold: authentication failed
    a pass from our trusted relay   any                      any              trusted (forwarding included)
    none                            = From address           token / thread   trusted
    none                            same domain as From      token / thread   trusted (aliases, list forwards)
    none                            = From address           neither          trusted
    none                            same domain, other box   neither          hold: envelope does not match
    none                            another domain           any              hold: envelope does not match
    any                             empty (<>) or none       any              hold (process.py already files
                                                                              a null sender as automatic)

"Domain" compares case-insensitively and exactly (a.example.org is not example.org). A *fail* counts from
any Authentication-Results header: a sender gains nothing by adding one against themselves. A *pass* counts
only from the topmost header and only when its authserv-id is the one configured (MAIL_AUTHSERV_ID),
because anyone can write a header claiming dkim=pass; RFC 8601 section 5 says to trust only our own
border's results. Held messages go to the review queue with the reason, and the person From names is told
at their directory address, never at the unverified sender's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_COMMENT = re.compile(r"\([^()]*\)")
_METHODS = ("dmarc", "dkim", "spf")


@dataclass(frozen=True)
class Verdict:
    trusted: bool
    reason: str = ""  # why it is held, in plain words for the review queue


def domain_of(address: str | None) -> str:
    address = (address or "").strip().strip("<>")
    return address.rpartition("@")[2].casefold() if "@" in address else ""


def _results(header: str) -> tuple[str, list[tuple[str, str, dict[str, str]]]]:
    """(authserv-id, [(method, result, {property: value})]) of one Authentication-Results value."""
    text = " ".join(_COMMENT.sub(" ", header).split())
    first, *rest = text.split(";")
    authserv = first.strip().split(" ")[0].casefold() if first.strip() else ""
    found = []
    for resinfo in rest:
        words = resinfo.strip().split()
        if not words or "=" not in words[0]:
            continue
        method, _, result = words[0].partition("=")
        props = {}
        for word in words[1:]:
            name, eq, value = word.partition("=")
            if eq:
                props[name.casefold()] = value.strip('"').casefold()
        found.append((method.casefold().split("/")[0], result.casefold(), props))
    return authserv, found


def _about(method: str, props: dict[str, str], domain: str) -> bool:
    """Whether this result speaks for the From domain."""
    if method == "dmarc":
        return props.get("header.from", domain) == domain
    if method == "dkim":
        return props.get("header.d") == domain or domain_of(props.get("header.i")) == domain
    return domain_of(props.get("smtp.mailfrom")) == domain  # spf


def auth_result(headers: list[str], from_domain: str, trusted_authserv: str | None) -> str | None:
    """ "fail", "pass" or None (nothing said, or nothing we may believe) for the From domain."""
    if not from_domain:
        return None
    parsed = [_results(h) for h in headers]
    for _, results in parsed:
        for method, result, props in results:
            if method in _METHODS and result == "fail" and _about(method, props, from_domain):
                return "fail"
    if parsed and trusted_authserv and parsed[0][0] == trusted_authserv.casefold():
        for method, result, props in parsed[0][1]:
            if method in ("dmarc", "dkim") and result == "pass" and _about(method, props, from_domain):
                return "pass"
    return None


def check(
    from_address: str | None,
    envelope_from: str | None,
    routed_by: str,
    auth_headers: list[str],
    trusted_authserv: str | None = None,
) -> Verdict:
    """The table above. `routed_by` is mailin.inbound.routing.route's "token" | "thread" | "none"."""
    claimed = (from_address or "").strip().casefold()
    envelope = (envelope_from or "").strip().strip("<>").casefold()
    from_domain = domain_of(claimed)
    auth = auth_result(auth_headers, from_domain, trusted_authserv)
    if auth == "fail":
        return Verdict(False, f"the sender's mail system failed authentication for {from_domain}")
    if auth == "pass":
        return Verdict(True)
    if not envelope or not claimed:
        return Verdict(False, "no envelope sender to check the From address against")
    if envelope == claimed:
        return Verdict(True)
    if routed_by in ("token", "thread") and domain_of(envelope) == from_domain:
        return Verdict(True)
    return Verdict(False, f"sent as {claimed} but the envelope sender is {envelope}")
