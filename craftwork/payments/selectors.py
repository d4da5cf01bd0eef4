"""Reads of the ledger. Callers pass the user whose money is shown (the request's user)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce

from craftwork.core.money import Money, currency_info

from .models import AccountKind, LedgerAccount, LedgerEntry, Payout, PendingEarning


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
