"""The one permission gate for staff: ``staff_can(user, permission)``.

Layer 2, so that every app that lets staff act (payments refunds, account suspension, the
console) asks the same question. A staff user without a ``StaffRole`` row is an admin: that is
what ``is_staff`` meant before roles existed, and a superuser is always an admin. Assigning a
role narrows what someone may do.
"""

from craftwork.core.errors import PermissionDenied

from .models import Role, StaffRole

# Permission names are "<area>.<verb>". Keep this table the only place that grants them.
VIEW_CONSOLE = "console.view"
VIEW_METRICS = "console.metrics"
EXPORT = "console.export"
USERS_VIEW = "users.view"
USERS_VERIFY = "users.verify"
USERS_SUSPEND = "users.suspend"
LISTINGS_UNPUBLISH = "listings.unpublish"
PAYMENTS_VIEW = "payments.view"
PAYMENTS_REFUND = "payments.refund"
MESSAGES_READ = "messages.read"
ROLES_ASSIGN = "staff.roles"

_EVERY = frozenset(
    {
        VIEW_CONSOLE,
        VIEW_METRICS,
        EXPORT,
        USERS_VIEW,
        USERS_VERIFY,
        USERS_SUSPEND,
        LISTINGS_UNPUBLISH,
        PAYMENTS_VIEW,
        PAYMENTS_REFUND,
        MESSAGES_READ,
        ROLES_ASSIGN,
    }
)

PERMISSIONS: dict[str, frozenset] = {
    # Answers users: sees accounts, payments and conversations; moves no money.
    Role.SUPPORT: frozenset({VIEW_CONSOLE, USERS_VIEW, USERS_VERIFY, PAYMENTS_VIEW, MESSAGES_READ}),
    # Money: numbers, payments, refunds and exports; never private conversations.
    Role.FINANCE: frozenset(
        {VIEW_CONSOLE, VIEW_METRICS, EXPORT, USERS_VIEW, PAYMENTS_VIEW, PAYMENTS_REFUND}
    ),
    # Abuse: suspends accounts, unpublishes listings, reads reported conversations.
    Role.TRUST_SAFETY: frozenset(
        {
            VIEW_CONSOLE,
            USERS_VIEW,
            USERS_VERIFY,
            USERS_SUSPEND,
            LISTINGS_UNPUBLISH,
            MESSAGES_READ,
            EXPORT,
        }
    ),
    Role.ADMIN: _EVERY,
}


def role_of(user) -> str | None:
    """The staff role of ``user``, or None for anyone who is not active staff."""
    if not (getattr(user, "is_authenticated", False) and user.is_active and user.is_staff):
        return None
    if user.is_superuser:
        return Role.ADMIN
    cached = getattr(user, "_staff_role_cache", None)
    if cached is None:
        row = StaffRole.objects.filter(user_id=user.pk).values_list("role", flat=True).first()
        cached = row or Role.ADMIN
        user._staff_role_cache = cached
    return cached


def permissions_of(user) -> frozenset:
    role = role_of(user)
    return PERMISSIONS.get(role, frozenset()) if role else frozenset()


def staff_can(user, permission: str) -> bool:
    return permission in permissions_of(user)


class StaffPermissionDenied(PermissionDenied):
    code = "staff_permission_denied"


def require(user, permission: str) -> None:
    """Raise unless ``user`` is staff whose role grants ``permission``."""
    if not staff_can(user, permission):
        raise StaffPermissionDenied(details={"permission": permission})
