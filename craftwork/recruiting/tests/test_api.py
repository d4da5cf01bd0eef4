import pytest
from rest_framework.test import APIClient

from craftwork.accounts.models import Membership
from craftwork.accounts.tests.factories import UserFactory
from craftwork.profiles.tests.factories import FreelancerProfileFactory
from craftwork.recruiting.models import Application, Opening, PipelineStage

from .factories import apply, make_opening, stage, teammate, workspace_member

pytestmark = pytest.mark.django_db
Role = Membership.Role


def api_for(user, workspace=None) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    if workspace is not None:
        client.credentials(HTTP_X_WORKSPACE=str(workspace.organization_id))
    return client


OPENING_BODY = {
    "title": "Backend engineer",
    "description": "Build **APIs**.",
    "employment_type": "full_time",
    "seniority": "senior",
    "workplace": "remote",
    "salary_min": 5_000_000,
    "salary_max": 6_000_000,
    "salary_currency": "EUR",
    "salary_period": "year",
    "skills": ["python", "django"],
    "questions": [
        {"prompt": "Can you work in the EU?", "kind": "yes_no", "knockout": {"answer": False}},
        {"prompt": "Years of Python", "kind": "number", "knockout": {"min": 2}},
        {"prompt": "Favourite framework", "kind": "choice", "choices": ["Django", "Flask"]},
        {"prompt": "Anything else?", "kind": "text", "required": False},
    ],
    "publish": True,
}


class TestWorkspaces:
    def test_create_workspace_and_list(self):
        user = UserFactory()
        client = api_for(user)
        created = client.post("/api/v1/workspaces/", {"name": "Acme"}, format="json")
        assert created.status_code == 201, created.json()
        assert created.json()["role"] == "owner"
        org_id = created.json()["id"]
        assert PipelineStage.objects.filter(organization_id=org_id).count() == 7
        listed = client.get("/api/v1/workspaces/").json()
        assert [row["slug"] for row in listed] == [created.json()["slug"]]

    def test_team_endpoint_needs_a_workspace(self):
        member = workspace_member()
        answer = api_for(member.user).get("/api/v1/recruiting/openings/")
        assert answer.status_code == 400 and answer.json()["error"]["code"] == "workspace_required"

    def test_other_workspace_is_404(self):
        member, other = workspace_member(), workspace_member()
        client = api_for(member.user)
        client.credentials(HTTP_X_WORKSPACE=str(other.organization_id))
        assert client.get("/api/v1/recruiting/openings/").status_code == 404
        client.credentials(HTTP_X_WORKSPACE=other.organization.slug)
        assert client.get("/api/v1/recruiting/openings/").status_code == 404
        client.credentials()
        assert client.get("/api/v1/recruiting/openings/", {"workspace": "x\x00"}).status_code in (
            400,
            404,
        )


