from craftwork.accounts.tests.factories import StaffFactory
from craftwork.staffroles.models import StaffRole


def staff(role: str | None = None, **fields):
    """A staff member with ``role`` (None: no role row, which the gate treats as admin)."""
    user = StaffFactory(**fields)
    if role:
        StaffRole.objects.create(user=user, role=role)
    return user
