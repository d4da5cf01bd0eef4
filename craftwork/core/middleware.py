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
