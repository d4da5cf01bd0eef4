from django import template

from craftwork.billing.credits import price_of
from craftwork.billing.models import CreditAction

register = template.Library()


@register.simple_tag
def credit_price(action: str) -> int:
    """What ``action`` costs in credits now (the price list)."""
    return price_of(action)


@register.filter
def credit_reason(transaction) -> str:
    """The reason of a credit movement in the reader's language. A charge's memo was written in
    the language of whoever acted; its action is in the idempotency key, so its label is read
    afresh. Other memos (a staff grant's reason) are shown as written."""
    key = transaction.idempotency_key or ""
    if key.startswith("credit-charge:"):
        action = key.split(":", 2)[1]
        if action in CreditAction.values:
            return str(CreditAction(action).label)
    return transaction.memo
