"""Reads for the catalog, already scoped to what the caller may see. A foreign id is "not found"."""

import zoneinfo
from collections import defaultdict
from datetime import date, datetime, timedelta

from django.apps import apps
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from craftwork.core.errors import NotFound, ValidationFailed
from craftwork.profiles import selectors as profile_selectors

from . import scheduling
from .errors import (
    OfferingUnavailable,
    SlotBeyondHorizon,
    SlotInPast,
    SlotTaken,
    SlotUnavailable,
    SlotWithinNotice,
)
from .filters import GigFilter
from .models import (
    AvailabilityException,
    AvailabilityRule,
    Category,
    Gig,
    GigImage,
    GigPackage,
    GigStatus,
    MentorSettings,
    MentorshipOffering,
    ReservationStatus,
    SlotReservation,
)

MAX_SLOT_RANGE_DAYS = 62
DEFAULT_SLOT_DAYS = 14

# --- Categories ------------------------------------------------------------------------------


def category_tree():
    """Top-level categories, each with its ``children`` prefetched, in display order."""
    return (
        Category.objects.filter(parent__isnull=True)
        .prefetch_related(Prefetch("children", queryset=Category.objects.order_by("position")))
        .order_by("position", "name")
    )


def category_by_slug(slug: str) -> Category:
    category = Category.objects.select_related("parent").filter(slug=slug).first()
    if category is None:
        raise NotFound(_("Category not found."))
    return category


def category_descendant_ids(category: Category) -> set:
    """The category and every category below it, at any depth (one query: the tree is small)."""
    children = defaultdict(list)
    for pk, parent_id in Category.objects.values_list("pk", "parent_id"):
        children[parent_id].append(pk)
    found, stack = set(), [category.pk]
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children.get(pk, []))
    return found


def skills_for_category(category: Category):
    """Skills of the category's root, which shares its slug with a profiles skill category."""
    root = category
    while root.parent_id is not None:
        root = Category.objects.only("pk", "parent_id", "slug").get(pk=root.parent_id)
    return profile_selectors.skills_list(category=root.slug)


# --- Sellers -------------------------------------------------------------------------------


def _verified_badges_function():
    """``credentials.selectors.verified_badges_for_users`` when that app is installed, else None."""
    if not apps.is_installed("craftwork.credentials"):
        return None
    try:
        from craftwork.credentials.selectors import verified_badges_for_users
    except ImportError:
        return None
    return verified_badges_for_users


def verified_seller_ids(user_ids) -> set:
    """Of ``user_ids``, those counted as verified sellers: a verified email and, when the credentials
    app is installed, at least one verified credential."""
    from django.contrib.auth import get_user_model

    ids = set(
        get_user_model()
        .objects.filter(pk__in=list(user_ids), email_verified_at__isnull=False)
        .values_list("pk", flat=True)
    )
    badges_for = _verified_badges_function()
    if badges_for is None or not ids:
        return ids
    badges = badges_for(list(ids)) or {}
    return {pk for pk in ids if badges.get(pk) or badges.get(str(pk))}


def verified_sellers(users) -> set:
    """``verified_seller_ids`` for users already loaded (a page's ``gig.seller``): their
    ``email_verified_at`` is at hand, so only the credential badges are looked up."""
    ids = {user.pk for user in users if user.email_verified_at is not None}
    badges_for = _verified_badges_function()
    if badges_for is None or not ids:
        return ids
    badges = badges_for(list(ids)) or {}
    return {pk for pk in ids if badges.get(pk) or badges.get(str(pk))}


def seller_is_verified(user) -> bool:
    return user.pk in verified_sellers([user])


def seller_summary(user):
    """The seller's published freelancer profile (with skills), or None."""
    return profile_selectors.public_freelancers().filter(user=user).first()


def seller_display_name(user) -> str:
    initial = f" {user.last_name[:1]}." if user.last_name else ""
    return f"{user.first_name}{initial}"


# --- Gigs ----------------------------------------------------------------------------------


def _cover_thumbnail():
    return Subquery(
        GigImage.objects.filter(gig=OuterRef("pk"))
        .order_by("position", "created_at")
        .values("thumbnail")[:1]
    )


