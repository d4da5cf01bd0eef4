from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "craftwork.contracts"
    label = "contracts"
    verbose_name = _("Contracts")

    def ready(self):
        from . import disputes, funding, payment_events, workflows

        workflows.register_all()
        funding.register()
        disputes.subscribe_resolutions()
        payment_events.subscribe_all()
