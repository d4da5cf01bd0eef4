"""The posting service: the only code that writes ledger entries and account balances.

Rules of ``post_transaction`` (each violation raises and writes nothing):

* at least two non-zero integer (or ``Money``) entries, one per account;
* every entry in its account's currency, and the entries sum to zero per currency;
* account rows are locked with SELECT ... FOR UPDATE in primary-key order (one fixed
  order for every caller, so two postings never deadlock on each other's accounts);
* an account that may not go negative (``allow_negative=False``) never does, and neither
  does any item of a contract escrow: an entry may carry ``item`` (what the money is for,
  e.g. ``milestone:<uuid>``; empty for an escrow that holds one thing), and the entries of
  one escrow item never sum below zero, so one item's refund or release cannot take the
  money of another;
* an ``idempotency_key`` makes the posting happen at most once: a repeat with the same
  kind, reference and entries returns the first transaction and writes nothing, a repeat
  with anything different raises ``IdempotencyKeyReused``. Two concurrent posts with the
  same key produce exactly one transaction (the unique index decides, inside a savepoint).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, Case, F, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from craftwork.core.errors import Conflict, ValidationFailed
from craftwork.core.money import MAX_MINOR, CurrencyMismatch, Money, unit_info

from .errors import IdempotencyKeyReused, InsufficientFunds, InvalidEntry, UnbalancedTransaction
from .models import (
    ACCOUNT_RULES,
    AccountKind,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    TransactionKind,
)

MAX_REFERENCE_LENGTH = 200
MAX_MEMO_LENGTH = 500
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class Entry:
    """One line of a transaction: ``amount`` (minor units or Money) added to ``account``."""

    account: LedgerAccount
    amount: int | Money
    item: str = ""


@dataclass(frozen=True)
class Posting:
    transaction: LedgerTransaction
    created: bool  # False: an idempotent replay returned the first transaction


# --- accounts ---------------------------------------------------------------------------


def _account_identity(kind: str, currency: str, owner, reference: str) -> dict:
    rule = ACCOUNT_RULES.get(kind)
    if rule is None:
        raise ValueError(f"unknown ledger account kind {kind!r}")
    unit_info(currency)  # a currency, or a non-money unit such as credits
    if rule.needs_owner != (owner is not None):
        raise ValueError(f"{kind} accounts {'need' if rule.needs_owner else 'take no'} owner")
    if owner is not None and owner.pk is None:
        raise ValueError("the owner must be saved")
    if not isinstance(reference, str) or rule.needs_reference != bool(reference):
        raise ValueError(
            f"{kind} accounts {'need' if rule.needs_reference else 'take no'} reference"
        )
    if len(reference) > MAX_REFERENCE_LENGTH:
        raise ValueError("reference is too long")
    if kind == AccountKind.CONTRACT_ESCROW:
        # One escrow per contract and currency, whoever funds it.
        return {"kind": kind, "currency": currency, "reference": reference}
    return {"kind": kind, "currency": currency, "owner": owner, "reference": reference}


def _check_owner(account: LedgerAccount, owner) -> LedgerAccount:
    if owner is not None and account.owner_id != owner.pk:
        raise Conflict(_("This escrow belongs to another client."), code="escrow_owner_mismatch")
    return account


def find_account(kind: str, currency: str, owner=None, reference: str = "") -> LedgerAccount | None:
    """The account if it exists (never creates one)."""
    identity = _account_identity(kind, currency, owner, reference)
    account = LedgerAccount.objects.filter(**identity).first()
    return _check_owner(account, owner) if account is not None else None


def account_for(kind: str, currency: str, owner=None, reference: str = "") -> LedgerAccount:
    """Get or create the account, safely when several requests create it at once."""
    identity = _account_identity(kind, currency, owner, reference)
    account = LedgerAccount.objects.filter(**identity).first()
    if account is None:
        try:
            with transaction.atomic():
                account = LedgerAccount.objects.create(
                    kind=kind,
                    currency=currency,
                    owner=owner,
                    reference=reference,
                    allow_negative=ACCOUNT_RULES[kind].allow_negative,
                )
        except IntegrityError:
            # Someone else created it between our read and our insert.
            account = LedgerAccount.objects.filter(**identity).first()
            if account is None:
                raise
    return _check_owner(account, owner)


def lock_accounts(accounts: Iterable[LedgerAccount]) -> dict:
    """Lock the rows (primary-key order) and return the fresh rows by pk. Needs a transaction."""
    pks = sorted({account.pk for account in accounts})
    rows = list(LedgerAccount.objects.select_for_update().filter(pk__in=pks).order_by("pk"))
    if len(rows) != len(pks):
        raise InvalidEntry(_("Unknown ledger account."))
    return {row.pk: row for row in rows}


def balance(account: LedgerAccount) -> Money:
    """The cached balance, read fresh from the database."""
    value = LedgerAccount.objects.values_list("balance", flat=True).get(pk=account.pk)
    return Money(value, account.currency)


def item_balance(account: LedgerAccount, item: str) -> Money:
    """What the entries of one item of ``account`` add up to (see the module docstring)."""
    total = LedgerEntry.objects.filter(account_id=account.pk, item_ref=item).aggregate(
        total=Coalesce(Sum("amount"), 0)
    )["total"]
    return Money(total, account.currency)


def computed_balance(account: LedgerAccount) -> Money:
    """The balance recomputed from the account's entries."""
    total = LedgerEntry.objects.filter(account_id=account.pk).aggregate(
        total=Coalesce(Sum("amount"), 0)
    )["total"]
    return Money(total, account.currency)


