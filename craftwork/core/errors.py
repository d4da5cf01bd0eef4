"""Domain errors: exceptions with a stable ``code`` that the API and the web map to one format."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the domain refused the operation. Nothing was changed."""

    code = "domain_error"
    status_code = 400
    default_message = _("The operation is not allowed.")

    def __init__(self, message=None, *, code: str | None = None, details: dict | None = None):
        self.message = str(message or self.default_message)
        if code:
            self.code = code
        self.details = details or {}
        super().__init__(self.message)


class ValidationFailed(DomainError):
    code = "validation_error"
    status_code = 400
    default_message = _("The data is not valid.")


class PermissionDenied(DomainError):
    code = "permission_denied"
    status_code = 403
    default_message = _("You are not allowed to do this.")


class NotFound(DomainError):
    code = "not_found"
    status_code = 404
    default_message = _("Not found.")


class Conflict(DomainError):
    """The state changed under the caller (already accepted, already taken, ...)."""

    code = "conflict"
    status_code = 409
    default_message = _("The request conflicts with the current state.")


class InvalidTransition(Conflict):
    code = "invalid_transition"
    default_message = _("This action is not possible in the current state.")
