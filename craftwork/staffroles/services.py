"""Writes of staff roles: assigning one is itself an audited staff action."""

from django.db import transaction
from django.utils.translation import gettext as _

from craftwork.core.audit import audit
from craftwork.core.errors import ValidationFailed

from . import access
from .models import Role, StaffRole


def staff_role_set(*, actor, user, role: str) -> StaffRole:
    access.require(actor, access.ROLES_ASSIGN)
    if role not in Role.values:
        raise ValidationFailed(details={"role": [_("Choose a staff role.")]})
    if not user.is_staff:
        raise ValidationFailed(details={"user": [_("Only staff members have a staff role.")]})
    with transaction.atomic():
        row, _created = StaffRole.objects.select_for_update().get_or_create(
            user=user, defaults={"role": role, "assigned_by": actor}
        )
        previous = None if _created else row.role
        if not _created and row.role != role:
            row.role = role
            row.assigned_by = actor
            row.save(update_fields=["role", "assigned_by", "updated_at"])
        audit(
            actor=actor,
            action="staff_role_set",
            target=user,
            details={"role": role, "previous": previous},
        )
    user._staff_role_cache = None
    return row
