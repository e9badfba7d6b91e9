"""Build report files: which formats exist, what the files are called, writing them whole, recording them.

A file is written under a temporary name and renamed, so a crash never leaves half a report for someone to
send. Every file built is recorded as a Report row (plan, round, format, variant, path, when, by whom).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from collector.core.errors import UserError
from collector.core.text import slug
from reports.model import ReportData
from store.models.records import Report


@dataclass(frozen=True)
class Format:
    name: str
    suffix: str
    media_type: str


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("html", "html", "text/html"),
        Format("docx", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        Format("pdf", "pdf", "application/pdf"),
        Format("xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        Format("csv", "csv", "text/csv"),
        Format("md", "md", "text/markdown"),
    )
}


@dataclass(frozen=True)
class Built:
    format: str
    path: Path
    size: int


def parse_formats(value: str) -> list[str]:
    """ "html,docx" -> ["html", "docx"], in the order given, once each; an unknown name is a UserError."""
    names = [part.strip().lower() for part in value.split(",") if part.strip()]
    unknown = [n for n in names if n not in FORMATS]
    if unknown or not names:
        what = ", ".join(unknown) if unknown else repr(value)
        raise UserError(f"unknown report format {what}: choose from {', '.join(FORMATS)}")
    return list(dict.fromkeys(names))


def basename(data: ReportData) -> str:
    """plan-round[-exceptions]: a slug, so no path separator, CR/LF or quote can reach a file name."""
    variant = "-exceptions" if data.exceptions else ""
    plan, round_ = (slug(name, limit=40, fallback="report") for name in (data.plan_name, data.round_name))
    return f"{plan}-{round_}{variant}"


def render(data: ReportData, name: str, *, docx_template: Path | None = None) -> bytes:
    """One format's bytes. Renderers are imported here, so a missing optional library only matters when
    its format is asked for."""
    if name == "html":
        from reports.render.html import render_html

        return render_html(data).encode("utf-8")
    if name == "docx" and docx_template is not None:
        from reports.render.docx_template import render_docx_template

        return render_docx_template(data, docx_template)
    if name == "docx":
        from reports.render.docx import render_docx

        return render_docx(data)
    if name == "pdf":
        from reports.render.pdf import render_pdf

        return render_pdf(data)
    if name == "xlsx":
        from reports.render.xlsx import render_xlsx

        return render_xlsx(data)
    if name == "csv":
        from reports.render.csv import render_csv

        return render_csv(data)
    if name == "md":
        from reports.render.md import render_md

        return render_md(data).encode("utf-8")
    raise UserError(f"unknown report format {name!r}")


def build_files(
    data: ReportData,
    formats: list[str],
    out_dir: Path,
    *,
    docx_template: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Built]:
    """Render each format into out_dir; `progress(name)` is called before each one starts."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create the output folder {out_dir}: {exc.strerror}") from exc
    built = []
    for name in formats:
        if progress is not None:
            progress(name)
        content = render(data, name, docx_template=docx_template)
        path = out_dir / f"{basename(data)}.{FORMATS[name].suffix}"
        _write_whole(path, content)
        built.append(Built(name, path, len(content)))
    return built


def _write_whole(path: Path, content: bytes) -> None:
    partial = path.with_name(path.name + ".part")
    try:
        partial.write_bytes(content)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise UserError(f"cannot write {path}: {exc.strerror}") from exc


def record(
    session: Session, data: ReportData, built: list[Built], *, now: datetime, actor: str
) -> list[Report]:
    """A Report row per file built. Never commits (the caller's scope does)."""
    rows = [
        Report(
            plan_id=data.plan_id,
            round_id=data.round_id,
            format=b.format,
            path=str(b.path),
            built_at=now,
            recipients=[],
            variant="exceptions" if data.exceptions else "full",
            actor=actor,
        )
        for b in built
    ]
    session.add_all(rows)
    session.flush()
    return rows