class TestOpenings:
    def test_post_opening_with_questions_and_list(self):
        member = workspace_member()
        client = api_for(member.user, member)
        created = client.post("/api/v1/recruiting/openings/", OPENING_BODY, format="json")
        assert created.status_code == 201, created.json()
        body = created.json()
        assert body["status"] == "open" and len(body["questions"]) == 4
        assert body["questions"][0]["knockout"] == {"answer": False}
        assert body["skills"] == ["django", "python"]
        public = APIClient().get("/api/v1/openings/").json()
        assert [row["id"] for row in public["results"]] == [body["id"]]
        # candidates never see knockout rules
        detail = APIClient().get(f"/api/v1/openings/{body['id']}/").json()
        assert "knockout" not in detail["questions"][0]

    @pytest.mark.parametrize(
        "change",
        [
            {"salary_min": 10, "salary_max": 5},
            {"title": ""},
            {"title": "x\x00y"},
            {"questions": [{"prompt": "?", "kind": "choice", "choices": ["one"]}]},
            {"questions": [{"prompt": "?", "kind": "yes_no", "knockout": {"answer": "no"}}]},
            {"questions": [{"prompt": "?", "kind": "text", "knockout": {"answer": True}}]},
            {"workplace": "moon"},
            {"skills": ["no-such-skill"]},
            {"surprise": 1},
            {"hiring_team": ["00000000-0000-0000-0000-000000000000"]},
        ],
    )
    def test_bad_opening_is_400_and_changes_nothing(self, change):
        member = workspace_member()
        response = api_for(member.user, member).post(
            "/api/v1/recruiting/openings/", {**OPENING_BODY, **change}, format="json"
        )
        assert response.status_code == 400, response.json()
        assert not Opening.objects.exists()

    def test_interviewer_cannot_post(self):
        member = workspace_member(role=Role.INTERVIEWER)
        response = api_for(member.user, member).post(
            "/api/v1/recruiting/openings/", OPENING_BODY, format="json"
        )
        assert (
            response.status_code == 403 and response.json()["error"]["code"] == "role_not_allowed"
        )

    def test_pause_resume_close_and_illegal(self):
        member = workspace_member()
        opening = make_opening(member)
        client = api_for(member.user, member)
        base = f"/api/v1/recruiting/openings/{opening.pk}/"
        assert client.post(base + "pause/").json()["status"] == "paused"
        assert client.get("/api/v1/openings/").json()["results"] == []
        assert client.post(base + "resume/").json()["status"] == "open"
        assert client.post(base + "close/").json()["status"] == "closed"
        again = client.post(base + "resume/")
        assert again.status_code == 409 and again.json()["error"]["code"] == "invalid_transition"

    def test_public_filters(self):
        member = workspace_member()
        make_opening(member, title="Designer", workplace="onsite", skills=[])
        make_opening(member, title="Engineer", workplace="remote")
        client = APIClient()

        def titles(**q):
            return [r["title"] for r in client.get("/api/v1/openings/", q).json()["results"]]

        assert titles(workplace="onsite") == ["Designer"]
        assert titles(skill="python") == ["Engineer"]
        assert titles(company=member.organization.slug, q="design") == ["Designer"]
        bad = client.get("/api/v1/openings/", {"workplace": "moon"})
        assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_parameter"

    def test_hidden_salary(self):
        member = workspace_member()
        opening = make_opening(member, salary_visible=False)
        assert APIClient().get(f"/api/v1/openings/{opening.pk}/").json()["salary"] is None
        team = api_for(member.user, member).get(f"/api/v1/recruiting/openings/{opening.pk}/")
        assert team.json()["salary"]["min"] == 4_000_000


def _questions():
    return [
        {"prompt": "EU work permit?", "kind": "yes_no", "knockout": {"answer": False}},
        {"prompt": "Years of Python", "kind": "number", "knockout": {"min": 2}},
        {"prompt": "Framework", "kind": "choice", "choices": ["Django", "Flask"]},
    ]


def _answers(opening, *values):
    return {str(q.pk): v for q, v in zip(opening.questions.all(), values, strict=False)}


class TestApplying:
    def test_apply_once_with_typed_answers_and_match(self):
        member = workspace_member()
        opening = make_opening(member, questions=_questions())
        candidate = UserFactory()
        FreelancerProfileFactory(user=candidate, skills=["python"])
        client = api_for(candidate)
        answers = _answers(opening, True, 5, "Django")
        first = client.post(f"/api/v1/openings/{opening.pk}/apply/", {"answers": answers},
                            format="json")  # fmt: skip
        assert first.status_code == 201, first.json()
        assert first.json()["status"] == "applied"
        application = Application.objects.get()
        assert (application.match_score, application.matched_skills,
                application.missing_skills) == (50, ["python"], ["django"])  # fmt: skip
        assert application.knocked_out is False
        twice = client.post(f"/api/v1/openings/{opening.pk}/apply/", {"answers": answers},
                            format="json")  # fmt: skip
        assert twice.status_code == 409 and twice.json()["error"]["code"] == "already_applied"
        assert Application.objects.count() == 1

    @pytest.mark.parametrize(
        "values",
        [("yes please", 5, "Django"), (True, "five", "Django"), (True, 5, "Rails"),
         (True, True, "Django"), (None, 5, "Django")],
    )  # fmt: skip
    def test_wrong_answer_types_are_400(self, values):
        member = workspace_member()
        opening = make_opening(member, questions=_questions())
        response = api_for(UserFactory()).post(
            f"/api/v1/openings/{opening.pk}/apply/",
            {"answers": _answers(opening, *values)}, format="json",
        )  # fmt: skip
        assert response.status_code == 400, response.json()
        assert response.json()["error"]["code"] == "invalid_answers"
        assert not Application.objects.exists()

    def test_answer_to_an_unknown_question_is_400(self):
        member = workspace_member()
        opening = make_opening(member)
        response = api_for(UserFactory()).post(
            f"/api/v1/openings/{opening.pk}/apply/",
            {"answers": {"d8f3c4b2-0000-0000-0000-000000000000": "x"}}, format="json",
        )  # fmt: skip
        assert (
            response.status_code == 400 and response.json()["error"]["code"] == "unknown_question"
        )

    def test_closed_opening_refuses(self):
        member = workspace_member()
        opening = make_opening(member)
        api_for(member.user, member).post(f"/api/v1/recruiting/openings/{opening.pk}/close/")
        response = api_for(UserFactory()).post(f"/api/v1/openings/{opening.pk}/apply/", {},
                                               format="json")  # fmt: skip
        assert (
            response.status_code == 409 and response.json()["error"]["code"] == "opening_not_open"
        )

    def test_draft_is_not_found(self):
        member = workspace_member()
        opening = make_opening(member, publish=False)
        response = api_for(UserFactory()).post(f"/api/v1/openings/{opening.pk}/apply/", {},
                                               format="json")  # fmt: skip
        assert response.status_code == 404

    def test_knockout_answer_marks_and_schedules(self):
        member = workspace_member()
        opening = make_opening(member, questions=_questions(), knockout_delay_hours=2)
        application = apply(opening, answers=_answers(opening, False, 5, "Django"))
        assert application.knocked_out and application.knockout_due_at is not None

    def test_candidate_view_has_no_internal_data(self):
        member = workspace_member()
        opening = make_opening(member)
        application = apply(opening)
        mine = api_for(application.candidate).get("/api/v1/applications/mine/").json()
        row = mine["results"][0]
        assert set(row) == {"id", "opening", "status", "status_text", "created_at"}


