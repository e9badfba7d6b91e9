"""Chart geometry: where each bar and label goes, computed once for the SVG (HTML, PDF) and PNG (Word) charts.

Pure arithmetic on ReportData: no drawing here, so both painters show the same picture. Colours are the RAG
palette below; every segment also carries its word and count, because a chart must never speak by colour
alone (WCAG 1.4.1).
"""

from __future__ import annotations

from dataclasses import dataclass

from reports.model import STATUS_ORDER, StatusView, TrendPoint

# Fill and text colour per status (RAG: Blue, Green, Amber, Red, and two greys told apart by shade), text
# contrast at least 4.5:1 on every fill. "no_status" is an answer that gave no status, "covered" an item its
# action's answer covers, "none" an open action with no update this round.
PALETTE: dict[str, tuple[str, str]] = {
    "completed": ("#1d4f91", "#ffffff"),
    "on_track": ("#1e6b34", "#ffffff"),
    "at_risk": ("#f2a900", "#1a1a1a"),
    "off_track": ("#b3261e", "#ffffff"),
    "not_started": ("#4d545c", "#ffffff"),
    "withdrawn": ("#b9bec5", "#1a1a1a"),
    "no_status": ("#e6e8eb", "#1a1a1a"),
    "covered": ("#dce6f2", "#1a1a1a"),
    "none": ("#ffffff", "#1a1a1a"),
}


@dataclass(frozen=True)
class Segment:
    status: StatusView
    count: int
    x: float
    y: float
    width: float
    height: float

    @property
    def fill(self) -> str:
        return PALETTE[self.status.value][0]

    @property
    def ink(self) -> str:
        return PALETTE[self.status.value][1]


@dataclass(frozen=True)
class Column:
    """One round's stacked column in the trend chart."""

    label: str
    total: int
    x: float
    width: float
    segments: list[Segment]


def mix_bar(counts: dict[str, int], legend: list[StatusView], width: float, height: float) -> list[Segment]:
    """One horizontal bar split by status, left to right in STATUS_ORDER; empty statuses take no room."""
    total = sum(counts.values())
    segments, x = [], 0.0
    for view in legend:
        count = counts.get(view.value, 0)
        if not count or not total:
            continue
        w = width * count / total
        segments.append(Segment(view, count, x, 0.0, w, height))
        x += w
    return segments


def trend_columns(
    trend: list[TrendPoint], legend: list[StatusView], width: float, height: float
) -> list[Column]:
    """Stacked columns, one per round, oldest left; each column's height is its share of the tallest."""
    if not trend:
        return []
    views = {v.value: v for v in legend}
    tallest = max(sum(p.counts.values()) for p in trend) or 1
    slot = width / len(trend)
    bar = min(slot * 0.6, 90.0)
    columns = []
    for index, point in enumerate(trend):
        x = index * slot + (slot - bar) / 2
        y = height
        segments = []
        for value in reversed(STATUS_ORDER):  # completed on top, unknown at the bottom
            count = point.counts.get(value, 0)
            if not count:
                continue
            h = height * count / tallest
            y -= h
            segments.append(Segment(views[value], count, x, y, bar, h))
        columns.append(Column(point.round_name, sum(point.counts.values()), x, bar, segments))
    return columns
