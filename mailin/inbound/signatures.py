"""The new text -> what the update parser reads: signature block, sign-off details, device line ("Sent from
my iPhone") and the legal and environment footers UK organisations append removed. Pure: str in, str out.

A signature is found by a marker ("--", a sign-off word, a device line) or by its shape: a run of short
lines holding the sender's name (the From header's display name), job title, team, organisation, phone,
address, web address or pronouns, with nothing else around it (what each line is: signature_lines.py).

Conservative, because a lost answer costs more than a stray line the parser ignores: a line with an action
ref or a status word is never part of a signature, so a block ends before the paragraph that holds one;
and a last line like "Done." or "On track" always stays.

A signature placed above the quote (Apple Mail, iPhone) ends where the quote begins: given the text before
quote removal, the part above the quote is cleaned as a message of its own, and the inline answers below it
are kept.
"""

from __future__ import annotations

import re

from .attributions import attribution_at
from .quote_shapes import is_quoted
from .quotes import hard_cut
from .signature_lines import STRONG, Sender, is_device, is_prose, is_sign_off, line_kinds, sender_of, stops

_DELIMITER = re.compile(r"^--\s*$")


_DISCLAIMER = re.compile(
    r"(?i)(this (e-?mail|message|communication)(,)? (and|including) any (attachments?|files)"
    r"|this (e-?mail|message) (is|may be) (confidential|intended|private|subject to)"
    r"|the information (in|contained in|within) this (e-?mail|message)"
    r"|freedom of information act"
    r"|if you (are not the intended recipient|have received this (e-?mail|message) in error)"
    r"|views (or opinions )?expressed in this (e-?mail|message)"
    r"|(e-?mail|message) has been (scanned|checked) for (viruses|malware)"
    r"|nhsmail is (the|a) (secure )?(national )?e-?mail"
    r"|communications (with|via) the council may be (monitored|recorded)"
    r"|^\s*(disclaimer|confidentiality notice)\s*:?\s*$)"
)
# Environment footers in their many wordings: "Please consider the environment before printing this email",
# "Save paper - do you really need to print this?", "Think before you print".
_ENVIRONMENT = re.compile(
    r"(?i)\b(?:consider|think (?:of|about)|save|protect|respect|help)\s+(?:the\s+|a\s+|our\s+)?"
    r"(?:environment|planet|trees?|paper)\b.{0,80}\bprint"
    r"|\bprint\w*\b.{0,80}\b(?:consider|think (?:of|about)|save|protect)\s+(?:the\s+|a\s+|our\s+)?"
    r"(?:environment|planet|trees?|paper)\b"
    r"|\bthink before (?:you )?print|\bdo you (?:really )?need to print\b"
)


def _paragraph_start(lines: list[str], i: int) -> int:
    while i > 0 and lines[i - 1].strip():
        i -= 1
    return i


def _block_end(lines: list[str], start: int, prose: bool, limit: int) -> tuple[int | None, int]:
    """Where a signature block opened at `start` ends, and where the scan stopped. It ends before the first
    later paragraph holding an update (or a sentence, when `prose`), else at the end; None when that update
    is in the block's own first paragraph, or more than `limit` lines come before it."""
    content, blank = 0, False
    for j in range(start + 1, len(lines)):
        if stops(lines[j]) or (prose and is_prose(lines[j])):
            return (_paragraph_start(lines, j) if blank else None), j
        if not lines[j].strip():
            blank = True
            continue
        content += 1
        if content > limit:
            return None, start
    return len(lines), len(lines)


def cut_disclaimer(lines: list[str]) -> list[str]:
    for i, line in enumerate(lines):
        footer = _DISCLAIMER.search(line) or (_ENVIRONMENT.search(line) and not stops(line))
        if footer and any(x.strip() for x in lines[:i]):
            start = _paragraph_start(lines, i)
            for j in range(start, i):  # an update written right above the footer stays
                if stops(lines[j]):
                    start = j + 1
            if any(x.strip() for x in lines[:start]):
                return lines[:start]
            return lines[:i]
    return lines


def _cut_markers(lines: list[str], sender: Sender | None) -> list[str]:
    i = 0
    held = -1  # an update found in the paragraph of an earlier marker: markers above it keep their lines
    while i < len(lines):
        line = lines[i]
        delimiter = bool(_DELIMITER.match(line)) and any(x.strip() for x in lines[:i])
        device = not delimiter and is_device(line)
        sign_off = not (delimiter or device) and is_sign_off(line, sender)
        if not (delimiter or device or sign_off):
            i += 1
            continue
        if i < held:  # known without a scan (which made this quadratic on hostile input)
            end = None
        else:
            end, at = _block_end(lines, i, prose=sign_off, limit=14 if sign_off else len(lines))
            held = at if end is None and at > i else -1
        if end is None and device:
            end = i + 1  # the device line itself never says anything
        if end is None:
            i += 1
            continue
        del lines[i:end]
        held -= end - i if held > i else 0
    return lines


