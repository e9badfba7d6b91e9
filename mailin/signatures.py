"""The new text -> what the update parser reads: signature block, sign-off details, mobile signature and
the legal disclaimer UK organisations append removed. Pure: str in, str out.

Conservative: a block is only cut when what follows it looks like a signature (short lines, no action
refs), so an answer written after "Thanks," is never lost.
"""

from __future__ import annotations

import re

_DELIMITER = re.compile(r"^--\s?$")
_MOBILE = re.compile(
    r"(?i)^\s*(sent from my (iphone|ipad|android|samsung|galaxy|mobile|blackberry|huawei|pixel)\b.*"
    r"|sent from (outlook|mail) for (ios|android|windows)\b.*|get outlook for (ios|android)\b.*"
    r"|sent from (yahoo mail|my phone|workspace one|the gmail app)\b.*|sent via .*mobile.*)\s*$"
)
_SIGN_OFF = re.compile(
    r"(?i)^\s*(many thanks|thanks( again| very much| so much| all)?|thank you( very much)?|with thanks"
    r"|(kind|best|warm|warmest|many)? ?regards|best wishes|all the best|best|cheers"
    r"|yours (sincerely|faithfully)"
    r"|speak soon|with best wishes)\s*[,.!]?\s*$"
)
_DISCLAIMER = re.compile(
    r"(?i)(this (e-?mail|message|communication)(,)? (and|including) any (attachments?|files)"
    r"|this (e-?mail|message) (is|may be) (confidential|intended|private|subject to)"
    r"|the information (in|contained in|within) this (e-?mail|message)"
    r"|freedom of information act"
    r"|please consider the environment before printing"
    r"|if you (are not the intended recipient|have received this (e-?mail|message) in error)"
    r"|views (or opinions )?expressed in this (e-?mail|message)"
    r"|(e-?mail|message) has been (scanned|checked) for (viruses|malware)"
    r"|nhsmail is (the|a) (secure )?(national )?e-?mail"
    r"|communications (with|via) the council may be (monitored|recorded)"
    r"|^\s*(disclaimer|confidentiality notice)\s*:?\s*$)"
)
_REF = re.compile(r"^\s*\[?\d+\.\d+[a-z]?\]?\s*[:\-–)]|\b(status|progress)\s*:")


def _paragraph_start(lines: list[str], i: int) -> int:
    while i > 0 and lines[i - 1].strip():
        i -= 1
    return i


def _looks_like_signature(rest: list[str]) -> bool:
    content = [line for line in rest if line.strip()]
    return len(content) <= 14 and not any(_REF.search(line) for line in content)


def cut_disclaimer(lines: list[str]) -> list[str]:
    for i, line in enumerate(lines):
        if _DISCLAIMER.search(line) and any(x.strip() for x in lines[:i]):
            start = _paragraph_start(lines, i)
            if any(x.strip() for x in lines[:start]):
                return lines[:start]
            return lines[:i]
    return lines


def cut_signature(lines: list[str]) -> list[str]:
    for i, line in enumerate(lines):
        if _DELIMITER.match(line) and any(x.strip() for x in lines[:i]):
            return lines[:i]
        if _MOBILE.match(line):
            return lines[:i]
    for i, line in enumerate(lines):
        if _SIGN_OFF.match(line) and _looks_like_signature(lines[i + 1 :]):
            return lines[:i]
    return lines


def strip_signature(text: str) -> str:
    """`text` without its disclaimer, signature block and sign-off (name, job title, phone, address)."""
    lines = cut_disclaimer(text.split("\n"))
    lines = cut_signature(lines)
    out = "\n".join(lines).strip()
    return re.sub(r"\n{3,}", "\n\n", out)
