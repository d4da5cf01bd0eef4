from datetime import date, timedelta

import pytest
from django.utils import timezone

from craftwork.accounts.models import Membership
from craftwork.recruiting import services
from craftwork.recruiting.models import Offer

from .factories import apply, make_opening, stage, teammate, workspace_member
from .test_api import api_for

pytestmark = pytest.mark.django_db
Role = Membership.Role


def _in_offer_stage(member, **opening):
    application = apply(make_opening(member, **opening))
    for kind in ("interview", "offer"):
        services.application_move(actor=member.user, membership=member, application=application,
                                  stage=stage(member, kind))  # fmt: skip
    return application


def _body(**overrides):
    body = {
        "salary": 5_000_000, "currency": "EUR", "period": "year",
        "start_date": (date.today() + timedelta(days=30)).isoformat(),
        "expires_at": (timezone.now() + timedelta(days=7)).isoformat(),
        "template": "Dear {name}, welcome to {company} as {opening} for {salary}.",
    }  # fmt: skip
    body.update(overrides)
    return body


def test_offer_path_approve_send_accept_hires_and_closes(django_capture_on_commit_callbacks):
    recruiter = workspace_member()
    manager = teammate(recruiter, Role.HIRING_MANAGER)
    application = _in_offer_stage(recruiter)
    client = api_for(recruiter.user, recruiter)
    created = client.post(f"/api/v1/recruiting/applications/{application.pk}/offers/", _body(),
                          format="json")  # fmt: skip
    assert created.status_code == 201, created.json()
    offer_id = created.json()["id"]
    # a recruiter may not approve; the hiring manager does
    refused = client.post(f"/api/v1/recruiting/offers/{offer_id}/approve/")
    assert refused.status_code == 403
    unapproved = client.post(f"/api/v1/recruiting/offers/{offer_id}/send/")
    assert unapproved.status_code == 409
    approved = api_for(manager.user, manager).post(f"/api/v1/recruiting/offers/{offer_id}/approve/")
    assert approved.json()["status"] == "approved"
    # the candidate never sees a draft or an approved offer
    candidate = api_for(application.candidate)
    assert candidate.get(f"/api/v1/offers/mine/{offer_id}/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/api/v1/recruiting/offers/{offer_id}/send/")
    assert sent.json()["status"] == "sent"
    letter = sent.json()["letter"]
    assert application.candidate.first_name in letter and "€50,000.00" in letter
    seen = candidate.get(f"/api/v1/offers/mine/{offer_id}/").json()
    assert seen["status"] == "sent" and "<p>" in seen["letter_html"]
    accepted = candidate.post(f"/api/v1/offers/mine/{offer_id}/accept/", {}, format="json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    application.refresh_from_db()
    application.opening.refresh_from_db()
    assert application.status == "hired" and application.opening.status == "closed"
    again = candidate.post(f"/api/v1/offers/mine/{offer_id}/decline/", {}, format="json")
    assert again.status_code == 409


@pytest.mark.parametrize(
    "change",
    [{"salary": 0}, {"salary": "lots"}, {"currency": "XXX"}, {"start_date": "2001-01-01"},
     {"expires_at": "2001-01-01T00:00:00Z"}, {"template": "x\x00"}, {"bonus": 1}],
)  # fmt: skip
def test_bad_offer_is_400(change):
    member = workspace_member()
    application = _in_offer_stage(member)
    answer = api_for(member.user, member).post(
        f"/api/v1/recruiting/applications/{application.pk}/offers/", _body(**change), format="json"
    )
    assert answer.status_code == 400, answer.json()
    assert not Offer.objects.exists()


def test_offer_needs_the_offer_stage_and_one_at_a_time():
    member = workspace_member()
    early = apply(make_opening(member))
    client = api_for(member.user, member)
    answer = client.post(f"/api/v1/recruiting/applications/{early.pk}/offers/", _body(),
                         format="json")  # fmt: skip
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "not_in_offer_stage"
    ready = _in_offer_stage(member)
    url = f"/api/v1/recruiting/applications/{ready.pk}/offers/"
    assert client.post(url, _body(), format="json").status_code == 201
    assert client.post(url, _body(), format="json").status_code == 409


def test_other_company_cannot_touch_offers():
    a = workspace_member()
    application = _in_offer_stage(a)
    offer = services.offer_create(actor=a.user, membership=a, application=application,
                                  salary=100, currency="EUR", period="year",
                                  start_date=date.today() + timedelta(days=3),
                                  expires_at=timezone.now() + timedelta(days=3))  # fmt: skip
    b = workspace_member(role=Role.OWNER)
    client = api_for(b.user, b)
    for action in ("approve", "send", "withdraw"):
        assert client.post(f"/api/v1/recruiting/offers/{offer.pk}/{action}/").status_code == 404
    assert (
        client.get(f"/api/v1/recruiting/applications/{application.pk}/offers/").status_code == 404
    )
    assert api_for(b.user).get(f"/api/v1/offers/mine/{offer.pk}/").status_code == 404
    offer.refresh_from_db()
    assert offer.status == "draft"


def test_expiry():
    member = workspace_member(role=Role.OWNER)
    application = _in_offer_stage(member)
    now = timezone.now()
    offer = services.offer_create(actor=member.user, membership=member, application=application,
                                  salary=100, currency="EUR", period="year",
                                  start_date=date.today() + timedelta(days=3),
                                  expires_at=now + timedelta(days=1))  # fmt: skip
    for name in ("approve", "send"):
        services.offer_transition(actor=member.user, membership=member, offer=offer, name=name)
    assert services.expire_offers(now=now + timedelta(hours=23)) == 0
    assert services.expire_offers(now=now + timedelta(days=2)) == 1
    assert services.expire_offers(now=now + timedelta(days=3)) == 0
    offer.refresh_from_db()
    assert offer.status == "expired"
