"""The status charts as a PNG for the Word paper (Word shows no SVG everywhere): the same geometry as the
HTML's SVG (reports/charts.py), painted with Pillow at twice the size it is printed, so it stays sharp."""

from __future__ import annotations

import io
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from reports import charts
from reports.model import ReportData

SCALE = 2
WIDTH = 900  # points of chart at 1x; the docx places it 24 cm wide


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for name in ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "Arial.ttf"):
        try:
            return ImageFont.truetype(name, size * SCALE)
        except OSError:
            continue
    return ImageFont.load_default(size * SCALE)


def _centred(draw: ImageDraw.ImageDraw, x: float, y: float, text: str, size: int, fill: str) -> None:
    font = _font(size)
    box = draw.textbbox((0, 0), text, font=font)
    draw.text((x * SCALE - (box[2] - box[0]) / 2, y * SCALE), text, font=font, fill=fill)


def _rect(draw: ImageDraw.ImageDraw, seg: charts.Segment, dx: float, dy: float) -> None:
    box = [
        (dx + seg.x) * SCALE,
        (dy + seg.y) * SCALE,
        (dx + seg.x + seg.width) * SCALE,
        (dy + seg.y + seg.height) * SCALE,
    ]
    outline = "#5f6670" if seg.status.value == "none" else "#ffffff"
    draw.rectangle(box, fill=seg.fill, outline=outline, width=SCALE)


def chart_png(data: ReportData) -> bytes:
    """Status of all actions (one bar) above the status mix over recent rounds (stacked columns)."""
    mix = {c.status.value: c.count for c in data.summary.counts}
    bar = charts.mix_bar(mix, data.legend, WIDTH, 34)
    columns = charts.trend_columns(data.trend, data.legend, WIDTH, 190) if len(data.trend) > 1 else []
    height = 110 + (290 if columns else 0)
    image = Image.new("RGB", (WIDTH * SCALE, height * SCALE), "#ffffff")
    draw = ImageDraw.Draw(image)
    draw.text((0, 0), "Status of all actions", font=_font(14), fill="#1a1a1a")
    for seg in bar:
        _rect(draw, seg, 0, 24)
        if seg.width > 28:
            _centred(draw, seg.x + seg.width / 2, 33, str(seg.count), 12, seg.ink)
    _legend(draw, data, 70)
    if columns:
        draw.text((0, 110 * SCALE), "Status over recent rounds", font=_font(14), fill="#1a1a1a")
        top = 134
        for column in columns:
            for seg in column.segments:
                _rect(draw, seg, 0, top)
                if seg.height >= 15:
                    _centred(
                        draw,
                        seg.x + seg.width / 2,
                        top + seg.y + seg.height / 2 - 7,
                        str(seg.count),
                        11,
                        seg.ink,
                    )
            label = column.label if len(column.label) <= 24 else column.label[:23] + "…"
            _centred(draw, column.x + column.width / 2, top + 196, label, 11, "#1a1a1a")
        draw.line([0, (top + 190) * SCALE, WIDTH * SCALE, (top + 190) * SCALE], fill="#9aa0a6", width=SCALE)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _legend(draw: ImageDraw.ImageDraw, data: ReportData, y: float) -> None:
    """Swatch, word and count for each status present: the words carry the meaning, not the colours."""
    x = 0.0
    font = _font(11)
    for count in data.summary.counts:
        fill = charts.PALETTE[count.status.value][0]
        outline = "#5f6670"
        draw.rectangle(
            [x * SCALE, (y + 3) * SCALE, (x + 11) * SCALE, (y + 14) * SCALE], fill=fill, outline=outline
        )
        text = f"{count.status.label} {count.count} ({count.percent:.0f}%)"
        draw.text(((x + 16) * SCALE, y * SCALE), text, font=font, fill="#1a1a1a")
        x += 16 + draw.textlength(text, font=font) / SCALE + 22
        if x > WIDTH - 150:
            x, y = 0.0, y + 18
