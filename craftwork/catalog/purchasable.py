"""One small interface for anything that can be bought: a gig package or a session slot.

Commerce (cart, wishlist, checkout) only talks to this module::

    item = purchasable_for("gig_package", str(package.pk))
    item = purchasable_for("session_slot", session_slot_ref(offering, start))
    if not item.available: show item.reason_message (item.reason is a stable code)

``purchasable_for`` reads the current state every time (price, gig paused, slot taken), so
re-validating a cart line at checkout is calling it again and comparing ``price``. It raises
``NotFound`` (code "purchasable_not_found") when the thing no longer exists or the ref is
malformed. Reserving a slot at checkout is ``services.slot_reserve``.
"""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from django.utils.translation import gettext as _

from craftwork.core.errors import DomainError, NotFound
from craftwork.core.money import Money

from . import selectors
from .models import GigPackage, GigStatus, MentorshipOffering

Kind = Literal["gig_package", "session_slot"]
KINDS = ("gig_package", "session_slot")


class PurchasableNotFound(NotFound):
    code = "purchasable_not_found"


@dataclass(frozen=True)
class Purchasable:
    kind: Kind
    ref: str
    title: str
    description: str
    image_url: str
    price: Money
    seller: object  # the accounts.User who provides it
    available: bool
    reason: str = ""  # a stable code when not available: gig_paused, gig_removed, slot_taken, ...
    reason_message: str = ""
    category_slug: str | None = None  # for fee_breakdown(amount, category_slug)
    max_quantity: int = 1
    details: dict = field(default_factory=dict)  # kind-specific terms (delivery days, start, ...)


def purchasable_for(kind: str, ref: str) -> Purchasable:
    if kind == "gig_package":
        return _gig_package(ref)
    if kind == "session_slot":
        return _session_slot(ref)
    raise PurchasableNotFound(_("This item cannot be bought."))


# --- gig packages ------------------------------------------------------------------------------

GIG_PACKAGE_MAX_QUANTITY = 10
_GIG_UNAVAILABLE = {
    GigStatus.DRAFT: ("gig_unpublished", _("This gig is not published.")),
    GigStatus.PAUSED: ("gig_paused", _("The seller has paused this gig.")),
    GigStatus.REMOVED: ("gig_removed", _("This gig is no longer available.")),
}


def _gig_package(ref: str) -> Purchasable:
    package = (
        GigPackage.objects.select_related(
            "gig", "gig__seller", "gig__category", "gig__category__parent"
        )
        .filter(pk=_uuid(ref))
        .first()
    )
    if package is None:
        raise PurchasableNotFound(_("This package no longer exists."))
    gig = package.gig
    reason, message = _gig_unavailability(gig)
    cover = gig.images.order_by("position", "created_at").first()
    return Purchasable(
        kind="gig_package",
        ref=str(package.pk),
        title=f"{gig.title} — {package.name}",
        description=package.description,
        image_url=cover.thumbnail.url if cover else "",
        price=package.price_money,
        seller=gig.seller,
        available=not reason,
        reason=reason,
        reason_message=message,
        category_slug=_root_slug(gig.category),
        max_quantity=GIG_PACKAGE_MAX_QUANTITY,
        details={
            "gig_id": str(gig.pk),
            "tier": package.tier,
            "delivery_days": package.delivery_days,
            "revisions": package.revisions,
            "included": list(package.included),
        },
    )


def _gig_unavailability(gig) -> tuple[str, str]:
    if gig.status in _GIG_UNAVAILABLE:
        code, message = _GIG_UNAVAILABLE[gig.status]
        return code, str(message)
    if not gig.seller.is_active:
        return "seller_inactive", str(_("The seller is not taking orders."))
    return "", ""


def _root_slug(category) -> str | None:
    while category is not None and category.parent_id is not None:
        category = category.parent
    return category.slug if category is not None else None


# --- session slots ------------------------------------------------------------------------------


def session_slot_ref(offering, start: datetime) -> str:
    """ "<offering uuid>@<start in UTC, ISO 8601>", e.g. "…@2026-03-30T07:00:00+00:00"."""
    return f"{offering.pk}@{start.astimezone(UTC).isoformat()}"


def parse_session_slot_ref(ref: str) -> tuple[uuid.UUID, datetime]:
    offering_part, _sep, start_part = (ref or "").partition("@")
    try:
        start = datetime.fromisoformat(start_part)
    except ValueError:
        raise PurchasableNotFound(_("This session time is not valid.")) from None
    if start.tzinfo is None:
        raise PurchasableNotFound(_("This session time is not valid."))
    return _uuid(offering_part), start.astimezone(UTC)


def _session_slot(ref: str) -> Purchasable:
    offering_id, start = parse_session_slot_ref(ref)
    offering = (
        MentorshipOffering.objects.select_related("mentor", "category", "category__parent")
        .filter(pk=offering_id)
        .first()
    )
    if offering is None:
        raise PurchasableNotFound(_("This session no longer exists."))
    problem: DomainError | None = selectors.slot_problem(offering, start)
    mentor_tz = selectors.mentor_settings_for(offering.mentor).timezone
    return Purchasable(
        kind="session_slot",
        ref=session_slot_ref(offering, start),
        title=offering.topic,
        description=offering.description[:500],
        image_url=offering.mentor.avatar.url if offering.mentor.avatar else "",
        price=offering.price_money,
        seller=offering.mentor,
        available=problem is None,
        reason=problem.code if problem else "",
        reason_message=problem.message if problem else "",
        category_slug=_root_slug(offering.category),
        max_quantity=1,
        details={
            "offering_id": str(offering.pk),
            "start": start.isoformat(),
            "duration_minutes": offering.duration_minutes,
            "mentor_timezone": mentor_tz,
        },
    )


def _uuid(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise PurchasableNotFound(_("This item cannot be bought.")) from None