def public_gigs():
    """Active gigs of active sellers, with what a card shows, in a constant number of queries."""
    # The seller is joined anyway (select_related), so the active check rides on the join: a
    # page reads its 20 gigs and their 20 sellers. Excluding inactive sellers by subquery
    # instead scanned every user on every request (the API lists no longer COUNT, and the HTML
    # list's count is cached, which was the reason for the subquery).
    return (
        Gig.objects.filter(status=GigStatus.ACTIVE, seller__is_active=True)
        .select_related("seller", "category", "category__parent")
        .annotate(cover_thumbnail=_cover_thumbnail())
        .order_by("-published_at", "-id")
    )


def with_cover_urls(gigs) -> list:
    """Set ``cover_url`` (the first gallery thumbnail's URL, or "") on gigs from ``public_gigs``."""
    from django.core.files.storage import default_storage

    gigs = list(gigs)
    for gig in gigs:
        name = getattr(gig, "cover_thumbnail", None)
        gig.cover_url = default_storage.url(name) if name else ""
    return gigs


def _as_multivalue(filters) -> MultiValueDict | None:
    if filters is None or isinstance(filters, MultiValueDict):
        return filters
    return MultiValueDict(
        {
            key: list(value) if isinstance(value, list | tuple) else [value]
            for key, value in filters.items()
        }
    )


def gig_filterset(filters=None) -> GigFilter:
    """The bound catalog filters over the public gigs (the web page renders its form)."""
    return GigFilter(_as_multivalue(filters) or {}, queryset=public_gigs())


def public_gig_list(filters=None):
    """Active gigs matching ``filters`` (a dict or QueryDict of GigFilter parameters)."""
    filterset = gig_filterset(filters)
    if not filterset.is_valid():
        raise ValidationFailed(
            details={field: list(errors) for field, errors in filterset.errors.items()}
        )
    return filterset.qs


def _gig_detail_queryset():
    return Gig.objects.select_related("seller", "category", "category__parent").prefetch_related(
        "images",
        Prefetch("packages", queryset=GigPackage.objects.order_by("position")),
        "extras",
        "requirements",
        "faqs",
        "skills",
    )


def public_gig_detail(pk, *, viewer=None) -> Gig:
    """An active gig; its seller may also preview it in any state, and staff may see any gig."""
    visible = Q(status=GigStatus.ACTIVE, seller__is_active=True)
    if viewer is not None and viewer.is_authenticated:
        if viewer.is_staff:
            visible = Q()
        else:
            visible |= Q(seller=viewer)
    gig = _gig_detail_queryset().filter(visible, pk=pk).first()
    if gig is None:
        raise NotFound(_("Gig not found."))
    return gig


def own_gigs(*, user):
    return (
        Gig.objects.filter(seller=user)
        .select_related("category")
        .annotate(cover_thumbnail=_cover_thumbnail())
        .order_by("-updated_at")
    )


def own_gig(*, user, pk) -> Gig:
    """One of the user's gigs with everything loaded; someone else's id is simply not found."""
    gig = _gig_detail_queryset().filter(seller=user, pk=pk).first()
    if gig is None:
        raise NotFound(_("Gig not found."))
    return gig


def gig_for_staff(*, pk) -> Gig:
    gig = Gig.objects.select_related("seller").filter(pk=pk).first()
    if gig is None:
        raise NotFound(_("Gig not found."))
    return gig


def seller_other_gigs(gig: Gig, *, limit: int = 3):
    return with_cover_urls(public_gigs().filter(seller_id=gig.seller_id).exclude(pk=gig.pk)[:limit])


# --- Mentorship ---------------------------------------------------------------------------------


def mentor_settings_for(user) -> MentorSettings:
    """The mentor's settings, or unsaved defaults (their own time zone) when none were saved yet."""
    found = MentorSettings.objects.filter(mentor=user).first()
    return found or MentorSettings(mentor=user, timezone=user.timezone or "UTC")


def public_offerings():
    return (
        MentorshipOffering.objects.filter(active=True, mentor__is_active=True)
        .select_related("mentor", "category")
        .order_by("-created_at", "-id")
    )


def public_offering_list(*, category: str | None = None, q: str | None = None):
    offerings = public_offerings()
    if category:
        try:
            root = category_by_slug(category)
        except NotFound:
            raise ValidationFailed(
                details={"category": [_("Choose a category from the list.")]}
            ) from None
        offerings = offerings.filter(category_id__in=category_descendant_ids(root))
    for term in (q or "").split()[:8]:
        offerings = offerings.filter(Q(topic__icontains=term) | Q(description__icontains=term))
    return offerings


