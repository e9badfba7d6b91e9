"""ReportData -> PDF, by printing the HTML report with WeasyPrint (no browser needed on a server).

The HTML's print stylesheet does the layout: A4 landscape, each plan section on a new page, table headers
repeated, "Page n of m" and the plan's title in the footer. The HTML has no external resources, and
WeasyPrint is given a URL fetcher that refuses every URL, so building a PDF never touches the network.
WeasyPrint's cost is per laid-out line (~0.085 s and ~0.85 MB a page, every page held until written);
report.css's print rules and the lean default stylesheet below keep it linear, and bench/report_bench.py
measures a 2,000-action plan.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from typing import Any

from collector.core.errors import UserError
from reports.model import ReportData
from reports.render.html import render_html


def _no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, Any]:
    raise ValueError(f"the report fetches nothing: refused {url[:80]!r}")


def pdf_document(data: ReportData) -> Any:
    """The laid-out WeasyPrint document (its .pages are the PDF's pages)."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: WeasyPrint is installed but pango is missing
        raise UserError(f"PDF reports need WeasyPrint and its pango library ({exc})") from exc
    # WeasyPrint logs every CSS property it does not implement (print-color-adjust...) as a warning.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return report_html_class(HTML)(string=render_html(data), url_fetcher=_no_fetch).render()


def render_pdf(data: ReportData) -> bytes:
    pdf: bytes = pdf_document(data).write_pdf()
    return pdf


# WeasyPrint's default stylesheet styles `::marker` and five footnote pseudo-elements for *every* element, and
# computes and keeps those six styles per element, unshared: for a 2,000-action plan that was ~15% of the time
# and over a third of the memory. The report has no footnotes and its only markers are list bullets, so it is
# printed with the same default stylesheet minus those rules (`li::marker` kept). _ua_stylesheets() is
# WeasyPrint's hook for its default sheet (present since v53); if it ever goes, the standard sheet is used.
_UNIVERSAL_MARKER = re.compile(r"^::marker \{", re.M)
_NOTE_RULES = re.compile(r"^::(?:footnote|note)-[a-z]+ \{[^}\n]*\}$", re.M)


def lean_ua_text() -> str:
    """WeasyPrint's default HTML stylesheet without the per-element pseudo-element rules."""
    from weasyprint import html as defaults

    return _NOTE_RULES.sub("", _UNIVERSAL_MARKER.sub("li::marker {", defaults.UA))


@cache
def lean_ua_stylesheet() -> Any:
    from weasyprint import CSS
    from weasyprint import html as defaults

    return CSS(string=lean_ua_text(), counter_style=defaults.UA_COUNTER_STYLE)


@cache
def report_html_class(html_class: type) -> type:
    """weasyprint.HTML, printing with lean_ua_stylesheet() when WeasyPrint still has the hook for it."""
    if not callable(getattr(html_class, "_ua_stylesheets", None)):
        return html_class

    def _ua_stylesheets(self: object, forms: bool = False) -> list[Any]:
        return [lean_ua_stylesheet()]

    # made with type(): html_class is only known at run time (WeasyPrint ships no types)
    return type("ReportHTML", (html_class,), {"_ua_stylesheets": _ua_stylesheets})
