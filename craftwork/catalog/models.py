"""Catalog data: categories, gigs with packages, mentorship offerings, availability and slots.

Prices are integers in minor units with an ISO currency. Invariants the database can hold are
constraints here; everything else is checked by the services.
"""

import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from craftwork.accounts.models import timezone_choices
from craftwork.core.models import BaseModel
from craftwork.core.money import Money, money_property
from craftwork.core.policies import SESSION_POLICY_SUMMARIES, CancellationPolicy
from craftwork.profiles.models import Currency

# 100,000.00 in a two-decimal currency: far above any gig or session, low enough to catch typos.
MAX_PRICE_MINOR = 10_000_000
MAX_GIG_TITLE = 120
MAX_GIG_DESCRIPTION = 10_000
MAX_GIG_IMAGES = 6
MAX_GIG_SKILLS = 10
MAX_GIG_TAGS = 8
MAX_TAG_LENGTH = 30
MAX_PACKAGES = 3
MAX_PACKAGE_ITEMS = 10
MAX_DELIVERY_DAYS = 90
MAX_REVISIONS = 20
MAX_EXTRAS = 8
MAX_EXTRA_DAYS = 30
MAX_REQUIREMENTS = 10
MAX_REQUIREMENT_CHOICES = 10
MAX_FAQ = 10

MIN_SESSION_MINUTES = 15
MAX_SESSION_MINUTES = 240
MAX_BUFFER_MINUTES = 120
MAX_NOTICE_HOURS = 24 * 30
MAX_HORIZON_DAYS = 180
MAX_WEEKLY_RULES = 42
MAX_EXCEPTION_DAYS_AHEAD = 366


