import pytest
from django.template import Context, Template
from django.test import RequestFactory

from craftwork.accounts.tests.factories import StaffFactory, UserFactory
from craftwork.catalog.models import GigStatus
from craftwork.moderation import services
from craftwork.moderation.models import BlockedTerm, Case, Flag

from .factories import public_gig, public_job, public_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def report(user, obj, kind="gig", reason="spam"):
    return services.flag_create(actor=user, kind=kind, object_id=str(obj.pk), reason=reason)


# --- reporting ----------------------------------------------------------------------------------


def test_report_page_and_submit(signed_in):
    gig = public_gig()
    client = signed_in(UserFactory())
    url = f"/moderation/report/gig/{gig.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    assert gig.title in page.content.decode()
    response = client.post(url, {"reason": "scam", "details": "asks for wire", "next": "/gigs/"})
    assert response.status_code == 302 and response.url == "/gigs/"
    assert Flag.objects.get().reason == "scam"
    again = client.post(url, {"reason": "spam"})
    assert again.status_code == 409
    assert "already reported" in again.content.decode()


def test_report_page_bad_input(signed_in):
    gig = public_gig()
    client = signed_in(UserFactory())
    url = f"/moderation/report/gig/{gig.pk}/"
    assert client.post(url, {"reason": "bogus"}).status_code == 400
    assert client.post(url, {"reason": "other", "details": ""}).status_code == 400
    assert client.post(url, {"reason": "spam", "details": "x" * 1001}).status_code == 400
    assert not Flag.objects.exists()
    # An unsafe "next" is ignored: back to the item.
    response = client.post(url, {"reason": "spam", "next": "https://evil.example/"})
    assert response.url == f"/gigs/{gig.pk}/"


def test_report_page_404s(signed_in):
    gig = public_gig()
    client = signed_in(UserFactory())
    assert client.get("/moderation/report/spaceship/1/").status_code == 404
    assert client.get("/moderation/report/gig/not-a-uuid/").status_code == 404
    hidden_job = public_job(invite_only=True)
    assert client.get(f"/moderation/report/job/{hidden_job.pk}/").status_code == 404
    own = signed_in(gig.seller).post(f"/moderation/report/gig/{gig.pk}/", {"reason": "spam"})
    assert own.status_code == 403


def test_report_page_needs_sign_in(client):
    gig = public_gig()
    response = client.get(f"/moderation/report/gig/{gig.pk}/")
    assert response.status_code == 302 and "login" in response.url


def test_my_reports(signed_in):
    user = UserFactory()
    gig = public_gig(title="Unique gig title")
    report(user, gig)
    report(UserFactory(), public_gig(title="Somebody else's report"))
    page = signed_in(user).get("/moderation/my-reports/").content.decode()
    assert "Unique gig title" in page and "Under review" in page
    assert "Somebody else" not in page


def test_the_flag_button_states(rf_request):
    gig = public_gig()
    template = Template('{% load moderation %}{% flag_button "gig" gig %}')
    reporter = UserFactory()

    def render(user):
        return template.render(Context({"request": rf_request(user), "gig": gig}))

    assert 'data-testid="flag-form"' in render(reporter)
    assert render(gig.seller).strip() == ""
    from django.contrib.auth.models import AnonymousUser

    assert "/accounts/login/" in render(AnonymousUser()) or "login" in render(AnonymousUser())
    report(reporter, gig)
    assert 'data-testid="flag-reported"' in render(reporter)


@pytest.fixture
def rf_request():
    def make(user):
        request = RequestFactory().get("/gigs/")
        request.user = user
        return request

    return make


def test_the_flag_button_is_on_gig_job_and_profile_pages(signed_in):
    client = signed_in(UserFactory())
    gig, job, profile = public_gig(), public_job(), public_profile()
    for url, kind in (
        (f"/gigs/{gig.pk}/", "gig"),
        (f"/jobs/{job.pk}/", "job"),
        (f"/freelancers/{profile.pk}/", "profile"),
    ):
        page = client.get(url).content.decode()
        assert f'data-testid="flag-{kind}"' in page, url


