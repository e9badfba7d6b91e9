"""Evidence files on the lead's page, over real HTTP on both backends: accepted files stored under
var/evidence with a row tied to the update, listed on the answer page, not kept twice in the raw row, and
reachable under no URL; a disguised executable, a wrong kind or an oversize file refused with the lead's
typed text kept; a file name with script in it shown escaped."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from store.db import session_scope
from store.models.records import InboundMessage
from store.models.rounds import Prompt
from store.models.updates import Update
from store.models.web import EvidenceFile
from tests.web.conftest import EVIDENCE_MAX, Site, form_fields
from web import lead
from web.evidence import Upload, check, safe_name

JO = "jo.baker@harbourside.gov.uk"
MARKER = b"evidence-marker-7f3a"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% " + MARKER + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32 + MARKER
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"This program cannot be run in DOS mode" + MARKER


def _office(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(part, "<x/>")
    return buffer.getvalue()


def _rows(engine) -> list[EvidenceFile]:
    with session_scope(engine, read_only=True) as s:
        rows = list(s.scalars(select(EvidenceFile).order_by(EvidenceFile.id)))
        s.expunge_all()
        return rows


def _stored(var_dir: Path) -> list[Path]:
    root = var_dir / "evidence"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_files_are_stored_referenced_and_listed(site: Site, engine, settings):
    url = site.local(site.link_for(JO))
    one, two = site.world.actions["1.1"], site.world.actions["1.2"]
    page = site.get(url)
    assert 'enctype="multipart/form-data"' in page.body and f'name="evidence-{one}"' in page.body
    fields = form_fields(page.body) | {
        f"status-{one}": "completed",
        f"progress-{one}": "Published.",
        f"status-{two}": "on_track",
    }
    files = {f"evidence-{one}": ("Equality report 2027.pdf", PDF), f"evidence-{two}": ("room.png", PNG)}
    done = site.post_files(url, fields, files)
    assert done.status == 200, done.body
    assert "Thank you: recorded" in done.body and "Files received" in done.body
    assert "Equality report 2027.pdf" in done.body and "room.png" in done.body

    rows = _rows(engine)
    with session_scope(engine, read_only=True) as s:
        updates = {u.action_id: u for u in s.scalars(select(Update).where(Update.via == "web"))}
        [raw] = list(s.scalars(select(InboundMessage).where(InboundMessage.channel == "web")))
        s.expunge_all()
    assert [(r.action_id, r.original_name, r.content_type) for r in rows] == [
        (one, "Equality report 2027.pdf", "application/pdf"),
        (two, "room.png", "image/png"),
    ]
    for row, data in zip(rows, (PDF, PNG), strict=True):
        assert row.update_id == updates[row.action_id].id and row.inbound_message_id == raw.id
        assert row.size == len(data) and row.sha256 == hashlib.sha256(data).hexdigest()
        path = settings.var_dir / "evidence" / row.stored_path
        assert path.read_bytes() == data and path.parent.name == str(site.round_id)
        assert "Equality" not in path.name  # a random name on disk
    assert MARKER not in raw.raw  # the bytes live on disk only
    assert [e["name"] for e in json.loads(raw.raw)["_evidence"]] == ["Equality report 2027.pdf", "room.png"]


def test_files_are_reachable_under_no_url(site: Site, engine, settings):
    link = site.local(site.link_for(JO))
    one = site.world.actions["1.1"]
    fields = form_fields(site.get(link).body) | {f"status-{one}": "on_track"}
    assert site.post_files(link, fields, {f"evidence-{one}": ("a.pdf", PDF)}).status == 200
    [row] = _rows(engine)
    name = Path(row.stored_path).name
    token = link.rsplit("/u/", 1)[1]
    for path in (
        f"/evidence/{row.stored_path}",
        f"/var/evidence/{row.stored_path}",
        f"/{row.stored_path}",
        f"/{name}",
        f"/u/{token}/{name}",
        f"/u/{token}/evidence/{row.id}",
        f"/u/{token}/../../evidence/{row.stored_path}",
        f"/u/{name}",
    ):
        answer = site.get(site.url + path)
        assert answer.status == 404, path
        assert MARKER.decode() not in answer.body


def test_a_disguised_executable_is_refused_and_the_typed_text_kept(site: Site, engine, settings):
    url = site.local(site.link_for(JO))
    one = site.world.actions["1.1"]
    typed = "Published, see the attached <report> & more"
    fields = form_fields(site.get(url).body) | {f"status-{one}": "completed", f"progress-{one}": typed}
    answer = site.post_files(url, fields, {f"evidence-{one}": ("report.pdf", EXE)})
    assert "report.pdf is not a file we accept" in answer.body
    assert "Published, see the attached &lt;report&gt; &amp; more</textarea>" in answer.body
    assert _rows(engine) == [] and _stored(settings.var_dir) == []


def test_an_oversize_file_is_refused(site: Site, engine, settings):
    url = site.local(site.link_for(JO))
    one = site.world.actions["1.1"]
    big = PDF + b"0" * EVIDENCE_MAX
    fields = form_fields(site.get(url).body) | {f"progress-{one}": "Long report attached."}
    answer = site.post_files(url, fields, {f"evidence-{one}": ("big.pdf", big)})
    assert "big.pdf is larger than" in answer.body
    assert "Long report attached.</textarea>" in answer.body
    assert _rows(engine) == [] and _stored(settings.var_dir) == []


def test_script_in_a_file_name_is_escaped(site: Site, engine):
    url = site.local(site.link_for(JO))
    one, two = site.world.actions["1.1"], site.world.actions["1.2"]
    fields = form_fields(site.get(url).body) | {f"status-{one}": "on_track", f"status-{two}": "on_track"}
    files = {
        f"evidence-{one}": ("<script>alert(1)<script>.pdf", PDF),
        f"evidence-{two}": ("<img src=x onerror=alert(1)>.exe", EXE),
    }
    answer = site.post_files(url, fields, files)
    assert answer.status == 200, answer.body
    assert "&lt;script&gt;alert(1)&lt;script&gt;.pdf" in answer.body
    assert "&lt;img src=x onerror=alert(1)&gt;.exe is not a file we accept" in answer.body
    assert "<script>alert" not in answer.body and "<img src=x" not in answer.body
    [row] = _rows(engine)
    assert row.original_name == "<script>alert(1)<script>.pdf"  # stored as sent, shown escaped


def test_what_the_content_must_be():
    docx, xlsx = _office("word/document.xml"), _office("xl/workbook.xml")
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 16
    for name, data in (("a.docx", docx), ("a.xlsx", xlsx), ("a.doc", ole), ("a.XLS", ole), ("a.jpg", jpeg)):
        assert not isinstance(check(Upload(1, name, data), 1000), str), name
    for name, data in (
        ("a.docx", xlsx),  # the content is a workbook
        ("a.pdf", PNG),  # the name and the content disagree
        ("a.zip", docx),
        ("a.docx", b"PK\x03\x04 not really a zip"),
        ("a.exe", PDF),
        ("noextension", PDF),
    ):
        assert isinstance(check(Upload(1, name, data), 1000), str), name
    assert safe_name("../../etc/passwd.pdf") == "passwd.pdf"
    assert safe_name("C:\\Users\\jo\\report.pdf") == "report.pdf"
    assert safe_name("a\x00b\r\n.pdf") == "ab.pdf"
    assert safe_name("...") == "file"


def test_files_written_are_removed_when_the_transaction_fails(
    site: Site, engine, clock, settings, monkeypatch
):
    one = site.world.actions["1.1"]
    with session_scope(engine, read_only=True) as s:
        prompt_id = s.scalar(
            select(Prompt.id).where(
                Prompt.person_id == site.world.people["Jo"], Prompt.round_id == site.round_id
            )
        )
    assert prompt_id is not None

    def broken(person: object) -> str:
        raise RuntimeError("the database went away after the files were written")

    monkeypatch.setattr(lead, "contact_channel", broken)  # called after the files are written
    accepted = check(Upload(one, "a.pdf", PDF), EVIDENCE_MAX)
    assert not isinstance(accepted, str)
    with pytest.raises(RuntimeError):
        lead.submit(
            engine, {}, clock, prompt_id, {f"status-{one}": "on_track"}, "nonce-1", (accepted,),
            settings.var_dir / "evidence",
        )  # fmt: skip
    assert _rows(engine) == [] and _stored(settings.var_dir) == []
