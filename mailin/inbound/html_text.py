"""HTML -> the text a reader sees, with the quoted original removed first. Pure: str in, str out."""

from __future__ import annotations

import html as htmllib
import re
from typing import TYPE_CHECKING

from .html_style import Palette, Style
from .quote_heads import from_line, header_block
from .quote_shapes import dated_or_addressed

if TYPE_CHECKING:  # lxml is imported when first needed: most mail has a text part
    from lxml.etree import _Element
    from lxml.html import HtmlElement

# Marks around a run whose colour or font our own message never used (marked_text): private-use characters,
# which no client sends and which survive the layout's whitespace rules.
OPEN, CLOSE = "\ue001", "\ue002"
# Above this share of the text in foreign styles, the client restyled our copy as a whole: no signal.
_FOREIGN_AT_MOST = 0.5

_BLOCK = {"div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "pre", "hr", "address"}
_BLOCK |= {"blockquote", "section", "article", "header", "footer", "nav", "aside", "main", "figure"}
_BLOCK |= {"figcaption", "dl", "dt", "dd", "center", "form", "fieldset", "caption", "details", "summary"}
_PARAGRAPH = {"p", "h1", "h2", "h3", "h4", "h5", "h6"}  # a blank line around, as browsers' margins show
_PRE = {"pre", "textarea", "listing", "xmp", "plaintext"}
_HR_MARK = "\ue000hr\ue000"  # a private-use mark where an <hr> was, resolved once the text is laid out
# Containers that hold the quoted original, as each client writes them. Outlook's markers start the quoted
# part, so everything after them in document order goes too.
_QUOTE_XPATHS = (
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' gmail_quote ')]",
    "//blockquote",
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' moz-cite-prefix ')]",
    "//div[contains(@class, 'yahoo_quoted')]",
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' protonmail_quote ')]",
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' zmail_extra ')]",
)
_CUT_AFTER_XPATHS = (
    "//div[@id='divRplyFwdMsg']",
    "//div[@id='appendonsend']",
    "//div[starts-with(normalize-space(translate(@style, 'BORDETP', 'bordetp')),"
    " 'border:none;border-top:solid')]",
    "//div[@id='mail-editor-reference-message-container']",
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' OutlookMessageHeader ')]",
)
_RULE_STYLES = {"solid", "dotted", "dashed", "double", "groove", "ridge", "inset", "outset"}
_LABEL_VALUE = re.compile(r"^\W{0,3}[^\W\d_][\w-]{0,24}(?: [\w-]{1,12})?\s?[:：]")


def _elements(root: _Element, xpath: str) -> list[_Element]:
    """The elements an XPath selects (comments and processing instructions are elements in lxml too)."""
    from lxml import etree

    found = root.xpath(xpath)
    return [el for el in found if isinstance(el, etree._Element)] if isinstance(found, list) else []


def _remove(el: _Element) -> None:
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


def _replace_with_break(el: _Element) -> None:
    """Drop a quoted part but leave a paragraph break where it was, so the answers written above and
    below it stay apart as the reader saw them."""
    parent = el.getparent()
    if parent is None:
        return
    gap = el.makeelement("p", {})
    gap.tail = el.tail
    parent.replace(el, gap)


def _cut_from(el: _Element) -> None:
    """Remove `el` and everything after it in document order."""
    node = el
    while (parent := node.getparent()) is not None:
        for sib in list(node.itersiblings()):
            parent.remove(sib)
        node.tail = None
        node = parent
    _remove(el)


def _top_border(style: str) -> bool:
    """Whether a style draws a rule above the element, in shorthand or long-hand."""
    decls: dict[str, str] = {}
    for decl in style.lower().split(";"):
        name, _, value = decl.partition(":")
        decls[name.strip()] = value.strip()
    shorthand = set(re.split(r"[\s,]+", decls.get("border-top", "")))
    return bool(shorthand & _RULE_STYLES) or decls.get("border-top-style", "") in _RULE_STYLES


