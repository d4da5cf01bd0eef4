import pytest
from rest_framework.test import APIClient

from craftwork.accounts.tests.factories import UserFactory
from craftwork.catalog.models import GigStatus
from craftwork.moderation import services
from craftwork.moderation.models import BlockedTerm, Case, Decision, Flag

from .factories import public_gig, public_job

pytestmark = pytest.mark.django_db

FLAGS = "/api/v1/flags/"
CASES = "/api/v1/moderation/cases/"


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def report(user, obj, kind="gig", reason="spam"):
    return services.flag_create(actor=user, kind=kind, object_id=str(obj.pk), reason=reason)


# --- reporting -----------------------------------------------------------------------------------


def test_report_and_list_my_reports(auth_client):
    gig = public_gig()
    response = auth_client.post(
        FLAGS,
        {"kind": "gig", "object_id": str(gig.pk), "reason": "scam", "details": "PayPal only"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["reason"], body["status"]) == ("gig", "scam", "open")
    assert body["url"] == f"/gigs/{gig.pk}/"
    report(UserFactory(), gig)  # someone else's report is not listed
    listed = auth_client.get(FLAGS).json()
    assert [item["id"] for item in listed["results"]] == [body["id"]]


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"kind": "gig", "reason": "spam"}, 400, "validation_error"),
        ({"kind": "gig", "object_id": "{id}", "reason": "nope"}, 400, "validation_error"),
        ({"kind": "gig", "object_id": "{id}", "reason": "spam", "role": "x"}, 400, "validation_error"),
        ({"kind": "gig", "object_id": "{id}", "reason": "spam", "details": "x" * 1001}, 400,
         "validation_error"),
        ({"kind": "gig", "object_id": "{id}", "reason": ["spam"]}, 400, "validation_error"),
        ({"kind": "spaceship", "object_id": "{id}", "reason": "spam"}, 404, "unknown_kind"),
        ({"kind": "gig", "object_id": "00000000-0000-0000-0000-000000000000", "reason": "spam"},
         404, "not_found"),
        ({"kind": "gig", "object_id": "x" * 65, "reason": "spam"}, 400, "validation_error"),
        ({"kind": "job", "object_id": "{id}", "reason": "spam"}, 404, "not_found"),
    ],
)  # fmt: skip
def test_bad_reports(auth_client, payload, status, code):
    gig = public_gig()
    payload = {
        k: v.replace("{id}", str(gig.pk)) if isinstance(v, str) else v for k, v in payload.items()
    }
    response = auth_client.post(FLAGS, payload, format="json")
    assert response.status_code == status, response.json()
    assert response.json()["error"]["code"] == code
    assert not Flag.objects.exists()


def test_a_huge_body_is_refused(auth_client):
    gig = public_gig()
    payload = {"kind": "gig", "object_id": str(gig.pk), "reason": "spam", "details": "x" * 500_000}
    response = auth_client.post(FLAGS, payload, format="json")
    assert response.status_code in (400, 413)
    assert not Flag.objects.exists()


def test_foreign_invisible_items_are_not_found(auth_client):
    job = public_job(invite_only=True)
    response = auth_client.post(
        FLAGS, {"kind": "job", "object_id": str(job.pk), "reason": "spam"}, format="json"
    )
    assert response.status_code == 404


def test_own_content_and_duplicates(auth_client):
    own = public_gig(seller=auth_client.user)
    response = auth_client.post(
        FLAGS, {"kind": "gig", "object_id": str(own.pk), "reason": "spam"}, format="json"
    )
    assert (response.status_code, response.json()["error"]["code"]) == (403, "own_content")
    gig = public_gig()
    payload = {"kind": "gig", "object_id": str(gig.pk), "reason": "spam"}
    assert auth_client.post(FLAGS, payload, format="json").status_code == 201
    again = auth_client.post(FLAGS, payload, format="json")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "already_flagged")


