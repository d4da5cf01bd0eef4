from django import template

from craftwork.catalog.selectors import seller_display_name

register = template.Library()


@register.filter
def seller_name(user) -> str:
    return seller_display_name(user) if user is not None else ""


@register.filter
def checkout_badge(status: str) -> str:
    return {
        "paid": "badge-verified",
        "pending": "badge-warning",
        "failed": "badge-danger",
        "expired": "",
        "cancelled": "",
    }.get(status, "")
