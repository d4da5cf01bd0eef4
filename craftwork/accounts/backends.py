"""The authentication backend: Django's ``authenticate()`` checks passwords through the login service."""

from django.contrib.auth.backends import ModelBackend

from craftwork.core.context import client_ip
from craftwork.core.errors import DomainError

from .models import User


class EmailPasswordBackend(ModelBackend):
    """Whatever calls ``authenticate()`` (the admin, the test client, a library) gets the same
    pauses and counting as the web and API logins. Sessions and permissions are ModelBackend's."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        from . import services  # services import this app's models; backends load earlier

        email = username if username is not None else kwargs.get(User.USERNAME_FIELD)
        ip = client_ip(request) if request is not None else None
        try:
            return services.user_login(email=email, password=password, ip=ip)
        except DomainError:
            return None
