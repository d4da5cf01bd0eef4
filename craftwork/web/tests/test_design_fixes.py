"""Issue 15's "broken today" list, each kept fixed by a test."""

import random

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from craftwork.accounts.models import User
from craftwork.accounts.tests.factories import FreelancerFactory, StaffFactory, UserFactory
from craftwork.core import locality
from craftwork.core.markdown import markdown_to_text
from craftwork.core.money import Money
from craftwork.jobs.models import InvitationStatus
from craftwork.jobs.tests.factories import JobInvitationFactory
from craftwork.notifications.demo import spread_notifications
from craftwork.notifications.models import Notification
from craftwork.notifications.tests.factories import NotificationFactory
from craftwork.payments.tests.factories import funded_escrow, wallet_with
from craftwork.profiles import services as profile_services
from craftwork.profiles.models import Currency

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    web = Client()
    web.force_login(user)
    return web


# --- navigation by role ---------------------------------------------------------------------


def test_staff_without_a_client_role_see_no_client_only_links_or_billing_checklist():
    staff = StaffFactory(is_client=False, is_freelancer=False)
    page = signed_in(staff).get(reverse("web:dashboard")).content.decode()
    assert reverse("jobs:create") not in page and reverse("jobs:mine") not in page
    assert reverse("profiles:client-edit") not in page  # the billing checklist
    assert reverse("moderation:queue") in page and reverse("web:style-guide") in page


def test_a_client_gets_post_a_job_and_a_freelancer_gets_find_work():
    client_page = signed_in(UserFactory()).get(reverse("web:dashboard")).content.decode()
    assert 'data-testid="nav-post-job"' in client_page
    freelancer_page = signed_in(FreelancerFactory()).get(reverse("web:dashboard"))
    body = freelancer_page.content.decode()
    assert 'data-testid="nav-post-job"' not in body and reverse("jobs:my-proposals") in body


def test_pages_carry_no_inline_scripts_or_handlers():
    body = signed_in(UserFactory()).get(reverse("web:dashboard")).content.decode()
    assert "onchange=" not in body and "onclick=" not in body
    assert not [s for s in body.split("<script")[1:] if not s.lstrip().startswith("src=")]


def test_style_guide_is_for_staff_only():
    assert signed_in(UserFactory()).get(reverse("web:style-guide")).status_code == 404
    page = signed_in(StaffFactory()).get(reverse("web:style-guide"))
    assert page.status_code == 200 and b'class="stepper"' in page.content


# --- language ---------------------------------------------------------------------------------


