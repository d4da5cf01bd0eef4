"""Reads of candidate data, already scoped to what the reader may see.

Public surface for other apps (recruiting): ``profile_for``, ``skill_ids_for``,
``profile_visible_to`` and ``candidates.cv.parse_cv``.
"""

from django.db.models import Prefetch

from craftwork.core.errors import NotFound
from craftwork.profiles.models import Skill

from .cv import ParsedCV
from .models import CandidateProfile, CVStatus, CVUpload, Visibility


def _profiles():
    return CandidateProfile.objects.select_related("user", "current_cv").prefetch_related(
        "work", "education", Prefetch("skills", queryset=Skill.objects.order_by("name"))
    )


def profile_for(user) -> CandidateProfile | None:
    """The user's candidate profile with its sections, or None if they never made one. The
    caller decides who may see it (see ``profile_visible_to``)."""
    if user is None or not getattr(user, "pk", None):
        return None
    return _profiles().filter(user=user).first()


def skill_ids_for(user) -> set:
    """Primary keys of the taxonomy skills (profiles.Skill, UUIDs) on the user's profile."""
    if user is None or not getattr(user, "pk", None):
        return set()
    return set(
        CandidateProfile.skills.through.objects.filter(candidateprofile__user=user).values_list(
            "skill_id", flat=True
        )
    )


def profile_visible_to(profile: CandidateProfile, *, viewer, applied: bool = False) -> bool:
    """Whether ``viewer`` may see ``profile``: its owner always; anyone signed in when it is
    public; a company the candidate applied to (``applied``, decided by the caller) when it is
    shared with applications."""
    if viewer is not None and viewer.pk == profile.user_id:
        return True
    if profile.visibility == Visibility.PUBLIC:
        return bool(viewer and viewer.is_authenticated)
    return profile.visibility == Visibility.APPLICATIONS and applied


def own_cvs(*, user):
    return CVUpload.objects.filter(owner=user)


def own_cv(*, user, pk) -> CVUpload:
    """One of the user's CVs; anybody else's id is not found."""
    cv = CVUpload.objects.filter(owner=user, pk=pk).first()
    if cv is None:
        raise NotFound()
    return cv


def pending_cv(*, user) -> CVUpload | None:
    return own_cvs(user=user).filter(status=CVStatus.PARSED).first()


def _year_month(value: str) -> tuple[int | None, int | None]:
    if not value:
        return None, None
    year, _sep, month = value.partition("-")
    return int(year), (int(month) if month else None)


def profile_data(profile: CandidateProfile | None) -> dict:
    """The profile in the input shape of profile_update (what a form starts from)."""
    if profile is None:
        return {
            "work": [],
            "education": [],
            "skills": [],
            "languages": [],
            "links": [],
        }
    data = {
        name: getattr(profile, name)
        for name in (
            "headline",
            "summary",
            "phone",
            "desired_role",
            "desired_salary_amount",
            "desired_salary_currency",
            "desired_salary_period",
            "desired_location",
            "remote_preference",
            "visibility",
        )
    }
    data["languages"] = list(profile.languages or [])
    data["links"] = list(profile.links or [])
    data["skills"] = [skill.slug for skill in profile.skills.all()]
    data["work"] = [
        {
            "title": w.title,
            "employer": w.employer,
            "start_year": w.start_year,
            "start_month": w.start_month,
            "end_year": w.end_year,
            "end_month": w.end_month,
            "is_current": w.is_current,
            "description": w.description,
        }
        for w in profile.work.all()
    ]
    data["education"] = [
        {
            "school": e.school,
            "degree": e.degree,
            "field": e.field,
            "start_year": e.start_year,
            "end_year": e.end_year,
        }
        for e in profile.education.all()
    ]
    return data


def cv_draft(*, cv: CVUpload, profile: CandidateProfile | None) -> dict:
    """The profile as it would be with what the parser read: found values replace the
    profile's, found work and education replace those lists, found languages, links and
    skills are added. The candidate sees this pre-filled and confirms or corrects it."""
    data = profile_data(profile)
    parsed = ParsedCV.from_dict(cv.parsed) if cv.parsed else ParsedCV(text_found=False)
    if not parsed.text_found:
        return data
    for source, target in (("headline", "headline"), ("summary", "summary"), ("phone", "phone")):
        value = getattr(parsed, source)
        if value:
            data[target] = value
    if parsed.work:
        data["work"] = []
        for job in parsed.work:
            start_year, start_month = _year_month(job.start)
            end_year, end_month = _year_month(job.end)
            data["work"].append(
                {
                    "title": job.title,
                    "employer": job.employer,
                    "start_year": start_year,
                    "start_month": start_month,
                    "end_year": end_year,
                    "end_month": end_month,
                    "is_current": job.current,
                    "description": job.description,
                }
            )
    if parsed.education:
        data["education"] = [
            {
                "school": item.school,
                "degree": item.degree,
                "field": item.field,
                "start_year": _year_month(item.start)[0],
                "end_year": _year_month(item.end)[0],
            }
            for item in parsed.education
        ]
    known = {item["code"] for item in data["languages"]}
    data["languages"] += [
        {"code": item.code, "level": item.level}
        for item in parsed.languages
        if item.code not in known
    ]
    data["links"] = list(dict.fromkeys(data["links"] + parsed.links))
    existing = set(Skill.objects.filter(slug__in=parsed.skills).values_list("slug", flat=True))
    data["skills"] = list(
        dict.fromkeys(data["skills"] + [s for s in parsed.skills if s in existing])
    )
    return data
