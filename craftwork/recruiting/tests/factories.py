"""Factories for recruiting, built through the services so the rules hold.

member = workspace_member()                          # a recruiter of a fresh workspace
opening = make_opening(member, questions=[...])      # open, skills python + django
application = apply(opening)                         # a fresh candidate applies
"""

from craftwork.accounts.models import Membership
from craftwork.accounts.tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from craftwork.profiles.models import Skill
from craftwork.recruiting import services
from craftwork.recruiting.models import PipelineStage


def workspace_member(role=Membership.Role.RECRUITER, organization=None) -> Membership:
    organization = organization or OrganizationFactory()
    services.pipeline_ensure(organization)
    return MembershipFactory(organization=organization, role=role)


def teammate(member: Membership, role) -> Membership:
    return MembershipFactory(organization=member.organization, role=role)


def opening_fields(**overrides) -> dict:
    values = {
        "title": "Backend engineer",
        "description": "Build **APIs** with us.",
        "department": "Engineering",
        "location": "Madrid",
        "workplace": "hybrid",
        "salary_min": 4_000_000,
        "salary_max": 5_500_000,
        "salary_currency": "EUR",
        "skills": list(Skill.objects.filter(slug__in=["python", "django"])),
    }
    values.update(overrides)
    return values


def make_opening(member: Membership, *, publish=True, questions=None, **overrides):
    return services.opening_create(
        actor=member.user, membership=member, publish_now=publish, questions=questions,
        **opening_fields(**overrides),
    )  # fmt: skip


def apply(opening, candidate=None, answers=None, **kwargs):
    candidate = candidate or UserFactory()
    return services.application_submit(actor=candidate, opening=opening, answers=answers, **kwargs)


def stage(member: Membership, kind: str) -> PipelineStage:
    return PipelineStage.objects.filter(organization=member.organization, kind=kind).first()