def test_the_footer_language_picker_switches_a_signed_in_person():
    user = UserFactory(language="es")
    web = signed_in(user)
    response = web.post(reverse("web:set-language"), {"language": "en", "next": "/dashboard/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "en"
    assert web.get("/dashboard/")["Content-Language"] == "en"


def test_the_language_picker_ignores_an_unknown_language():
    user = UserFactory(language="es")
    signed_in(user).post(reverse("web:set-language"), {"language": "xx\x00", "next": "/"})
    user.refresh_from_db()
    assert user.language == "es"


def test_category_names_are_translated_on_spanish_pages():
    from craftwork.catalog.models import Category

    category = Category.objects.get(slug="home-services")
    user = UserFactory(language="es")
    body = signed_in(user).get("/jobs/").content.decode()
    assert "Servicios para el hogar" in body
    from django.utils import translation

    with translation.override("es"):
        assert str(category) == "Servicios para el hogar"


# --- money pages ------------------------------------------------------------------------------


def test_wallet_summary_and_transactions_are_in_one_currency():
    provider = FreelancerFactory()
    payer = UserFactory()
    wallet_with(provider, Money(10_000, "USD"), client=payer)
    wallet_with(provider, Money(7_000, "EUR"), client=payer)
    page = signed_in(provider).get("/wallet/?currency=EUR")
    assert page.context["currency"] == "EUR"
    entries = list(page.context["page"].object_list)
    assert entries and {entry.currency for entry in entries} == {"EUR"}
    # The filter's currency wins over the tab's, and the summary follows it.
    page = signed_in(provider).get("/wallet/?currency=EUR&currency=USD")
    assert {entry.currency for entry in page.context["page"].object_list} <= {"EUR", "USD"}


def test_a_client_wallet_has_no_withdraw_or_lifetime_earned():
    payer = UserFactory()
    funded_escrow(payer, Money(5_000, "USD"))
    body = signed_in(payer).get("/wallet/").content.decode()
    assert 'data-testid="in-escrow"' in body
    assert 'data-testid="earned"' not in body and reverse("payments:withdraw") not in body


# --- invitations, moderation, notifications, profiles ---------------------------------------


def test_a_withdrawn_invitation_offers_no_conversation():
    invitation = JobInvitationFactory(status=InvitationStatus.WITHDRAWN)
    body = signed_in(invitation.freelancer).get(
        reverse("jobs:invitation-detail", args=[invitation.pk])
    )
    assert body.status_code == 200
    assert 'data-testid="message-invitation"' not in body.content.decode()
    pending = JobInvitationFactory()
    body = signed_in(pending.freelancer).get(reverse("jobs:invitation-detail", args=[pending.pk]))
    assert 'data-testid="message-invitation"' in body.content.decode()


def test_markdown_summaries_read_as_plain_words():
    assert markdown_to_text("**Cheap** logos, _pay_ me by [wire](http://x)") == (
        "Cheap logos, pay me by wire"
    )
    assert markdown_to_text("a < b & c") == "a < b & c"
    assert markdown_to_text("<script>alert(1)</script>hi") == "hi"


def test_demo_notifications_are_spread_over_weeks_newest_last():
    user = UserFactory()
    notes = [NotificationFactory(recipient=user) for _ in range(12)]
    assert spread_notifications(random.Random(7)) == 12
    stamps = [
        Notification.objects.get(pk=note.pk).created_at
        for note in notes  # in the order they were made
    ]
    assert stamps == sorted(stamps) and len(set(stamps)) == 12
    now = timezone.now()
    assert (now - stamps[0]).days >= 7 and now - stamps[-1] < timezone.timedelta(hours=5)


def test_the_skills_step_names_what_publishing_needs():
    from craftwork.profiles.selectors import freelancer_completeness

    steps = freelancer_completeness(FreelancerFactory())["steps"]
    label = next(str(step["label"]) for step in steps if "skills" in str(step["label"]))
    assert "3" in label and "1" in label


# --- where a new person is --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("browser_zone", "accept", "expected"),
    [
        ("Europe/Madrid", "", ("Europe/Madrid", "EUR")),
        ("America/Mexico_City", "en", ("America/Mexico_City", "MXN")),
        ("", "es-MX,es;q=0.9", ("America/Mexico_City", "MXN")),
        ("Not/AZone", "en-GB", ("Europe/London", "GBP")),
        ("Asia/Tokyo", "", ("Asia/Tokyo", "USD")),  # a currency the platform does not handle
        ("\x00", "fr", ("UTC", "USD")),
    ],
)
def test_time_zone_and_currency_come_from_the_browser(browser_zone, accept, expected):
    guess = locality.guess(
        browser_timezone=browser_zone, accept_language=accept, currencies=Currency.values
    )
    assert guess == expected


def test_sign_up_keeps_the_browser_time_zone_and_the_profile_its_currency(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            "email": "lucia@example.com",
            "first_name": "Lucía",
            "password1": "a sturdy passphrase 42",
            "password2": "a sturdy passphrase 42",
            "roles": ["freelancer"],
            "timezone": "Europe/Madrid",
        },
        HTTP_ACCEPT_LANGUAGE="es-ES",
    )
    assert response.status_code == 302
    user = User.objects.get(email="lucia@example.com")
    assert user.timezone == "Europe/Madrid"
    profile = profile_services.freelancer_profile_get_or_create(user=user)
    assert profile.currency == "EUR"