class TestPipeline:
    def test_move_along_the_table_and_illegal_moves(self):
        member = workspace_member()
        opening = make_opening(member)
        application = apply(opening)
        client = api_for(member.user, member)
        url = f"/api/v1/recruiting/applications/{application.pk}/move/"
        skip = client.post(url, {"stage": str(stage(member, "offer").pk)}, format="json")
        assert skip.status_code == 409 and skip.json()["error"]["code"] == "invalid_transition"
        moved = client.post(url, {"stage": str(stage(member, "screening").pk)}, format="json")
        assert moved.status_code == 200 and moved.json()["status"] == "screening"
        no_reason = client.post(url, {"stage": str(stage(member, "rejected").pk)}, format="json")
        assert (
            no_reason.status_code == 400 and no_reason.json()["error"]["code"] == "reason_required"
        )
        application.refresh_from_db()
        assert application.status == "screening"
        assert [e.transition for e in application.events.all()] == ["screen"]

    def test_hire_fills_and_closes_the_opening(self):
        member = workspace_member()
        opening = make_opening(member)
        application = apply(opening)
        client = api_for(member.user, member)
        url = f"/api/v1/recruiting/applications/{application.pk}/move/"
        for kind in ("interview", "offer", "hired"):
            answer = client.post(url, {"stage": str(stage(member, kind).pk)}, format="json")
            assert answer.status_code == 200, answer.json()
        opening.refresh_from_db()
        assert (opening.status, opening.hired_count) == ("closed", 1)
        status = api_for(application.candidate).get("/api/v1/applications/mine/").json()
        assert status["results"][0]["status"] == "hired"

    def test_bulk_reject_with_email(self, mailoutbox, django_capture_on_commit_callbacks):
        member = workspace_member()
        opening = make_opening(member)
        apps = [apply(opening) for _ in range(3)]
        client = api_for(member.user, member)
        with django_capture_on_commit_callbacks(execute=True):
            answer = client.post(
                f"/api/v1/recruiting/openings/{opening.pk}/applications/bulk-move/",
                {"applications": [str(a.pk) for a in apps],
                 "stage": str(stage(member, "rejected").pk), "reason": "Not a fit",
                 "candidate_message": "Dear {name}, thank you for applying to {opening}."},
                format="json",
            )  # fmt: skip
        assert answer.status_code == 200 and len(answer.json()["moved"]) == 3
        assert len(mailoutbox) == 3
        assert any(apps[0].candidate.first_name in m.body for m in mailoutbox)
        assert "Backend engineer" in mailoutbox[0].body

    def test_custom_stage(self):
        member = workspace_member()
        client = api_for(member.user, member)
        created = client.post("/api/v1/recruiting/stages/",
                              {"name": "Tech interview", "kind": "interview"}, format="json")  # fmt: skip
        assert created.status_code == 201
        bad = client.post("/api/v1/recruiting/stages/", {"name": "X", "kind": "hired"},
                          format="json")  # fmt: skip
        assert bad.status_code == 400
        opening = make_opening(member)
        application = apply(opening)
        url = f"/api/v1/recruiting/applications/{application.pk}/move/"
        interview = stage(member, "interview")
        assert client.post(url, {"stage": str(interview.pk)}, format="json").status_code == 200
        to_custom = client.post(url, {"stage": created.json()["id"]}, format="json")
        assert (
            to_custom.status_code == 200 and to_custom.json()["stage"]["name"] == "Tech interview"
        )


