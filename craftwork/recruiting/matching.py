"""The match score of an application: 0-100 with the matched and missing skills.

``match_application`` is the one entry point (the matching issue replaces its internals);
``candidate_skill_slugs`` is the one place that knows where a candidate's skills live."""

from __future__ import annotations

from dataclasses import dataclass

from craftwork.candidates import selectors as candidate_selectors
from craftwork.profiles.models import FreelancerSkill, Skill


@dataclass(frozen=True)
class Match:
    score: int
    matched: list[str]
    missing: list[str]


def candidate_skill_slugs(user) -> set[str]:
    """The applicant's skills: those on their candidate profile (confirmed from a CV or typed)
    and those on their freelancer profile, if they have one."""
    freelancer = FreelancerSkill.objects.filter(profile__user=user).values_list(
        "skill__slug", flat=True
    )
    candidate = Skill.objects.filter(pk__in=candidate_selectors.skill_ids_for(user)).values_list(
        "slug", flat=True
    )
    return set(freelancer) | set(candidate)


def match_application(application) -> Match:
    """Key skills of the opening the applicant has, as a share of all of them (rounded half
    up); an opening without key skills matches everyone at 100."""
    wanted = sorted(skill.slug for skill in application.opening.skills.all())
    if not wanted:
        return Match(score=100, matched=[], missing=[])
    have = candidate_skill_slugs(application.candidate)
    matched = [slug for slug in wanted if slug in have]
    missing = [slug for slug in wanted if slug not in have]
    score = (200 * len(matched) + len(wanted)) // (2 * len(wanted))
    return Match(score=score, matched=matched, missing=missing)
