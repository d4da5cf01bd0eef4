"""The public surface for other apps: profile_for, skill_ids_for, profile_visible_to."""

import pytest

from craftwork.accounts.tests.factories import UserFactory
from craftwork.candidates import selectors, services
from craftwork.profiles.models import Skill

pytestmark = pytest.mark.django_db


def test_profile_for_and_skill_ids_for(candidate, django_assert_num_queries):
    assert selectors.profile_for(candidate) is None
    assert selectors.skill_ids_for(candidate) == set()
    services.profile_update(
        actor=candidate,
        headline="Engineer",
        skills=["python", "go"],
        work=[{"title": "Engineer", "employer": "Initech"}],
    )
    with django_assert_num_queries(4):
        profile = selectors.profile_for(candidate)
        assert [w.employer for w in profile.work.all()] == ["Initech"]
        assert len(profile.skills.all()) == 2
    assert selectors.skill_ids_for(candidate) == set(
        Skill.objects.filter(slug__in=["python", "go"]).values_list("pk", flat=True)
    )
    assert selectors.skill_ids_for(UserFactory()) == set()


@pytest.mark.parametrize(
    "visibility, stranger, applied_company",
    [("private", False, False), ("applications", False, True), ("public", True, True)],
)
def test_visibility(candidate, visibility, stranger, applied_company):
    profile = services.profile_update(actor=candidate, visibility=visibility)
    other = UserFactory()
    assert selectors.profile_visible_to(profile, viewer=candidate)
    assert selectors.profile_visible_to(profile, viewer=other) is stranger
    assert selectors.profile_visible_to(profile, viewer=other, applied=True) is applied_company