def test_anonymous_users_cannot_report(api_client):
    gig = public_gig()
    response = api_client.post(
        FLAGS, {"kind": "gig", "object_id": str(gig.pk), "reason": "spam"}, format="json"
    )
    assert response.status_code == 401
    assert api_client.get(FLAGS).status_code == 401


def test_reports_are_throttled(auth_client, settings):
    settings.MODERATION_FLAG_RATE = "2/hour"
    gigs = [public_gig() for _ in range(3)]
    codes = [
        auth_client.post(
            FLAGS, {"kind": "gig", "object_id": str(g.pk), "reason": "spam"}, format="json"
        ).status_code
        for g in gigs
    ]
    assert codes == [201, 201, 429]
    assert auth_client.get(FLAGS).status_code == 200  # listing is not counted


def test_my_reports_list_has_no_n_plus_one(auth_client, django_assert_max_num_queries):
    for _ in range(5):
        report(auth_client.user, public_gig())
    with django_assert_max_num_queries(4):
        response = auth_client.get(FLAGS)
    assert len(response.json()["results"]) == 5


# --- staff -----------------------------------------------------------------------------------------


def test_staff_endpoints_refuse_everybody_else(auth_client, api_client):
    gig = public_gig()
    flag = report(UserFactory(), gig)
    decide = {"action": "hide", "reason": "r"}
    requests = [
        ("get", CASES, None),
        ("get", f"{CASES}{flag.case_id}/", None),
        ("post", f"{CASES}{flag.case_id}/decide/", decide),
        ("post", f"/api/v1/moderation/flags/{flag.pk}/dismiss/", {"reason": "r"}),
        ("post", f"{CASES}reopen/", {"kind": "gig", "object_id": str(gig.pk), "reason": "r"}),
        ("get", "/api/v1/moderation/decisions/", None),
        ("get", "/api/v1/moderation/terms/", None),
        ("post", "/api/v1/moderation/terms/", {"term": "x"}),
    ]
    for method, url, data in requests:
        assert getattr(auth_client, method)(url, data, format="json").status_code == 403, url
        assert getattr(api_client, method)(url, data, format="json").status_code == 401, url
    assert Case.objects.get().is_open
    gig.refresh_from_db()
    assert gig.status == GigStatus.ACTIVE


def test_queue_list_and_query_count(staff_api, django_assert_max_num_queries):
    for _ in range(6):
        gig = public_gig()
        report(UserFactory(), gig)
        report(UserFactory(), gig, reason="scam")
    held = public_gig()
    services.hold_for_moderation(kind="gig", obj=held, reasons=["phone"])
    with django_assert_max_num_queries(6):
        response = staff_api.get(CASES)
    body = response.json()
    assert len(body["results"]) == 7
    first = body["results"][0]
    assert first["held"] and first["hold_reason_labels"] == ["Phone number"]
    flagged = body["results"][1]
    assert flagged["open_flags"] == 2
    assert sorted(r["count"] for r in flagged["flag_reasons"]) == [1, 1]
    assert len(staff_api.get(CASES, {"source": "held"}).json()["results"]) == 1
    assert len(staff_api.get(CASES, {"kind": "job"}).json()["results"]) == 0