def public_offering_detail(pk, *, viewer=None) -> MentorshipOffering:
    """A bookable offering; its mentor may also preview it while inactive."""
    visible = Q(active=True, mentor__is_active=True)
    if viewer is not None and viewer.is_authenticated:
        visible |= Q(mentor=viewer)
    offering = (
        MentorshipOffering.objects.select_related("mentor", "category")
        .filter(visible, pk=pk)
        .first()
    )
    if offering is None:
        raise NotFound(_("Session not found."))
    return offering


def own_offerings(*, user):
    return MentorshipOffering.objects.filter(mentor=user).select_related("category")


def own_offering(*, user, pk) -> MentorshipOffering:
    offering = own_offerings(user=user).filter(pk=pk).first()
    if offering is None:
        raise NotFound(_("Session not found."))
    return offering


def own_availability_rules(*, user):
    return AvailabilityRule.objects.filter(mentor=user).order_by("weekday", "start_time")


def own_availability_exceptions(*, user, upcoming: bool = True):
    exceptions = AvailabilityException.objects.filter(mentor=user)
    if upcoming:
        tz = mentor_settings_for(user).tzinfo
        exceptions = exceptions.filter(date__gte=timezone.now().astimezone(tz).date())
    return exceptions.order_by("date", "start_time")


def own_availability_exception(*, user, pk) -> AvailabilityException:
    found = AvailabilityException.objects.filter(mentor=user, pk=pk).first()
    if found is None:
        raise NotFound(_("Exception not found."))
    return found


def mentor_reservations(*, user, upcoming: bool = True):
    reservations = SlotReservation.objects.filter(
        mentor=user, status=ReservationStatus.RESERVED
    ).select_related("offering", "client")
    if upcoming:
        reservations = reservations.filter(end__gt=timezone.now())
    return reservations.order_by("start")


def client_reservations(*, user, upcoming: bool = True):
    reservations = SlotReservation.objects.filter(
        client=user, status=ReservationStatus.RESERVED
    ).select_related("offering", "mentor")
    if upcoming:
        reservations = reservations.filter(end__gt=timezone.now())
    return reservations.order_by("start")


def reservation_for_participant(*, user, pk) -> SlotReservation:
    """A reservation where the user is the client or the mentor (staff see all)."""
    reservations = SlotReservation.objects.select_related("offering", "mentor", "client")
    if not user.is_staff:
        reservations = reservations.filter(Q(client=user) | Q(mentor=user))
    found = reservations.filter(pk=pk).first()
    if found is None:
        raise NotFound(_("Reservation not found."))
    return found


# --- Free slots ---------------------------------------------------------------------------------


def parse_timezone(name) -> zoneinfo.ZoneInfo:
    try:
        if not isinstance(name, str) or not name or name in {"localtime", "Factory"}:
            raise ValueError
        return zoneinfo.ZoneInfo(name)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        raise ValidationFailed(
            _("Choose a valid time zone."),
            code="invalid_timezone",
            details={"tz": [_("Choose a valid time zone.")]},
        ) from None


def free_slots(
    offering: MentorshipOffering,
    start_date: date,
    end_date: date,
    viewer_tz,
    *,
    now: datetime | None = None,
) -> list[scheduling.Slot]:
    """Bookable slots of ``offering`` starting on ``start_date``..``end_date`` in the viewer's zone.

    Slots come from the mentor's weekly rules and exceptions (wall-clock times in the mentor's
    zone, see ``scheduling``), minus live reservations of the mentor widened by the buffer,
    minus anything before now + the minimum notice or after now + the booking horizon.
    Returned as UTC instants; ``Slot.local_start(tz)`` shows them in any zone.
    """
    viewer_tz = parse_timezone(viewer_tz) if isinstance(viewer_tz, str) else viewer_tz
    if end_date < start_date:
        raise ValidationFailed(_("The end date is before the start date."), code="invalid_range")
    if (end_date - start_date).days >= MAX_SLOT_RANGE_DAYS:
        raise ValidationFailed(
            _("Ask for at most %(days)d days at a time.") % {"days": MAX_SLOT_RANGE_DAYS},
            code="range_too_long",
        )
    if not offering.active:
        return []
    mentor_settings = mentor_settings_for(offering.mentor)
    now = now or timezone.now()
    range_start, range_end = scheduling.local_day_bounds(start_date, end_date, viewer_tz)
    range_start = max(range_start, now + timedelta(hours=mentor_settings.min_notice_hours), now)
    range_end = min(range_end, now + timedelta(days=mentor_settings.horizon_days))
    if range_start >= range_end:
        return []
    return _slots_between(offering, mentor_settings, range_start, range_end)


