"""Promoted listings paid for with credits. The listing's app checks that the actor may promote
the listing (it owns it) and calls ``promotion_buy`` in its own transaction."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from craftwork.core.audit import audit
from craftwork.core.errors import ValidationFailed

from . import credits
from .models import CreditAction, Promotion

MAX_PROMOTION_DAYS = 90


def promotion_buy(*, actor, subject: str, days: int, now: datetime | None = None) -> Promotion:
    """Promote ``subject`` ("gig:<uuid>") for ``days`` days from now, or from the end of its
    current promotion (an extension), for the price list's credits per day."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_PROMOTION_DAYS:
        raise ValidationFailed(
            _("Choose between 1 and %(max)d days.") % {"max": MAX_PROMOTION_DAYS},
            details={"field": "days"},
        )
    now = now or timezone.now()
    with transaction.atomic():
        current = (
            Promotion.objects.filter(subject=subject, ends_at__gt=now).order_by("-ends_at").first()
        )
        starts_at = current.ends_at if current else now
        charge = credits.credits_consume(
            actor=actor,
            wallet=credits.wallet_for(user=actor),
            action=CreditAction.GIG_PROMOTION_DAY,
            reference=f"promotion:{uuid.uuid4()}",
            quantity=days,
            now=now,
        )
        if charge is None:
            raise ValidationFailed(_("Promotions are not available."), code="promotion_disabled")
        promotion = Promotion.objects.create(
            subject=subject,
            owner=actor,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(days=days),
            charge=charge,
        )
        audit(actor=actor, action="billing.promotion_bought", target=promotion)
    return promotion


def promoted_until(subject: str, *, now: datetime | None = None) -> datetime | None:
    now = now or timezone.now()
    return (
        Promotion.objects.filter(subject=subject, starts_at__lte=now, ends_at__gt=now)
        .order_by("-ends_at")
        .values_list("ends_at", flat=True)
        .first()
    )


def promoted_subjects(prefix: str, *, now: datetime | None = None) -> set[str]:
    """The ids of the listings of one kind ("gig") promoted right now."""
    now = now or timezone.now()
    subjects = Promotion.objects.filter(
        subject__startswith=f"{prefix}:", starts_at__lte=now, ends_at__gt=now
    ).values_list("subject", flat=True)
    return {subject.split(":", 1)[1] for subject in subjects}
