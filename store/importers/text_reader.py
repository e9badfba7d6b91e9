"""Reader for tab-separated text exports of plan tables (one row per line, cells split by tabs).

Lines without a tab are text outside any table (titles, headings, page furniture, a lead key heading).
A blank line is kept as a blank line: between table rows it is how many exports show a page break, and
the interpreter weighs it as one (the row after it may be the rest of the row before).
"""

from __future__ import annotations

from pathlib import Path

from collector.core.errors import ImportFileError

from .cells import normalise_cell
from .source import SourceDoc, SourceLine


def read_text(path: Path, display: str | None = None) -> SourceDoc:
    name = display or str(path)
    data = path.read_bytes()
    note = None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        note = "read as Windows-1252 (the file is not UTF-8)"
    if not text.strip():
        raise ImportFileError(name, "the file is empty", hint="export the plan again from Word or Excel")
    doc = SourceDoc(path=name, format="text")
    if note:
        doc.notes.append(note)
    table = 0
    in_table = False
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            if doc.lines and not doc.lines[-1].is_blank:
                doc.lines.append(SourceLine(cells=("",), where=f"line {number}", in_table=False))
            continue
        if "\t" in raw:
            if not in_table:
                table += 1
                in_table = True
            cells = tuple(normalise_cell(c, html=True) for c in raw.split("\t"))
            doc.lines.append(SourceLine(cells=cells, where=f"line {number}", in_table=True, table=table))
        else:
            in_table = False
            text_line = normalise_cell(raw, html=True)
            doc.lines.append(SourceLine(cells=(text_line,), where=f"line {number}", in_table=False))
    return doc
