from datetime import timedelta

import pytest
from django.utils import timezone

from craftwork.accounts.tests.factories import UserFactory
from craftwork.core.errors import Conflict
from craftwork.profiles.tests.factories import FreelancerProfileFactory
from craftwork.recruiting import services
from craftwork.recruiting.matching import match_application
from craftwork.recruiting.models import Application

from .factories import apply, make_opening, stage, workspace_member

pytestmark = pytest.mark.django_db


def _knockout_opening(member, delay=2):
    return make_opening(
        member,
        questions=[{"prompt": "Permit?", "kind": "yes_no", "knockout": {"answer": False}}],
        knockout_delay_hours=delay,
    )


def test_knockouts_are_rejected_after_the_delay_only():
    member = workspace_member()
    opening = _knockout_opening(member)
    question = opening.questions.get()
    start = timezone.now()
    out = apply(opening, answers={str(question.pk): False}, now=start)
    kept = apply(opening, answers={str(question.pk): True}, now=start)
    assert services.reject_due_knockouts(now=start + timedelta(hours=1)) == 0
    assert services.reject_due_knockouts(now=start + timedelta(hours=2)) == 1
    assert services.reject_due_knockouts(now=start + timedelta(hours=3)) == 0  # safe twice
    out.refresh_from_db()
    kept.refresh_from_db()
    assert (out.status, kept.status) == ("rejected", "applied")
    assert out.events.get().transition == "reject"


def test_a_moved_knockout_is_not_auto_rejected():
    member = workspace_member()
    opening = _knockout_opening(member)
    question = opening.questions.get()
    start = timezone.now()
    application = apply(opening, answers={str(question.pk): False}, now=start)
    services.application_move(actor=member.user, membership=member, application=application,
                              stage=stage(member, "screening"))  # fmt: skip
    assert services.reject_due_knockouts(now=start + timedelta(days=1)) == 0


def test_no_delay_means_never_automatic():
    member = workspace_member()
    opening = _knockout_opening(member, delay=None)
    question = opening.questions.get()
    application = apply(opening, answers={str(question.pk): False})
    assert application.knocked_out and application.knockout_due_at is None


def test_match_score_rounds_and_lists_skills():
    member = workspace_member()
    from craftwork.profiles.models import Skill

    opening = make_opening(member, skills=list(Skill.objects.filter(
        slug__in=["python", "django", "postgresql"])))  # fmt: skip
    candidate = UserFactory()
    FreelancerProfileFactory(user=candidate, skills=["python", "django"])
    application = Application(opening=opening, candidate=candidate)
    match = match_application(application)
    assert (match.score, match.matched, match.missing) == (67, ["django", "python"], ["postgresql"])


def test_match_score_counts_the_skills_on_the_candidate_profile():
    from craftwork.candidates.models import CandidateProfile
    from craftwork.profiles.models import Skill

    member = workspace_member()
    opening = make_opening(member, skills=list(Skill.objects.filter(slug__in=["python", "django"])))
    candidate = UserFactory()
    profile = CandidateProfile.objects.create(user=candidate)
    profile.skills.set(Skill.objects.filter(slug="django"))
    match = match_application(Application(opening=opening, candidate=candidate))
    assert (match.score, match.matched, match.missing) == (50, ["django"], ["python"])


def test_members_cannot_apply_to_their_own_company():
    member = workspace_member()
    with pytest.raises(Conflict):
        apply(make_opening(member), candidate=member.user)


def test_second_hire_beyond_positions_is_refused():
    member = workspace_member()
    opening = make_opening(member, positions=1)
    first, second = apply(opening), apply(opening)
    for application in (first, second):
        for kind in ("interview", "offer"):
            services.application_move(actor=member.user, membership=member,
                                      application=application, stage=stage(member, kind))  # fmt: skip
    services.application_move(actor=member.user, membership=member, application=first,
                              stage=stage(member, "hired"))  # fmt: skip
    with pytest.raises(Conflict):
        services.application_move(actor=member.user, membership=member, application=second,
                                  stage=stage(member, "hired"))  # fmt: skip
