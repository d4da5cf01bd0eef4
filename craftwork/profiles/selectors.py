"""Reads for profiles, already scoped to what the caller may see."""

from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from craftwork.core.errors import NotFound, ValidationFailed

from .filters import FreelancerFilter
from .models import (
    Availability,
    ClientProfile,
    FreelancerProfile,
    FreelancerSkill,
    PortfolioItem,
    Skill,
    SkillCategory,
)

MIN_SKILLS_FOR_COMPLETE_PROFILE = 3
MIN_SKILLS_TO_PUBLISH = 1  # services.freelancer_publish_missing


def _skills_prefetch() -> Prefetch:
    return Prefetch(
        "profile_skills",
        queryset=FreelancerSkill.objects.select_related("skill").order_by("position", "created_at"),
    )


def _portfolio_prefetch() -> Prefetch:
    return Prefetch(
        "portfolio_items",
        queryset=PortfolioItem.objects.prefetch_related("images").order_by(
            "position", "created_at"
        ),
    )


# --- Public freelancer pages --------------------------------------------------------


def public_freelancers():
    """Published profiles of active users, with what a card shows loaded in a constant number of queries."""
    return (
        # The user is joined anyway (select_related): checking it is active on that join reads
        # one user per row of the page, where a NOT IN subquery scanned every user per request.
        FreelancerProfile.objects.filter(is_published=True, user__is_active=True)
        .select_related("user")
        .prefetch_related(_skills_prefetch())
        .order_by("-published_at", "-id")
    )


def freelancer_filterset(filters=None) -> FreelancerFilter:
    """The bound search filters over the public profiles (the web page renders its form).

    ``filters`` is a QueryDict or a plain dict, whose values may be lists (``{"skill": ["a", "b"]}``).
    """
    if filters is not None and not isinstance(filters, MultiValueDict):
        filters = MultiValueDict(
            {
                key: list(value) if isinstance(value, list | tuple) else [value]
                for key, value in filters.items()
            }
        )
    return FreelancerFilter(filters or {}, queryset=public_freelancers())


def public_freelancer_list(filters=None):
    """Public profiles matching ``filters`` (a dict or QueryDict of FreelancerFilter parameters)."""
    filterset = freelancer_filterset(filters)
    if not filterset.is_valid():
        raise ValidationFailed(
            details={field: list(errors) for field, errors in filterset.errors.items()}
        )
    return filterset.qs


def public_freelancer_detail(pk, *, viewer=None) -> FreelancerProfile:
    """A published profile of an active user; its owner may also preview it while unpublished."""
    visible = Q(is_published=True, user__is_active=True)
    if viewer is not None and viewer.is_authenticated:
        visible |= Q(user=viewer)
    profile = (
        FreelancerProfile.objects.filter(visible, pk=pk)
        .select_related("user")
        .prefetch_related(_skills_prefetch(), _portfolio_prefetch())
        .first()
    )
    if profile is None:
        raise NotFound(_("Freelancer not found."))
    return profile


def featured_freelancers(*, limit: int):
    """Recently published, available freelancers for the home page."""
    return list(public_freelancers().exclude(availability=Availability.UNAVAILABLE)[:limit])


def skill_categories_with_counts():
    """Every category with ``freelancer_count``: published freelancers having a skill in it."""
    published = Q(
        skills__freelancer_skills__profile__is_published=True,
        skills__freelancer_skills__profile__user__is_active=True,
    )
    return SkillCategory.objects.annotate(
        freelancer_count=Count(
            "skills__freelancer_skills__profile", filter=published, distinct=True
        )
    ).order_by("position", "name")


def skill_categories_with_skills():
    return SkillCategory.objects.prefetch_related(
        Prefetch("skills", queryset=Skill.objects.order_by("name"))
    ).order_by("position", "name")


def skills_list(*, category: str | None = None, q: str | None = None):
    skills = Skill.objects.select_related("category").order_by("category__position", "name")
    if category:
        skills = skills.filter(category__slug=category)
    if q:
        skills = skills.filter(Q(name__icontains=q) | Q(slug__icontains=q))
    return skills


