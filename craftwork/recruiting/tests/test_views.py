import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from craftwork.accounts.models import Membership
from craftwork.accounts.tests.factories import UserFactory
from craftwork.recruiting.models import Application, Opening

from .factories import apply, make_opening, stage, teammate, workspace_member

pytestmark = pytest.mark.django_db
Role = Membership.Role
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def signed_in(client, user):
    client.force_login(user)
    return client


def _questions():
    return [
        {"prompt": "EU work permit?", "kind": "yes_no", "knockout": {"answer": False}},
        {"prompt": "Years of Python", "kind": "number", "knockout": {"min": 2}},
    ]


class TestTeamPages:
    def test_other_workspace_is_404(self, client):
        a, b = workspace_member(), workspace_member()
        opening = make_opening(a)
        application = apply(opening)
        signed_in(client, b.user)
        slug_a, slug_b = a.organization.slug, b.organization.slug
        assert client.get(reverse("recruiting:workspace", args=[slug_a])).status_code == 404
        assert client.get(reverse("recruiting:board", args=[slug_b, opening.pk])).status_code == 404
        url = reverse("recruiting:application", args=[slug_b, application.pk])
        assert client.get(url).status_code == 404
        move = reverse("recruiting:move", args=[slug_b, application.pk])
        assert client.post(move, {"stage": stage(b, "screening").pk}).status_code == 404
        application.refresh_from_db()
        assert application.status == "applied"

    def test_create_opening_with_questions(self, client):
        member = workspace_member()
        signed_in(client, member.user)
        url = reverse("recruiting:opening-create", args=[member.organization.slug])
        assert client.get(url).status_code == 200
        response = client.post(url, {
            "title": "Data engineer", "description": "Pipelines.", "employment_type": "full_time",
            "seniority": "mid", "workplace": "remote", "salary_min": "40000",
            "salary_max": "50000", "salary_currency": "EUR", "salary_period": "year",
            "salary_visible": "on", "positions": "1", "knockout_delay_hours": "24",
            "skills": ["python"], "publish": "on",
            "q0_prompt": "Work permit?", "q0_kind": "yes_no", "q0_knockout": "no",
            "q1_prompt": "Stack", "q1_kind": "choice", "q1_choices": "Django\nFlask",
        })  # fmt: skip
        assert response.status_code == 302, response.content.decode()[:2000]
        opening = Opening.objects.get()
        assert (opening.status, opening.salary_min) == ("open", 4_000_000)
        assert [q.knockout for q in opening.questions.all()] == [{"answer": False}, {}]

    def test_bad_opening_form_is_400(self, client):
        member = workspace_member()
        signed_in(client, member.user)
        url = reverse("recruiting:opening-create", args=[member.organization.slug])
        response = client.post(url, {
            "title": "X", "description": "Y", "employment_type": "full_time", "seniority": "mid",
            "workplace": "remote", "salary_min": "50000", "salary_max": "100",
            "salary_currency": "EUR", "salary_period": "year", "positions": "1",
        })  # fmt: skip
        assert response.status_code == 400 and not Opening.objects.exists()

    def test_interviewer_cannot_post_an_opening(self, client):
        member = workspace_member(role=Role.INTERVIEWER)
        signed_in(client, member.user)
        url = reverse("recruiting:opening-create", args=[member.organization.slug])
        assert client.get(url).status_code == 403

    def test_board_moves_with_buttons_and_refuses_illegal(
        self, client, django_assert_max_num_queries
    ):
        member = workspace_member()
        opening = make_opening(member)
        applications = [apply(opening) for _ in range(5)]
        signed_in(client, member.user)
        slug = member.organization.slug
        board = reverse("recruiting:board", args=[slug, opening.pk])
        with django_assert_max_num_queries(20):
            page = client.get(board)
        assert page.status_code == 200 and page.content.decode().count('data-testid="card"') == 5
        more = [apply(opening) for _ in range(10)]
        with django_assert_max_num_queries(20):  # the same count for 15 cards
            client.get(board)
        move = reverse("recruiting:move", args=[slug, applications[0].pk])
        illegal = client.post(move, {"stage": stage(member, "hired").pk, "next": board},
                              follow=True)  # fmt: skip
        assert "does not allow this move" in illegal.content.decode()
        client.post(move, {"stage": stage(member, "screening").pk, "next": board})
        applications[0].refresh_from_db()
        assert applications[0].status == "screening"
        assert len(more) == 10

    def test_bulk_reject(self, client, mailoutbox, django_capture_on_commit_callbacks):
        member = workspace_member()
        opening = make_opening(member)
        applications = [apply(opening) for _ in range(2)]
        signed_in(client, member.user)
        url = reverse("recruiting:bulk-move", args=[member.organization.slug, opening.pk])
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, {"applications": [str(a.pk) for a in applications],
                              "stage": stage(member, "rejected").pk, "reason": "Filled",
                              "candidate_message": "Hi {name}"})  # fmt: skip
        assert set(Application.objects.values_list("status", flat=True)) == {"rejected"}
        assert len(mailoutbox) == 2

    def test_notes_and_scorecard_pages(self, client):
        member = workspace_member()
        interviewer = teammate(member, Role.INTERVIEWER)
        application = apply(make_opening(member))
        slug = member.organization.slug
        signed_in(client, member.user)
        client.post(reverse("recruiting:note-add", args=[slug, application.pk]),
                    {"body": f"@{interviewer.user.first_name} thoughts?"})  # fmt: skip
        client.post(reverse("recruiting:scorecard", args=[slug, application.pk]), {
            "recommendation": "yes", "rating_skills": 4, "rating_experience": 3,
            "rating_communication": 3, "rating_culture": 4})  # fmt: skip
        client.force_login(interviewer.user)
        page = client.get(reverse("recruiting:application", args=[slug, application.pk]))
        body = page.content.decode()
        assert 'data-testid="note"' in body and 'data-testid="scorecard"' not in body
        assert 'data-testid="scorecard-form"' in body


