from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "craftwork.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from . import checks  # noqa: F401 - registers the production deploy checks
        from .api import schema  # noqa: F401  (registers the schema field extensions)
