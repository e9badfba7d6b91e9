"""Open any plan file the user brings and hand it to the reader that understands it.

Dispatch looks at the bytes first and the name second: people rename files, Outlook saves attachments
with odd names, and a password-protected .docx is not a ZIP at all. Every failure is an ImportFileError
that names the file as the user typed it and says what to do next.

The cell-text helpers every reader shares also live here, so the convention in source.py is applied by
one piece of code whatever the format.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from collector.core.errors import ImportFileError
from store.importers.source import SourceDoc

from .cells import normalise_cell

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Microsoft compound file: .doc, .xls, encrypted OOXML
ZIP_MAGIC = b"PK\x03\x04"
# An encrypted .docx/.xlsx is an OLE2 file holding an "EncryptionInfo" stream (MS-OFFCRYPTO 2.3.4).
# Directory entry names are UTF-16LE.
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_EXCEL_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))

FORMATS_WE_READ = ".docx, .xlsx, .csv or .txt/.tsv"
_SAVE_AGAIN = "export the plan again from Word or Excel"
_PROTECTED_HINT = "remove the password in Word/Excel (File > Info > Protect) and save again"

# Glyphs people type (or Word pastes) at the start of a bullet line. Round ones are always bullets;
# dashes and asterisks only when a space follows, so "-5%" or "*Draft*" are left alone.
# U+F0B7 and U+F0A7 are the Symbol/Wingdings bullets Word leaves behind when a list is pasted as text.
_BULLET = re.compile(r"^(?:[•▪◦·●○■□‣➢►\uf0b7\uf0a7]\s*|[-*–—]\s+)")
_LINE_BREAK = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x0b")


def clean_paragraph(text: str, *, is_list: bool = False) -> str:
    """One paragraph of a cell, normalised: spaces for tabs and NBSPs, stripped, bullets as "• "."""
    text = text.replace("\xa0", " ").replace("\t", " ").strip()
    if not text:
        return ""
    bullet = _BULLET.match(text)
    if bullet:
        rest = text[bullet.end() :].strip()
        return f"• {rest}" if rest else ""
    return f"• {text}" if is_list else text


def clean_cell(text: str) -> str:
    """A cell whose paragraphs are separated by line breaks (xlsx, csv): each cleaned, blanks dropped."""
    if not text:
        return ""
    return join_paragraphs([clean_paragraph(p) for p in _LINE_BREAK.split(text)])


def join_paragraphs(paragraphs: list[str]) -> str:
    """A cell's paragraphs, finished the way every format's are (cells.normalise_cell): bullets written
    inline in one paragraph ("▪ one ▪ two") become items of their own."""
    return normalise_cell("\n".join(p for p in paragraphs if p))


def read_source(path: Path | str, *, sheets: list[str] | None = None) -> SourceDoc:
    """Read a plan file into lines, choosing the reader from the file's content, then its extension.

    sheets names the sheets of a workbook to read (all visible ones when None); any other file is refused.
    """
    path = Path(path)
    name = str(path)
    head = _head(path, name)
    ext = path.suffix.lower()
    if head.startswith(OLE2_MAGIC):
        raise _ole2_error(path, name, ext)
    if head.startswith(ZIP_MAGIC):
        kind = _zip_kind(path, name)
        if sheets and kind != "xlsx":
            raise _sheets_need_a_workbook(name)
        return _read_office(path, kind, ext, sheets)
    if ext in (".docx", ".xlsx", ".docm", ".xlsm"):
        raise _not_office(name, head)
    if sheets:
        raise _sheets_need_a_workbook(name)
    if ext == ".csv":
        from store.importers.csv_reader import read_csv

        return read_csv(path)
    if ext in (".txt", ".tsv", ".tab"):
        from store.importers.text_reader import read_text  # written separately; imported when needed

        return read_text(path)
    if ext in (".doc", ".xls"):
        # Word and Excel both save "web page" and RTF variants under the old extensions.
        raise ImportFileError(
            name,
            "this is not a Word or Excel file we can read",
            hint="open it in Word or Excel and save it as .docx or .xlsx",
        )
    raise ImportFileError(
        name,
        f"cannot read {ext or 'files without an extension'}{' files' if ext else ''}",
        hint=f"save the plan as {FORMATS_WE_READ}",
    )


def _head(path: Path, name: str) -> bytes:
    """The first bytes of the file, after checking it is a non-empty file at all."""
    try:
        if path.is_dir():
            raise ImportFileError(name, "this is a folder, not a file", hint="give the plan file itself")
        with path.open("rb") as f:
            head = f.read(8)
    except FileNotFoundError:
        raise ImportFileError(name, "no such file", hint="check the name and the folder") from None
    except PermissionError:
        raise ImportFileError(
            name, "permission denied", hint="check the file is not open elsewhere and can be read"
        ) from None
    if not head:
        raise ImportFileError(name, "the file is empty", hint=_SAVE_AGAIN)
    return head


def _ole2_error(path: Path, name: str, ext: str) -> ImportFileError:
    """Say why an OLE2 compound file cannot be read: a password, or a pre-2007 format."""
    data = path.read_bytes()
    if _ENCRYPTION_INFO in data:
        return ImportFileError(name, "the file is password-protected", hint=_PROTECTED_HINT)
    if _WORD_STREAM in data or ext == ".doc":
        return ImportFileError(
            name,
            "this is an old-style Word document (.doc)",
            hint="open it in Word and save it as .docx (File > Save As)",
        )
    if any(s in data for s in _EXCEL_STREAMS) or ext == ".xls":
        return ImportFileError(
            name,
            "this is an old-style Excel workbook (.xls)",
            hint="open it in Excel and save it as .xlsx (File > Save As)",
        )
    if ext in (".docx", ".xlsx", ".docm", ".xlsm"):
        # Office writes an encrypted .docx/.xlsx as OLE2 under its usual name; no stream name was found
        # (a truncated or unusual file), but a password is by far the likeliest reason.
        return ImportFileError(name, "the file is password-protected", hint=_PROTECTED_HINT)
    return ImportFileError(
        name,
        "this is an old-style Office file",
        hint="open it in Word or Excel and save it as .docx or .xlsx",
    )


def _zip_kind(path: Path, name: str) -> str:
    """ "docx" or "xlsx" from the parts inside the ZIP; anything else is an ImportFileError."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            mimetype = z.read("mimetype").decode("ascii", "replace") if "mimetype" in names else ""
    except (zipfile.BadZipFile, OSError, EOFError):
        raise _damaged(name) from None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "opendocument" in mimetype:
        raise ImportFileError(
            name,
            "this is an OpenDocument file (LibreOffice)",
            hint="save it as .docx or .xlsx (File > Save As) and import that",
        )
    raise _damaged(name)


