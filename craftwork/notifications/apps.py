from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "craftwork.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from django.apps import apps
        from django.utils.module_loading import autodiscover_modules

        from . import handlers  # noqa: F401 - subscribes the event handler

        # Each app declares its notification types and reminders in <app>/notifications.py.
        autodiscover_modules("notifications")
        if apps.is_installed("craftwork.contracts"):
            from . import contract_reminders  # noqa: F401 - work awaiting approval
