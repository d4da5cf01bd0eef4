from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "craftwork.profiles"
    label = "profiles"
    verbose_name = "Profiles"
