"""Credits: wallets on the payments ledger in the unit CRD (docs/money.md "Credits").

Every write here runs in ``transaction.atomic`` and joins the caller's transaction, so an action
and the credits it costs commit together or not at all (``credits_consume`` inside the service
that does the action). Lock order: the caller's domain rows (a job, a gig) first, then the
credit wallet row, then the ledger accounts (the posting service locks those in key order).

Period allowances: a wallet receives its plan's ``credits_per_period`` once per calendar month
(UTC), lazily on the first use in the month. Allowance credits are spent first; at the next
period, what is left of them beyond the plan's ``credit_rollover_cap`` expires. Credits that
were granted by staff, bought or refunded never expire.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from craftwork.core.audit import audit
from craftwork.core.errors import Conflict, NotFound, ValidationFailed
from craftwork.core.events import publish
from craftwork.core.money import CREDITS
from craftwork.payments import ledger
from craftwork.payments.models import AccountKind, LedgerAccount, TransactionKind

from .errors import NotEnoughCredits, UnknownCreditAction
from .models import (
    MAX_CREDITS,
    Audience,
    CreditAction,
    CreditCharge,
    CreditPrice,
    CreditWallet,
    Plan,
    PlanVersion,
)

# The price of an action before staff set one (the data migration seeds these rows).
DEFAULT_PRICES = {
    CreditAction.PROPOSAL_SUBMIT: 2,
    CreditAction.GIG_PROMOTION_DAY: 1,
    CreditAction.AI_INTERVIEW: 5,
}
MAX_REASON_LENGTH = 200


def _clean_count(value, *, field: str, allow_zero: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed(_("Credits are a whole number."), details={"field": field})
    if value < 0 or (value == 0 and not allow_zero) or value > MAX_CREDITS:
        raise ValidationFailed(
            _("Credits must be between 1 and %(max)d.") % {"max": MAX_CREDITS},
            details={"field": field},
        )
    return value


def _clean_reason(reason) -> str:
    if not isinstance(reason, str) or "\x00" in reason:
        raise ValidationFailed(_("The reason is not valid."), details={"field": "reason"})
    reason = reason.strip()
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed(
            _("The reason is at most %(max)d characters.") % {"max": MAX_REASON_LENGTH},
            details={"field": "reason"},
        )
    return reason


# --- wallets --------------------------------------------------------------------------------


def wallet_for(*, user=None, organization=None) -> CreditWallet:
    """The wallet of a user or of a workspace, created on first use (safe under races)."""
    if (user is None) == (organization is None):
        raise ValueError("a wallet belongs to a user or to an organization")
    owner = {"user": user} if user is not None else {"organization": organization}
    wallet = CreditWallet.objects.filter(**owner).first()
    if wallet is None:
        try:
            with transaction.atomic():
                wallet = CreditWallet.objects.create(**owner)
        except IntegrityError:
            wallet = CreditWallet.objects.get(**owner)
    return wallet


def wallet_account(wallet: CreditWallet) -> LedgerAccount:
    if wallet.user_id is not None:
        return ledger.account_for(AccountKind.CREDIT_USER, CREDITS, owner=wallet.user)
    return ledger.account_for(
        AccountKind.CREDIT_WORKSPACE, CREDITS, reference=f"org:{wallet.organization_id}"
    )


def _issued() -> LedgerAccount:
    return ledger.account_for(AccountKind.CREDIT_ISSUED, CREDITS)


def _spent() -> LedgerAccount:
    return ledger.account_for(AccountKind.CREDIT_SPENT, CREDITS)


def _lock(wallet: CreditWallet) -> CreditWallet:
    return CreditWallet.objects.select_for_update().get(pk=wallet.pk)


def balance_of(wallet: CreditWallet) -> int:
    account = ledger.find_account(*_identity(wallet))
    return 0 if account is None else ledger.balance(account).minor


def _identity(wallet: CreditWallet) -> tuple:
    if wallet.user_id is not None:
        return (AccountKind.CREDIT_USER, CREDITS, wallet.user)
    return (AccountKind.CREDIT_WORKSPACE, CREDITS, None, f"org:{wallet.organization_id}")


# --- period allowances ----------------------------------------------------------------------


def period_start(now: datetime) -> datetime:
    now = now.astimezone(UTC)
    return datetime(now.year, now.month, 1, tzinfo=UTC)


def allowance_version(wallet: CreditWallet) -> PlanVersion | None:
    """The plan version whose period allowance this wallet receives: the free tier of its
    audience (a workspace: companies; a user who works as a freelancer: freelancers)."""
    if wallet.user_id is not None and not wallet.user.is_freelancer:
        return None
    audience = Audience.COMPANY if wallet.organization_id else Audience.FREELANCER
    version = (
        PlanVersion.objects.filter(plan__audience=audience, plan__is_free_tier=True)
        .select_related("plan")
        .order_by("-number")
        .first()
    )
    if version is None and not Plan.objects.filter(audience=audience, is_free_tier=True).exists():
        version = _builtin_free_tier(audience)  # a database without the seeded plans
    return version


def _builtin_free_tier(audience: str) -> PlanVersion:
    """The seeded free tier (defaults.py), unsaved: what a database whose plan rows are gone
    (a test database after a flush) grants, instead of nothing."""
    from .defaults import DEFAULT_PLANS

    spec = next(p for p in DEFAULT_PLANS if p["audience"] == audience and p["is_free_tier"])
    plan = Plan(slug=spec["slug"], name=spec["name"], audience=audience, is_free_tier=True)
    return PlanVersion(plan=plan, number=1, **spec["version"])


def _refresh_allowance(wallet: CreditWallet, *, now: datetime, actor=None) -> None:
    """On a locked wallet: expire last period's allowance beyond the rollover cap and grant this
    period's, once per period (the ledger keys make a repeat a no-op as well)."""
    start = period_start(now)
    if wallet.period_start is not None and wallet.period_start >= start:
        return
    version = allowance_version(wallet)
    cap = version.credit_rollover_cap if version else 0
    grant = version.credits_per_period if version else 0
    account = wallet_account(wallet)
    expiring = wallet.allowance - min(wallet.allowance, cap)
    if expiring:
        ledger.post_transaction(
            kind=TransactionKind.CREDIT_EXPIRE,
            entries=[(account, -expiring), (_issued(), expiring)],
            reference=f"wallet:{wallet.pk}",
            idempotency_key=f"credit-expire:{wallet.pk}:{wallet.period_start:%Y-%m}",
            memo=_("Unused monthly credits expired"),
            actor=actor,
        )
    allowance = wallet.allowance - expiring
    if grant:
        ledger.post_transaction(
            kind=TransactionKind.CREDIT_GRANT,
            entries=[(_issued(), -grant), (account, grant)],
            reference=f"wallet:{wallet.pk}",
            idempotency_key=f"credit-allowance:{wallet.pk}:{start:%Y-%m}",
            memo=_("Monthly credits of the %(plan)s plan") % {"plan": version.plan.name},
            actor=actor,
        )
        allowance += grant
    wallet.allowance = allowance
    wallet.period_start = start
    wallet.save(update_fields=["allowance", "period_start", "updated_at"])


