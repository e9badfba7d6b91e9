"""Saving the lead's form part-done, over real HTTP on both backends: "Save for later" keeps the values for
the prompt and records nothing, sends nothing; the link opened again shows them; sending the form clears
the draft."""

from __future__ import annotations

from sqlalchemy import select

from store.db import session_scope
from store.models.records import InboundMessage
from store.models.updates import Update
from store.models.web import LeadDraft
from tests.web.conftest import Site, form_fields

JO = "jo.baker@harbourside.gov.uk"
TYPED = 'Half done: the <b>room</b> & "network" are booked'


def _drafts(engine) -> list[LeadDraft]:
    with session_scope(engine, read_only=True) as s:
        rows = list(s.scalars(select(LeadDraft)))
        s.expunge_all()
        return rows


def _count(engine, model, *where) -> int:
    with session_scope(engine, read_only=True) as s:
        return len(list(s.scalars(select(model).where(*where))))


def test_save_for_later_then_send(site: Site, engine):
    url = site.local(site.link_for(JO))
    one, two = site.world.actions["1.1"], site.world.actions["1.2"]
    mail_before = len(site.messages())
    fields = form_fields(site.get(url).body) | {
        f"status-{one}": "at_risk",
        f"progress-{one}": TYPED,
        f"target-{two}": "June 2027",
        "intent": "save",
    }
    saved = site.post(url, fields)
    assert saved.status == 200 and "Saved for later" in saved.body
    assert _count(engine, Update, Update.via == "web") == 0
    assert _count(engine, InboundMessage, InboundMessage.channel == "web") == 0
    assert len(site.messages()) == mail_before  # no receipt
    [draft] = _drafts(engine)
    assert draft.values == {
        f"status-{one}": "at_risk",
        f"progress-{one}": TYPED,
        f"target-{two}": "June 2027",
    }

    again = site.get(url)  # the link opened again shows what was saved, escaped
    assert "Half done: the &lt;b&gt;room&lt;/b&gt; &amp; &#34;network&#34; are booked" in again.body
    assert '<option value="at_risk" selected>' in again.body
    assert 'value="June 2027"' in again.body

    fields = form_fields(again.body) | {f"status-{one}": "at_risk", f"progress-{one}": "Booked."}
    sent = site.post(url, fields)
    assert sent.status == 200 and "Thank you: recorded" in sent.body
    assert _drafts(engine) == []
    assert "Half done" not in site.get(url).body


def test_a_saved_draft_keeps_only_this_prompts_fields(site: Site, engine):
    url = site.local(site.link_for(JO))
    one = site.world.actions["1.1"]
    other = site.world.actions["2.1"]  # not asked of Jo
    fields = form_fields(site.get(url).body) | {
        f"progress-{one}": "Some words.",
        f"progress-{other}": "Not Jo's.",
        "stray": "x" * 50,
        "intent": "save",
    }
    assert site.post(url, fields).status == 200
    [draft] = _drafts(engine)
    assert draft.values == {f"progress-{one}": "Some words."}


def test_saving_needs_the_form_token(site: Site, engine):
    url = site.local(site.link_for(JO))
    one = site.world.actions["1.1"]
    answer = site.post(url, {f"progress-{one}": "words", "intent": "save"})
    assert answer.status == 403
    assert _drafts(engine) == []
