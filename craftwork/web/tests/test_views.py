import pytest
from django.urls import reverse

from craftwork.accounts.tests.factories import FreelancerFactory, UserFactory
from craftwork.profiles.tests.factories import FreelancerProfileFactory

pytestmark = pytest.mark.django_db


def test_home_for_guests_offers_both_ways_in(client):
    FreelancerProfileFactory(is_published=True, headline="Plumber you can trust")
    body = client.get("/").content.decode()
    assert 'data-testid="cta-hire"' in body and 'data-testid="cta-work"' in body
    assert "Plumber you can trust" in body


def test_dashboard_requires_login(client):
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_unverified_client_sees_verify_step_once(client):
    user = UserFactory(email_verified_at=None)
    client.force_login(user)
    response = client.get(reverse("web:dashboard"))
    steps = response.context["next_steps"]
    verify = [step for step in steps if step["url"] == reverse("accounts:verify-email-resend")]
    assert len(verify) == 1
    assert response.context["completeness"]["percent"] < 100


def test_freelancer_dashboard_shows_profile_completeness(client):
    user = FreelancerFactory()
    client.force_login(user)
    response = client.get(reverse("web:dashboard"))
    assert response.context["view"] == "freelancer"
    labels = [step["label"] for step in response.context["completeness"]["steps"]]
    assert any("headline" in str(label).lower() for label in labels)


def test_html_404_for_pages_and_json_404_for_api(client):
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and b"Page not found" in page.content
    api = client.get("/api/v1/no-such-endpoint/")
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"


def test_spanish_is_served_by_accept_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="es")
    assert response["Content-Language"] == "es"


def test_user_language_wins_for_signed_in_users(client):
    user = UserFactory(language="es")
    client.force_login(user)
    response = client.get(reverse("web:dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "es"


def test_api_docs_and_schema_are_served_offline(client):
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower()
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    for path in [
        "/api/v1/auth/token/",
        "/api/v1/auth/signup/",
        "/api/v1/freelancers/",
        "/api/v1/me/",
    ]:
        assert path in paths, path