class Category(BaseModel):
    """A node of the category tree. Top-level nodes share their slug with a profiles.SkillCategory."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=80)
    icon = models.CharField(_("icon name"), max_length=40, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="catalog_category_not_own_parent"
            )
        ]

    def __str__(self):
        # Taxonomy names are in the translation catalog; a name staff add later shows as written.
        return gettext(self.name)


class GigStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    REMOVED = "removed", _("Removed by staff")


class Gig(BaseModel):
    """A fixed-price service a freelancer sells in up to three packages."""

    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="gigs"
    )
    title = models.CharField(_("title"), max_length=MAX_GIG_TITLE)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="gigs")
    skills = models.ManyToManyField("profiles.Skill", blank=True, related_name="gigs")
    tags = models.JSONField(_("tags"), default=list, blank=True)
    status = models.CharField(
        max_length=10, choices=GigStatus.choices, default=GigStatus.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # Kept by the services whenever packages change: the cheapest package and the fastest delivery.
    min_price = models.BigIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.USD)
    min_delivery_days = models.PositiveSmallIntegerField(null=True, blank=True)
    # Maintained by the reviews work; null until the first review. Never invented here.
    rating_average = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    rating_count = models.PositiveIntegerField(null=True, blank=True)
    removed_reason = models.CharField(max_length=500, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="cat_gig_status_pub_idx"),
            models.Index(fields=["status", "min_price"], name="cat_gig_status_price_idx"),
            models.Index(fields=["status", "category"], name="cat_gig_status_cat_idx"),
            models.Index(fields=["status", "rating_average"], name="cat_gig_status_rating_idx"),
            models.Index(fields=["seller", "status"], name="cat_gig_seller_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_price__isnull=True) | Q(min_price__gt=0),
                name="catalog_gig_min_price_positive",
            ),
            models.CheckConstraint(
                condition=Q(rating_average__isnull=True)
                | Q(rating_average__gte=1, rating_average__lte=5),
                name="catalog_gig_rating_range",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def min_price_money(self) -> Money | None:
        return None if self.min_price is None else Money(self.min_price, self.currency)

    @property
    def is_public(self) -> bool:
        return self.status == GigStatus.ACTIVE


class GigImage(BaseModel):
    gig = models.ForeignKey(Gig, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to="gigs/%Y/%m/")
    thumbnail = models.ImageField(upload_to="gigs/thumbs/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "created_at"]

    def __str__(self):
        return self.caption or self.image.name


class PackageTier(models.TextChoices):
    BASIC = "basic", _("Basic")
    STANDARD = "standard", _("Standard")
    PREMIUM = "premium", _("Premium")


TIER_ORDER = {tier: index for index, tier in enumerate(PackageTier.values)}


class GigPackage(BaseModel):
    gig = models.ForeignKey(Gig, on_delete=models.CASCADE, related_name="packages")
    tier = models.CharField(max_length=10, choices=PackageTier.choices)
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("name"), max_length=60)
    description = models.CharField(_("description"), max_length=600, blank=True)
    price = models.BigIntegerField(_("price"), help_text=_("In minor units (cents)."))
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.USD)
    delivery_days = models.PositiveSmallIntegerField(_("delivery (days)"))
    revisions = models.PositiveSmallIntegerField(_("revisions"), default=0)
    included = models.JSONField(_("what is included"), default=list, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["gig", "tier"], name="catalog_package_one_per_tier"),
            models.CheckConstraint(
                condition=Q(price__gt=0, price__lte=MAX_PRICE_MINOR),
                name="catalog_package_price_range",
            ),
            models.CheckConstraint(
                condition=Q(delivery_days__gte=1, delivery_days__lte=MAX_DELIVERY_DAYS),
                name="catalog_package_delivery_range",
            ),
            models.CheckConstraint(
                condition=Q(revisions__lte=MAX_REVISIONS), name="catalog_package_revisions_range"
            ),
        ]

    def __str__(self):
        return f"{self.gig} — {self.name}"

    price_money = money_property("price")


class GigExtra(BaseModel):
    """An optional add-on the buyer may choose with a package."""

    gig = models.ForeignKey(Gig, on_delete=models.CASCADE, related_name="extras")
    title = models.CharField(_("title"), max_length=100)
    price = models.BigIntegerField(_("price"), help_text=_("In minor units (cents)."))
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.USD)
    extra_days = models.PositiveSmallIntegerField(_("extra days"), default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price__gt=0, price__lte=MAX_PRICE_MINOR),
                name="catalog_extra_price_range",
            ),
        ]

    def __str__(self):
        return self.title

    price_money = money_property("price")


class RequirementKind(models.TextChoices):
    TEXT = "text", _("Free text")
    CHOICE = "choice", _("Multiple choice")


class GigRequirement(BaseModel):
    """A question the buyer answers after ordering, before the work starts."""

    gig = models.ForeignKey(Gig, on_delete=models.CASCADE, related_name="requirements")
    question = models.CharField(_("question"), max_length=300)
    kind = models.CharField(max_length=10, choices=RequirementKind.choices, default="text")
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "created_at"]

    def __str__(self):
        return self.question


class GigFaq(BaseModel):
    gig = models.ForeignKey(Gig, on_delete=models.CASCADE, related_name="faqs")
    question = models.CharField(_("question"), max_length=200)
    answer = models.CharField(_("answer"), max_length=1000)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "created_at"]
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ")

    def __str__(self):
        return self.question


# --- Mentorship ----------------------------------------------------------------------------


class MentorSettings(BaseModel):
    """How a mentor's availability turns into bookable slots. Its row is the lock for booking."""

    mentor = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_settings"
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, choices=timezone_choices, default="UTC"
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        _("buffer between sessions (minutes)"), default=0
    )
    min_notice_hours = models.PositiveSmallIntegerField(_("minimum notice (hours)"), default=12)
    horizon_days = models.PositiveSmallIntegerField(_("booking horizon (days)"), default=60)

    class Meta:
        verbose_name = _("mentor settings")
        verbose_name_plural = _("mentor settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(buffer_minutes__lte=MAX_BUFFER_MINUTES),
                name="catalog_mentor_buffer_range",
            ),
            models.CheckConstraint(
                condition=Q(min_notice_hours__lte=MAX_NOTICE_HOURS),
                name="catalog_mentor_notice_range",
            ),
            models.CheckConstraint(
                condition=Q(horizon_days__gte=1, horizon_days__lte=MAX_HORIZON_DAYS),
                name="catalog_mentor_horizon_range",
            ),
        ]

    def __str__(self):
        return f"{self.mentor} ({self.timezone})"

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class MentorshipOffering(BaseModel):
    """A session type a mentor sells: a topic, a duration and a price."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorship_offerings"
    )
    topic = models.CharField(_("topic"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="offerings"
    )
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    price = models.BigIntegerField(_("price"), help_text=_("In minor units (cents)."))
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.USD)
    active = models.BooleanField(_("bookable"), default=True)
    cancellation_policy = models.CharField(
        _("cancellation policy"),
        max_length=10,
        choices=CancellationPolicy.choices,
        default=CancellationPolicy.MODERATE,
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["active", "-created_at"], name="cat_offering_active_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(price__gt=0, price__lte=MAX_PRICE_MINOR),
                name="catalog_offering_price_range",
            ),
            models.CheckConstraint(
                condition=Q(
                    duration_minutes__gte=MIN_SESSION_MINUTES,
                    duration_minutes__lte=MAX_SESSION_MINUTES,
                ),
                name="catalog_offering_duration_range",
            ),
        ]

    def __str__(self):
        return self.topic

    price_money = money_property("price")

    @property
    def cancellation_summary(self) -> str:
        return str(SESSION_POLICY_SUMMARIES[self.cancellation_policy])


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class AvailabilityRule(BaseModel):
    """A weekly window of availability, in the mentor's own time zone (wall-clock times)."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability_rules"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))

    class Meta:
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_time__lt=models.F("end_time")),
                name="catalog_rule_starts_before_end",
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="catalog_rule_weekday"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}-{self.end_time:%H:%M}"