def _slots_between(offering, mentor_settings, range_start, range_end) -> list[scheduling.Slot]:
    buffer = timedelta(minutes=mentor_settings.buffer_minutes)
    busy = busy_intervals(offering, mentor_settings, range_start, range_end)
    return [
        slot
        for slot in slot_candidates(offering, mentor_settings, range_start, range_end)
        if not scheduling.is_blocked(slot, busy, buffer)
    ]


def slot_candidates(offering, mentor_settings, range_start, range_end) -> list[scheduling.Slot]:
    """Slots from the availability alone (reservations ignored) starting in [range_start, range_end)."""
    mentor_tz = mentor_settings.tzinfo
    first_day = range_start.astimezone(mentor_tz).date() - timedelta(days=1)
    last_day = range_end.astimezone(mentor_tz).date()
    weekly: dict[int, list] = defaultdict(list)
    for rule in AvailabilityRule.objects.filter(mentor_id=offering.mentor_id):
        weekly[rule.weekday].append((rule.start_time, rule.end_time))
    exceptions: dict[date, list] = defaultdict(list)
    for row in AvailabilityException.objects.filter(
        mentor_id=offering.mentor_id, date__gte=first_day, date__lte=last_day
    ):
        exceptions[row.date].append((row.start_time, row.end_time))
    duration = timedelta(minutes=offering.duration_minutes)
    candidates = scheduling.candidate_slots(
        scheduling.date_range(first_day, last_day), weekly, exceptions, mentor_tz, duration
    )
    return [slot for slot in candidates if range_start <= slot.start < range_end]


def busy_intervals(offering, mentor_settings, range_start, range_end) -> list[tuple]:
    """(start, end) of the mentor's live reservations that could block a slot in the range."""
    margin = timedelta(minutes=offering.duration_minutes + mentor_settings.buffer_minutes)
    return list(
        SlotReservation.objects.filter(
            mentor_id=offering.mentor_id,
            status=ReservationStatus.RESERVED,
            start__lt=range_end + margin,
            end__gt=range_start - margin,
        ).values_list("start", "end")
    )


def slot_problem(offering, start: datetime, *, now: datetime | None = None):
    """Why ``start`` cannot be booked for ``offering`` right now (a DomainError), or None when free.

    The same checks as ``free_slots``, reported one by one so callers can say what is wrong.
    """
    now = now or timezone.now()
    if not offering.active or not offering.mentor.is_active:
        return OfferingUnavailable()
    mentor_settings = mentor_settings_for(offering.mentor)
    if start <= now:
        return SlotInPast()
    if start < now + timedelta(hours=mentor_settings.min_notice_hours):
        return SlotWithinNotice(details={"min_notice_hours": mentor_settings.min_notice_hours})
    if start > now + timedelta(days=mentor_settings.horizon_days):
        return SlotBeyondHorizon(details={"horizon_days": mentor_settings.horizon_days})
    window = (start, start + timedelta(seconds=1))
    candidates = slot_candidates(offering, mentor_settings, *window)
    if not candidates:
        return SlotUnavailable()
    buffer = timedelta(minutes=mentor_settings.buffer_minutes)
    if scheduling.is_blocked(
        candidates[0], busy_intervals(offering, mentor_settings, *window), buffer
    ):
        return SlotTaken()
    return None


def slots_by_day(slots: list[scheduling.Slot], tz) -> list[tuple[date, list[datetime]]]:
    """[(local date, [local start, ...]), ...] in the viewer's zone, for the booking page."""
    days: dict[date, list[datetime]] = defaultdict(list)
    for slot in slots:
        local = slot.local_start(tz)
        days[local.date()].append(local)
    return sorted(days.items())


def default_slot_range(tz, *, now: datetime | None = None) -> tuple[date, date]:
    today = (now or timezone.now()).astimezone(tz).date()
    return today, today + timedelta(days=DEFAULT_SLOT_DAYS - 1)
