"""Block Kit messages as a plain HTML page, close to how Slack lays them out: for reading what a lead will see
without a workspace (docs screenshots, reviewing a change to bot/blocks/). Not Slack's renderer: it knows
the handful of block types bot/blocks/ builds (header, section with an accessory, context, actions,
divider) and Slack's basic mrkdwn (*bold*, _italic_, <url|label>), and escapes everything else.
"""

from __future__ import annotations

import html
import re
from typing import Any

_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")
_BOLD = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_([^_\n]+)_(?![\w_])")
_EMOJI = {":white_check_mark:": "✅", ":warning:": "⚠️"}

CSS = """
body { font-family: Lato, "Helvetica Neue", Arial, sans-serif; font-size: 15px; color: #1d1c1d;
  background: #fff; margin: 0; padding: 16px 20px; max-width: 720px; }
.who { display: flex; gap: 8px; align-items: baseline; margin-bottom: 6px; }
.who b { font-size: 15px; } .who span { color: #616061; font-size: 12px; }
.app { background: #e8e8e8; border-radius: 3px; font-size: 10px; padding: 1px 3px; color: #616061; }
h3 { font-size: 18px; margin: 8px 0; }
.section { display: flex; justify-content: space-between; gap: 12px; margin: 8px 0; line-height: 1.45; }
.context { color: #616061; font-size: 13px; margin: 4px 0; }
.actions { display: flex; gap: 8px; margin: 6px 0 10px; }
.button { border: 1px solid #bbb; border-radius: 4px; padding: 3px 12px; font-weight: bold; font-size: 13px; }
.primary { background: #007a5a; color: #fff; border-color: #007a5a; }
.select { border: 1px solid #bbb; border-radius: 4px; padding: 3px 10px; font-size: 13px; white-space: nowrap;
  height: fit-content; color: #1d1c1d; }
hr { border: 0; border-top: 1px solid #ddd; margin: 10px 0; }
a { color: #1264a3; text-decoration: none; }
"""


def mrkdwn(text: str) -> str:
    """Slack mrkdwn (whose text arrives with &, < and > already escaped as entities) as HTML."""
    links: list[tuple[str, str]] = []

    def keep(match: re.Match[str]) -> str:
        links.append((match.group(1), match.group(2)))
        return f"\x00{len(links) - 1}\x00"

    text = _LINK.sub(keep, text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    out = html.escape(text, quote=False)
    out = _BOLD.sub(r"<b>\1</b>", out)
    out = _ITALIC.sub(r"<i>\1</i>", out)
    for code, char in _EMOJI.items():
        out = out.replace(code, char)

    def link(match: re.Match[str]) -> str:
        url, label = links[int(match.group(1))]
        return f'<a href="{html.escape(url)}">{html.escape(_unslack(label), quote=False)}</a>'

    return re.sub(r"\x00(\d+)\x00", link, out).replace("\n", "<br>")


def _unslack(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _text(obj: dict[str, Any] | None) -> str:
    if not obj:
        return ""
    return mrkdwn(obj["text"]) if obj.get("type") == "mrkdwn" else html.escape(obj.get("text", ""))


def _element(element: dict[str, Any]) -> str:
    if element["type"] == "button":
        style = " primary" if element.get("style") == "primary" else ""
        return f'<span class="button{style}">{_text(element["text"])}</span>'
    if element["type"] == "static_select":
        chosen = element.get("initial_option", {}).get("text") or element.get("placeholder")
        return f'<span class="select">{_text(chosen)} ▾</span>'
    return ""


def block(b: dict[str, Any]) -> str:
    kind = b["type"]
    if kind == "header":
        return f"<h3>{_text(b['text'])}</h3>"
    if kind == "divider":
        return "<hr>"
    if kind == "context":
        return '<div class="context">' + " ".join(_text(e) for e in b["elements"]) + "</div>"
    if kind == "actions":
        return '<div class="actions">' + "".join(_element(e) for e in b["elements"]) + "</div>"
    if kind == "section":
        accessory = _element(b["accessory"]) if "accessory" in b else ""
        return f'<div class="section"><div>{_text(b.get("text"))}</div>{accessory}</div>'
    return f'<div class="context">[{html.escape(kind)} block]</div>'


def page(messages: list[dict[str, Any]], *, app_name: str = "Action Plan Progress") -> str:
    """One HTML page showing `messages` ([{"text", "blocks"}]) as consecutive posts from the app."""
    posts = []
    for message in messages:
        body = "".join(block(b) for b in message.get("blocks") or [])
        posts.append(
            f'<div class="who"><b>{html.escape(app_name)}</b><span class="app">APP</span></div>{body}'
        )
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><style>{CSS}</style></head>'
        f"<body>{'<hr>'.join(posts)}</body></html>"
    )
