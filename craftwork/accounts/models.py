import uuid
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _

from craftwork.core.models import BaseModel


def timezone_choices() -> list[tuple[str, str]]:
    """IANA zones of this machine; a callable so migrations do not depend on the tzdata version."""
    return [
        (name, name) for name in sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})
    ]


TIMEZONE_CHOICES = timezone_choices()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)

    def _create(self, email, password, **fields):
        if not email:
            raise ValueError("Users need an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True, email_verified_at=dj_timezone.now())
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """One person. The same account can hire (client) and work (freelancer)."""

    class View(models.TextChoices):
        CLIENT = "client", _("Client")
        FREELANCER = "freelancer", _("Freelancer")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("email"), max_length=254, unique=True)
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to="avatars/%Y/%m/", blank=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, choices=timezone_choices, default="UTC"
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    is_client = models.BooleanField(_("hires as a client"), default=False)
    is_freelancer = models.BooleanField(_("works as a freelancer"), default=False)
    active_view = models.CharField(max_length=20, choices=View.choices, default=View.CLIENT)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=dj_timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # In every JWT; raised by a password change or reset, which ends every API session at once.
    token_version = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name"]

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="uniq_user_email_ci"),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None


class TokenFamily(BaseModel):
    """The refresh tokens rotated from one sign-in. A token used twice (a copy was stolen) or a
    logout revokes the whole family: every refresh and access token descending from it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="token_families")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} ({'revoked' if self.revoked_at else 'active'})"


class Organization(BaseModel):
    """A company that hires; its members act for it with a role."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(max_length=160, unique=True)
    website = models.URLField(_("website"), blank=True)
    members = models.ManyToManyField(User, through="Membership", related_name="organizations")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(BaseModel):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        ADMIN = "admin", _("Admin")
        RECRUITER = "recruiter", _("Recruiter")
        HIRING_MANAGER = "hiring_manager", _("Hiring manager")
        INTERVIEWER = "interviewer", _("Interviewer")
        FINANCE = "finance", _("Finance")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    # What each role may do in the workspace: craftwork/recruiting/permissions.py (docs/recruiting.md).
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.RECRUITER)

    MANAGER_ROLES = frozenset({Role.OWNER, Role.ADMIN})

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="uniq_membership")
        ]

    def __str__(self):
        return f"{self.user} @ {self.organization} ({self.role})"


class OrganizationInvitation(BaseModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(
        max_length=20, choices=Membership.Role.choices, default=Membership.Role.RECRUITER
    )
    invited_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    # Only a SHA-256 of the emailed token is stored: a database leak yields no usable links.
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    expires_at = models.DateTimeField()
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "organization",
                condition=models.Q(status="pending"),
                name="uniq_pending_invitation_per_email",
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.organization}"

    @property
    def is_expired(self) -> bool:
        return self.status == self.Status.EXPIRED or (
            self.status == self.Status.PENDING and self.expires_at <= dj_timezone.now()
        )