class AvailabilityException(BaseModel):
    """A date that does not follow the weekly rules: a day off (no times) or custom hours.

    Every exception row of a date replaces that date's weekly windows; a row without times
    makes the whole day unavailable.
    """

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability_exceptions"
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("from"), null=True, blank=True)
    end_time = models.TimeField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["date", "start_time"]
        indexes = [models.Index(fields=["mentor", "date"], name="cat_exception_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_time__isnull=True, end_time__isnull=True)
                | Q(
                    start_time__isnull=False,
                    end_time__isnull=False,
                    start_time__lt=models.F("end_time"),
                ),
                name="catalog_exception_times",
            ),
        ]

    def __str__(self):
        if self.is_day_off:
            return f"{self.date} off"
        return f"{self.date} {self.start_time:%H:%M}-{self.end_time:%H:%M}"

    @property
    def is_day_off(self) -> bool:
        return self.start_time is None


class ReservationStatus(models.TextChoices):
    RESERVED = "reserved", _("Reserved")
    RELEASED = "released", _("Released")


class SlotReservation(BaseModel):
    """A booked session slot. At most one live reservation per mentor and start instant."""

    offering = models.ForeignKey(
        MentorshipOffering, on_delete=models.PROTECT, related_name="reservations"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_reservations"
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="slot_reservations"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    price = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    # The offering's policy when the client booked: later changes do not touch this booking.
    cancellation_policy = models.CharField(
        max_length=10, choices=CancellationPolicy.choices, default=CancellationPolicy.MODERATE
    )
    status = models.CharField(
        max_length=10, choices=ReservationStatus.choices, default=ReservationStatus.RESERVED
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["start"]
        indexes = [
            models.Index(fields=["mentor", "status", "start"], name="cat_reservation_mentor_idx"),
            models.Index(fields=["client", "status", "start"], name="cat_reservation_client_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["mentor", "start"],
                condition=Q(status="reserved"),
                name="catalog_one_reservation_per_slot",
            ),
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")), name="catalog_reservation_times"
            ),
        ]

    def __str__(self):
        return f"{self.offering} @ {self.start:%Y-%m-%d %H:%M} UTC"

    price_money = money_property("price")