# --- The owner's own pages ---------------------------------------------------------------


def own_freelancer_profile(*, user) -> FreelancerProfile | None:
    return FreelancerProfile.objects.filter(user=user).prefetch_related(_skills_prefetch()).first()


def own_portfolio_items(*, user):
    return (
        PortfolioItem.objects.filter(profile__user=user)
        .prefetch_related("images")
        .order_by("position", "created_at")
    )


def own_portfolio_item(*, user, pk) -> PortfolioItem:
    """One of the user's portfolio items; someone else's id is simply not found."""
    item = own_portfolio_items(user=user).select_related("profile").filter(pk=pk).first()
    if item is None:
        raise NotFound(_("Portfolio item not found."))
    return item


def own_client_profile(*, user) -> ClientProfile | None:
    return ClientProfile.objects.filter(user=user).first()


# --- Completeness (dashboard) --------------------------------------------------------------


def _completeness(steps: list[dict]) -> dict:
    done = sum(1 for step in steps if step["done"])
    return {"percent": round(100 * done / len(steps)), "steps": steps}


def freelancer_completeness(user) -> dict:
    """How far the freelancer's profile is: {"percent", "steps": [{"label", "done", "url"}]}."""
    profile = (
        FreelancerProfile.objects.filter(user=user)
        .annotate(
            skill_count=Count("profile_skills", distinct=True),
            portfolio_count=Count("portfolio_items", distinct=True),
        )
        .first()
    )
    edit = reverse("profiles:freelancer-edit")
    has = (lambda attr: bool(getattr(profile, attr))) if profile else (lambda attr: False)
    return _completeness(
        [
            {"label": _("Write a headline"), "done": has("headline"), "url": f"{edit}#id_headline"},
            {
                "label": _("Tell clients about yourself"),
                "done": has("bio"),
                "url": f"{edit}#id_bio",
            },
            {
                "label": _("Set your hourly rate"),
                "done": has("hourly_rate"),
                "url": f"{edit}#id_hourly_rate",
            },
            {
                # Publishing needs fewer skills than a complete profile; say both numbers, so the
                # checklist and the publish button never seem to disagree.
                "label": _("Add at least %(count)d skills (%(publish)d is enough to publish)")
                % {"count": MIN_SKILLS_FOR_COMPLETE_PROFILE, "publish": MIN_SKILLS_TO_PUBLISH},
                "done": bool(profile and profile.skill_count >= MIN_SKILLS_FOR_COMPLETE_PROFILE),
                "url": f"{edit}#skills",
            },
            {
                "label": _("Add your location"),
                "done": bool(profile and profile.city and profile.country),
                "url": f"{edit}#location",
            },
            {
                "label": _("Upload a profile photo"),
                "done": bool(user.avatar),
                "url": reverse("accounts:settings"),
            },
            {
                "label": _("Add a portfolio item"),
                "done": bool(profile and profile.portfolio_count),
                "url": reverse("profiles:portfolio"),
            },
            {
                "label": _("Publish your profile"),
                "done": has("is_published"),
                "url": f"{edit}#publish",
            },
        ]
    )


def client_completeness(user) -> dict:
    """How far the client's details are: {"percent", "steps": [{"label", "done", "url"}]}."""
    profile = own_client_profile(user=user)
    edit = reverse("profiles:client-edit")
    return _completeness(
        [
            {
                "label": _("Add your company or billing name"),
                "done": bool(profile and (profile.company_name or profile.billing_name)),
                "url": f"{edit}#id_company_name",
            },
            {
                "label": _("Add a billing email"),
                "done": bool(profile and profile.billing_email),
                "url": f"{edit}#id_billing_email",
            },
            {
                "label": _("Add your billing address"),
                "done": bool(profile and profile.has_billing_address),
                "url": f"{edit}#billing-address",
            },
            {
                "label": _("Upload a profile photo"),
                "done": bool(user.avatar),
                "url": reverse("accounts:settings"),
            },
            {
                "label": _("Verify your email address"),
                "done": user.email_verified,
                "url": reverse("accounts:verify-email-resend"),
            },
        ]
    )
