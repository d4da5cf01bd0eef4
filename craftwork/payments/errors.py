"""Domain errors of the money services (each with a stable code; nothing was written)."""

from django.utils.translation import gettext_lazy as _

from craftwork.core.errors import Conflict, ValidationFailed
from craftwork.core.idempotency import IdempotencyKeyReused
from craftwork.core.money import CurrencyMismatch

__all__ = [
    "CurrencyMismatch",
    "IdempotencyKeyReused",
    "InsufficientFunds",
    "InvalidEntry",
    "UnbalancedTransaction",
]


class UnbalancedTransaction(ValidationFailed):
    code = "unbalanced_transaction"
    default_message = _("The entries of a transaction must add up to zero in every currency.")


class InvalidEntry(ValidationFailed):
    code = "invalid_entry"
    default_message = _("A ledger entry is not valid.")


class InsufficientFunds(Conflict):
    code = "insufficient_funds"
    default_message = _("There is not enough money in the account for this.")
