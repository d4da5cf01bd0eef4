from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "craftwork.moderation"
    label = "moderation"
    verbose_name = _("Moderation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import handlers, targets

        targets.register()  # the kinds "gig", "job" and "profile"
        handlers.connect()  # automatic screening of published gigs, jobs and profiles
