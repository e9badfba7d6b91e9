"""The lead's update page end to end, over real HTTP on both backends: the link read from the prompt .eml
in the outbox, the page, a submission of two actions recorded through intake (via "web"), the raw form
stored first, and the receipt sent through the delivery engine."""

from __future__ import annotations

import json

from sqlalchemy import select

from store.db import session_scope
from store.models.records import InboundMessage
from store.models.rounds import Delivery
from store.models.updates import Update
from tests.web.conftest import PUBLIC, Site, action_ids, form_fields

JO = "jo.baker@harbourside.gov.uk"


def _web_updates(engine) -> list[Update]:
    with session_scope(engine, read_only=True) as s:
        rows = list(s.scalars(select(Update).where(Update.via == "web").order_by(Update.id)))
        s.expunge_all()
        return rows


def _web_inbound(engine) -> list[InboundMessage]:
    with session_scope(engine, read_only=True) as s:
        rows = list(s.scalars(select(InboundMessage).where(InboundMessage.channel == "web")))
        s.expunge_all()
        return rows


def test_the_prompt_carries_the_link_in_both_parts(site: Site):
    link = site.link_for(JO)
    msg = next(m for m in site.messages() if JO in str(m["To"]))
    html = msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert f'href="{link}"' in html


def test_a_lead_answers_two_actions_from_the_link(site: Site, engine):
    url = site.local(site.link_for(JO))
    page = site.get(url)
    assert page.status == 200
    assert "Publish the workforce equality report" in page.body and "Set up a staff network" in page.body
    assert "On track" in page.body  # 1.1's last status, by the plan's label
    ids = action_ids(page.body)
    assert sorted(ids) == sorted([site.world.actions["1.1"], site.world.actions["1.2"]])
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    first, second = site.world.actions["1.1"], site.world.actions["1.2"]
    fields = form_fields(page.body) | {
        f"status-{first}": "completed",
        f"progress-{first}": "Published on the intranet on 20 February.",
        f"status-{second}": "at_risk",
        f"progress-{second}": "Waiting for a room.",
        f"target-{second}": "June 2027",
    }
    done = site.post(url, fields)
    assert done.status == 200, done.body
    assert "Thank you: recorded" in done.body and "Published on the intranet" in done.body

    updates = {u.action_id: u for u in _web_updates(engine)}
    assert set(updates) == {first, second}
    assert updates[first].status == "completed" and updates[second].status == "at_risk"
    assert updates[second].revised_target_text == "June 2027"
    assert updates[second].revised_target_date is not None
    assert updates[second].revised_target_date.isoformat() == "2027-06-30"
    assert all(
        u.round_id == site.round_id and u.submitted_by_id == site.world.people["Jo"] for u in updates.values()
    )

    [stored] = _web_inbound(engine)
    assert stored.state == "applied" and stored.external_id.startswith("form:")
    assert json.loads(stored.raw)[f"progress-{second}"] == "Waiting for a room."
    assert all(u.inbound_message_id == stored.id for u in updates.values())

    with session_scope(engine, read_only=True) as s:
        receipt = s.scalar(select(Delivery).where(Delivery.kind == "receipt"))
        assert (
            receipt is not None
            and receipt.state == "sent"
            and receipt.idempotency_key == f"receipt:{stored.id}"
        )
    receipts = [
        m
        for m in site.messages()
        if JO in str(m["To"]) and "recorded" in str(m.get_body(("plain",)).get_content()).lower()
    ]  # type: ignore[union-attr]
    assert receipts, [str(m["Subject"]) for m in site.messages()]

    again = site.post(url, fields)  # the same form sent twice: recorded once
    assert again.status == 200 and "Already received" in again.body
    assert len(_web_updates(engine)) == 2


def test_an_empty_form_records_nothing(site: Site, engine):
    url = site.local(site.link_for(JO))
    answer = site.post(url, form_fields(site.get(url).body))
    assert answer.status == 400 and "Nothing to record" in answer.body
    assert _web_updates(engine) == []


def test_the_outbox_text_copy_carries_the_link_on_a_line_of_its_own(site: Site):
    texts = [p.read_text(encoding="utf-8") for p in sorted(site.outbox.glob("*.txt"))]
    prompts = [t for t in texts if "progress round" in t]
    assert prompts, [t[:200] for t in texts]
    for text in prompts:
        links = [line for line in text.splitlines() if line.startswith(PUBLIC + "/u/")]
        assert len(links) == 1 and " " not in links[0]
        assert site.get(site.local(links[0])).status == 200
