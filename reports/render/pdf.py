"""ReportData -> PDF, by printing the HTML report with WeasyPrint (no browser needed on a server).

The HTML's print stylesheet does the layout: A4 landscape, each plan section on a new page, table headers
repeated, "Page n of m" and the plan's title in the footer. The HTML has no external resources, and
WeasyPrint is given a URL fetcher that refuses every URL, so building a PDF never touches the network.
"""

from __future__ import annotations

import logging

from collector.errors import UserError
from reports.model import ReportData
from reports.render.html import render_html


def _no_fetch(url: str, *args: object, **kwargs: object) -> dict:
    raise ValueError(f"the report fetches nothing: refused {url[:80]!r}")


def pdf_document(data: ReportData):
    """The laid-out WeasyPrint document (its .pages are the PDF's pages)."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: WeasyPrint is installed but pango is missing
        raise UserError(f"PDF reports need WeasyPrint and its pango library ({exc})") from exc
    # WeasyPrint logs every CSS property it does not implement (print-color-adjust...) as a warning.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return HTML(string=render_html(data), url_fetcher=_no_fetch).render()


def render_pdf(data: ReportData) -> bytes:
    return pdf_document(data).write_pdf()
