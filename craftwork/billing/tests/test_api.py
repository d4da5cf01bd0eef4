from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from craftwork.accounts.tests.factories import FreelancerFactory, UserFactory
from craftwork.billing import credits
from craftwork.billing.models import Plan, PlanVersion
from craftwork.jobs.tests.factories import JobFactory

from .factories import OrganizationWithMember

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _december(time_machine):
    time_machine.move_to(datetime(2026, 12, 10, 12, tzinfo=UTC), tick=False)


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def staff():
    return client_for(UserFactory(is_staff=True))


def test_plans_are_public_with_current_prices():
    response = APIClient().get("/api/v1/plans/")
    assert response.status_code == 200
    slugs = [p["slug"] for p in response.json()["results"]]
    assert slugs == [
        "company-starter",
        "company-team",
        "company-business",
        "freelancer-basic",
        "freelancer-plus",
    ]
    team = response.json()["results"][1]
    assert team["current"]["trial_days"] == 14
    assert {"interval": "month", "currency": "USD", "amount": "49.00", "amount_minor": 4900} in (
        team["current"]["prices"]
    )
    assert team["current"]["limits"] == {
        "open_openings": 10,
        "seats": 10,
        "ai_interviews_per_month": 20,
    }


def test_plan_list_query_count_does_not_grow():
    client = APIClient()
    with CaptureQueriesContext(connection) as first:
        client.get("/api/v1/plans/")
    plan = Plan.objects.create(slug="extra", name="Extra", audience="company", position=9)
    version = PlanVersion.objects.create(plan=plan, number=1)
    version.prices.create(interval="month", currency="USD", amount=100)
    with CaptureQueriesContext(connection) as second:
        client.get("/api/v1/plans/")
    assert len(second) == len(first)


def test_plan_audience_filter_refuses_unknown_values():
    assert len(APIClient().get("/api/v1/plans/?audience=freelancer").json()["results"]) == 2
    response = APIClient().get("/api/v1/plans/?audience=robots")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_parameter"


