"""``{% load ui %}``: the design system's template helpers, for every app's templates.

- ``{% icon "bell" %}``: an icon from the committed Lucide sprite (web/vendor/icons.svg),
  hidden from assistive technology (say what it means in text next to it); ``label="..."``
  makes it a labelled image instead.
- ``{{ text|markdown_text }}``: user-written markdown as plain words, for one-line summaries.
- ``{{ category|local_name }}``: the name of a category or skill group in the page's language
  (names from the taxonomy are in the catalog; names staff add later show as written).
"""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext

from craftwork.core.markdown import markdown_to_text

register = template.Library()


@register.simple_tag
def icon(name: str, label: str = "", size: int = 20, css: str = ""):
    href = f"{static('web/vendor/icons.svg')}#{name}"
    classes = f"icon {css}".strip()
    if label:
        return format_html(
            '<svg class="{}" width="{}" height="{}" role="img" aria-label="{}" focusable="false">'
            '<use href="{}"></use></svg>',
            classes,
            size,
            size,
            label,
            href,
        )
    return format_html(
        '<svg class="{}" width="{}" height="{}" aria-hidden="true" focusable="false">'
        '<use href="{}"></use></svg>',
        classes,
        size,
        size,
        href,
    )


@register.filter
def markdown_text(value) -> str:
    return markdown_to_text(str(value or ""))


@register.filter
def local_name(value) -> str:
    name = getattr(value, "name", value)
    return gettext(str(name)) if name else ""


# The taxonomy's icon names (profiles/taxonomy.py) drawn with the Lucide sprite, and one hue per
# top-level category for generated covers and avatars (white text on it passes WCAG AA).
TAXONOMY_ICONS = {
    "code": "code",
    "smartphone": "smartphone",
    "chart": "chart-column",
    "palette": "palette",
    "pen": "pen-line",
    "megaphone": "megaphone",
    "headset": "headset",
    "scale": "scale",
    "home": "house",
    "book": "graduation-cap",
    "compass": "compass",
}
CATEGORY_HUES = {
    "software-development": 210,
    "web-mobile": 190,
    "data-ai": 260,
    "design-creative": 320,
    "writing-translation": 25,
    "marketing-sales": 350,
    "admin-support": 170,
    "finance-legal": 230,
    "home-services": 140,
    "tutoring-education": 40,
    "mentorship-coaching": 285,
}


def _top(category):
    parent = getattr(category, "parent", None) if category is not None else None
    return parent or category


@register.filter
def category_icon(category) -> str:
    top = _top(category)
    return TAXONOMY_ICONS.get(getattr(top, "icon", ""), "briefcase")


@register.filter
def category_hue(category) -> int:
    top = _top(category)
    slug = getattr(top, "slug", "") or ""
    if slug in CATEGORY_HUES:
        return CATEGORY_HUES[slug]
    return sum(map(ord, slug)) * 37 % 360  # a category staff add later: stable, not random
