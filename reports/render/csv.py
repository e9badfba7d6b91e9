"""ReportData -> CSV: every action on one line, RFC 4180 quoting, formulas neutralised (reliability.md R2).

UTF-8 with a byte order mark, because Excel opens a CSV without one as the local ANSI code page and turns
every accented name, Arabic or emoji into mojibake.
"""

from __future__ import annotations

import csv
import io

from reports.model import ReportData
from reports.render.table import headers, rows
from reports.render.words import committee_words
from reports.safe import neutralise_cell


def render_csv(data: ReportData) -> bytes:
    data = committee_words(data)
    out = io.StringIO()
    writer = csv.writer(out, dialect="excel", lineterminator="\r\n")
    writer.writerow([neutralise_cell(h) for h in headers(data)])
    for values in rows(data):
        writer.writerow(
            [
                v.strftime("%Y-%m-%d %H:%M") if hasattr(v, "strftime") else neutralise_cell(v or "")  # type: ignore[union-attr]
                for v in values
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
