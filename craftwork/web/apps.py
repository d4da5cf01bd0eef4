from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "craftwork.web"
    label = "web"
    verbose_name = "Web"
