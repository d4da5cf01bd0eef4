from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "craftwork.core"
    label = "core"
    verbose_name = "Core"
