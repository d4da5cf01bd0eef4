"""Cancellation policies: a term every contract carries and sellers choose for what they offer.
What each one refunds is the contracts app's business (``POLICY_REFUND_BPS``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CancellationPolicy(models.TextChoices):
    FLEXIBLE = "flexible", _("Flexible")
    MODERATE = "moderate", _("Moderate")
    STRICT = "strict", _("Strict")


SESSION_POLICY_SUMMARIES = {
    CancellationPolicy.FLEXIBLE: _("Free cancellation until the session starts."),
    CancellationPolicy.MODERATE: _(
        "Free cancellation up to 24 hours before; later, half the price is refunded."
    ),
    CancellationPolicy.STRICT: _(
        "Free cancellation up to 24 hours before; later, nothing is refunded."
    ),
}
