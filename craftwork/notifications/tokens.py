"""Signed one-click unsubscribe tokens: one per user and notification type (or the digest)."""

from django.core import signing

SALT = "craftwork.notifications.unsubscribe"
DIGEST = "@digest"  # never a type name (types are [a-z0-9_])


class BadToken(Exception):
    pass


def unsubscribe_token(user, type_name: str) -> str:
    return signing.dumps({"u": str(user.pk), "t": type_name}, salt=SALT)


def read_unsubscribe_token(token) -> tuple[str, str]:
    """The (user id, type) a token was made for; ``BadToken`` when forged, damaged or foreign."""
    if not isinstance(token, str) or not token or len(token) > 500:
        raise BadToken
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature as exc:
        raise BadToken from exc
    if not isinstance(data, dict) or not isinstance(data.get("u"), str):
        raise BadToken
    if not isinstance(data.get("t"), str):
        raise BadToken
    return data["u"], data["t"]
