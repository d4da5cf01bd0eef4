"""Checks that the ledger holds together; `manage.py reconcile` runs them."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce

from . import escrow_owners
from .models import ACCOUNT_RULES, AccountKind, LedgerAccount, LedgerEntry, LedgerTransaction


@dataclass
class Report:
    accounts: int = 0
    transactions: int = 0
    entries: int = 0
    problems: list[str] = field(default_factory=list)
    # Money held for settled items (the staff queue of stuck balances): reported, not a fault.
    stuck: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _cached_balances_match(report: Report) -> None:
    wrong = (
        LedgerAccount.objects.annotate(computed=Coalesce(Sum("entries__amount"), 0))
        .filter(~Q(balance=F("computed")))
        .values_list("pk", "kind", "currency", "balance", "computed")
    )
    for pk, kind, currency, cached, computed in wrong:
        report.problems.append(
            f"account {pk} ({kind} {currency}): cached balance {cached} != sum of entries {computed}"
        )


def _ledger_sums_to_zero(report: Report) -> None:
    totals = LedgerEntry.objects.order_by().values("currency").annotate(total=Sum("amount"))
    for row in totals.exclude(total=0):
        report.problems.append(f"ledger total in {row['currency']} is {row['total']}, not 0")


def _transactions_balanced(report: Report) -> None:
    off = (
        LedgerEntry.objects.order_by()
        .values("transaction_id", "currency")
        .annotate(total=Sum("amount"))
        .exclude(total=0)
    )
    for row in off:
        report.problems.append(
            f"transaction {row['transaction_id']} sums to {row['total']} in {row['currency']}"
        )
    lonely = LedgerTransaction.objects.annotate(n=Count("entries")).filter(n__lt=2)
    for pk in lonely.values_list("pk", flat=True):
        report.problems.append(f"transaction {pk} has fewer than two entries")


def _currencies_match(report: Report) -> None:
    for pk, account_id in LedgerEntry.objects.exclude(currency=F("account__currency")).values_list(
        "pk", "account_id"
    ):
        report.problems.append(f"entry {pk} is not in the currency of account {account_id}")


def _restricted_accounts(report: Report) -> None:
    for pk, kind, balance in LedgerAccount.objects.filter(
        allow_negative=False, balance__lt=0
    ).values_list("pk", "kind", "balance"):
        report.problems.append(f"account {pk} ({kind}) may not be negative but holds {balance}")
    for kind, rule in ACCOUNT_RULES.items():
        wrong = LedgerAccount.objects.filter(kind=kind).exclude(allow_negative=rule.allow_negative)
        for pk in wrong.values_list("pk", flat=True):
            report.problems.append(
                f"account {pk} ({kind}) has allow_negative={not rule.allow_negative}"
            )
    for pk, kind in LedgerAccount.objects.exclude(kind__in=list(ACCOUNT_RULES)).values_list(
        "pk", "kind"
    ):
        report.problems.append(f"account {pk} has an unknown kind {kind!r}")


def _escrow_items(report: Report) -> None:
    """Escrow per contract = the sum of its held items: no escrow item is negative, every item
    its contract holds money for (funded, unreleased, unrefunded) holds some, and the rest of
    the escrow is listed as stuck (held for an item the contract has settled)."""
    from .stuck import stuck_balances

    buckets = (
        LedgerEntry.objects.filter(account__kind=AccountKind.CONTRACT_ESCROW)
        .order_by()
        .values("account__reference", "account__currency", "item_ref")
        .annotate(total=Sum("amount"))
    )
    held: dict[str, dict[str, int]] = {}
    for row in buckets:
        ref, item, total = row["account__reference"], row["item_ref"], row["total"]
        held.setdefault(ref, {})[item] = total
        if total < 0:
            report.problems.append(f"escrow {ref} item {item or '(whole)'} holds {total}, below 0")
    for ref, view in escrow_owners.describe(held).items():
        for item in sorted(view.held_items):
            if held[ref].get(item, 0) <= 0:
                report.problems.append(
                    f"escrow {ref}: item {item or '(whole)'} is held by the contract "
                    f"({view.state}) but holds nothing in escrow"
                )
    report.stuck = stuck_balances()


def reconcile() -> Report:
    report = Report(
        accounts=LedgerAccount.objects.count(),
        transactions=LedgerTransaction.objects.count(),
        entries=LedgerEntry.objects.count(),
    )
    for check in (
        _cached_balances_match,
        _ledger_sums_to_zero,
        _transactions_balanced,
        _currencies_match,
        _restricted_accounts,
        _escrow_items,
    ):
        check(report)
    return report
