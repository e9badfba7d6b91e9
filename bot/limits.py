"""Block Kit's published limits, and one checker that walks a surface and names every breach.

Slack rejects a whole message or view when one element breaks a limit (`invalid_blocks`), so the builders
clip text to these numbers and the tests run every surface we send through `problems()`.
Source: https://api.slack.com/reference/block-kit/blocks and .../block-elements, .../composition-objects.
"""

from __future__ import annotations

from typing import Any

BLOCKS_PER_MESSAGE = 50
BLOCKS_PER_VIEW = 100  # modals and App Home
MESSAGE_TEXT = 40_000  # chat.postMessage `text` (Slack truncates; we stay well below)
SECTION_TEXT = 3000
SECTION_FIELDS = 10
SECTION_FIELD_TEXT = 2000
HEADER_TEXT = 150
CONTEXT_ELEMENTS = 10
ACTIONS_ELEMENTS = 25
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
BUTTON_URL = 3000
OPTION_TEXT = 75
OPTION_VALUE = 150
OPTIONS = 100
ACTION_ID = 255
BLOCK_ID = 255
INPUT_LABEL = 2000
INPUT_HINT = 2000
PLACEHOLDER = 150
PLAIN_INPUT_MAX = 3000
VIEW_TITLE = 24
VIEW_BUTTON = 24
PRIVATE_METADATA = 3000
CALLBACK_ID = 255


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis, so a long action never breaks a message."""
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def problems(surface: dict[str, Any] | list[dict[str, Any]], *, kind: str = "message") -> list[str]:
    """Every limit `surface` breaks: a list of blocks (a message) or a view dict (kind "modal"/"home")."""
    out: list[str] = []
    if isinstance(surface, list):
        blocks = surface
    else:
        blocks = surface.get("blocks", [])
        if kind == "modal":
            _max(out, "title", surface.get("title", {}).get("text", ""), VIEW_TITLE)
            for button in ("submit", "close"):
                if button in surface:
                    _max(out, button, surface[button]["text"], VIEW_BUTTON)
        _max(out, "private_metadata", surface.get("private_metadata", ""), PRIVATE_METADATA)
        _max(out, "callback_id", surface.get("callback_id", ""), CALLBACK_ID)
    limit = BLOCKS_PER_MESSAGE if kind == "message" else BLOCKS_PER_VIEW
    if len(blocks) > limit:
        out.append(f"{len(blocks)} blocks (limit {limit})")
    ids = [b["block_id"] for b in blocks if "block_id" in b]
    if len(ids) != len(set(ids)):
        out.append("duplicate block_id")
    for i, block in enumerate(blocks):
        _block(out, f"block {i} ({block.get('type')})", block)
    return out


def _block(out: list[str], where: str, block: dict[str, Any]) -> None:
    _max(out, f"{where} block_id", block.get("block_id", ""), BLOCK_ID)
    kind = block.get("type")
    if kind == "section":
        if "text" in block:
            _max(out, where, block["text"]["text"], SECTION_TEXT)
        fields = block.get("fields", [])
        if len(fields) > SECTION_FIELDS:
            out.append(f"{where}: {len(fields)} fields")
        for f in fields:
            _max(out, f"{where} field", f["text"], SECTION_FIELD_TEXT)
        if "text" not in block and not fields:
            out.append(f"{where}: a section needs text or fields")
        if "accessory" in block:
            _element(out, f"{where} accessory", block["accessory"])
    elif kind == "header":
        _max(out, where, block["text"]["text"], HEADER_TEXT)
    elif kind == "context":
        if not 0 < len(block["elements"]) <= CONTEXT_ELEMENTS:
            out.append(f"{where}: {len(block['elements'])} elements")
        for e in block["elements"]:
            _max(out, f"{where} element", e.get("text", ""), SECTION_TEXT)
    elif kind == "actions":
        if not 0 < len(block["elements"]) <= ACTIONS_ELEMENTS:
            out.append(f"{where}: {len(block['elements'])} elements")
        for e in block["elements"]:
            _element(out, where, e)
    elif kind == "input":
        _max(out, f"{where} label", block["label"]["text"], INPUT_LABEL)
        _max(out, f"{where} hint", block.get("hint", {}).get("text", ""), INPUT_HINT)
        _element(out, where, block["element"])
    elif kind not in ("divider", "rich_text", "image"):
        out.append(f"{where}: unknown block type")


def _element(out: list[str], where: str, e: dict[str, Any]) -> None:
    _max(out, f"{where} action_id", e.get("action_id", ""), ACTION_ID)
    _max(out, f"{where} placeholder", e.get("placeholder", {}).get("text", ""), PLACEHOLDER)
    kind = e.get("type")
    if kind == "button":
        _max(out, f"{where} button", e["text"]["text"], BUTTON_TEXT)
        _max(out, f"{where} button value", e.get("value", ""), BUTTON_VALUE)
        _max(out, f"{where} button url", e.get("url", ""), BUTTON_URL)
        if not e["text"]["text"]:
            out.append(f"{where}: empty button text")
    elif kind == "static_select":
        options = e.get("options", [])
        if not 0 < len(options) <= OPTIONS:
            out.append(f"{where}: {len(options)} options")
        for o in [*options, *([e["initial_option"]] if "initial_option" in e else [])]:
            _max(out, f"{where} option", o["text"]["text"], OPTION_TEXT)
            _max(out, f"{where} option value", o["value"], OPTION_VALUE)
        if "initial_option" in e and e["initial_option"] not in options:
            out.append(f"{where}: initial_option is not one of the options")
    elif kind == "plain_text_input":
        if e.get("max_length", 0) > PLAIN_INPUT_MAX:
            out.append(f"{where}: max_length over {PLAIN_INPUT_MAX}")
        _max(out, f"{where} initial", e.get("initial_value", ""), e.get("max_length", PLAIN_INPUT_MAX))


def _max(out: list[str], where: str, text: str, limit: int) -> None:
    if len(text or "") > limit:
        out.append(f"{where}: {len(text)} characters (limit {limit})")
