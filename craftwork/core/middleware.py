from .context import client_ip, current_ip, current_user_agent


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ip_token = current_ip.set(client_ip(request))
        ua_token = current_user_agent.set(request.META.get("HTTP_USER_AGENT", "")[:300])
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(ip_token)
            current_user_agent.reset(ua_token)


class RateLimitHeadersMiddleware:
    """Copies the rate-limit state the API throttles recorded into X-RateLimit-* headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        state = getattr(request, "ratelimit_state", None)
        if state:
            response["X-RateLimit-Limit"] = str(state["limit"])
            response["X-RateLimit-Remaining"] = str(max(state["remaining"], 0))
            response["X-RateLimit-Reset"] = str(state["reset"])
        return response


class BodySizeLimitMiddleware:
    """Refuse oversized bodies before anything reads them (DRF parsers read the raw stream)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.http import HttpResponse, JsonResponse

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        is_multipart = request.META.get("CONTENT_TYPE", "").startswith("multipart/")
        limit = (
            settings.MAX_DOCUMENT_UPLOAD_BYTES + 1024 * 1024
            if is_multipart
            else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        )
        if length > limit:
            if request.path.startswith("/api/"):
                from .api.exceptions import error_body

                body = error_body(
                    "payload_too_large", "The request body is too large.", {"limit_bytes": limit}
                )
                return JsonResponse(body, status=413)
            return HttpResponse("Request body too large.", status=413, content_type="text/plain")
        return self.get_response(request)


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


class NulCharacterMiddleware:
    """Refuse NUL characters wherever input enters before a view sees it.

    PostgreSQL cannot store NUL in text, so one reaching a query or a write answers 500.
    Here: the path, the query string, the headers, urlencoded bodies, and the fields of
    multipart POSTs to web pages. The API's JSON and multipart bodies are checked by its
    parsers (``craftwork.core.api.parsers``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            return self._refuse(request)
        return self.get_response(request)

    def _has_nul(self, request) -> bool:
        if "\x00" in request.path_info or _encodes_nul(request.META.get("QUERY_STRING", "")):
            return True
        if any(
            "\x00" in str(value) for key, value in request.META.items() if key.startswith("HTTP_")
        ):
            return True
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("application/x-www-form-urlencoded"):
            return _encodes_nul(request.body.decode("latin-1"))
        if (
            content_type.startswith("multipart/")
            and request.method == "POST"
            and not _is_api(request)
        ):
            # Web pages only: parsing here would leave no raw body for the API views that read
            # it (webhooks); the API's multipart parser checks its own fields.
            return _form_has_nul(request)
        return False

    def _refuse(self, request):
        from django.http import HttpResponseBadRequest, JsonResponse
        from django.utils.translation import gettext as _

        from .jsoninput import nul_character

        if _is_api(request):
            from .api.exceptions import error_body

            error = nul_character()
            return JsonResponse(error_body(error.code, str(error.message)), status=400)
        return HttpResponseBadRequest(
            _("The request contains a NUL character, which is refused."),
            content_type="text/plain; charset=utf-8",
        )


def _encodes_nul(urlencoded: str) -> bool:
    return "\x00" in urlencoded or "%00" in urlencoded


def _form_has_nul(request) -> bool:
    # File names need no check: Django's multipart parser drops non-printable characters.
    texts = [text for key, values in request.POST.lists() for text in (key, *values)]
    return any("\x00" in text for text in (*texts, *request.FILES))


class ApiErrorShapeMiddleware:
    """Give every 4xx answer under ``/api/`` the API's JSON error shape.

    DRF views already do; these come from Django itself: an unknown path while ``DEBUG`` is on
    (the technical 404 page), ``SuspiciousOperation`` and disallowed hosts (400), CSRF
    failures (403), ``HttpResponseNotAllowed`` (405, no body).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not (_is_api(request) and 400 <= response.status_code < 500):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        return _json_error(response)


def _json_error(response):
    from django.http import JsonResponse

    from .api.exceptions import error_body, http_error

    code, message = http_error(response.status_code)
    converted = JsonResponse(error_body(code, message), status=response.status_code)
    for header in ("Allow", "Retry-After", "WWW-Authenticate", "Vary"):
        if header in response:
            converted[header] = response[header]
    return converted


# --- Private caching and browser features -----------------------------------------------------


def _is_authenticated(request) -> bool:
    """Signed in by session, or by a token DRF checked (it sets the user on this request too).
    An Authorization header counts even when refused: the answer is about that caller."""
    user = getattr(request, "user", None)
    return bool(getattr(user, "is_authenticated", False)) or "HTTP_AUTHORIZATION" in request.META


class PrivateCacheMiddleware:
    """Nothing answered to a signed-in caller is kept by a browser or a shared cache (a
    dashboard, a message, a wallet), unless the view chose its own Cache-Control."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" not in response and _is_authenticated(request):
            response["Cache-Control"] = "private, no-store"
        return response


def permissions_policy(**features):
    """Allow browser features the default Permissions-Policy turns off, for one view:
    ``@permissions_policy(camera="self", microphone="self")`` on an interview page,
    ``@permissions_policy(geolocation="self")`` for "use my location". A value is "self",
    "*", an origin, or a list of them. Decorate a view function or an ``as_view()``."""

    def decorator(view):
        view.permissions_policy = {**getattr(view, "permissions_policy", {}), **features}
        return view

    return decorator


def format_permissions_policy(policy: dict) -> str:
    def allowlist(value) -> str:
        items = [value] if isinstance(value, str) else list(value)
        return " ".join(item if item in ("self", "*") else f'"{item}"' for item in items)

    return ", ".join(f"{feature}=({allowlist(value)})" for feature, value in policy.items())


class PermissionsPolicyMiddleware:
    """Camera, microphone, geolocation and the like are off (settings.PERMISSIONS_POLICY)
    unless the view was decorated with ``permissions_policy``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        response = self.get_response(request)
        if "Permissions-Policy" not in response:
            policy = {**settings.PERMISSIONS_POLICY, **getattr(request, "permissions_policy", {})}
            response["Permissions-Policy"] = format_permissions_policy(policy)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        request.permissions_policy = getattr(view_func, "permissions_policy", {})
