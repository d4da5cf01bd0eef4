"""The admin site: its login form checks passwords through accounts.services.user_login, so the
admin shares the pauses and failure counts of the web and API logins and answers 429 when paused."""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from craftwork.core.context import client_ip
from craftwork.core.errors import DomainError

from . import services
from .errors import TooManyAttempts


class AdminLoginForm(AdminAuthenticationForm):
    retry_after: int | None = None

    def clean(self):
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email is not None and password:
            try:
                self.user_cache = services.user_login(
                    email=email, password=password, ip=client_ip(self.request)
                )
            except TooManyAttempts as exc:
                self.retry_after = exc.retry_after
                raise ValidationError(exc.message, code=exc.code) from exc
            except DomainError as exc:
                raise self.get_invalid_login_error() from exc
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class AdminSite(admin.AdminSite):
    login_form = AdminLoginForm

    def login(self, request, extra_context=None):
        response = super().login(request, extra_context)
        form = (getattr(response, "context_data", None) or {}).get("form")
        retry_after = getattr(form, "retry_after", None)
        if retry_after:
            response.status_code = 429
            response["Retry-After"] = str(retry_after)
        return response
