"""What the lead's update page refuses: a form without its CSRF token or with another prompt's, a tampered,
made-up or expired link (the same bare 404), another lead's action id, and script typed into a field
(stored as typed, shown escaped)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from collector.rounds.lifecycle import close_round
from store.db import session_scope
from store.models.records import InboundMessage
from store.models.rounds import Round
from store.models.updates import Update
from tests.web.conftest import Site, form_fields

JO, ALEX = "jo.baker@harbourside.gov.uk", "alex.price@harbourside.gov.uk"
SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _count(engine, model, *where) -> int:
    with session_scope(engine, read_only=True) as s:
        return len(list(s.scalars(select(model).where(*where))))


def _fields(site: Site, url: str) -> dict[str, str]:
    one = site.world.actions["1.1"]
    return form_fields(site.get(url).body) | {f"status-{one}": "on_track", f"progress-{one}": "Going well."}


def test_a_form_without_its_csrf_token_records_nothing(site: Site, engine):
    url = site.local(site.link_for(JO))
    fields = _fields(site, url)
    del fields["csrf"]
    answer = site.post(url, fields)
    assert answer.status == 403 and "Nothing was recorded" in answer.body
    assert _count(engine, Update, Update.via == "web") == 0
    assert _count(engine, InboundMessage, InboundMessage.channel == "web") == 0


def test_a_csrf_token_from_another_leads_page_or_altered_is_refused(site: Site, engine):
    jo, alex = site.local(site.link_for(JO)), site.local(site.link_for(ALEX))
    fields = _fields(site, jo)
    fields["csrf"] = form_fields(site.get(alex).body)["csrf"]
    assert site.post(jo, fields).status == 403
    fields["csrf"] = _fields(site, jo)["csrf"][:-2] + "AA"
    assert site.post(jo, fields).status == 403
    assert _count(engine, Update, Update.via == "web") == 0


def test_tampered_and_made_up_links_are_the_same_bare_404(site: Site):
    link = site.link_for(JO)
    good = site.get(site.local(link))
    assert good.status == 200
    reply_token, _, signature = link.rsplit("/", 1)[1].partition(".")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    answers = [
        site.get(f"{site.url}/u/{reply_token}.{flipped}"),  # the signature altered
        site.get(f"{site.url}/u/{reply_token}"),  # the reply token alone (it is in the Reply-To address)
        site.get(f"{site.url}/u/nothing-at-all"),
        site.get(f"{site.url}/elsewhere"),
    ]
    assert {a.status for a in answers} == {404}
    assert len({a.body for a in answers}) == 1  # nothing distinguishes one refusal from another
    assert "Equality Action Plan" not in answers[0].body and "Jo" not in answers[0].body
    posted = site.post(f"{site.url}/u/{reply_token}.{flipped}", {"csrf": "x"})
    assert posted.status == 404 and posted.body == answers[0].body


def test_a_link_works_for_the_grace_days_after_closing_then_is_404(site: Site, engine, clock):
    url = site.local(site.link_for(JO))
    with session_scope(engine) as s:
        close_round(s, s.get_one(Round, site.round_id), clock=clock, actor="cli:test")
    clock.set(clock.now() + timedelta(days=13, hours=23))
    open_late = site.get(url)
    assert open_late.status == 200 and "recorded as late" in open_late.body
    clock.set(clock.now() + timedelta(days=1, hours=2))
    assert site.get(url).status == 404


def test_another_leads_action_id_is_refused_and_nothing_recorded(site: Site, engine):
    url = site.local(site.link_for(JO))
    fields = _fields(site, url)
    not_jos = site.world.actions["2.3"]  # Alex's
    fields |= {f"status-{not_jos}": "completed", f"progress-{not_jos}": "Done, says Jo."}
    answer = site.post(url, fields)
    assert answer.status == 400 and "does not ask about" in answer.body
    assert _count(engine, Update, Update.via == "web") == 0
    with session_scope(engine, read_only=True) as s:
        [stored] = s.scalars(select(InboundMessage).where(InboundMessage.channel == "web"))
        assert stored.state == "rejected"  # kept raw, never applied


def test_script_in_every_field_is_stored_as_text_and_shown_escaped(site: Site, engine):
    url = site.local(site.link_for(JO))
    one, two = site.world.actions["1.1"], site.world.actions["1.2"]
    fields = form_fields(site.get(url).body) | {
        f"status-{one}": "on_track",
        f"progress-{one}": SCRIPT,
        f"target-{one}": SCRIPT,
        f"progress-{two}": SCRIPT,
    }
    answer = site.post(url, fields)
    assert answer.status == 200, answer.body
    assert "<script>" not in answer.body and "<img" not in answer.body
    assert "&lt;script&gt;" in answer.body
    with session_scope(engine, read_only=True) as s:
        progress = set(s.scalars(select(Update.progress).where(Update.via == "web")))
    assert progress == {SCRIPT}
    bad_status = form_fields(site.get(url).body) | {f"status-{one}": SCRIPT}
    assert site.post(url, bad_status).status == 400
