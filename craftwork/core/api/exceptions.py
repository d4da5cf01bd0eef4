"""One error format for every API error:

{"error": {"code": "<stable code>", "message": "<human text>", "details": {...}}}
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from craftwork.core.errors import DomainError

logger = logging.getLogger(__name__)


def error_body(code: str, message: str, details=None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def api_exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response(error_body(exc.code, exc.message, exc.details), status=exc.status_code)
    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent):
        return Response(
            error_body("payload_too_large", _("The request body is too large.")),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        if settings.DEBUG:
            return None
        logger.exception("unhandled API error", exc_info=exc)
        return Response(
            error_body("server_error", _("Something went wrong on our side. Please try again.")),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    response.data = _format(exc, response.data)
    return response


def _format(exc, data) -> dict:
    if isinstance(exc, exceptions.ValidationError):
        details = data if isinstance(data, dict) else {"non_field_errors": data}
        return error_body("validation_error", _("The submitted data is not valid."), details)
    detail = getattr(exc, "detail", "")
    details = {}
    if isinstance(detail, dict):  # simplejwt: {"detail", "code", "messages"}
        message = str(detail.get("detail", ""))
        code = str(detail.get("code") or exc.default_code)
        details = {k: v for k, v in data.items() if k not in ("detail", "code")}
    else:
        message = str(detail)
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        details["retry_after_seconds"] = int(exc.wait)
    return error_body(code, message, details)


def http_error(status_code: int) -> tuple[str, str]:
    """The code and message for a 4xx that Django answered itself, outside any DRF view."""
    known = {
        400: ("bad_request", _("The request is malformed.")),
        401: ("not_authenticated", _("Authentication credentials were not provided.")),
        403: ("permission_denied", _("You are not allowed to do this.")),
        404: ("not_found", _("Not found.")),
        405: ("method_not_allowed", _("This method is not allowed here.")),
        413: ("payload_too_large", _("The request body is too large.")),
        415: ("unsupported_media_type", _("This content type is not supported.")),
        429: ("throttled", _("Too many requests. Try again later.")),
    }
    return known.get(status_code, ("client_error", _("The request could not be processed.")))


def json_404(request, exception=None):
    return JsonResponse(error_body("not_found", _("Not found.")), status=404)


def json_500(request):
    return JsonResponse(
        error_body("server_error", _("Something went wrong on our side. Please try again.")),
        status=500,
    )
