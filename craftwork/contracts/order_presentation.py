"""What the contract page shows for gig orders and sessions (see ``presentation``)."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import formats, timezone

from . import selectors
from .forms import DeliveryForm, NoteForm, RequirementsForm, SessionLocationForm
from .models import ContractState
from .workflows.session import CancelPreview, cancellation_preview


@dataclass
class GigView:
    order: object
    deliveries: list = field(default_factory=list)
    requirements_form: RequirementsForm | None = None
    delivery_form: DeliveryForm | None = None
    due_text: str = ""
    auto_complete_text: str = ""
    late: bool = False
    dispute_url: str = ""


@dataclass
class SessionView:
    booking: object
    starts_text: str
    ends_text: str
    zone: str
    mentor_starts_text: str = ""
    mentor_zone: str = ""
    location_form: SessionLocationForm | None = None
    cancel_preview: CancelPreview | None = None
    cancel_form: NoteForm | None = None
    dispute_url: str = ""


def zone_named(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def user_zone(user) -> zoneinfo.ZoneInfo:
    return zone_named(getattr(user, "timezone", ""))


def _when(moment, zone) -> str:
    """A moment as wall-clock time in ``zone`` (the page's own zone is UTC)."""
    return formats.date_format(timezone.localtime(moment, zone), "DATETIME_FORMAT")


def order_context(request, contract, forms: dict, allowed) -> dict:
    names = {t.name for t in allowed.contract}
    if contract.kind == "gig":
        gig = _gig(request, contract, forms, names)
        below = bool(gig and (gig.requirements_form or gig.delivery_form))
        return {"gig": gig, "order_actions_below": "order" if below else ""}
    if contract.kind == "session":
        session = _session(request, contract, forms, names, allowed)
        below = bool(session and (session.cancel_preview or session.location_form))
        return {"session": session, "order_actions_below": "session" if below else ""}
    return {}


def _gig(request, contract, forms, names) -> GigView | None:
    order = selectors.gig_order_of(contract)
    if order is None:
        return None
    zone = user_zone(request.user)
    view = GigView(
        order=order,
        deliveries=list(order.deliveries.all()),
        due_text=_when(order.due_at, zone) if order.due_at else "",
        late=contract.state == ContractState.LATE
        or (contract.state == ContractState.IN_PROGRESS and order.is_overdue),
    )
    if contract.state == ContractState.DELIVERED and contract.timer_due_at:
        view.auto_complete_text = _when(contract.timer_due_at, zone)
    if "submit_requirements" in names:
        view.requirements_form = forms.get("requirements") or RequirementsForm(
            requirements=order.requirements, auto_id="id_req_%s"
        )
    if "deliver" in names:
        view.delivery_form = forms.get("gig_delivery") or DeliveryForm(auto_id="id_gig_%s")
    if order.dispute_ref:
        view.dispute_url = reverse("payments:dispute-detail", args=[order.dispute_ref])
    return view


def _session(request, contract, forms, names, allowed) -> SessionView | None:
    booking = selectors.session_booking_of(contract)
    if booking is None:
        return None
    zone = user_zone(request.user)
    mentor_zone = zone_named(booking.mentor_timezone)
    view = SessionView(
        booking=booking,
        starts_text=_when(booking.starts_at, zone),
        ends_text=formats.time_format(timezone.localtime(booking.ends_at, zone), "TIME_FORMAT"),
        zone=zone.key,
        mentor_starts_text=_when(booking.starts_at, mentor_zone),
        mentor_zone=mentor_zone.key,
    )
    if allowed.can_set_session_location:
        view.location_form = forms.get("session_location") or SessionLocationForm(
            initial={"meeting_url": booking.meeting_url, "meeting_place": booking.meeting_place},
            auto_id="id_loc_%s",
        )
    if "cancel" in names:
        role = contract.role_of(request.user) or "staff"
        view.cancel_preview = cancellation_preview(contract, booking, role, timezone.now())
        view.cancel_form = forms.get(f"transition:{contract.pk}:cancel") or NoteForm()
    if booking.dispute_ref:
        view.dispute_url = reverse("payments:dispute-detail", args=[booking.dispute_ref])
    return view
