"""HTML -> the text a reader sees, with the quoted original removed first. Pure: str in, str out."""

from __future__ import annotations

import html as htmllib
import re

_BLOCK = {"div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "pre", "hr", "address"}
# Containers that hold the quoted original, as each client writes them. Outlook's markers start the quoted
# part, so everything after them in document order goes too.
_QUOTE_XPATHS = (
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' gmail_quote ')]",
    "//blockquote",
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' moz-cite-prefix ')]",
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' yahoo_quoted ')]",
)
_CUT_AFTER_XPATHS = (
    "//div[@id='divRplyFwdMsg']",
    "//div[@id='appendonsend']",
    "//div[starts-with(normalize-space(translate(@style, 'BORDETP', 'bordetp')),"
    " 'border:none;border-top:solid')]",
)


def _remove(el) -> None:
    """Drop an element but keep its tail text, which belongs to the parent."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    prev = el.getprevious()
    if tail:
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _cut_from(el) -> None:
    """Remove `el` and everything after it in document order."""
    node = el
    while node is not None and node.getparent() is not None:
        for sib in list(node.itersiblings()):
            node.getparent().remove(sib)
        node.tail = None
        node = node.getparent()
    _remove(el)


def strip_quotes(root) -> None:
    for xp in _CUT_AFTER_XPATHS:
        found = root.xpath(xp)
        if found:
            _cut_from(found[0])
    for xp in _QUOTE_XPATHS:
        for el in root.xpath(xp):
            if el.getparent() is not None:
                _remove(el)


def _mark_lines(root) -> None:
    for el in root.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        tag = tag.lower()
        if tag == "br":
            el.tail = "\n" + (el.tail or "")
        elif tag == "p":
            el.text = "\n" + (el.text or "")
            el.tail = "\n" + (el.tail or "")
        elif tag in _BLOCK:
            el.tail = "\n" + (el.tail or "")
        elif tag in {"td", "th"}:
            el.tail = " " + (el.tail or "")


def tidy_lines(text: str) -> str:
    lines = [" ".join(line.replace("\xa0", " ").split()) for line in text.split("\n")]
    out = "\n".join(lines).strip("\n")
    return re.sub(r"\n{3,}", "\n\n", out)


def _crude(html: str) -> str:
    html = re.sub(r"(?is)<(style|script|head)\b.*?</\1\s*>", " ", html)
    html = re.sub(r"(?i)<br\s*/?>|</(p|div|li|tr)\s*>", "\n", html)
    html = re.sub(r"<[^>]*>", "", html)
    return tidy_lines(htmllib.unescape(html))


def html_to_text(html: str, *, remove_quotes: bool = True, defects: list[str] | None = None) -> str:
    """The visible text of an HTML body: <style>/<script> dropped, line structure kept for <p>, <br>,
    <div>, <li>, <tr>; the quoted original (Gmail, Outlook, Apple, Thunderbird containers) removed first."""
    try:
        import lxml.html

        cleaned = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)
        if not cleaned.strip():
            return ""
        root = lxml.html.document_fromstring(cleaned)
        for bad in root.xpath("//style|//script|//head|//title|//comment()"):
            _remove(bad)
        if remove_quotes:
            strip_quotes(root)
        _mark_lines(root)
        body = root.find("body")
        text = (body if body is not None else root).text_content()
        return tidy_lines(text)
    except Exception as exc:  # lxml's parser errors, deep trees (RecursionError), odd encodings
        if defects is not None:
            defects.append(f"HTML could not be parsed ({type(exc).__name__}); tags stripped crudely")
        return _crude(html)
