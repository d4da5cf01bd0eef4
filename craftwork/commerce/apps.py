from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommerceConfig(AppConfig):
    name = "craftwork.commerce"
    label = "commerce"
    verbose_name = _("Commerce")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals
        from .services import fulfilment

        fulfilment.register()
        signals.connect()
