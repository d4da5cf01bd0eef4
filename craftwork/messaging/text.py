"""Markdown for chat messages: the same rendering and sanitising as ``craftwork.core.markdown``,
with one parser per thread kept between messages (building Python-Markdown with its extensions
costs about twice the conversion of a short message, and a chat renders many short ones)."""

import threading

import markdown as md
import nh3

from craftwork.core.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

_local = threading.local()


def _engine() -> md.Markdown:
    engine = getattr(_local, "engine", None)
    if engine is None:
        engine = md.Markdown(extensions=["extra", "sane_lists"], output_format="html")
        _local.engine = engine
    return engine


def render(text: str) -> str:
    """Sanitised HTML for ``text`` (a plain string: it is stored, then marked safe on output)."""
    if not text:
        return ""
    html = _engine().reset().convert(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