def wallet_refresh(*, wallet: CreditWallet, now: datetime | None = None) -> CreditWallet:
    """Bring the period allowance up to date (pages call this before showing a balance)."""
    now = now or timezone.now()
    if wallet.period_start is not None and wallet.period_start >= period_start(now):
        return wallet
    with transaction.atomic():
        locked = _lock(wallet)
        _refresh_allowance(locked, now=now)
    return locked


# --- prices ---------------------------------------------------------------------------------


def price_of(action: str, quantity: int = 1) -> int:
    if action not in CreditAction.values:
        raise UnknownCreditAction(details={"action": str(action)[:40]})
    _clean_count(quantity, field="quantity")
    row = CreditPrice.objects.filter(action=action).values_list("credits", flat=True).first()
    unit = DEFAULT_PRICES[action] if row is None else row
    total = unit * quantity
    if total > MAX_CREDITS:
        raise ValidationFailed(_("That is too many at once."), details={"field": "quantity"})
    return total


def credit_price_set(*, actor, action: str, credits: int) -> CreditPrice:
    """Staff change what an action costs; charges already made keep their price."""
    if not getattr(actor, "is_staff", False):
        raise NotFound()
    if action not in CreditAction.values:
        raise UnknownCreditAction(details={"action": str(action)[:40]})
    credits = _clean_count(credits, field="credits", allow_zero=True)
    with transaction.atomic():
        row, _created = CreditPrice.objects.select_for_update().get_or_create(
            action=action, defaults={"credits": credits, "updated_by": actor}
        )
        before = row.credits
        row.credits = credits
        row.updated_by = actor
        row.save(update_fields=["credits", "updated_by", "updated_at"])
        audit(
            actor=actor,
            action="billing.credit_price_set",
            target=row,
            details={"action": action, "from": before, "to": credits},
        )
    return row


# --- movements ------------------------------------------------------------------------------


def credits_grant(
    *, actor, wallet: CreditWallet, credits: int, reason: str, idempotency_key: str,
    kind: str = TransactionKind.CREDIT_GRANT, now: datetime | None = None,
):  # fmt: skip
    """Add credits that never expire (staff grants, bought packs). Idempotent by key."""
    credits = _clean_count(credits, field="credits")
    reason = _clean_reason(reason) or _("Credits granted")
    if kind not in (TransactionKind.CREDIT_GRANT, TransactionKind.CREDIT_PURCHASE):
        raise ValueError(f"not a grant kind: {kind}")
    with transaction.atomic():
        locked = _lock(wallet)
        _refresh_allowance(locked, now=now or timezone.now(), actor=actor)
        posting = ledger.post(
            kind=kind,
            entries=[(_issued(), -credits), (wallet_account(locked), credits)],
            reference=f"wallet:{locked.pk}",
            idempotency_key=f"credit-grant:{idempotency_key}",
            memo=reason,
            actor=actor,
        )
        if posting.created:
            audit(
                actor=actor,
                action="billing.credits_granted",
                target=locked,
                details={"credits": credits, "reason": reason},
            )
    return posting.transaction


