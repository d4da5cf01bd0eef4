import re

import pytest
from django.core import mail

from craftwork.accounts import services
from craftwork.accounts.models import Membership
from craftwork.accounts.tests.factories import MembershipFactory, OrganizationFactory, UserFactory

STRONG_PASSWORD = "violet-kettle-harbor-42"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs the on-commit side effects (emails) of what happens inside."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def signup(committed):
    def make(**overrides):
        data = {
            "email": "ada@example.com",
            "password": STRONG_PASSWORD,
            "first_name": "Ada",
            "last_name": "Lovelace",
            "roles": {"client"},
        }
        data.update(overrides)
        with committed():
            return services.user_signup(**data)

    return make


def link_in(message, path_prefix: str) -> str:
    """The path of the first link in an email that starts with ``path_prefix``."""
    match = re.search(r"https?://[^/\s]+(" + re.escape(path_prefix) + r"[^\s\"<]*)", message.body)
    assert match, f"no {path_prefix} link in: {message.body}"
    return match.group(1)


def verification_parts(message) -> tuple[str, str]:
    path = link_in(message, "/accounts/verify/")
    uid, token = path.rstrip("/").split("/")[-2:]
    return uid, token


def reset_parts(message) -> tuple[str, str]:
    path = link_in(message, "/accounts/password/reset/")
    uid, token = path.rstrip("/").split("/")[-2:]
    return uid, token


def invitation_token(message) -> str:
    return link_in(message, "/accounts/invitations/").rstrip("/").split("/")[-1]


def last_mail_to(email):
    matching = [m for m in mail.outbox if email in m.to]
    assert matching, f"no mail to {email}"
    return matching[-1]


@pytest.fixture
def org_with_roles(db):
    """An organization with an owner, an admin and a plain member."""
    organization = OrganizationFactory(name="Acme")
    owner = MembershipFactory(
        organization=organization, role=Membership.Role.OWNER, user=UserFactory()
    ).user
    admin = MembershipFactory(
        organization=organization, role=Membership.Role.ADMIN, user=UserFactory()
    ).user
    member = MembershipFactory(
        organization=organization, role=Membership.Role.RECRUITER, user=UserFactory()
    ).user
    return organization, owner, admin, member


def websocket_ticket(user) -> str:
    """A ticket that opens one WebSocket as ``user`` (``?ticket=``)."""
    return services.websocket_ticket_issue(actor=user)["ticket"]
