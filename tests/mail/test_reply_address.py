"""The reply address (collector.channels.reply_address): what we build is exactly what we read back, and
nothing we could never build is read as a token. Pure, Hypothesis over tokens, domains and local parts."""

from __future__ import annotations

import string

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from collector.channels.reply_address import (
    LOCAL,
    TOKEN_MAX,
    ReplyAddress,
    find_reply_addresses,
    read_reply_address,
    reply_address,
)
from collector.rounds.lifecycle import new_token

TOKEN_ALPHABET = string.ascii_letters + string.digits + "_-"
tokens = st.text(TOKEN_ALPHABET, min_size=1, max_size=TOKEN_MAX)
label = st.from_regex(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,20}[A-Za-z0-9])?", fullmatch=True)
domains = st.lists(label, min_size=1, max_size=4).map(".".join)


def ascii_lower(text: str) -> str:
    return "".join(c.lower() if c in string.ascii_uppercase else c for c in text)


def recase(text: str, flips: list[bool]) -> str:
    """`text` with the case of some letters changed, as a relay or client may."""
    return "".join(
        c.swapcase() if flip else c for c, flip in zip(text, flips + [False] * len(text), strict=False)
    )


@given(tokens, domains)
@example("t0k3n", "progress.example.org")  # what the composer tests send
@example("x" * TOKEN_MAX, "a")
def test_a_built_address_reads_back_as_its_token(token: str, domain: str) -> None:
    address = reply_address(domain, token)
    assert read_reply_address(address, domain) == ReplyAddress(ours=True, token=token)
    assert read_reply_address(f" <{address}> ", domain) == ReplyAddress(ours=True, token=token)
    assert len(address.rpartition("@")[0]) <= 64  # RFC 5321's limit on a local part
    assert find_reply_addresses(f"To: Jo <jo@x.test>, {address}", domain) == [address]


@given(domains)
def test_the_bare_address_reads_back_as_ours_without_a_token(domain: str) -> None:
    assert read_reply_address(reply_address(domain), domain) == ReplyAddress(ours=True)
    assert find_reply_addresses(reply_address(domain), domain) == [reply_address(domain)]


def test_the_tokens_we_issue_fit():
    for _ in range(200):
        token = new_token()
        assert read_reply_address(reply_address("d.test", token), "d.test").token == token


@given(tokens, domains, st.lists(st.booleans(), max_size=80), st.lists(st.booleans(), max_size=80))
def test_progress_and_the_domain_compare_without_case_but_the_token_exactly(
    token: str, domain: str, local_flips: list[bool], domain_flips: list[bool]
) -> None:
    address = f"{recase(LOCAL, local_flips)}+{token}@{recase(domain, domain_flips)}"
    assert read_reply_address(address, domain) == ReplyAddress(ours=True, token=token)
    assert find_reply_addresses(address, domain) == [address]
    swapped = token.swapcase()
    if swapped != token:
        assert read_reply_address(f"{LOCAL}+{swapped}@{domain}", domain).token != token


@given(st.text(max_size=80), domains)
@example("tok.en", "d.test")  # the composer once allowed "." and "="
@example("tok=en", "d.test")
@example("x" * (TOKEN_MAX + 1), "d.test")  # too long for a 64-character local part
@example("", "d.test")
@example("a+b", "d.test")
def test_a_token_we_could_never_build_is_refused_and_never_read(token: str, domain: str) -> None:
    if all(c in TOKEN_ALPHABET for c in token) and 1 <= len(token) <= TOKEN_MAX:
        return  # a token we can build: the tests above
    with pytest.raises(ValueError, match="cannot go into an address"):
        reply_address(domain, token)
    address = f"{LOCAL}+{token}@{domain}"
    assert read_reply_address(address, domain) == ReplyAddress(ours=True, malformed=True)
    assert address not in find_reply_addresses(address, domain)


local_parts = st.one_of(
    st.text(max_size=40),
    st.text(TOKEN_ALPHABET + "+.=@<> ", max_size=70).map(lambda rest: f"{LOCAL}{rest}"),
    st.text(TOKEN_ALPHABET + "+.", max_size=70).map(lambda rest: f"{LOCAL}+{rest}"),
)


@given(local_parts, domains, st.sampled_from(["", "x.", "other.test"]))
@example("progress+abc", "d.test", "")
@example("progressx+abc", "d.test", "")
@example("progress+abc@d.test.evil", "d.test", "")
@example("progre\u017fs+abc", "d.test", "")  # a long s: casefold() reads it as "s"
def test_only_an_address_we_could_build_is_read_as_ours_and_well_formed(
    local: str, domain: str, prefix: str
) -> None:
    """Whatever the string, read as well-formed means: it is, up to the case of "progress" and the domain,
    exactly the address reply_address builds for the token read."""
    address = f"{local}@{prefix}{domain}"
    read = read_reply_address(address, domain)
    if read.ours and not read.malformed:
        plain = address.strip().strip("<>")
        built = reply_address(domain, read.token)
        assert ascii_lower(plain) == ascii_lower(built)
        assert read.token is None or f"+{read.token}@" in plain
    for found in find_reply_addresses(address, domain):
        found_read = read_reply_address(found, domain)
        assert found_read.ours and not found_read.malformed


def test_case_is_folded_in_ascii_only():
    """casefold() and re.IGNORECASE take a long s for "s" and a Kelvin sign for "K"; an address we build
    never holds either."""
    assert read_reply_address("progre\u017fs+abc@d.test", "d.test") == ReplyAddress(ours=True, malformed=True)
    assert read_reply_address("progress+abc@\u212a.test", "k.test") == ReplyAddress(ours=False)
    assert find_reply_addresses("progre\u017fs@d.test, progress@\u212a.test", "d.test") == []
    assert find_reply_addresses("progress@\u212a.test", "k.test") == []
    assert read_reply_address("PROGRESS+abc@D.TEST", "d.test") == ReplyAddress(ours=True, token="abc")
