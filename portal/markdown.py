"""Markdown written by users (comments, knowledge base articles) to HTML that is safe to show.

Two layers, so one mistake is caught by the other:

1. markdown-it-py (CommonMark) with raw HTML turned off: `<script>` typed into a comment
   comes out as the text "&lt;script&gt;". Its link validator already refuses
   `javascript:`, `vbscript:`, `file:` and `data:` destinations.
2. nh3 (ammonia) with an explicit allow-list of tags and attributes, links limited to
   http, https and mailto, no relative links, and `rel="nofollow noopener noreferrer"`
   on every link.

Images are rendered as links to the image: a remote image in a comment would load from
any host each time the page is viewed (tracking pixels), and the CSP blocks them anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

ALLOWED_TAGS = frozenset(
    {
        "a",
        "blockquote",
        "br",
        "code",
        "del",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "strong",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "ol": {"start"},
}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener noreferrer"


def _image_as_link(
    renderer: Any, tokens: Sequence[Token], index: int, options: Any, env: Any
) -> str:
    token = tokens[index]
    alt = renderer.renderInlineAsText(token.children or [], options, env) or "image"
    source = str(token.attrGet("src") or "")
    return f'<a href="{escapeHtml(source)}">{escapeHtml(alt)}</a>'


_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_parser.enable(["table", "strikethrough"])
_parser.add_render_rule("image", _image_as_link)


def sanitize_html(html: str) -> str:
    """Keep only the allow-listed tags, attributes and link schemes of `html`."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style", "iframe", "object", "embed", "template"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(ALLOWED_URL_SCHEMES),
        url_relative="deny",
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Markdown `text` as sanitized HTML, ready to be stored and shown with |safe."""
    return sanitize_html(_parser.render(text or ""))