class TestCandidatePages:
    def test_apply_in_the_web_with_cv_and_see_plain_status(self, client):
        member = workspace_member()
        opening = make_opening(member, questions=_questions())
        candidate = UserFactory()
        signed_in(client, candidate)
        questions = list(opening.questions.all())
        detail = client.get(reverse("recruiting:opening", args=[opening.pk]))
        assert detail.status_code == 200 and "apply-form" in detail.content.decode()
        bad = client.post(
            reverse("recruiting:apply", args=[opening.pk]),
            {f"answer_{questions[0].pk}": "yes", f"answer_{questions[1].pk}": "many"},
        )
        assert bad.status_code == 400 and not Application.objects.exists()
        good = client.post(
            reverse("recruiting:apply", args=[opening.pk]),
            {
                f"answer_{questions[0].pk}": "yes",
                f"answer_{questions[1].pk}": "4",
                "cv": SimpleUploadedFile("me.pdf", PDF, content_type="application/pdf"),
            },
        )
        application = Application.objects.get()
        assert good.status_code == 302 and application.answers == {
            str(questions[0].pk): True,
            str(questions[1].pk): 4,
        }
        assert application.cv_kind == "pdf"
        mine = client.get(reverse("recruiting:my-applications")).content.decode()
        assert "We received your application." in mine
        # the team can open the CV; another workspace cannot
        client.force_login(member.user)
        cv = client.get(reverse("recruiting:application-cv",
                                args=[member.organization.slug, application.pk]))  # fmt: skip
        assert cv.status_code == 200

    def test_fake_pdf_is_refused(self, client):
        opening = make_opening(workspace_member())
        signed_in(client, UserFactory())
        response = client.post(
            reverse("recruiting:apply", args=[opening.pk]),
            {"cv": SimpleUploadedFile("me.pdf", b"<html>not a pdf</html>")},
        )
        assert response.status_code == 400 and not Application.objects.exists()

    def test_careers_page_and_list(self, client):
        member = workspace_member()
        make_opening(member, title="Visible role")
        make_opening(member, title="Draft role", publish=False)
        page = client.get(reverse("recruiting:careers", args=[member.organization.slug]))
        body = page.content.decode()
        assert "Visible role" in body and "Draft role" not in body
        listed = client.get(reverse("recruiting:openings"), {"workplace": "hybrid"})
        assert "Visible role" in listed.content.decode()
        assert client.get(reverse("recruiting:careers", args=["nobody"])).status_code == 404

    def test_withdraw(self, client):
        application = apply(make_opening(workspace_member()))
        signed_in(client, application.candidate)
        url = reverse("recruiting:my-application", args=[application.pk])
        client.post(url, {"reason": "Took another job"})
        application.refresh_from_db()
        assert application.status == "withdrawn"
        other = UserFactory()
        client.force_login(other)
        assert client.get(url).status_code == 404