# --- posting ----------------------------------------------------------------------------


def _validate_header(kind: str, reference: str, idempotency_key, memo: str) -> None:
    if kind not in TransactionKind.values:
        raise ValueError(f"unknown transaction kind {kind!r}")
    if not isinstance(reference, str) or len(reference) > MAX_REFERENCE_LENGTH:
        raise ValueError("reference must be a string of at most 200 characters")
    if not isinstance(memo, str) or len(memo) > MAX_MEMO_LENGTH:
        raise ValueError("memo must be a string of at most 500 characters")
    if idempotency_key is not None and (
        not isinstance(idempotency_key, str) or not 0 < len(idempotency_key) <= MAX_KEY_LENGTH
    ):
        raise ValidationFailed(
            _("The idempotency key must be 1 to 255 characters."), code="invalid_idempotency_key"
        )


def _entry_minor(account: LedgerAccount, amount) -> int:
    if isinstance(amount, Money):
        if amount.currency != account.currency:
            raise CurrencyMismatch(details={"currencies": [account.currency, amount.currency]})
        return amount.minor
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"entry amounts are int minor units or Money, not {type(amount).__name__}")
    return amount


def _entry_parts(entry) -> tuple:
    if isinstance(entry, Entry):
        return entry.account, entry.amount, entry.item
    account, amount, *rest = entry
    item = rest[0] if rest else ""
    if len(rest) > 1 or not isinstance(item, str) or len(item) > MAX_REFERENCE_LENGTH:
        raise InvalidEntry(_("An entry is (account, amount) or (account, amount, item)."))
    return account, amount, item


def _normalize(entries: Sequence) -> list[tuple[LedgerAccount, int, str]]:
    if not entries:
        raise InvalidEntry(_("A transaction needs entries."))
    lines = []
    for entry in entries:
        account, amount, item = _entry_parts(entry)
        if not isinstance(account, LedgerAccount) or account._state.adding:
            raise InvalidEntry(_("Entries need saved ledger accounts."))
        minor = _entry_minor(account, amount)
        if minor == 0:
            raise InvalidEntry(_("Ledger entries cannot be zero."))
        if abs(minor) > MAX_MINOR:
            raise InvalidEntry(_("The amount is too large."))
        lines.append((account, minor, item))
    if len({line[0].pk for line in lines}) != len(lines):
        raise InvalidEntry(_("A transaction has one entry per account."))
    _check_balanced(lines)
    return lines


def _check_balanced(lines) -> None:
    totals: dict[str, int] = defaultdict(int)
    for account, minor, _item in lines:
        totals[account.currency] += minor
    off = {currency: total for currency, total in totals.items() if total != 0}
    if off:
        raise UnbalancedTransaction(details={"difference_minor": off})


def _check_locked(lines, locked: dict) -> None:
    for account, minor, item in lines:
        row = locked[account.pk]
        if row.currency != account.currency:
            raise CurrencyMismatch(details={"currencies": [row.currency, account.currency]})
        if not row.allow_negative and row.balance + minor < 0:
            _insufficient(row, row.balance, minor)
        if row.kind == AccountKind.CONTRACT_ESCROW and minor < 0:
            held = item_balance(row, item).minor  # the row lock keeps it still
            if held + minor < 0:
                _insufficient(row, held, minor, item=item)