# --- staff pages ---------------------------------------------------------------------------------


def test_staff_pages_are_404_for_everybody_else(client, signed_in):
    flag = report(UserFactory(), public_gig())
    urls = [
        "/moderation/queue/",
        f"/moderation/cases/{flag.case_id}/",
        "/moderation/terms/",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    user_client = signed_in(UserFactory())
    for url in urls:
        assert user_client.get(url).status_code == 404, url
    posted = user_client.post(
        f"/moderation/cases/{flag.case_id}/decide/", {"action": "hide", "reason": "x"}
    )
    assert posted.status_code == 404
    assert Case.objects.get().is_open


def test_queue_and_case_pages(signed_in, django_assert_max_num_queries):
    staff = StaffFactory()
    for _ in range(4):
        report(UserFactory(), public_gig())
    gig = public_gig(title="Held gig")
    services.hold_for_moderation(kind="gig", obj=gig, reasons=["phone"], matches=["612 345 678"])
    client = signed_in(staff)
    client.get("/moderation/queue/")  # warm up the session and the site caches
    with django_assert_max_num_queries(12):
        page = client.get("/moderation/queue/")
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="case-link"') == 5
    case = Case.objects.get(held=True)
    detail = client.get(f"/moderation/cases/{case.pk}/").content.decode()
    assert "Phone number" in detail and "612 345 678" in detail


def test_decide_from_the_case_page(signed_in):
    staff = StaffFactory()
    gig = public_gig()
    flag = report(UserFactory(), gig)
    client = signed_in(staff)
    url = f"/moderation/cases/{flag.case_id}/decide/"
    missing = client.post(url, {"action": "hide", "reason": ""})
    assert missing.status_code == 400
    response = client.post(url, {"action": "hide", "reason": "Scam", "notify_flaggers": "on"})
    assert response.status_code == 302
    gig.refresh_from_db()
    assert gig.status == GigStatus.REMOVED
    again = client.post(url, {"action": "restore", "reason": "x"})
    assert again.status_code == 409
    assert "already decided" in again.content.decode()


def test_dismiss_a_flag_and_reopen_from_the_pages(signed_in):
    staff = StaffFactory()
    gig = public_gig()
    flag = report(UserFactory(), gig)
    client = signed_in(staff)
    response = client.post(f"/moderation/flags/{flag.pk}/dismiss/", {"dismiss-reason": "Fine"})
    assert response.status_code == 302
    case = Case.objects.get()
    assert not case.is_open
    response = client.post(f"/moderation/cases/{case.pk}/reopen/", {"reopen-reason": "Again"})
    assert response.status_code == 302
    assert Case.objects.filter(status="open").count() == 1


def test_blocked_terms_page(signed_in):
    client = signed_in(StaffFactory())
    assert client.post("/moderation/terms/", {"kind": "word", "term": ""}).status_code == 400
    response = client.post("/moderation/terms/", {"kind": "word", "term": "Scam Coin"})
    assert response.status_code == 302
    term = BlockedTerm.objects.get()
    assert "scam coin" in client.get("/moderation/terms/").content.decode()
    assert (
        client.post("/moderation/terms/", {"kind": "word", "term": "scam coin"}).status_code == 409
    )
    client.post(f"/moderation/terms/{term.pk}/remove/")
    term.refresh_from_db()
    assert not term.is_active


def test_the_author_sees_the_decision_page(signed_in):
    gig = public_gig()
    flag = report(UserFactory(), gig)
    decision = services.case_decide(
        actor=StaffFactory(), case_id=flag.case_id, action="hide", reason="Stolen images"
    )
    url = f"/moderation/decisions/{decision.pk}/"
    assert "Stolen images" in signed_in(gig.seller).get(url).content.decode()
    assert signed_in(UserFactory()).get(url).status_code == 404
