"""Two browsers: one user acts, the other's bell updates live without a reload; then the list,
marking read (HTMX) and the preferences on a phone-sized screen."""

import json

import pytest
from playwright.sync_api import expect

from craftwork.accounts.models import Membership
from craftwork.accounts.tests.factories import (
    DEFAULT_PASSWORD,
    MembershipFactory,
    OrganizationFactory,
)
from craftwork.notifications.models import Notification, NotificationPreference
from craftwork.web.tests.e2e.browser import assert_fits_phone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def new_page(browser, base_url, **options):
    context = browser.new_context(base_url=base_url, **options)
    context.set_default_timeout(10_000)
    return context, context.new_page()


def log_in(page, user):
    page.goto("/accounts/login/")
    page.get_by_test_id("login-email").fill(user.email)
    page.get_by_test_id("login-password").fill(DEFAULT_PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/dashboard/")


def socket_messages(page) -> list:
    """Collects what /ws/me/ sends to ``page``."""
    received: list = []
    page.on(
        "websocket",
        lambda socket: socket.on("framereceived", lambda frame: received.append(json.loads(frame))),
    )
    return received


def wait_for(page, condition, timeout_ms=10_000):
    for _ in range(timeout_ms // 50):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError("condition not met in time")


def test_the_bell_updates_live_when_the_other_side_acts(browser, asgi_server):
    organization = OrganizationFactory(name="Acme")
    owner = MembershipFactory(organization=organization, role=Membership.Role.OWNER).user
    member = MembershipFactory(organization=organization, role=Membership.Role.RECRUITER).user

    member_context, member_page = new_page(
        browser, asgi_server, viewport={"width": 1280, "height": 900}
    )
    received = socket_messages(member_page)
    log_in(member_page, member)
    badge = member_page.locator("[data-notifications-count]")
    expect(badge).to_be_hidden()
    wait_for(member_page, lambda: {"type": "hello", "user": str(member.pk)} in received)

    owner_context, owner_page = new_page(browser, asgi_server)
    log_in(owner_page, owner)
    owner_page.goto(f"/accounts/organizations/{organization.pk}/")
    row = owner_page.get_by_test_id("member-row").filter(has_text=member.email)
    row.get_by_test_id("member-role-select").select_option("admin")
    row.get_by_test_id("member-role-submit").click()
    owner_page.wait_for_load_state()
    owner_context.close()

    # No reload on the member's page: the push over /ws/me/ updated the badge.
    expect(badge).to_be_visible()
    expect(badge.locator("[data-count]")).to_have_text("1")
    notification = Notification.objects.get(recipient=member)
    assert notification.type == "organization_role_changed"
    assert received[-1]["type"] == "notification"
    assert received[-1]["data"]["id"] == str(notification.pk)

    member_page.get_by_test_id("notifications-bell").click()
    item = member_page.get_by_test_id("notification")
    expect(item).to_contain_text("Your role in Acme is now Admin")
    item.get_by_test_id("mark-read").click()
    expect(item.get_by_test_id("mark-read")).to_have_count(0)  # swapped in place by HTMX
    expect(badge).to_be_hidden()  # the new count was pushed back as well
    assert received[-1] == {"type": "notifications_read", "data": {"unread_count": 0}}
    member_context.close()

    phone_context, phone = new_page(
        browser, asgi_server, viewport={"width": 375, "height": 740}, is_mobile=True
    )
    log_in(phone, member)
    phone.goto("/notifications/preferences/")
    assert_fits_phone(phone)
    phone.get_by_label("Your role in an organization changed: Email").uncheck()
    phone.get_by_label("Send me a daily email digest of my unread notifications").check()
    phone.get_by_test_id("save-preferences").click()
    expect(phone.get_by_text("Your notification preferences are saved.")).to_be_visible()
    preference = NotificationPreference.objects.get(user=member, channel="email")
    assert (preference.type, preference.enabled) == ("organization_role_changed", False)
    assert member.digest_preference.daily is True
    phone_context.close()
