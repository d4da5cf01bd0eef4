import pytest
from django.test import Client

from craftwork.accounts.tests.factories import FreelancerFactory, UserFactory
from craftwork.billing import credits

pytestmark = pytest.mark.django_db


def test_pricing_page_is_public():
    response = Client().get("/pricing/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Business" in body and "Freelancer Plus" in body and "$49.00 per month" in body


def test_credit_pages_show_balance_and_reasons():
    freelancer = FreelancerFactory()
    wallet = credits.wallet_for(user=freelancer)
    credits.credits_grant(
        actor=None,
        wallet=wallet,
        credits=4,
        reason="Thanks for the bug report",
        idempotency_key="k",
    )
    client = Client()
    client.force_login(freelancer)
    assert client.get("/billing/").status_code == 200
    body = client.get("/billing/credits/").content.decode()
    assert "Thanks for the bug report" in body and "Monthly credits of the" in body
    assert 'data-testid="credit-balance">14<' in body


def test_credit_page_of_a_foreign_workspace_redirects_with_a_message():
    client = Client()
    client.force_login(UserFactory())
    response = client.get("/billing/credits/?organization=00000000-0000-0000-0000-000000000000")
    assert response.status_code == 302


def test_billing_needs_login():
    assert Client().get("/billing/credits/").status_code == 302


def test_staff_edit_a_credit_price_in_the_admin():
    from craftwork.billing.models import CreditPrice

    staff = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(staff)
    row = CreditPrice.objects.get(action="proposal_submit")
    response = client.post(f"/admin/billing/creditprice/{row.pk}/change/", {"credits": "6"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.credits == 6 and row.updated_by == staff
    assert client.get("/admin/billing/planversion/").status_code == 200


def test_the_bid_form_says_what_a_proposal_costs():
    from craftwork.jobs.tests.factories import JobFactory

    job = JobFactory()
    client = Client()
    client.force_login(FreelancerFactory())
    body = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Sending a proposal costs 2 credits" in body
