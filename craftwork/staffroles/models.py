"""Which part of the marketplace a staff member runs. One row per staff user; the permissions
each role carries are code (``access.PERMISSIONS``), not data, so a review sees every change."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from craftwork.core.models import BaseModel


class Role(models.TextChoices):
    SUPPORT = "support", _("Support")
    FINANCE = "finance", _("Finance")
    TRUST_SAFETY = "trust_safety", _("Trust & safety")
    ADMIN = "admin", _("Admin")


class StaffRole(BaseModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_role"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")

    def __str__(self):
        return f"{self.user_id}: {self.role}"
