from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "craftwork.accounts"
    label = "accounts"
    verbose_name = "Accounts"