def _insufficient(row: LedgerAccount, available: int, minor: int, **extra) -> None:
    raise InsufficientFunds(
        details={
            "account_kind": row.kind,
            "available": Money(available, row.currency).to_decimal_string(),
            "requested": Money(-minor, row.currency).to_decimal_string(),
            "currency": row.currency,
            **extra,
        }
    )


def replayed(idempotency_key: str | None, *, kind: str, reference: str) -> LedgerTransaction | None:
    """The transaction already posted with this key (same kind and reference), or None."""
    if not idempotency_key:
        return None
    existing = LedgerTransaction.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None and (existing.kind != kind or existing.reference != reference):
        raise IdempotencyKeyReused(details={"idempotency_key": idempotency_key})
    return existing


def _replay(idempotency_key, kind, reference, lines) -> LedgerTransaction | None:
    existing = replayed(idempotency_key, kind=kind, reference=reference)
    if existing is None:
        return None
    recorded = sorted(existing.entries.values_list("account_id", "amount", "item_ref"))
    if recorded != sorted((account.pk, minor, item) for account, minor, item in lines):
        raise IdempotencyKeyReused(details={"idempotency_key": idempotency_key})
    return existing


def post(
    *,
    kind: str,
    entries: Sequence,
    reference: str = "",
    idempotency_key: str | None = None,
    memo: str = "",
    actor=None,
) -> Posting:
    """Post a balanced transaction; ``Posting.created`` tells a new posting from a replay."""
    _validate_header(kind, reference, idempotency_key, memo)
    lines = _normalize(entries)
    if (existing := _replay(idempotency_key, kind, reference, lines)) is not None:
        return Posting(existing, False)
    with transaction.atomic():
        locked = lock_accounts(line[0] for line in lines)
        # A request with the same key may have committed while we waited for the locks.
        if (existing := _replay(idempotency_key, kind, reference, lines)) is not None:
            return Posting(existing, False)
        _check_locked(lines, locked)
        txn = _create_transaction(kind, reference, idempotency_key, memo, actor)
        if txn is None:
            return Posting(_replay(idempotency_key, kind, reference, lines), False)
        _write_entries(txn, lines, locked)
    return Posting(txn, True)


def post_transaction(
    *,
    kind: str,
    entries: Sequence,
    reference: str = "",
    idempotency_key: str | None = None,
    memo: str = "",
    actor=None,
) -> LedgerTransaction:
    """``post`` returning only the transaction (the new one, or the first one on a replay)."""
    return post(
        kind=kind,
        entries=entries,
        reference=reference,
        idempotency_key=idempotency_key,
        memo=memo,
        actor=actor,
    ).transaction


def _create_transaction(kind, reference, idempotency_key, memo, actor) -> LedgerTransaction | None:
    fields = {
        "kind": kind,
        "reference": reference,
        "idempotency_key": idempotency_key,
        "memo": memo,
        "created_by": actor if getattr(actor, "is_authenticated", False) else None,
    }
    if idempotency_key is None:
        return LedgerTransaction.objects.create(**fields)
    try:
        # A savepoint, so that losing the race on the key leaves the caller's transaction usable.
        with transaction.atomic():
            return LedgerTransaction.objects.create(**fields)
    except IntegrityError:
        # The same key committed by a concurrent request that locked other accounts.
        if not LedgerTransaction.objects.filter(idempotency_key=idempotency_key).exists():
            raise
        return None


def _write_entries(txn: LedgerTransaction, lines, locked: dict) -> None:
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            transaction=txn,
            account_id=account.pk,
            amount=minor,
            currency=account.currency,
            item_ref=item,
        )
        for account, minor, item in lines
    )
    delta = Case(
        *(When(pk=account.pk, then=Value(minor)) for account, minor, _item in lines),
        output_field=BigIntegerField(),
    )
    LedgerAccount.objects.filter(pk__in=[line[0].pk for line in lines]).update(
        balance=F("balance") + delta
    )
    for account, minor, _item in lines:
        # Keep the caller's objects in step with the rows.
        account.balance = locked[account.pk].balance + minor
