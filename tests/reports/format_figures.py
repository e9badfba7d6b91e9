"""Read the figures back out of each rendered format, as a reader would see them.

Each reader returns a Figures: the status table (label -> count), the status of every action row in the
format's own action tables, the response figures (due, received), each lead's (due, received) and the leads
listed as not answering. The property tests compare them across formats and with the report's rows.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Figures:
    counts: dict[str, int]
    rows: Counter[str]  # the status label of each action row the format lists
    due: int | None = None
    received: int | None = None
    leads: dict[str, tuple[int, int]] = field(default_factory=dict)
    not_answered: list[str] = field(default_factory=list)


def from_html(content: bytes) -> Figures:
    from lxml import html

    doc = html.fromstring(content)
    counts = {
        tr.xpath("string(td[1])").replace("\xa0", " ").strip(): int(tr.xpath("string(td[2])"))
        for tr in doc.xpath("//table[@class='counts']/tbody/tr")
    }
    rows = Counter(
        td.xpath("string(span[contains(@class, 'chip')][1])").replace("\xa0", " ").strip()
        for td in doc.xpath("//table[@class='actions']/tbody/tr/td[5]")
    )
    tile = doc.xpath("string(//div[@class='tiles']/div[last()])")
    due = re.search(r"of (\d+) updates due were received", tile)
    leads = {
        tr.xpath("string(td[1])").replace("\xa0", " ").strip(): (
            int(tr.xpath("string(td[2])")),
            int(tr.xpath("string(td[3])")),
        )
        for tr in doc.xpath("//table[@class='leads']/tbody/tr")
    }
    listed = doc.xpath("//h3[text()='Leads who did not answer']/following-sibling::*[1][self::ul]/li")
    received = round(float(tile.split("%")[0]) / 100 * int(due.group(1))) if due else None
    return Figures(
        counts,
        rows,
        int(due.group(1)) if due else 0,
        received if due else 0,
        leads,
        [li.text_content().replace("\xa0", " ").strip() for li in listed],
    )


def from_md(text: str) -> Figures:
    plain = text.replace("\\", "")
    status = re.search(r"^- Status: (.*)$", plain, re.M)
    counts = {}
    for part in status.group(1).split("; ") if status else []:
        label, number = re.fullmatch(r"(.+) (\d+) \(\d+%\)", part).groups()
        counts[label] = int(number)
    rate = re.search(r"^- Updates received: \d+% \((\d+) of (\d+)", plain, re.M)
    who = re.search(r"^- No update from: (.*)$", plain, re.M)
    return Figures(
        counts,
        Counter(),
        int(rate.group(2)) if rate else 0,
        int(rate.group(1)) if rate else 0,
        {},
        who.group(1).split(", ") if who else [],
    )


def from_csv(content: bytes) -> Figures:
    reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    return Figures({}, Counter(row["Status"] for row in reader))


def from_xlsx(content: bytes) -> Figures:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    lines = [[c for c in row] for row in book["Summary"].iter_rows(values_only=True)]
    counts, leads, not_answered, named = {}, {}, [], {}
    block = None
    for line in lines:
        first = line[0] if line else None
        if first in ("Status", "Lead", "Leads who did not answer", "Leads who could not be asked"):
            block = first
        elif first is None or first == "Total":
            block = None
        elif block == "Status":
            counts[first] = line[1]
        elif block == "Lead":
            leads[first] = (line[1], line[2])
        elif block == "Leads who did not answer":
            not_answered.append(first)
        elif block is None and len(line) > 1:
            named[first] = line[1]
    rows: Counter[str] = Counter()
    for sheet in book.worksheets:
        if sheet.title in ("Summary", "Changes"):
            continue
        values = list(sheet.iter_rows(values_only=True))
        at = list(values[0]).index("Status")
        rows.update(v[at] for v in values[1:] if any(x is not None for x in v))
    return Figures(
        counts, rows, named.get("Updates due this round"), named.get("Updates received"), leads, not_answered
    )


def from_docx(content: bytes) -> Figures:
    from docx import Document

    document = Document(io.BytesIO(content))
    counts, leads, rows = {}, {}, Counter()
    due = received = 0
    for table in document.tables:
        header = [c.text.replace("\xa0", " ").strip() for c in table.rows[0].cells]
        body = [[c.text.replace("\xa0", " ").strip() for c in r.cells] for r in table.rows[1:]]
        if header == ["Status", "Actions", "Share"]:
            counts = {r[0]: int(r[1]) for r in body if r[0] != "Total"}
        elif header == ["Lead", "Due", "Received", "Rate"]:
            leads = {r[0]: (int(r[1]), int(r[2])) for r in body}
        elif header[:2] == ["Ref", "Action"]:
            at = header.index("Status")
            rows.update(r.cells[at].paragraphs[0].text.replace("\xa0", " ").strip() for r in table.rows[1:])
        elif len(body) == 1:  # the tiles: big figures above, their words below
            for big, words in zip(header, body[0], strict=False):
                if match := re.match(r"of (\d+) updates due were received", words):
                    due = int(match.group(1))
                    received = round(int(big.rstrip("%")) / 100 * due)
    not_answered, listing = [], False
    for paragraph in document.paragraphs:
        if paragraph.style.name.startswith("Heading"):
            listing = paragraph.text.replace("\xa0", " ").strip() == "Leads who did not answer"
        elif listing and paragraph.style.name == "List Bullet":
            not_answered.append(paragraph.text.replace("\xa0", " ").strip())
    return Figures(counts, rows, due, received, leads, not_answered)