def test_case_detail_and_decide(staff_api):
    gig = public_gig()
    flag = report(UserFactory(), gig)
    detail = staff_api.get(f"{CASES}{flag.case_id}/").json()
    assert detail["flags"][0]["reason"] == "spam"
    assert gig.title in detail["text"] and gig.description in detail["text"]
    assert detail["author_id"] == str(gig.seller_id)
    assert detail["hidden"] is False

    url = f"{CASES}{flag.case_id}/decide/"
    missing = staff_api.post(url, {"action": "hide"}, format="json")
    assert missing.status_code == 400
    blank = staff_api.post(url, {"action": "hide", "reason": "  "}, format="json")
    assert blank.status_code == 400
    bad = staff_api.post(url, {"action": "explode", "reason": "r"}, format="json")
    assert bad.status_code == 400

    done = staff_api.post(url, {"action": "hide", "reason": "Stolen images"}, format="json")
    assert done.status_code == 200, done.json()
    assert done.json()["action"] == "hide"
    again = staff_api.post(url, {"action": "remove", "reason": "r"}, format="json")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "case_closed")

    detail = staff_api.get(f"{CASES}{flag.case_id}/").json()
    assert detail["status"] == "closed" and detail["hidden"] is True
    assert [d["action"] for d in detail["item_history"]] == ["hide"]
    assert [d["action"] for d in detail["author_history"]] == ["hide"]
    history = staff_api.get(
        "/api/v1/moderation/decisions/", {"kind": "gig", "object_id": str(gig.pk)}
    ).json()
    assert len(history["results"]) == 1


def test_unknown_case_and_flag_ids(staff_api):
    missing = "00000000-0000-0000-0000-000000000000"
    assert staff_api.get(f"{CASES}{missing}/").status_code == 404
    response = staff_api.post(f"{CASES}{missing}/decide/", {"action": "hide", "reason": "r"})
    assert response.status_code == 404
    response = staff_api.post(f"/api/v1/moderation/flags/{missing}/dismiss/", {"reason": "r"})
    assert response.status_code == 404


def test_dismiss_one_flag_and_reopen(staff_api):
    gig = public_gig()
    flag = report(UserFactory(), gig)
    url = f"/api/v1/moderation/flags/{flag.pk}/dismiss/"
    assert staff_api.post(url, {}, format="json").status_code == 400
    response = staff_api.post(url, {"reason": "Not spam"}, format="json")
    assert response.status_code == 200
    assert response.json()["action"] == "dismiss_flag"
    assert staff_api.post(url, {"reason": "again"}, format="json").status_code == 409
    reopened = staff_api.post(
        f"{CASES}reopen/", {"kind": "gig", "object_id": str(gig.pk), "reason": "Look again"}
    )
    assert reopened.status_code == 201
    assert reopened.json()["status"] == "open"


def test_the_author_reads_the_decision(staff_user):
    gig = public_gig()
    flag = report(UserFactory(), gig)
    decision = services.case_decide(
        actor=staff_user, case_id=flag.case_id, action="hide", reason="Stolen images"
    )
    url = f"/api/v1/moderation/decisions/{decision.pk}/"
    body = client_for(gig.seller).get(url).json()
    assert (body["action"], body["reason"]) == ("hide", "Stolen images")
    assert client_for(UserFactory()).get(url).status_code == 404
    assert client_for(flag.reporter).get(url).status_code == 404


def test_blocked_terms(staff_api):
    url = "/api/v1/moderation/terms/"
    created = staff_api.post(url, {"term": "Crypto Coin", "note": "scam wave"}, format="json")
    assert created.status_code == 201
    assert created.json()["term"] == "crypto coin"
    assert staff_api.post(url, {"term": "crypto coin"}, format="json").status_code == 409
    domain = staff_api.post(url, {"term": "pay.example", "kind": "domain"}, format="json")
    assert domain.status_code == 201
    assert staff_api.post(url, {"term": "x", "kind": "regex"}, format="json").status_code == 400
    assert len(staff_api.get(url).json()["results"]) == 2
    term_id = created.json()["id"]
    assert staff_api.delete(f"{url}{term_id}/").status_code == 204
    assert len(staff_api.get(url).json()["results"]) == 1
    assert not BlockedTerm.objects.get(pk=term_id).is_active


def test_decisions_are_recorded_once_per_request(staff_api):
    flag = report(UserFactory(), public_gig())
    staff_api.post(f"{CASES}{flag.case_id}/decide/", {"action": "dismiss", "reason": "ok"})
    assert Decision.objects.count() == 1
