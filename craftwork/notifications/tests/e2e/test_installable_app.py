"""A freelancer installs the app shell, turns push on, and is told by push when they are hired.

Chromium's own push service is Google's, which this machine cannot reach. So the page registers a
subscription whose endpoint is a push service on 127.0.0.1 (``LocalPushService``), with keys the
test holds as the browser would; what the server sends there is decrypted with those keys and
handed to the service worker through the DevTools protocol, exactly as Chromium hands a push
from its push service. What is checked: the server's encryption and signing, the worker's
notification, the cached shell and the offline page.
"""

import json

import pytest
from playwright.sync_api import expect

from craftwork.accounts.tests.factories import DEFAULT_PASSWORD
from craftwork.jobs import services as job_services
from craftwork.jobs.tests.factories import JobFactory, ProposalFactory
from craftwork.notifications.models import Delivery, PushSubscription

from ..pushservice import BrowserKeys

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

READY = "navigator.serviceWorker.ready.then((r) => !!r.active)"
NOTIFICATIONS = """navigator.serviceWorker.ready
  .then((r) => r.getNotifications())
  .then((list) => list.map((n) => ({title: n.title, body: n.body, url: n.data && n.data.url})))"""
SUBSCRIBE = """([endpoint, keys]) => fetch("/api/v1/notifications/push-devices/", {
  method: "POST", credentials: "same-origin",
  headers: {"Content-Type": "application/json",
            "X-CSRFToken": document.querySelector("input[name=csrfmiddlewaretoken]").value},
  body: JSON.stringify({endpoint: endpoint, expirationTime: null, keys: keys}),
}).then((response) => response.status)"""


def registrations_of(cdp) -> list:
    seen: list = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: seen.extend(r for r in event["registrations"] if not r["isDeleted"]),
    )
    cdp.send("ServiceWorker.enable")
    return seen


def test_installed_app_shell_receives_a_push_when_hired(browser, asgi_server, vapid, push_service):
    proposal = ProposalFactory(job=JobFactory(openings=1))
    freelancer = proposal.freelancer
    context = browser.new_context(base_url=asgi_server, viewport={"width": 390, "height": 844})
    context.set_default_timeout(15_000)
    context.grant_permissions(["notifications"], origin=asgi_server)
    page = context.new_page()

    page.goto("/accounts/login/")
    page.get_by_test_id("login-email").fill(freelancer.email)
    page.get_by_test_id("login-password").fill(DEFAULT_PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/dashboard/")

    # Installable: the manifest is linked and the worker took control with the shell cached.
    page.goto("/notifications/preferences/")
    assert page.evaluate(READY) is True
    cached = page.evaluate(
        "caches.keys().then((names) => caches.open(names[0]))"
        ".then((cache) => cache.keys()).then((requests) => requests.map((r) => new URL(r.url).pathname))"
    )
    assert "/offline/" in cached
    expect(page.get_by_test_id("push-enable")).to_be_visible()

    # Push on for this device (the subscription the page's script would send).
    browser_keys = BrowserKeys()
    status = page.evaluate(
        SUBSCRIBE,
        [
            push_service.endpoint("phone"),
            {"p256dh": browser_keys.p256dh, "auth": browser_keys.auth},
        ],
    )
    assert status == 201
    assert PushSubscription.objects.get().user == freelancer

    # The client hires the freelancer: the server encrypts and posts to the device's endpoint.
    job_services.proposal_accept(actor=proposal.job.client, proposal=proposal)
    hired = Delivery.objects.get(
        channel="push", notification__recipient=freelancer, notification__type="proposal_accepted"
    )
    assert hired.status == Delivery.Status.SENT
    pushed = [browser_keys.decrypt(message.body).decode() for message in push_service.received]
    [data] = [text for text in pushed if json.loads(text)["title"].startswith("You were hired")]

    cdp = context.new_cdp_session(page)
    registrations = registrations_of(cdp)
    page.wait_for_timeout(200)
    [registration] = [r for r in registrations if r["scopeURL"] == f"{asgi_server}/"][:1]
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": asgi_server, "registrationId": registration["registrationId"], "data": data},
    )
    shown = []
    for _ in range(100):
        shown = page.evaluate(NOTIFICATIONS)
        if shown:
            break
        page.wait_for_timeout(100)
    assert shown and shown[0]["title"].startswith("You were hired")
    assert shown[0]["url"].startswith("/notifications/")

    # Offline: a page comes from the worker's offline fallback, not the browser's error page.
    context.set_offline(True)
    page.goto("/jobs/")
    expect(page.get_by_test_id("offline-page")).to_be_visible()
    context.set_offline(False)
    context.close()