def credits_consume(
    *, actor, wallet: CreditWallet, action: str, reference: str, quantity: int = 1,
    now: datetime | None = None,
) -> CreditCharge | None:  # fmt: skip
    """Charge ``action`` (its price times quantity) to the wallet, in the caller's transaction.

    Call it inside the transaction that performs the action: if the action fails afterwards,
    the charge rolls back with it. Raises ``NotEnoughCredits`` (409) and changes nothing when
    the wallet holds too few. A free action (price 0) returns None.
    """
    credits = price_of(action, quantity)
    if credits == 0:
        return None
    if not isinstance(reference, str) or not 0 < len(reference) <= 200:
        raise ValueError("a charge needs a reference of at most 200 characters")
    with transaction.atomic():
        locked = _lock(wallet)  # concurrent consumptions of one wallet queue here
        _refresh_allowance(locked, now=now or timezone.now(), actor=actor)
        account = wallet_account(locked)
        available = ledger.balance(account).minor
        if available < credits:
            raise NotEnoughCredits(details={"required": credits, "available": available})
        if CreditCharge.objects.filter(action=action, reference=reference).exists():
            raise Conflict(_("This action was already paid for."), code="already_charged")
        label = CreditAction(action).label
        txn = ledger.post_transaction(
            kind=TransactionKind.CREDIT_CONSUME,
            entries=[(account, -credits), (_spent(), credits)],
            reference=reference,
            idempotency_key=f"credit-charge:{action}:{reference}",
            memo=str(label),
            actor=actor,
        )
        locked.allowance -= min(locked.allowance, credits)
        locked.save(update_fields=["allowance", "updated_at"])
        charge = CreditCharge.objects.create(
            wallet=locked,
            action=action,
            reference=reference,
            credits=credits,
            transaction=txn,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
        )
        publish(
            "billing.credits_consumed",
            payload={
                "wallet_id": str(locked.pk),
                "action": action,
                "reference": reference,
                "credits": credits,
            },
            actor=actor,
        )
    return charge


def credits_refund(*, action: str, reference: str, reason: str, actor=None) -> CreditCharge | None:
    """Give back the credits charged for ``action`` on ``reference``, once. None if nothing was
    charged or it was already refunded."""
    refunded = credits_refund_many(
        action=action, references=[reference], reason=reason, actor=actor
    )
    return refunded[0] if refunded else None


def credits_refund_many(*, action: str, references, reason: str, actor=None) -> list[CreditCharge]:
    """Refund the unrefunded charges of ``action`` on ``references`` (each once).

    Every wallet involved is locked first, in key order, before the first posting: a posting
    holds the shared ``credit_spent`` account until commit, so taking a second wallet's row after
    it could wait for a consumer that holds that row and waits for ``credit_spent``."""
    reason = _clean_reason(reason)
    references = sorted(set(references))
    pending = CreditCharge.objects.filter(
        action=action, reference__in=references, refunded_at__isnull=True
    )
    wallet_ids = sorted(set(pending.values_list("wallet_id", flat=True)))
    if not wallet_ids:
        return []
    refunded = []
    with transaction.atomic():
        wallets = {
            w.pk: w
            for w in CreditWallet.objects.select_for_update()
            .filter(pk__in=wallet_ids)
            .order_by("pk")
        }
        charges = (
            CreditCharge.objects.select_for_update()
            .filter(action=action, reference__in=references, refunded_at__isnull=True)
            .order_by("pk")
        )
        for charge in charges:
            wallet = wallets.get(charge.wallet_id)
            if wallet is None:  # charged after we looked: refunded by the next call
                continue
            txn = ledger.post_transaction(
                kind=TransactionKind.CREDIT_REFUND,
                entries=[(_spent(), -charge.credits), (wallet_account(wallet), charge.credits)],
                reference=charge.reference,
                idempotency_key=f"credit-refund:{charge.pk}",
                memo=reason or _("Credits refunded"),
                actor=actor,
            )
            charge.refunded_at = timezone.now()
            charge.refund_transaction = txn
            charge.save(update_fields=["refunded_at", "refund_transaction", "updated_at"])
            publish(
                "billing.credits_refunded",
                payload={
                    "wallet_id": str(wallet.pk),
                    "action": action,
                    "reference": charge.reference,
                },
                actor=actor,
            )
            refunded.append(charge)
    return refunded


def charge_usage(
    *, actor, action: str, reference: str, organization=None, quantity: int = 1
) -> CreditCharge | None:
    """The hook for metered features (an AI interview): charge the workspace's credits when the
    usage is on behalf of ``organization`` (the actor must be a member), else the actor's own.
    Call it inside the transaction that starts the usage."""
    if organization is not None:
        from craftwork.accounts.selectors import organization_for_member

        organization = organization_for_member(actor, organization.pk)  # 404 for non-members
        wallet = wallet_for(organization=organization)
    else:
        wallet = wallet_for(user=actor)
    return credits_consume(
        actor=actor, wallet=wallet, action=action, reference=reference, quantity=quantity
    )
