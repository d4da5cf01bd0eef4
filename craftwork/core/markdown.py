"""Markdown to safe HTML: users write markdown, the page gets only whitelisted tags."""

from html import unescape

import markdown as md
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre",
    "h3", "h4", "h5", "h6", "a", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
MAX_MARKDOWN_LENGTH = 20_000


def render_markdown(text: str) -> str:
    """Return sanitised HTML (marked safe) for user-written markdown."""
    html = md.markdown(text or "", extensions=["extra", "sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 - nh3 has just removed everything not whitelisted


def markdown_to_text(text: str) -> str:
    """The words of user-written markdown without its marks (``**bold**`` -> ``bold``), for
    one-line summaries; the result is plain text and is escaped by the template like any other."""
    html = md.markdown(text or "", extensions=["extra", "sane_lists"], output_format="html")
    words = nh3.clean(html, tags=set(), attributes={})
    return " ".join(unescape(words).split())