def _header_inside(el: _Element) -> bool:
    """Whether an element (or, when it is empty, the element after it) reads like the header of a quoted
    original: two "Label: value" lines in any language, with an address or a date among them."""
    text = _INVISIBLE.sub("", _layout(el, tail=False))
    if not text.strip() and (nxt := el.getnext()) is not None:
        text = _INVISIBLE.sub("", _layout(nxt, tail=False))
    lines = [line for line in text.split("\n")[:12] if line.strip()]
    labelled = sum(1 for line in lines if _LABEL_VALUE.match(line))
    return labelled >= 2 and dated_or_addressed("\n".join(lines))


def strip_quotes(root: _Element) -> None:
    for xp in _CUT_AFTER_XPATHS:
        found = _elements(root, xp)
        if found:
            _cut_from(found[0])
    # Outlook draws a rule above the original's header block with a top border; other clients and
    # templates write it long-hand. A bordered box without a header (a signature's rule) is left alone.
    for el in _elements(root, "//div[@style]|//p[@style]"):
        if el.getparent() is not None and _top_border(el.get("style", "")) and _header_inside(el):
            _cut_from(el)
            break
    for xp in _QUOTE_XPATHS:
        for el in _elements(root, xp):
            if el.getparent() is not None:
                _replace_with_break(el)


class _Layout:
    """Text laid out as a browser does: runs of whitespace are one space, and only <br> and block elements
    start a line (a <p> or heading a paragraph), so a newline in the HTML source is just a space."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.newlines = 0  # newlines at the end of what is written so far
        self.wanted = 0  # newlines owed before the next text

    def _flush(self) -> None:
        if self.parts and self.wanted > self.newlines:
            self.parts.append("\n" * (self.wanted - self.newlines))
            self.newlines = self.wanted
        self.wanted = 0

    def text(self, text: str, pre: bool, marked: bool = False) -> None:
        if not pre:
            text = re.sub(r"[ \t\n\r\f]+", " ", text)
            if (self.wanted or self.newlines or not self.parts) and text.startswith(" "):
                text = text.lstrip(" ")
        if not text:
            return
        if marked and text.strip():
            text = f"{OPEN}{text}{CLOSE}"
        self._flush()
        self.parts.append(text)
        stripped = text.rstrip("\n")
        self.newlines = len(text) - len(stripped) + (self.newlines if not stripped else 0)

    def block(self, newlines: int) -> None:
        if self.parts:
            self.wanted = max(self.wanted, newlines)

    def br(self) -> None:
        self._flush()
        self.parts.append("\n")
        self.newlines += 1

    def mark(self, text: str) -> None:
        self.block(1)
        self.text(text, pre=True)
        self.block(1)


def _layout(root: _Element, *, tail: bool = True, palette: Palette | None = None) -> str:
    """The text of `root` as laid out; with a palette, runs in a style it does not hold are wrapped in
    OPEN...CLOSE marks."""
    from lxml import etree

    out = _Layout()
    pre = 0
    styles = [Style()]
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if palette is not None:
            if event == "start":
                styles.append(Style.of(el, styles[-1]) if tag else styles[-1])
            else:
                styles.pop()
        marked = palette is not None and palette.foreign(styles[-1])
        if event == "start":
            if tag == "br":
                out.br()
            elif tag == "hr":
                out.mark(_HR_MARK)
            elif tag in _PARAGRAPH:
                out.block(2)
            elif tag in _BLOCK:
                out.block(1)
            pre += tag in _PRE
            if el.text and tag:
                out.text(el.text, pre > 0, marked)
            continue
        pre -= tag in _PRE
        if tag in _PARAGRAPH:
            out.block(2)
        elif tag in _BLOCK:
            out.block(1)
        elif tag in {"td", "th"}:
            out.text(" ", pre=False)
        if el.tail and (tail or el is not root):
            out.text(el.tail, pre > 0, marked)  # after the pop: the tail shows its parent's style
    return "".join(out.parts)


def _resolve_rules(text: str, cut: bool) -> str:
    """An <hr> followed by the header block of an original, or by a From line with an address, is where the
    original starts (when own text stays above it); any other <hr> is just a line."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.strip() != _HR_MARK:
            continue
        nxt = next((j for j in range(i + 1, len(lines)) if lines[j].strip()), None)
        own = any(x.strip() and x.strip() != _HR_MARK for x in lines[:i])
        if cut and own and nxt is not None and (header_block(lines, nxt) or from_line(lines[nxt])):
            return "\n".join(x for x in lines[:i] if x.strip() != _HR_MARK)
        lines[i] = ""
    return "\n".join(lines)


