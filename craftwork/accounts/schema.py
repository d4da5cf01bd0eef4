"""OpenAPI description of the JWT authentication (drf-spectacular only knows simplejwt's own class)."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class RevocableJWTScheme(SimpleJWTScheme):
    target_class = "craftwork.accounts.authentication.RevocableJWTAuthentication"
    name = "jwtAuth"
