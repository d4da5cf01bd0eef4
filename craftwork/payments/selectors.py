"""Reads of the ledger. Callers pass the user whose money is shown (the request's user)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from craftwork.core.money import LEDGER_UNITS, Money, currency_info

from .models import (
    AccountKind,
    Dispute,
    DisputeFile,
    LedgerAccount,
    LedgerEntry,
    Payment,
    Payout,
    PayoutMethod,
    PendingEarning,
    Receipt,
    Refund,
    WebhookEvent,
)


@dataclass(frozen=True)
class WalletSummary:
    currency: str
    available: Money  # can be withdrawn
    pending: Money  # released earnings still in the clearing period
    in_transit: Money  # payouts requested and not yet confirmed
    in_escrow_as_client: Money  # what the user funded and nobody has received yet
    lifetime_earned: Money  # net earnings ever credited (after platform fees)
    fees_paid: Money  # platform fees withheld from the user's earnings

    def as_dict(self) -> dict:
        names = (
            "available",
            "pending",
            "in_transit",
            "in_escrow_as_client",
            "lifetime_earned",
            "fees_paid",
        )
        return {
            "currency": self.currency,
            **{name: getattr(self, name).as_dict() for name in names},
        }


def _sum(queryset: QuerySet, field: str) -> int:
    return queryset.aggregate(total=Coalesce(Sum(field), 0))["total"]


def wallet_summary(user, currency: str) -> WalletSummary:
    """The user's money in one currency (three queries)."""
    currency_info(currency)
    by_kind = dict(
        LedgerAccount.objects.filter(owner=user, currency=currency)
        .order_by()
        .values("kind")
        .annotate(total=Sum("balance"))
        .values_list("kind", "total")
    )
    earned = _sum(
        LedgerEntry.objects.filter(
            account__owner=user,
            account__kind=AccountKind.USER_WALLET_PENDING,
            currency=currency,
            amount__gt=0,
        ),
        "amount",
    )
    # Platform fees booked in the same transactions that credited the user's earnings.
    fees = _sum(
        LedgerEntry.objects.filter(
            account__kind=AccountKind.PLATFORM_REVENUE,
            currency=currency,
            transaction__entries__account__owner=user,
            transaction__entries__account__kind=AccountKind.USER_WALLET_PENDING,
            transaction__entries__amount__gt=0,
        ),
        "amount",
    )

    def money(kind: str) -> Money:
        return Money(by_kind.get(kind) or 0, currency)

    return WalletSummary(
        currency=currency,
        available=money(AccountKind.USER_WALLET_AVAILABLE),
        pending=money(AccountKind.USER_WALLET_PENDING),
        in_transit=money(AccountKind.PAYOUT_CLEARING),
        in_escrow_as_client=money(AccountKind.CONTRACT_ESCROW),
        lifetime_earned=Money(earned, currency),
        fees_paid=Money(fees, currency),
    )


def account_entries(account: LedgerAccount) -> QuerySet[LedgerEntry]:
    """The account's entries, newest first, in a stable order (ready to paginate)."""
    return (
        LedgerEntry.objects.filter(account_id=account.pk)
        .select_related("transaction")
        .order_by("-created_at", "-pk")
    )


def user_accounts(user) -> QuerySet[LedgerAccount]:
    return LedgerAccount.objects.filter(owner=user).order_by("kind", "currency", "created_at")


def user_payouts(user) -> QuerySet[Payout]:
    return Payout.objects.filter(user=user).order_by("-created_at", "-pk")


def user_pending_earnings(user) -> QuerySet[PendingEarning]:
    """Earnings still in the clearing period, soonest first."""
    return PendingEarning.objects.filter(user=user, cleared_at__isnull=True).order_by(
        "available_at", "pk"
    )


def escrow_balance(contract_ref: str, currency: str) -> Money:
    """What is held in escrow for a contract (zero when never funded)."""
    value = (
        LedgerAccount.objects.filter(
            kind=AccountKind.CONTRACT_ESCROW, currency=currency, reference=contract_ref
        )
        .values_list("balance", flat=True)
        .first()
    )
    return Money(value or 0, currency)


def escrow_item_held(contract_ref: str, item_ref: str, currency: str) -> Money:
    """What one item of a contract escrow still holds (funded, not released nor refunded)."""
    total = LedgerEntry.objects.filter(
        account__kind=AccountKind.CONTRACT_ESCROW,
        account__reference=contract_ref,
        account__currency=currency,
        item_ref=item_ref,
    ).aggregate(total=Coalesce(Sum("amount"), 0))["total"]
    return Money(total, currency)


def escrow_items(contract_ref: str, currency: str) -> dict[str, Money]:
    """Every item of a contract escrow with what it holds (zero items included)."""
    rows = (
        LedgerEntry.objects.filter(
            account__kind=AccountKind.CONTRACT_ESCROW,
            account__reference=contract_ref,
            account__currency=currency,
        )
        .order_by()
        .values("item_ref")
        .annotate(total=Sum("amount"))
    )
    return {row["item_ref"]: Money(row["total"], currency) for row in rows}


# --- payments, refunds, receipts, payouts, disputes (scoped to the actor) ------------------