def test_staff_change_a_price_and_get_a_new_version(staff):
    body = {"prices": [{"interval": "month", "currency": "USD", "amount": 5900}]}
    response = staff.post("/api/v1/plans/company-team/versions/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["number"] == 2
    plan = Plan.objects.get(slug="company-team")
    assert plan.versions.count() == 2
    assert plan.versions.get(number=1).prices.get(interval="month", currency="USD").amount == 4900
    listed = APIClient().get("/api/v1/plans/company-team/").json()
    assert listed["current"]["number"] == 2
    assert listed["current"]["trial_days"] == 14  # the rest of the terms carried over


@pytest.mark.parametrize(
    "body",
    [
        {"prices": [{"interval": "month", "currency": "USD", "amount": 0}]},
        {"prices": [{"interval": "month", "currency": "USD", "amount": -5}]},
        {"prices": [{"interval": "month", "currency": "XXX", "amount": 5}]},
        {"prices": [{"interval": "week", "currency": "USD", "amount": 5}]},
        {"prices": []},
        {
            "prices": [
                {"interval": "month", "currency": "USD", "amount": 5},
                {"interval": "month", "currency": "USD", "amount": 6},
            ]
        },
        {"trial_days": "ten"},
        {"features": ["not a name"]},
        {"colour": "red"},
        {"features": "x\x00"},
    ],
)
def test_bad_plan_changes_are_400_and_change_nothing(staff, body):
    response = staff.post("/api/v1/plans/company-team/versions/", body, format="json")
    assert response.status_code == 400, response.json()
    assert "error" in response.json()
    assert PlanVersion.objects.filter(plan__slug="company-team").count() == 1


def test_only_staff_change_plans():
    client = client_for(UserFactory())
    response = client.post("/api/v1/plans/company-team/versions/", {}, format="json")
    assert response.status_code == 403


def test_my_wallet_and_history():
    freelancer = FreelancerFactory()
    client = client_for(freelancer)
    job = JobFactory()
    response = client.post(
        f"/api/v1/jobs/{job.pk}/proposals/",
        {"amount": "450.00", "duration_days": 10, "cover_letter": "I can do this well, on time."},
        format="json",
    )
    assert response.status_code == 201, response.json()
    wallet = client.get("/api/v1/credits/").json()
    assert wallet["balance"] == 8 and wallet["plan"] == "freelancer-basic"
    history = client.get("/api/v1/credits/history/").json()
    rows = {row["kind"]: row for row in history["results"]}  # same instant: any order
    assert len(history["results"]) == 2
    assert rows["credit_grant"]["credits"] == 10
    assert rows["credit_consume"]["credits"] == -2
    assert rows["credit_consume"]["reason"] == "Submitting a proposal"


def test_a_bid_without_credits_is_409_and_nothing_is_made():
    freelancer = FreelancerFactory()
    wallet = credits.wallet_refresh(wallet=credits.wallet_for(user=freelancer))
    credits.credits_consume(actor=freelancer, wallet=wallet, action="ai_interview", reference="a")
    credits.credits_consume(actor=freelancer, wallet=wallet, action="ai_interview", reference="b")
    job = JobFactory()
    response = client_for(freelancer).post(
        f"/api/v1/jobs/{job.pk}/proposals/",
        {"amount": "450.00", "duration_days": 10, "cover_letter": "I can do this well, on time."},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "insufficient_credits"
    assert not job.proposals.exists()


def test_a_workspace_wallet_is_for_its_members_only():
    org, member = OrganizationWithMember()
    assert client_for(member).get(f"/api/v1/credits/?organization={org.pk}").status_code == 200
    stranger = client_for(UserFactory())
    assert stranger.get(f"/api/v1/credits/?organization={org.pk}").status_code == 404
    assert stranger.get("/api/v1/credits/history/?organization=nope").status_code == 400
    assert stranger.get("/api/v1/credits/?colour=red").status_code == 400


def test_staff_grant_credits_once_per_idempotency_key(staff):
    user = UserFactory()
    body = {"user": str(user.pk), "credits": 30, "reason": "Goodwill"}
    for _ in range(2):
        response = staff.post(
            "/api/v1/credits/grants/", body, format="json", HTTP_IDEMPOTENCY_KEY="grant-1"
        )
        assert response.status_code == 201
    assert credits.balance_of(credits.wallet_for(user=user)) == 30


@pytest.mark.parametrize(
    "body",
    [
        {"credits": 5, "reason": "x"},
        {"user": "00000000-0000-0000-0000-000000000000", "credits": 5, "reason": "x"},
        {"user": "x", "credits": 0, "reason": "x"},
        {"credits": [1], "reason": {"a": 1}},
    ],
)
def test_bad_grants_are_400(staff, body):
    assert staff.post("/api/v1/credits/grants/", body, format="json").status_code == 400


def test_credit_price_list_and_staff_edit(staff):
    prices = APIClient().get("/api/v1/credits/prices/").json()
    assert {"action": "proposal_submit", "label": "Submitting a proposal", "credits": 2} in prices
    response = staff.put("/api/v1/credits/prices/proposal_submit/", {"credits": 3}, format="json")
    assert response.status_code == 200 and response.json()["credits"] == 3
    assert staff.put("/api/v1/credits/prices/nope/", {"credits": 3}).status_code == 404
    assert staff.put("/api/v1/credits/prices/ai_interview/", {"credits": -1}).status_code == 400
    user = client_for(UserFactory())
    assert user.put("/api/v1/credits/prices/ai_interview/", {"credits": 1}).status_code == 403


def test_promote_my_active_gig_with_credits():
    from craftwork.catalog.tests.factories import GigFactory

    draft = GigFactory()
    drafting = client_for(draft.seller)
    refused = drafting.post(f"/api/v1/me/gigs/{draft.pk}/promote/", {"days": 1}, format="json")
    assert refused.status_code == 409
    gig = GigFactory(active=True)
    seller = client_for(gig.seller)
    response = seller.post(f"/api/v1/me/gigs/{gig.pk}/promote/", {"days": 4}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["credits"] == 4
    assert credits.balance_of(credits.wallet_for(user=gig.seller)) == 6
    too_long = seller.post(f"/api/v1/me/gigs/{gig.pk}/promote/", {"days": 91}, format="json")
    assert too_long.status_code == 400
    broke = seller.post(f"/api/v1/me/gigs/{gig.pk}/promote/", {"days": 7}, format="json")
    assert broke.status_code == 409
    assert broke.json()["error"]["code"] == "insufficient_credits"
    other = client_for(FreelancerFactory())
    assert other.post(f"/api/v1/me/gigs/{gig.pk}/promote/", {"days": 1}).status_code == 404
    assert credits.balance_of(credits.wallet_for(user=gig.seller)) == 6
