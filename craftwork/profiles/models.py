from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from craftwork.accounts.models import timezone_choices
from craftwork.core.models import BaseModel
from craftwork.core.money import Money

from .countries import COUNTRY_CHOICES
from .languages import SPOKEN_LANGUAGE_NAMES, LanguageLevel

# Hourly rates are integers in minor units (cents). 1,000,000 = 10,000.00 an hour: far above any
# real rate, low enough to catch a typo of several extra zeros.
MAX_HOURLY_RATE_MINOR = 1_000_000
MAX_HOURS_PER_WEEK = 80
MAX_BIO_LENGTH = 10_000
MAX_SERVICE_RADIUS_KM = 500
MAX_SKILLS_PER_PROFILE = 30
MAX_PORTFOLIO_ITEMS = 50
MAX_IMAGES_PER_PORTFOLIO_ITEM = 8


class Currency(models.TextChoices):
    USD = "USD", _("US dollar")
    EUR = "EUR", _("Euro")
    GBP = "GBP", _("British pound")
    CAD = "CAD", _("Canadian dollar")
    AUD = "AUD", _("Australian dollar")
    MXN = "MXN", _("Mexican peso")


class WorkMode(models.TextChoices):
    REMOTE = "remote", _("Remote")
    ONSITE = "onsite", _("On-site")
    BOTH = "both", _("Remote and on-site")


class Availability(models.TextChoices):
    AVAILABLE = "available", _("Available")
    LIMITED = "limited", _("Limited availability")
    UNAVAILABLE = "unavailable", _("Not available")


class Proficiency(models.TextChoices):
    BEGINNER = "beginner", _("Beginner")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")
    EXPERT = "expert", _("Expert")


class SkillCategory(BaseModel):
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    icon = models.CharField(_("icon name"), max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("skill category")
        verbose_name_plural = _("skill categories")

    def __str__(self):
        # Taxonomy names are in the translation catalog; a name staff add later shows as written.
        return gettext(self.name)


class Skill(BaseModel):
    category = models.ForeignKey(SkillCategory, on_delete=models.PROTECT, related_name="skills")
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self):
        return self.name


class FreelancerProfile(BaseModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="freelancer_profile"
    )
    headline = models.CharField(_("headline"), max_length=120, blank=True)
    bio = models.TextField(_("about you"), blank=True, help_text=_("Markdown is supported."))
    hourly_rate = models.PositiveIntegerField(
        _("hourly rate"), null=True, blank=True, help_text=_("In minor units (cents).")
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.USD
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRY_CHOICES, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    work_mode = models.CharField(
        _("work mode"), max_length=10, choices=WorkMode.choices, default=WorkMode.REMOTE
    )
    service_radius_km = models.PositiveSmallIntegerField(
        _("service radius (km)"), null=True, blank=True
    )
    availability = models.CharField(
        _("availability"),
        max_length=12,
        choices=Availability.choices,
        default=Availability.AVAILABLE,
    )
    hours_per_week = models.PositiveSmallIntegerField(_("hours per week"), null=True, blank=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, choices=timezone_choices, default="UTC"
    )
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("freelancer profile")
        verbose_name_plural = _("freelancer profiles")
        indexes = [
            models.Index(fields=["is_published", "-published_at"], name="prof_fl_pub_idx"),
            # The public list walks this in order instead of sorting every published row
            # (SQLite does not use the index above for a bare boolean condition).
            models.Index(
                models.F("published_at").desc(),
                models.F("id").desc(),
                condition=models.Q(is_published=True),
                name="prof_fl_pub_recent_idx",
            ),
            models.Index(fields=["country", "city"], name="prof_fl_place_idx"),
            models.Index(fields=["hourly_rate"], name="prof_fl_rate_idx"),
            models.Index(fields=["work_mode"], name="prof_fl_mode_idx"),
            models.Index(fields=["availability"], name="prof_fl_avail_idx"),
            models.Index(fields=["latitude", "longitude"], name="prof_fl_geo_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(hourly_rate__isnull=True)
                | Q(hourly_rate__gt=0, hourly_rate__lte=MAX_HOURLY_RATE_MINOR),
                name="prof_fl_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="prof_fl_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="prof_fl_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__isnull=True)
                | Q(hours_per_week__lte=MAX_HOURS_PER_WEEK),
                name="prof_fl_hours_range",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.headline or _('(no headline)')}"

    @property
    def display_name(self) -> str:
        """First name and last initial: the public pages do not show full surnames."""
        user = self.user
        initial = f" {user.last_name[:1]}." if user.last_name else ""
        return f"{user.first_name}{initial}"

    @property
    def initials(self) -> str:
        return (self.user.first_name[:1] + self.user.last_name[:1]).upper() or "?"

    @property
    def hourly_rate_money(self) -> Money | None:
        return None if self.hourly_rate is None else Money(self.hourly_rate, self.currency)

    @property
    def language_items(self) -> list[dict]:
        levels = dict(LanguageLevel.choices)
        return [
            {
                "code": item["code"],
                "name": SPOKEN_LANGUAGE_NAMES.get(item["code"], item["code"]),
                "level": item["level"],
                "level_label": levels.get(item["level"], item["level"]),
            }
            for item in self.languages or []
        ]


class FreelancerSkill(BaseModel):
    profile = models.ForeignKey(
        FreelancerProfile, on_delete=models.CASCADE, related_name="profile_skills"
    )
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="freelancer_skills")
    proficiency = models.CharField(
        _("proficiency"),
        max_length=12,
        choices=Proficiency.choices,
        default=Proficiency.INTERMEDIATE,
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "skill"], name="uniq_profile_skill")
        ]
        indexes = [models.Index(fields=["skill", "profile"], name="prof_fs_skill_idx")]

    def __str__(self):
        return f"{self.skill} ({self.proficiency})"


class PortfolioItem(BaseModel):
    profile = models.ForeignKey(
        FreelancerProfile, on_delete=models.CASCADE, related_name="portfolio_items"
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "created_at"]

    def __str__(self):
        return self.title


class PortfolioImage(BaseModel):
    item = models.ForeignKey(PortfolioItem, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to="portfolio/%Y/%m/")
    thumbnail = models.ImageField(upload_to="portfolio/thumbs/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "created_at"]

    def __str__(self):
        return self.caption or self.image.name


class ClientProfile(BaseModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="client_profile"
    )
    company_name = models.CharField(_("company name"), max_length=150, blank=True)
    billing_name = models.CharField(_("billing name"), max_length=150, blank=True)
    billing_address_line1 = models.CharField(_("address line 1"), max_length=200, blank=True)
    billing_address_line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    billing_city = models.CharField(_("city"), max_length=100, blank=True)
    billing_postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    billing_country = models.CharField(
        _("country"), max_length=2, choices=COUNTRY_CHOICES, blank=True
    )
    billing_email = models.EmailField(_("billing email"), blank=True)
    vat_id = models.CharField(_("VAT / tax ID"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("client profile")
        verbose_name_plural = _("client profiles")

    def __str__(self):
        return self.company_name or self.billing_name or str(self.user)

    @property
    def has_billing_address(self) -> bool:
        return all([self.billing_address_line1, self.billing_city, self.billing_country])
