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
