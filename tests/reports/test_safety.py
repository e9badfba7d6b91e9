"""The guards themselves: every template autoescapes (F9), NUL and control characters never reach Word (F10),
links are http(s) only, file names are slugs (R7)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from docx import Document

from collector.core.text import slug
from reports.build import basename
from reports.compile import compile_report
from reports.render.docx import render_docx
from reports.render.html import environment
from reports.safe import clean_text, safe_url
from store.db import session_scope
from store.models.updates import Update
from tests.reports import world


def test_every_report_template_is_autoescaped_whatever_its_name():
    env = environment()
    names = env.list_templates()
    assert {"report.html", "email.html", "_charts.html"} <= set(names)
    assert all(env.autoescape is True or env.autoescape(name) for name in names)
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"


def test_clean_text_drops_xml_illegal_characters_and_bidi_controls_but_keeps_rtl_letters():
    assert clean_text("a\x00b\x0bc\x1fd\ufffe\u202ee\u2066f\r\ng") == "abcdef\ng"
    assert clean_text("שלום عالم 👍") == "שלום عالم 👍"


def test_a_nul_in_stored_progress_still_yields_a_word_report(engine, committee, clock, backend):
    if backend != "sqlite":  # PostgreSQL refuses NUL in text, so it can never be stored there
        return
    with session_scope(engine) as s:
        s.add(Update(action_id=committee.world.actions["2.1"], round_id=committee.summer, status="off_track",
                     progress="stuck\x00 here", evidence=[], via="cli", created_at=clock.now()))  # fmt: skip
    with session_scope(engine, read_only=True) as s:
        data = compile_report(
            s, world.plan(s, committee), today=clock.now().date(), tz=ZoneInfo("Europe/London")
        )
    document = Document(io.BytesIO(render_docx(data)))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "stuck here" in cells


def test_only_http_links_survive():
    assert safe_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    for bad in (
        "javascript:alert(1)",
        "data:text/html,<script>",
        "file:///etc/passwd",
        'https://x.org/"><b>',
        "//x",
    ):
        assert safe_url(bad) is None, bad


def test_file_names_are_slugs_without_separators_or_line_breaks(sqlite_report):
    assert slug("../../etc/passwd\r\nX: y", fallback="report") == "etc-passwd-x-y"
    assert slug("", fallback="report") == "report" and slug("Équipe ✓", fallback="report") == "equipe"
    assert basename(sqlite_report) == "harbourside-summer-2027"


def test_reported_times_are_in_the_plans_zone(sqlite_report):
    row = next(row for _, row in sqlite_report.rows() if row.ref == "1.1")
    assert row.reported_at == datetime(2027, 6, 20, 10, tzinfo=UTC)
    assert row.reported_at.utcoffset().total_seconds() == 3600  # BST
