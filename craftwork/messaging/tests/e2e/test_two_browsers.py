"""Two browsers on one conversation: the client writes to a bidder from the job's proposals; the
freelancer opens it from the inbox; messages, the typing indicator, the read receipt and a
deletion reach the other page without a reload. Then the page on a phone-sized screen."""

import json

import pytest
from playwright.sync_api import expect

from craftwork.accounts.tests.factories import DEFAULT_PASSWORD, FreelancerFactory, UserFactory
from craftwork.jobs.tests.factories import JobFactory, ProposalFactory
from craftwork.messaging.models import Conversation, Message
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


def socket_frames(page) -> list:
    """What /ws/conversations/... sends to ``page``."""
    received: list = []

    def on_socket(socket):
        if "/ws/conversations/" in socket.url:
            socket.on("framereceived", lambda frame: received.append(json.loads(frame)))

    page.on("websocket", on_socket)
    return received


def wait_for(page, condition, timeout_ms=10_000):
    for _ in range(timeout_ms // 50):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError("condition not met in time")


def test_two_people_chat_live(browser, asgi_server, reference_data):
    client = UserFactory(first_name="Clara", last_name="Client")
    freelancer = FreelancerFactory(first_name="Felix", last_name="Freelancer")
    job = JobFactory(client=client, title="Booking API in Django")
    proposal = ProposalFactory(job=job, freelancer=freelancer)

    client_context, client_page = new_page(
        browser, asgi_server, viewport={"width": 1280, "height": 900}
    )
    client_frames = socket_frames(client_page)
    log_in(client_page, client)
    client_page.goto(f"/jobs/{job.pk}/proposals/")
    client_page.get_by_test_id("message-bidder").click()
    client_page.get_by_test_id("message-body").fill("Hi Felix, can you start on **Monday**?")
    client_page.get_by_test_id("start-send").click()
    conversation = Conversation.objects.get()
    client_page.wait_for_url(f"**/messages/{conversation.pk}/")
    expect(client_page.get_by_test_id("message")).to_have_count(1)
    wait_for(client_page, lambda: any(f["type"] == "hello" for f in client_frames))

    freelancer_context, freelancer_page = new_page(browser, asgi_server)
    freelancer_frames = socket_frames(freelancer_page)
    log_in(freelancer_page, freelancer)
    freelancer_page.goto("/messages/")
    row = freelancer_page.get_by_test_id("conversation-row")
    expect(row.get_by_test_id("unread-badge")).to_have_text("1 unread")
    row.locator("a").click()
    freelancer_page.wait_for_url(f"**/messages/{conversation.pk}/")
    expect(freelancer_page.locator(".msg-body strong")).to_have_text("Monday")
    wait_for(freelancer_page, lambda: any(f["type"] == "hello" for f in freelancer_frames))

    # Opening the conversation read it: the client's page shows the receipt, without a reload.
    expect(client_page.get_by_test_id("read-receipt")).to_have_text("Seen")

    # Typing shows on the other page (over the socket only; nothing is stored).
    freelancer_page.get_by_test_id("message-body").press_sequentially("Sure", delay=30)
    expect(client_page.get_by_test_id("typing-indicator")).to_have_text(
        "Felix Freelancer is typing…"
    )

    # The reply appears on the client's page without a reload (the socket triggers the refresh).
    freelancer_page.get_by_test_id("message-body").fill("Sure, Monday works for me.")
    freelancer_page.get_by_test_id("send-message").click()
    expect(freelancer_page.get_by_test_id("message")).to_have_count(2)
    expect(client_page.get_by_test_id("message")).to_have_count(2)
    expect(client_page.get_by_test_id("message").nth(1)).to_contain_text("Monday works for me")
    assert any(f["type"] == "message.created" for f in client_frames)
    expect(client_page.get_by_test_id("typing-indicator")).to_be_hidden()
    # The client's page had the conversation open: no "new message" notification for it.
    from craftwork.notifications.models import Notification

    assert not Notification.objects.filter(recipient=client, type="message_received").exists()

    # The client deletes their first message: the freelancer's page shows the marker, live.
    client_page.once("dialog", lambda dialog: dialog.accept())
    client_page.get_by_test_id("message").first.get_by_test_id("delete-message").click()
    expect(freelancer_page.get_by_test_id("message-deleted")).to_have_count(1)
    assert Message.objects.get(seq=1).deleted_at is not None
    client_context.close()
    freelancer_context.close()

    # A phone-sized screen: the conversation fits, the form works without horizontal scrolling.
    phone_context, phone = new_page(
        browser, asgi_server, viewport={"width": 375, "height": 740}, is_mobile=True
    )
    log_in(phone, freelancer)
    phone.goto(f"/messages/{conversation.pk}/")
    assert_fits_phone(phone)
    phone.get_by_test_id("message-body").fill("Sent from my phone")
    phone.get_by_test_id("send-message").click()
    expect(phone.get_by_test_id("message")).to_have_count(3)
    assert proposal.job.client == client
    phone_context.close()
