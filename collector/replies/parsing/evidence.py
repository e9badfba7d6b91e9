"""Evidence links in a reply: every URL (SharePoint, Teams, Drive, a council web page), in order, once each.

The links stay in the progress text too: a committee reads "report at https://..." as part of the update.
"""

from __future__ import annotations

from .clean import URL, URL_HINT

# Punctuation that closes the sentence around a link rather than belonging to it.
_TRAILING = ".,;:!?)]}>'\"*_"


def find_links(text: str) -> list[str]:
    """The URLs in the text, trimmed of surrounding punctuation and Slack's `<url|label>` label."""
    links: list[str] = []
    if not URL_HINT.search(text):
        return links
    for match in URL.finditer(text):
        link = match.group(0).lstrip("<").split("|", 1)[0]
        # "(see https://x/page_(2))": keep a closing bracket only when the link opened one.
        while link and link[-1] in _TRAILING and not (link[-1] == ")" and link.count("(") >= link.count(")")):
            link = link[:-1]
        host = link.split("://", 1)[-1]
        if host.strip("/.") and ("://" in link or "." in host) and link not in links:
            links.append(link)
    return links
