from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "craftwork.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from . import checks, schema  # noqa: F401 - register the deploy check, the OpenAPI auth extension
