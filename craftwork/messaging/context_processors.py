from django.utils.functional import cached_property

from . import selectors


class UnreadMessagesBadge:
    """The header's unread-messages count, counted (one query) only if the page shows it."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def count(self) -> int:
        return selectors.unread_total(self.user)

    def __str__(self):
        return str(self.count)


def messaging(request):
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    return {"messaging_badge": UnreadMessagesBadge(user)}
