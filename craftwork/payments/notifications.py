"""Notification types of payments (autodiscovered by the notifications app)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from craftwork.core.money import Money
from craftwork.notifications.registry import notify_on


def _money(payload: dict, minor_key: str = "amount_minor") -> str:
    if isinstance(payload.get("amount"), dict):
        amount = payload["amount"]
        return Money(int(amount["amount_minor"]), amount["currency"]).format()
    return Money(int(payload.get(minor_key) or 0), payload.get("currency", "USD")).format()


def _dispute_parties(event) -> list:
    return [event.payload["client_id"], event.payload["provider_id"]]


def _dispute_link(event, user) -> str:
    return reverse("payments:dispute-detail", args=[event.payload["dispute_id"]])


notify_on(
    "payments.payment_succeeded",
    type="payment_received",
    recipients=lambda event: [event.payload["payer_id"]],
    include_actor=True,
    title=lambda event, user: (
        _("Payment of %(amount)s received")
        % {
            "amount": Money(
                event.payload["amount_minor"] + event.payload["client_fee_minor"],
                event.payload["currency"],
            ).format()
        }
    ),
    body=lambda event, user: _("The money is held in escrow until you approve the work."),
    link=lambda event, user: reverse("payments:detail", args=[event.payload["payment_id"]]),
    label=gettext_lazy("Payment received"),
)

notify_on(
    "payments.refund_succeeded",
    type="refund_issued",
    recipients=lambda event: [event.payload["payer_id"]],
    include_actor=True,
    title=lambda event, user: (
        _("%(amount)s was refunded to your card") % {"amount": _money(event.payload)}
    ),
    link=lambda event, user: reverse("payments:detail", args=[event.payload["payment_id"]]),
    label=gettext_lazy("Refund issued"),
)

notify_on(
    "payments.refund_failed",
    type="refund_failed",
    recipients=lambda event: [event.payload["payer_id"]],
    include_actor=True,
    urgent=True,
    title=lambda event, user: (
        _("A refund of %(amount)s could not be completed") % {"amount": _money(event.payload)}
    ),
    body=lambda event, user: _("The money is back in escrow; our team will contact you."),
    link=lambda event, user: reverse("payments:detail", args=[event.payload["payment_id"]]),
    label=gettext_lazy("Refund failed"),
)

notify_on(
    "payments.payout_completed",
    type="payout_sent",
    recipients=lambda event: [event.payload["user_id"]],
    include_actor=True,
    title=lambda event, user: (
        _("%(amount)s was sent to your bank") % {"amount": _money(event.payload)}
    ),
    link=lambda event, user: reverse("payments:payouts"),
    label=gettext_lazy("Payout sent"),
)

notify_on(
    "payments.payout_failed",
    type="payout_failed",
    recipients=lambda event: [event.payload["user_id"]],
    include_actor=True,
    urgent=True,
    title=lambda event, user: (
        _("Your withdrawal of %(amount)s failed") % {"amount": _money(event.payload)}
    ),
    body=lambda event, user: _(
        "The money is back in your available balance. Check your payout method."
    ),
    link=lambda event, user: reverse("payments:payout-methods"),
    label=gettext_lazy("Payout failed"),
)

notify_on(
    "payments.dispute_opened",
    type="dispute_opened",
    recipients=_dispute_parties,
    urgent=True,
    title=lambda event, user: (
        _("A dispute was opened about %(amount)s") % {"amount": _money(event.payload)}
    ),
    body=lambda event, user: _("Respond with your side and evidence before the deadline."),
    link=_dispute_link,
    label=gettext_lazy("Dispute opened"),
)

notify_on(
    "payments.dispute_responded",
    type="dispute_updated",
    recipients=_dispute_parties,
    title=lambda event, user: _("The dispute received a response"),
    link=_dispute_link,
    label=gettext_lazy("Dispute updated"),
)

notify_on(
    "payments.dispute_resolved",
    type="dispute_decided",
    recipients=_dispute_parties,
    title=lambda event, user: _("The dispute was decided"),
    body=lambda event, user: (
        _("%(provider)s to the provider, %(client)s to the client.")
        % {
            "provider": _money(event.payload, "to_provider_minor"),
            "client": _money(event.payload, "to_client_minor"),
        }
    ),
    link=_dispute_link,
    label=gettext_lazy("Dispute decided"),
)

notify_on(
    "payments.payout_returned",
    type="payout_returned",
    recipients=lambda event: [event.payload["user_id"]],
    include_actor=True,
    urgent=True,
    title=lambda event, user: (
        _("Your bank sent back a withdrawal of %(amount)s") % {"amount": _money(event.payload)}
    ),
    body=lambda event, user: _(
        "The payout was reported paid and then returned by the bank. The money is back in "
        "your available balance; check your payout method before withdrawing again."
    ),
    link=lambda event, user: reverse("payments:payout-methods"),
    label=gettext_lazy("Payout returned"),
)
