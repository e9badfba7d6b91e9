"""Evidence files a lead sends with an action: what is accepted, and where the bytes are kept.

A committee must be able to open what it is sent, so only PDF, Word, Excel, PNG and JPEG are taken, and
the kind is read from the file's first bytes (and, for Word and Excel, the parts inside it), never from
its name alone: an executable renamed "report.pdf" is refused. The name's extension must also agree with
the content, so what the coordinator later downloads opens in the program its name promises. Accepted
bytes go to var/evidence/<round>/<random name>, outside any web root and with no URL of their own (the
coordinator console will serve them as attachments); the database keeps only the reference.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the legacy Office container (.doc, .xls)
# extension -> (content type, the kind the content must show)
KINDS = {
    "pdf": ("application/pdf", "pdf"),
    "png": ("image/png", "png"),
    "jpg": ("image/jpeg", "jpeg"),
    "jpeg": ("image/jpeg", "jpeg"),
    "doc": ("application/msword", "ole2"),
    "xls": ("application/vnd.ms-excel", "ole2"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}
ALLOWED = "PDF, Word (.doc, .docx), Excel (.xls, .xlsx), PNG or JPEG"


@dataclass(frozen=True)
class Upload:
    """One file as the form sent it, read into memory (the request body is already bounded)."""

    action_id: int
    name: str
    data: bytes


@dataclass(frozen=True)
class Accepted:
    action_id: int
    name: str  # sanitised
    content_type: str
    data: bytes
    sha256: str


def safe_name(name: str) -> str:
    """The file's own name, without any folder part or control characters, at most 200 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C")
    base = base.strip().lstrip(".")
    if len(base) > 200:
        stem, dot, ext = base.rpartition(".")
        base = (stem[:190] + dot + ext[:9]) if dot and len(ext) <= 9 else base[:200]
    return base or "file"


def content_kind(data: bytes) -> str | None:
    """What the bytes are, by their signature: pdf, png, jpeg, ole2, docx, xlsx, or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(OLE2):
        return "ole2"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return "docx"
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return "xlsx"
    return None


def check(upload: Upload, max_bytes: int) -> Accepted | str:
    """The file accepted, or why not, in words for the lead."""
    name = safe_name(upload.name)
    if len(upload.data) > max_bytes:
        return f"{name} is larger than {max_bytes // (1024 * 1024) or 1} MB"
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    known = KINDS.get(ext)
    if known is None or content_kind(upload.data) != known[1]:
        return f"{name} is not a file we accept: send a {ALLOWED} file"
    return Accepted(upload.action_id, name, known[0], upload.data, hashlib.sha256(upload.data).hexdigest())


def store(root: Path, round_id: int, accepted: Accepted) -> Path:
    """Write the bytes under root/<round>/ with a random name (nothing of the lead's name is used on
    disk); readable by this user only. Returns the path written."""
    folder = root / str(round_id)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / secrets.token_hex(16)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(accepted.data)
    return path
