"""What the console's user page shows of one person. Staff-only reads (the views check the gate);
each list is capped, newest first, with its related rows fetched in the same query."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from craftwork.contracts.models import Contract
from craftwork.core.models import AuditLog
from craftwork.credentials.models import Credential
from craftwork.jobs.models import Job
from craftwork.moderation.models import Case, Flag
from craftwork.payments.models import Payment
from craftwork.reviews.models import Review
from craftwork.staffroles import access

LIMIT = 50


def staff_user(pk):
    return get_user_model().objects.filter(pk=pk).first()


def user_page(user, *, actor) -> dict:
    pk = str(user.pk)
    page = {
        "jobs": Job.objects.filter(client=user).select_related("category")[:LIMIT],
        "contracts": Contract.objects.filter(Q(client=user) | Q(provider=user))
        .select_related("client", "provider")
        .order_by("-created_at")[:LIMIT],
        "reviews_written": Review.objects.filter(author=user)
        .select_related("subject")
        .order_by("-created_at")[:LIMIT],
        "reviews_received": Review.objects.filter(subject=user)
        .select_related("author")
        .order_by("-created_at")[:LIMIT],
        "flags_filed": Flag.objects.filter(reporter=user).order_by("-created_at")[:LIMIT],
        "cases_against": Case.objects.filter(author=user).order_by("-created_at")[:LIMIT],
        "credentials": Credential.objects.filter(owner=user)
        .select_related("document_type")
        .order_by("-created_at")[:LIMIT],
        "audit": AuditLog.objects.filter(
            Q(actor=user) | Q(object_type="accounts.user", object_id=pk)
        )
        .select_related("actor")
        .order_by("-created_at", "-id")[:LIMIT],
        "payments": [],
    }
    if access.staff_can(actor, access.PAYMENTS_VIEW):
        page["payments"] = Payment.objects.filter(payer=user).order_by("-created_at")[:LIMIT]
    return page


def user_messages(user):
    """The messages ``user`` wrote, for staff whose role may read conversations."""
    from craftwork.messaging.models import Message

    return (
        Message.objects.filter(author=user)
        .select_related("conversation")
        .order_by("-created_at")[:LIMIT]
    )
