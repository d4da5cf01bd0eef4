"""Payment providers behind one small interface (``base.PaymentProvider``).

``get_provider()`` returns the one configured by ``settings.PAYMENTS_PROVIDER``
(``sandbox`` by default, or ``stripe``); ``get_provider(name)`` a given one, e.g. for
the webhook endpoint of each provider. Imports are lazy: this package is loaded while
the app's models are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from .base import PaymentProvider

PROVIDERS = {
    "sandbox": "craftwork.payments.providers.sandbox.provider.SandboxProvider",
    "stripe": "craftwork.payments.providers.stripe.StripeProvider",
}


def provider_names() -> tuple[str, ...]:
    return tuple(PROVIDERS)


def get_provider(name: str | None = None) -> PaymentProvider:
    name = name or settings.PAYMENTS_PROVIDER
    if name not in PROVIDERS:
        raise LookupError(f"unknown payment provider {name!r}")
    return import_string(PROVIDERS[name])()