# Invisible direction marks and zero-width spaces some clients put around every word of a date
# ("\u200e26\u200e \u200eиюня\u200e"): a reader sees none of them, and they hide the date from the shapes.
_INVISIBLE = re.compile("[\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def tidy_lines(text: str) -> str:
    text = _INVISIBLE.sub("", text)
    lines = [" ".join(line.replace("\xa0", " ").split()) for line in text.split("\n")]
    out = "\n".join(lines).strip("\n")
    return re.sub(r"\n{3,}", "\n\n", out)


def _crude(html: str) -> str:
    html = re.sub(r"(?is)<(style|script|head)\b.*?</\1\s*>", " ", html)
    html = re.sub(r"(?i)<br\s*/?>|</(p|div|li|tr)\s*>", "\n", html)
    html = re.sub(r"<[^>]*>", "", html)
    return tidy_lines(htmllib.unescape(html))


def _visible_tree(html: str) -> HtmlElement | None:
    """The parsed document with what a reader never sees removed; None for an empty one."""
    import lxml.html

    cleaned = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)
    if not cleaned.strip():
        return None
    root = lxml.html.document_fromstring(cleaned)
    for bad in _elements(root, "//style|//script|//head|//title|//comment()|//processing-instruction()"):
        _remove(bad)
    for hidden in _elements(root, "//*[@hidden]|//*[@style]"):
        style = (hidden.get("style") or "").lower().replace(" ", "")
        if (hidden.get("hidden") is not None or "display:none" in style) and hidden.getparent() is not None:
            _remove(hidden)
    return root


def marked_text(html: str, ours: str) -> str | None:
    """The whole of an HTML reply as text (quotes kept), with the runs in a colour or font family that
    `ours` (the HTML we sent) never used wrapped in OPEN...CLOSE. None when there is no such run, or when
    most of the text is in one (the client restyled everything, so style tells nothing), or on a parse
    failure: the caller then reads the text alone."""
    try:
        root = _visible_tree(html)
        if root is None:
            return None
        body = root.find("body")
        text = _layout(body if body is not None else root, palette=Palette.of(ours))
    except Exception:  # lxml's parser errors, deep trees: the text-only reading stands
        return None
    text = tidy_lines(_resolve_rules(tidy_lines(text), cut=False))
    text = re.sub(f"{CLOSE}( ?){OPEN}", r"\1", text)  # neighbouring runs are one
    total = sum(1 for c in text if not c.isspace() and c not in (OPEN, CLOSE))
    foreign = sum(len(m.replace(" ", "")) for m in re.findall(f"{OPEN}([^{CLOSE}]*){CLOSE}", text))
    if not foreign or foreign > _FOREIGN_AT_MOST * total:
        return None
    return text


def html_to_text(html: str, *, remove_quotes: bool = True, defects: list[str] | None = None) -> str:
    """The visible text of an HTML body: <style>/<script> dropped, line structure kept for <p>, <br>,
    <div>, <li>, <tr>; the quoted original (Gmail, Outlook, Apple, Thunderbird containers) removed first."""
    try:
        root = _visible_tree(html)
        if root is None:
            return ""
        if remove_quotes:
            strip_quotes(root)
        body = root.find("body")
        text = _layout(body if body is not None else root)
        return tidy_lines(_resolve_rules(tidy_lines(text), remove_quotes))
    except Exception as exc:  # lxml's parser errors, deep trees (RecursionError), odd encodings
        if defects is not None:
            defects.append(f"HTML could not be parsed ({type(exc).__name__}); tags stripped crudely")
        return _crude(html)
