"""Sign-up answers the same whether or not the address is registered; the owner is told instead."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from craftwork.accounts import services
from craftwork.accounts.models import User
from craftwork.accounts.tests.conftest import STRONG_PASSWORD, link_in
from craftwork.accounts.tests.factories import UserFactory
from craftwork.core.models import AuditLog

pytestmark = pytest.mark.django_db

SIGNUP = "/api/v1/auth/signup/"


def body(email, **overrides):
    data = {
        "email": email,
        "password": STRONG_PASSWORD,
        "first_name": "Ada",
        "last_name": "Lovelace",
        "roles": ["client"],
        **overrides,
    }
    return data


def web_form(email):
    return {
        "email": email,
        "first_name": "Ada",
        "last_name": "Lovelace",
        "password1": STRONG_PASSWORD,
        "password2": STRONG_PASSWORD,
        "roles": ["client"],
    }


def without_csrf(page: str) -> str:
    return re.sub(r"\b[A-Za-z0-9]{64}\b", "<csrf token>", page)


@pytest.fixture
def owner(db):
    return UserFactory(email="owner@example.com", first_name="Olive")


def test_existing_address_creates_nothing_and_emails_its_owner(owner, committed):
    with committed():
        result = services.user_signup(
            email="Owner@Example.com",
            password=STRONG_PASSWORD,
            first_name="Mallory",
            roles={"freelancer"},
        )
    assert result is None
    assert User.objects.count() == 1
    owner.refresh_from_db()
    assert owner.first_name == "Olive" and not owner.is_freelancer
    [message] = mail.outbox
    assert message.to == [owner.email]
    assert "tried to sign up with your email address" in message.body
    assert "/accounts/login/" in message.body and "/accounts/password/reset/" in message.body
    assert AuditLog.objects.filter(action="signup_existing_email", object_id=str(owner.pk)).exists()


def test_notices_to_one_owner_are_bounded(owner, committed):
    with committed():
        for _ in range(6):
            services.user_signup(
                email=owner.email, password=STRONG_PASSWORD, first_name="M", roles={"client"}
            )
    assert len(mail.outbox) == 3


def test_inactive_owner_gets_no_notice(owner, committed):
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    with committed():
        assert (
            services.user_signup(
                email=owner.email, password=STRONG_PASSWORD, first_name="M", roles={"client"}
            )
            is None
        )
    assert mail.outbox == []


def test_invalid_input_is_still_reported_for_a_taken_address(owner):
    from craftwork.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as error:
        services.user_signup(email=owner.email, password="123", first_name="M", roles={"client"})
    assert "password" in error.value.details


def test_api_answers_the_same_for_new_and_taken_addresses(api_client, owner, committed):
    with committed():
        new = api_client.post(SIGNUP, body("newcomer@example.com"))
        taken = api_client.post(SIGNUP, body(owner.email.upper()))
    assert new.status_code == taken.status_code == 202
    assert new.json() == taken.json()
    assert set(new.json()) == {"detail"}
    assert sorted(m.to[0] for m in mail.outbox) == ["newcomer@example.com", owner.email]


def test_web_answers_the_same_for_new_and_taken_addresses(client, owner, committed):
    with committed():
        new = client.post(reverse("accounts:signup"), web_form("newcomer@example.com"))
    new_page = client.get(new["Location"]).content.decode()
    client.cookies.clear()
    with committed():
        taken = client.post(reverse("accounts:signup"), web_form(owner.email))
    taken_page = client.get(taken["Location"]).content.decode()
    assert new.status_code == taken.status_code == 302
    assert new["Location"] == taken["Location"] == reverse("accounts:verify-email-sent")
    assert without_csrf(new_page.replace("newcomer@example.com", owner.email)) == without_csrf(
        taken_page
    )
    assert "_auth_user_id" not in client.session


def test_the_verification_link_signs_in_only_the_browser_that_signed_up(client, committed):
    from django.test import Client

    with committed():
        client.post(reverse("accounts:signup"), web_form("newcomer@example.com"))
    path = link_in(mail.outbox[-1], "/accounts/verify/")
    stranger = Client()
    stranger.get(path)
    assert "_auth_user_id" not in stranger.session
    user = User.objects.get(email="newcomer@example.com")
    assert user.email_verified
    # The link is spent; this browser can still log in with its password.
    assert (
        client.post(
            reverse("accounts:login"), {"email": user.email, "password": STRONG_PASSWORD}
        ).status_code
        == 302
    )


def test_signing_up_browser_is_signed_in_by_its_link(client, committed):
    with committed():
        client.post(reverse("accounts:signup"), web_form("newcomer@example.com"))
    client.get(link_in(mail.outbox[-1], "/accounts/verify/"))
    assert client.session["_auth_user_id"] == str(User.objects.get().pk)