class TestIsolation:
    """Company B's member gets 404 for company A's every id, and nothing changes."""

    def test_every_team_endpoint(self):
        a = workspace_member()
        opening = make_opening(a)
        application = apply(opening)
        b = workspace_member()
        client = api_for(b.user, b)
        base = "/api/v1/recruiting/"
        gets = [
            f"{base}openings/{opening.pk}/",
            f"{base}openings/{opening.pk}/applications/",
            f"{base}openings/{opening.pk}/matches/",
            f"{base}applications/{application.pk}/",
            f"{base}applications/{application.pk}/notes/",
            f"{base}applications/{application.pk}/scorecards/",
        ]
        for url in gets:
            assert client.get(url).status_code == 404, url
        b_stage = str(stage(b, "screening").pk)
        a_stage = str(stage(a, "screening").pk)
        posts = [
            (f"{base}openings/{opening.pk}/", "patch", {"title": "Hacked"}),
            (f"{base}openings/{opening.pk}/pause/", "post", {}),
            (f"{base}openings/{opening.pk}/close/", "post", {}),
            (f"{base}openings/{opening.pk}/applications/bulk-move/", "post",
             {"applications": [str(application.pk)], "stage": b_stage}),
            (f"{base}applications/{application.pk}/move/", "post", {"stage": b_stage}),
            (f"{base}applications/{application.pk}/notes/", "post", {"body": "hi"}),
            (f"{base}applications/{application.pk}/scorecards/", "post",
             {"ratings": {"skills": 4, "experience": 4, "communication": 4, "culture": 4},
              "recommendation": "yes"}),
        ]  # fmt: skip
        for url, method, body in posts:
            assert getattr(client, method)(url, body, format="json").status_code == 404, url
        # B's own application moved to A's stage: 404 too
        own = apply(make_opening(b))
        moved = client.post(f"{base}applications/{own.pk}/move/", {"stage": a_stage},
                            format="json")  # fmt: skip
        assert moved.status_code == 404
        opening.refresh_from_db()
        application.refresh_from_db()
        assert (opening.title, opening.status, application.status) == (
            "Backend engineer",
            "open",
            "applied",
        )
        assert not application.notes.exists() and not application.scorecards.exists()


class TestNotesAndScorecards:
    def test_mention_notifies(self, django_capture_on_commit_callbacks):
        member = workspace_member()
        mate = teammate(member, Role.INTERVIEWER)
        application = apply(make_opening(member))
        client = api_for(member.user, member)
        with django_capture_on_commit_callbacks(execute=True):
            note = client.post(f"/api/v1/recruiting/applications/{application.pk}/notes/",
                               {"body": f"@{mate.user.email} please look"}, format="json")  # fmt: skip
        assert note.status_code == 201 and note.json()["mentions"] == [str(mate.user.pk)]
        from craftwork.notifications.models import Notification

        assert Notification.objects.filter(recipient=mate.user).exists()

    def test_interviewer_sees_others_only_after_own(self):
        member = workspace_member()
        interviewer = teammate(member, Role.INTERVIEWER)
        application = apply(make_opening(member))
        url = f"/api/v1/recruiting/applications/{application.pk}/scorecards/"
        card = {"ratings": {"skills": 3, "experience": 2, "communication": 4, "culture": 3},
                "recommendation": "yes"}  # fmt: skip
        assert api_for(member.user, member).post(url, card, format="json").status_code == 201
        seen = api_for(interviewer.user, interviewer).get(url).json()
        assert seen == {"submitted_own": False, "scorecards": []}
        bad = api_for(interviewer.user, interviewer).post(
            url, {**card, "ratings": {**card["ratings"], "skills": 5}}, format="json"
        )
        assert bad.status_code == 400
        done = api_for(interviewer.user, interviewer).post(url, card, format="json")
        assert done.status_code == 201
        assert len(api_for(interviewer.user, interviewer).get(url).json()["scorecards"]) == 2
        twice = api_for(interviewer.user, interviewer).post(url, card, format="json")
        assert twice.status_code == 409
