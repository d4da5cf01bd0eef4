"""django.contrib.admin with the site of craftwork.accounts.admin_site (login through the service).

Its own module: INSTALLED_APPS imports it before the models are ready.
"""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    default_site = "craftwork.accounts.admin_site.AdminSite"