# --- signatures by shape ------------------------------------------------------------------------------------


def _starts_signature(lines: list[str], kinds: list[frozenset[str] | None], i: int) -> bool:
    """Can a signature start at `i`? The sender's name, a contact line, a title with its organisation, or a
    name with a title or organisation under it."""
    here = kinds[i] or frozenset()
    if here & STRONG:
        return True
    below = kinds[i + 1] if i + 1 < len(lines) and lines[i + 1].strip() else None
    below = below or frozenset()
    if "role" in here and "org" in here | below:
        return True
    return "name" in here and bool(below & {"role", "org"})


def _cut_trailing(lines: list[str], sender: Sender | None) -> list[str]:
    kinds = [line_kinds(line, sender) for line in lines]
    start = len(lines)
    for i in range(len(lines) - 1, -1, -1):
        if lines[i].strip():
            if kinds[i] is None:
                break
            start = i
    left = sum(1 for x in lines[start:] if x.strip())  # lines from i to the end, at most 15 in a signature
    for i in range(start, len(lines)):
        here = kinds[i]
        if here is None:
            continue
        # a run starts a paragraph, or at the sender's name: "Chief Executive" may end a wrapped sentence
        starts = i == 0 or not lines[i - 1].strip() or "sender" in here
        if left <= 15 and starts and _starts_signature(lines, kinds, i):
            return lines[:i]
        left -= 1
    return lines


def _cut_inner(lines: list[str], sender: Sender | None) -> list[str]:
    """A signature with more text below it (HTML replies lose the quote that separated them): only when it
    opens a paragraph with the sender's name and has a title, organisation or contact line too."""
    kinds = [line_kinds(line, sender) for line in lines]
    i = 0
    while i < len(lines):
        here = kinds[i]
        if not (here and "sender" in here and (i == 0 or not lines[i - 1].strip())):
            i += 1
            continue
        j, last = i, i
        while j < len(lines) and (not lines[j].strip() or kinds[j]):
            if lines[j].strip():
                last = j
            j += 1
        rest = set().union(*(k for k in kinds[i + 1 : last + 1] if k))
        if j < len(lines) and last + 1 < j and rest & ({"role", "org", "web"} | STRONG):
            del lines[i : last + 1]
            del kinds[i : last + 1]
            j -= last + 1 - i
        i = max(i + 1, j)
    return lines


def cut_signature(lines: list[str], sender_name: str | None = None) -> list[str]:
    """`lines` without the signature: after a marker, then by shape at the end, then by shape mid-text."""
    sender = sender_of(sender_name)
    lines = _cut_markers(list(lines), sender)
    lines = _cut_trailing(lines, sender)
    return _cut_inner(lines, sender)


def _above_quote(reply: str, original: str | None) -> tuple[str, str] | None:
    """(what the sender wrote above the quote, the inline answers below it) when `reply`, made from
    `original` by quotes.remove_quotes, has both; else None."""
    if not original:
        return None
    lines = original.split("\n")
    cut, _ = hard_cut(lines)
    first = next((i for i in range(cut) if is_quoted(lines[i]) or attribution_at(lines, i)), None)
    if first is None:
        return None
    head = re.sub(r"\n{3,}", "\n\n", "\n".join(x.rstrip() for x in lines[:first])).strip("\n")
    rest = reply[len(head) :]
    if not head.strip() or not reply.startswith(head) or not rest.startswith("\n") or not rest.strip():
        return None
    return head, rest


def _tidy(lines: list[str]) -> str:
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines).strip())


def strip_signature(text: str, *, sender_name: str | None = None, original: str | None = None) -> str:
    """`text` (the reply) without its disclaimer, signature block and sign-off (name, job title, phone,
    address). `sender_name` (the From display name) lets a bare name or initials go; `original` (the text
    before quote removal) lets a signature above the quote go while the inline answers below it stay."""
    split = _above_quote(text, original)
    if split is not None:
        head, rest = split
        top = cut_signature(cut_disclaimer(head.split("\n")), sender_name)
        text = "\n".join(top).rstrip() + rest
    lines = cut_disclaimer(text.split("\n"))
    return _tidy(cut_signature(lines, sender_name))
