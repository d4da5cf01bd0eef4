from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffRolesConfig(AppConfig):
    name = "craftwork.staffroles"
    label = "staffroles"
    verbose_name = _("Staff roles")
    default_auto_field = "django.db.models.BigAutoField"