def _get_or_404(queryset: QuerySet, pk):
    try:
        obj = queryset.filter(pk=pk).first()
    except (ValueError, ValidationError):
        obj = None
    if obj is None:
        raise Http404
    return obj


def user_payments(user) -> QuerySet[Payment]:
    return (
        Payment.objects.filter(payer=user).prefetch_related("lines").order_by("-created_at", "-pk")
    )


def payment_for_payer(user, pk) -> Payment:
    return _get_or_404(user_payments(user).select_related("payer"), pk)


def user_refunds(user) -> QuerySet[Refund]:
    return (
        Refund.objects.filter(payment__payer=user)
        .select_related("payment")
        .order_by("-created_at", "-pk")
    )


def user_receipts(user) -> QuerySet[Receipt]:
    return Receipt.objects.filter(owner=user).order_by("-created_at", "-pk")


def receipt_for_owner(user, pk) -> Receipt:
    related = ("owner", "payment", "refund", "refund__payment", "payout", "payout__method")
    return _get_or_404(user_receipts(user).select_related(*related), pk)


def user_payout_methods(user) -> QuerySet[PayoutMethod]:
    return PayoutMethod.objects.filter(user=user).exclude(status=PayoutMethod.Status.DISABLED)


def payout_method_for_owner(user, pk) -> PayoutMethod:
    return _get_or_404(PayoutMethod.objects.filter(user=user), pk)


def payout_for_owner(user, pk) -> Payout:
    return _get_or_404(user_payouts(user).select_related("method"), pk)


def user_currencies(user) -> list[str]:
    """The currencies the user has money in (USD when none yet); credits are not money."""
    accounts = LedgerAccount.objects.filter(owner=user).exclude(currency__in=list(LEDGER_UNITS))
    currencies = sorted(set(accounts.values_list("currency", flat=True)))
    return currencies or ["USD"]


def user_entries(
    user,
    *,
    currency: str = "",
    kind: str = "",
    direction: str = "",
    date_from=None,
    date_to=None,
) -> QuerySet[LedgerEntry]:
    """Entries on the user's own accounts (wallet, payouts, escrow they funded), newest first.
    Money only: credits have their own history (craftwork.billing)."""
    entries = LedgerEntry.objects.filter(account__owner=user).exclude(
        currency__in=list(LEDGER_UNITS)
    )
    if currency:
        entries = entries.filter(currency=currency)
    if kind:
        entries = entries.filter(transaction__kind=kind)
    if direction == "in":
        entries = entries.filter(amount__gt=0)
    elif direction == "out":
        entries = entries.filter(amount__lt=0)
    if date_from:
        entries = entries.filter(created_at__date__gte=date_from)
    if date_to:
        entries = entries.filter(created_at__date__lte=date_to)
    return entries.select_related("transaction", "account").order_by("-created_at", "-pk")


def disputes_for(user) -> QuerySet[Dispute]:
    """Disputes the user is a party to (staff: every dispute)."""
    disputes = Dispute.objects.all()
    if not user.is_staff:
        disputes = disputes.filter(Q(client=user) | Q(provider=user))
    return disputes.select_related("client", "provider", "opened_by").order_by("-created_at")


def dispute_for_participant(user, pk) -> Dispute:
    return _get_or_404(disputes_for(user), pk)


def dispute_file_for(user, dispute_pk, file_pk) -> DisputeFile:
    dispute = dispute_for_participant(user, dispute_pk)
    return _get_or_404(dispute.files.all(), file_pk)


# --- staff (read-only views of anything) ----------------------------------------------------


def _require_staff(user) -> None:
    if not getattr(user, "is_staff", False):
        raise Http404


def staff_accounts(user, *, kind: str = "", currency: str = "", query: str = ""):
    _require_staff(user)
    accounts = LedgerAccount.objects.select_related("owner")
    if kind:
        accounts = accounts.filter(kind=kind)
    if currency:
        accounts = accounts.filter(currency=currency)
    if query:
        accounts = accounts.filter(Q(reference__icontains=query) | Q(owner__email__icontains=query))
    return accounts.order_by("kind", "currency", "created_at", "pk")


def staff_account(user, pk) -> LedgerAccount:
    _require_staff(user)
    return _get_or_404(LedgerAccount.objects.select_related("owner"), pk)


def staff_payments(user, *, query: str = "", status: str = ""):
    _require_staff(user)
    payments = Payment.objects.select_related("payer").prefetch_related("lines")
    if status:
        payments = payments.filter(status=status)
    if query:
        payments = payments.filter(
            Q(reference__icontains=query)
            | Q(escrow_ref__icontains=query)
            | Q(payer__email__icontains=query)
            | Q(provider_intent_id=query)
        )
    return payments.order_by("-created_at", "-pk")


def staff_payment(user, pk) -> Payment:
    _require_staff(user)
    return _get_or_404(Payment.objects.select_related("payer").prefetch_related("lines"), pk)


def staff_webhook_events(user, *, status: str = ""):
    _require_staff(user)
    events = WebhookEvent.objects.all()
    if status:
        events = events.filter(status=status)
    return events.defer("raw_body").order_by("-created_at")
