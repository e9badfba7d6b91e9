"""Measuring a laid-out report: how full each PDF page is, and how a name was broken into lines.

WeasyPrint's own layout is read (its pages' boxes), so the checks see what the printed page shows.
"""

from __future__ import annotations

from weasyprint.formatting_structure import boxes as B


def page_fills(document) -> list[float]:
    """How far down each page its content reaches, as a share of the page's content height: the bottom of its
    lowest line of text, table row or image (the boxes that hold ink, not the containers around them)."""
    out = []
    for page in document.pages:
        box = page._page_box
        top = bottom = box.content_box_y()
        stack = [child for child in box.children if not isinstance(child, B.MarginBox)]
        while stack:
            found = stack.pop()
            if isinstance(found, B.LineBox | B.TableRowBox | B.ReplacedBox):
                bottom = max(bottom, found.position_y + found.margin_height())
            else:
                stack.extend(getattr(found, "children", ()) or ())
        out.append((bottom - top) / box.height)
    return out


def lines_of(document, tag: str, css_class: str) -> list[tuple[str, int]]:
    """(text, number of lines it was set on) for each block with that tag and class, on every page."""
    out = []
    for page in document.pages:
        stack = [page._page_box]
        while stack:
            found = stack.pop()
            element = getattr(found, "element", None)
            if (
                isinstance(found, B.BlockBox)
                and getattr(found, "element_tag", None) == tag
                and css_class in (element.get("class") or "").split()
            ):
                lines = [child for child in found.children if isinstance(child, B.LineBox)]
                out.append(("".join(element.itertext()), len(lines)))
            else:
                stack.extend(getattr(found, "children", ()) or ())
    return out


def rows_per_page(document, css_class: str = "depth-") -> list[int]:
    """How many table rows whose class starts with css_class (the action rows) each page holds."""
    out = []
    for page in document.pages:
        count, stack = 0, [page._page_box]
        while stack:
            found = stack.pop()
            if isinstance(found, B.TableRowBox):
                element = getattr(found, "element", None)
                count += element is not None and (element.get("class") or "").startswith(css_class)
            else:
                stack.extend(getattr(found, "children", ()) or ())
        out.append(count)
    return out
