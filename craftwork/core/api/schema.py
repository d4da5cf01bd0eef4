"""drf-spectacular hooks and field extensions for what every operation shares.

Imported by ``CoreConfig.ready`` so the extensions are registered before any schema is built.
"""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {"type": "object", "additionalProperties": True},
            },
            "required": ["code", "message", "details"],
        }
    },
    "required": ["error"],
}
# Any operation can meet these: bad input (400), a bad or missing token (401), a rule or an
# object it may not see (403/404), a throttle (429); bodies can also be too large or of an
# unsupported type. Documented once here rather than on every view.
COMMON_ERRORS = {
    "400": "Invalid input (`validation_error`, `parse_error`, `nul_character`, domain codes).",
    "401": "Not authenticated, or the token is not valid.",
    "403": "Not allowed.",
    "404": "Not found, or not yours.",
    "429": "Throttled.",
}
BODY_ERRORS = {"413": "The body is too large.", "415": "Unsupported content type."}
METHODS = {"get", "put", "patch", "post", "delete"}


def document_errors(result, generator, request, public):
    """Add the shared ``Error`` component and the common 4xx answers to every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in METHODS:
                continue
            errors = {**COMMON_ERRORS, **(BODY_ERRORS if "requestBody" in operation else {})}
            responses = operation.setdefault("responses", {})
            for status, description in errors.items():
                documented = responses.setdefault(status, {"description": description})
                documented.setdefault("content", content)
    return result


def formatted_or_blank(openapi_format: str) -> dict:
    return {
        "oneOf": [{"type": "string", "format": openapi_format}, {"type": "string", "maxLength": 0}]
    }


URL_OR_BLANK = formatted_or_blank("uri")


class _MaybeBlankFormatted(OpenApiSerializerFieldExtension):
    """URL and email fields that may hold ``""`` (a blank model field, any read-only one) are
    documented as "the format, or empty"; a bare ``format`` would call every ``""`` invalid."""

    openapi_format = ""

    def map_serializer_field(self, auto_schema, direction):
        if self.target.read_only or getattr(self.target, "allow_blank", False):
            return formatted_or_blank(self.openapi_format)
        return {"type": "string", "format": self.openapi_format}


class URLFieldExtension(_MaybeBlankFormatted):
    target_class = "rest_framework.fields.URLField"
    openapi_format = "uri"


class EmailFieldExtension(_MaybeBlankFormatted):
    target_class = "rest_framework.fields.EmailField"
    openapi_format = "email"
