"""Query parameters with a fixed set of values: an unknown value is a 400 in the API's error
shape, not silently ignored (a client with a typo would otherwise get an unfiltered list)."""

from django.utils.translation import gettext as _

from craftwork.core.errors import ValidationFailed


def choice_param(request, name: str, choices, *, default=None):
    """The value of query parameter ``name`` if it is one of ``choices``; ``default`` when it
    is absent or empty; otherwise a ``ValidationFailed`` naming the parameter."""
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    allowed = [str(choice) for choice in choices]
    if raw not in allowed:
        message = _("Choose one of: %(choices)s.") % {"choices": ", ".join(allowed)}
        raise ValidationFailed(message, code="invalid_parameter", details={name: [message]})
    return raw
