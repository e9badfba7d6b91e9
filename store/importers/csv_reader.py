"""Read a CSV export into lines, whatever Excel or another tool chose for encoding and delimiter.

Excel on Windows in the UK saves "CSV" as Windows-1252 and "CSV UTF-8" with a BOM; Excel in much of
Europe uses ";" because "," is the decimal separator. So the bytes are decoded as UTF-8 (BOM or not),
then UTF-16 if it has a BOM, else as Windows-1252 with a note; the delimiter is sniffed among , ; tab |.

Each record is one line, `where="row N"` counting records from 1 as Excel numbers rows when it opens
the file (a quoted cell with line breaks is one record). Entirely empty records are skipped, trailing
empty cells trimmed. As in the Excel reader, records with one filled cell before the first record with
two are title lines (in_table=False); a file with no delimiter at all is all text lines, and the
interpreter will say that no table was found.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

from collector.core.errors import ImportFileError
from store.importers.read import clean_cell
from store.importers.source import SourceDoc, SourceLine

DELIMITERS = ",;\t|"
SNIFF_BYTES = 8192


def read_csv(path: Path | str) -> SourceDoc:
    """Read a .csv file: decode, sniff the delimiter, one SourceLine per non-empty record."""
    name = str(path)
    source = SourceDoc(path=name, format="csv")
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ImportFileError(name, f"cannot read the file ({exc.strerror})") from None
    text = _decode(data, source)
    sample = text[:SNIFF_BYTES]
    if len(text) > SNIFF_BYTES and "\n" in sample:
        sample = sample[: sample.rfind("\n")]  # a record cut in half would mislead the sniffer
    delimiter = sniff_delimiter(sample)
    if delimiter != ",":
        source.notes.append(f"columns separated by {_DELIMITER_NAMES[delimiter]}")
    in_title = True
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    try:
        for n, record in enumerate(reader, start=1):
            cells = [clean_cell(c) for c in record]
            while cells and not cells[-1]:
                cells.pop()
            if not cells:
                continue
            filled = [c for c in cells if c]
            if in_title and len(filled) == 1:
                source.lines.append(SourceLine(cells=(filled[0],), where=f"row {n}", in_table=False))
                continue
            in_title = False
            source.lines.append(SourceLine(cells=tuple(cells), where=f"row {n}", in_table=True, table=0))
    except csv.Error as exc:  # only on a NUL byte or an unterminated quote at the very end
        raise ImportFileError(
            name, f"the CSV cannot be read ({exc})", row=reader.line_num, hint="save it from Excel again"
        ) from None
    return source


_DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars"}


def _decode(data: bytes, source: SourceDoc) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        source.notes.append("read as UTF-16")
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        source.notes.append("read as Windows-1252")
        # cp1252 leaves five bytes undefined; a stray one becomes U+FFFD rather than a failed import.
        return data.decode("cp1252", errors="replace")


def sniff_delimiter(sample: str) -> str:
    """The delimiter csv.Sniffer finds among , ; tab |, or "," when it cannot tell (one column)."""
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","
