from django.apps import AppConfig


class RecruitingConfig(AppConfig):
    name = "craftwork.recruiting"
    label = "recruiting"
    verbose_name = "Recruiting"
