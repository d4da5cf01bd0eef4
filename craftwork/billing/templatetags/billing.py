from django import template

from craftwork.billing.credits import price_of

register = template.Library()


@register.simple_tag
def credit_price(action: str) -> int:
    """What ``action`` costs in credits now (the price list)."""
    return price_of(action)