def _sheets_need_a_workbook(name: str) -> ImportFileError:
    return ImportFileError(
        name, "--sheet applies to Excel workbooks", hint="import this file without --sheet"
    )


def _read_office(path: Path, kind: str, ext: str, sheets: list[str] | None = None) -> SourceDoc:
    if kind == "docx":
        from store.importers.docx_reader import read_docx

        doc = read_docx(path)
    else:
        from store.importers.xlsx_reader import read_xlsx

        doc = read_xlsx(path, sheets=sheets)
    if ext not in (f".{kind}", f".{kind[:-1]}m"):
        label = "a Word document" if kind == "docx" else "an Excel workbook"
        doc.notes.append(f"read as {label}, whatever its name says")
    return doc


def _damaged(name: str) -> ImportFileError:
    return ImportFileError(
        name,
        "not a valid Word or Excel file (the file is damaged or not what its name says)",
        hint="open it in Word or Excel and save it again as .docx or .xlsx",
    )


def _not_office(name: str, head: bytes) -> ImportFileError:
    """A .docx/.xlsx name on bytes that are neither ZIP nor OLE2: say what it is if we can tell."""
    if head.startswith(b"%PDF"):
        return ImportFileError(
            name, "this is a PDF", hint="import the original Word or Excel file, or save the PDF as .docx"
        )
    if head.startswith(b"{\\rtf"):
        return ImportFileError(name, "this is an RTF document", hint="open it in Word and save it as .docx")
    return _damaged(name)