class TestHeaderSwitch:
    def test_switch_is_one_click(self, client):
        member = workspace_member()
        signed_in(client, member.user)
        home = client.get(reverse("web:dashboard")).content.decode()
        assert 'data-testid="switch-workspace"' in home
        response = client.post(reverse("recruiting:switch"),
                               {"workspace": member.organization.slug})  # fmt: skip
        assert response.url == reverse("recruiting:workspace", args=[member.organization.slug])
        back = client.post(reverse("recruiting:switch"), {"workspace": "me"})
        assert back.url == reverse("web:dashboard")
        other = workspace_member()
        refused = client.post(reverse("recruiting:switch"),
                              {"workspace": other.organization.slug})  # fmt: skip
        assert refused.status_code == 404


def test_openings_show_in_the_job_search(client, django_assert_max_num_queries):
    member = workspace_member()
    make_opening(member, title="Pipeline engineer")
    make_opening(member, title="Office manager")
    with django_assert_max_num_queries(8):
        page = client.get(reverse("jobs:list"), {"q": "pipeline"})
    body = page.content.decode()
    assert 'data-testid="company-jobs"' in body
    assert "Pipeline engineer" in body and "Office manager" not in body


class TestGuestApply:
    def _post(self, client, opening, **extra):
        data = {"first_name": "Gina", "email": "gina@example.com",
                "password": "a-long-enough-passphrase-9",
                "cv": SimpleUploadedFile("cv.pdf", PDF, content_type="application/pdf")}  # fmt: skip
        data.update(extra)
        return client.post(reverse("recruiting:apply-guest", args=[opening.pk]), data)

    def test_guest_gets_an_account_to_verify_and_the_application(self, client, mailoutbox,
                                                                 django_capture_on_commit_callbacks):  # fmt: skip
        opening = make_opening(workspace_member())
        with django_capture_on_commit_callbacks(execute=True):
            response = self._post(client, opening)
        assert response.status_code == 200 and b"guest-applied" in response.content
        application = Application.objects.get()
        assert application.candidate.email == "gina@example.com"
        assert application.candidate.email_verified_at is None
        assert any("gina@example.com" in m.to for m in mailoutbox)

    def test_existing_email_creates_nothing_and_answers_the_same(self, client):
        opening = make_opening(workspace_member())
        UserFactory(email="gina@example.com")
        response = self._post(client, opening)
        assert response.status_code == 200 and b"guest-applied" in response.content
        assert not Application.objects.exists()

    def test_cv_is_required_and_checked(self, client):
        from craftwork.accounts.models import User

        opening = make_opening(workspace_member())
        fake = SimpleUploadedFile("cv.pdf", b"MZ\x90\x00 not a pdf")
        assert self._post(client, opening, cv=fake).status_code == 400
        no_cv = client.post(reverse("recruiting:apply-guest", args=[opening.pk]),
                            {"first_name": "G", "email": "g@example.com", "password": "x" * 12})  # fmt: skip
        assert no_cv.status_code == 400
        assert not Application.objects.exists()
        assert not User.objects.filter(email__in=["gina@example.com", "g@example.com"]).exists()
