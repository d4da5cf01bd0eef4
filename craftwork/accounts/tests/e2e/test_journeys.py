"""Account journeys in a real browser: sign-up on a phone, verification, login errors, organizations."""

import re

import pytest
from playwright.sync_api import expect

from craftwork.accounts.models import Membership, User
from craftwork.accounts.tests.conftest import STRONG_PASSWORD
from craftwork.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from craftwork.web.tests.e2e.browser import assert_fits_phone, link_from_last_email

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _links_point_at_the_live_server(settings, live_server):
    settings.SITE_URL = live_server.url


def log_in(page, email, password):
    page.goto("/accounts/login/")
    page.get_by_test_id("login-email").fill(email)
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-submit").click()


def test_signup_verify_logout_and_login_on_a_phone(phone_page, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    page = phone_page
    page.goto("/accounts/signup/?role=freelancer")
    assert page.get_by_test_id("signup-role-freelancer").is_checked()
    page.get_by_test_id("signup-role-client").check()
    page.get_by_test_id("signup-email").fill("Maya@Example.com")
    page.get_by_label("First name").fill("Maya")
    page.get_by_test_id("signup-password").fill(STRONG_PASSWORD)
    page.get_by_test_id("signup-password-confirm").fill("not the same password")
    page.get_by_test_id("signup-submit").click()
    expect(page.get_by_text("The two passwords do not match.")).to_be_visible()

    page.get_by_test_id("signup-password").fill(STRONG_PASSWORD)
    page.get_by_test_id("signup-password-confirm").fill(STRONG_PASSWORD)
    page.get_by_test_id("signup-submit").click()
    page.wait_for_url(re.compile(r"/accounts/verify/sent/$"))
    expect(page.get_by_test_id("verify-email-sent")).to_be_visible()
    assert_fits_phone(page)

    page.goto(link_from_last_email(r"/accounts/verify/"))
    expect(page.get_by_text("your email address is verified")).to_be_visible()
    user = User.objects.get(email="maya@example.com")
    assert user.email_verified and user.is_client and user.is_freelancer

    page.get_by_role("checkbox", name="Menu").click()
    page.get_by_role("button", name="Log out").click()
    log_in(page, "maya@example.com", "wrong password")
    expect(page.get_by_test_id("login-error")).to_contain_text("not correct", use_inner_text=True)
    log_in(page, "maya@example.com", STRONG_PASSWORD)
    page.wait_for_url(re.compile(r"/dashboard/$"))


def test_lockout_message_in_the_browser(page, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    user = UserFactory()
    log_in(page, user.email, "guess-one")
    log_in(page, user.email, "guess-two")
    expect(page.get_by_test_id("login-error")).to_contain_text("locked", use_inner_text=True)
    log_in(page, user.email, DEFAULT_PASSWORD)
    expect(page.get_by_test_id("login-error")).to_contain_text("locked", use_inner_text=True)


def test_create_organization_invite_and_accept(browser, live_server):
    owner = UserFactory(email="owner@example.com")
    invitee = UserFactory(email="invitee@example.com")
    owner_context = browser.new_context(base_url=live_server.url)
    page = owner_context.new_page()
    log_in(page, owner.email, DEFAULT_PASSWORD)
    page.goto("/accounts/organizations/")
    page.get_by_test_id("organization-name").fill("Acme Builders")
    page.get_by_test_id("organization-create-submit").click()
    page.wait_for_url(re.compile(r"/accounts/organizations/[0-9a-f-]{36}/$"))
    page.get_by_test_id("invite-email").fill(invitee.email)
    page.get_by_test_id("invite-role").select_option("admin")
    page.get_by_test_id("invite-submit").click()
    expect(page.get_by_test_id("invitation-list").get_by_text(invitee.email)).to_be_visible()
    link = link_from_last_email(r"/accounts/invitations/")
    owner_context.close()

    invitee_context = browser.new_context(base_url=live_server.url)
    page = invitee_context.new_page()
    page.goto(link)
    page.get_by_test_id("login-email").fill(invitee.email)
    page.get_by_test_id("login-password").fill(DEFAULT_PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.get_by_test_id("invitation-accept-submit").click()
    page.wait_for_url(re.compile(r"/accounts/organizations/[0-9a-f-]{36}/$"))
    expect(page.get_by_test_id("member-table").get_by_text(invitee.email)).to_be_visible()
    invitee_context.close()
    assert Membership.objects.get(user=invitee).role == "admin"
