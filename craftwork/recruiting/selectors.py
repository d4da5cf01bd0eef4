"""Reads, already scoped to what the actor may see.

``workspace_for`` is the one gate for workspace data: every team read and write starts from
the membership it returns, and every other selector here filters by that membership's
organization. An organization the user does not belong to, and any id of another workspace's
opening or application, answers 404 (``NotFound``), never the data."""

from __future__ import annotations

import uuid

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from craftwork.accounts.models import Membership, Organization
from craftwork.core.errors import NotFound

from . import permissions
from .models import (
    Application,
    Note,
    Opening,
    OpeningStatus,
    PipelineStage,
    Scorecard,
    StageKind,
)


def _uuid(value):
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def memberships_of(user) -> QuerySet[Membership]:
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user)
        .select_related("organization")
        .order_by("organization__name")
    )


def workspace_for(user, ref, permission: str = "workspace.view") -> Membership:
    """The user's membership in the workspace ``ref`` (an organization id or slug), checked
    for ``permission`` (403 when the role lacks it). 404 for a workspace they are not in."""
    ref = str(ref or "").strip()
    if not ref or "\x00" in ref or len(ref) > 160:
        raise NotFound(_("Workspace not found."))
    pk = _uuid(ref)
    lookup = Q(organization_id=pk) if pk else Q(organization__slug=ref)
    membership = memberships_of(user).filter(lookup).first()
    if membership is None:
        raise NotFound(_("Workspace not found."))
    permissions.require(membership, permission)
    return membership


def pipeline(organization) -> list[PipelineStage]:
    return list(PipelineStage.objects.filter(organization=organization))


def stage_in(membership: Membership, pk) -> PipelineStage:
    found = PipelineStage.objects.filter(
        organization_id=membership.organization_id, pk=_uuid(pk)
    ).first()
    if found is None:
        raise NotFound(_("Stage not found."))
    return found


# --- openings --------------------------------------------------------------------------------


def _opening_rows() -> QuerySet[Opening]:
    return Opening.objects.select_related("organization").prefetch_related("skills")


def openings_in(membership: Membership, *, status: str | None = None, q: str = "") -> QuerySet:
    rows = _opening_rows().filter(organization_id=membership.organization_id)
    if status:
        rows = rows.filter(status=status)
    if q:
        rows = rows.filter(title__icontains=q[:100])
    live = Q(applications__status__in=[StageKind.APPLIED, StageKind.SCREENING,
                                       StageKind.INTERVIEW, StageKind.OFFER])  # fmt: skip
    return rows.annotate(
        application_count=Count("applications", distinct=True),
        live_count=Count("applications", filter=live, distinct=True),
    ).order_by("-created_at")


def opening_in(membership: Membership, pk) -> Opening:
    found = (
        _opening_rows()
        .prefetch_related("questions", "hiring_team")
        .filter(organization_id=membership.organization_id, pk=_uuid(pk))
        .first()
    )
    if found is None:
        raise NotFound(_("Opening not found."))
    return found


def public_openings(
    *,
    q: str = "",
    organization: Organization | None = None,
    employment_type: str | None = None,
    workplace: str | None = None,
    seniority: str | None = None,
    skill: str = "",
    location: str = "",
) -> QuerySet[Opening]:
    """Open openings for the careers pages, the openings list and the job search."""
    rows = _opening_rows().filter(status=OpeningStatus.OPEN)
    if organization is not None:
        rows = rows.filter(organization=organization)
    if q:
        term = q[:100]
        rows = rows.filter(
            Q(title__icontains=term) | Q(department__icontains=term)
            | Q(organization__name__icontains=term)
        )  # fmt: skip
    if employment_type:
        rows = rows.filter(employment_type=employment_type)
    if workplace:
        rows = rows.filter(workplace=workplace)
    if seniority:
        rows = rows.filter(seniority=seniority)
    if skill:
        rows = rows.filter(skills__slug=skill[:80])
    if location:
        rows = rows.filter(location__icontains=location[:100])
    return rows.order_by("-published_at", "-id")


def public_opening(pk) -> Opening:
    found = (
        _opening_rows()
        .prefetch_related("questions")
        .filter(pk=_uuid(pk), status=OpeningStatus.OPEN)
        .first()
    )
    if found is None:
        raise NotFound(_("Opening not found."))
    return found


def careers_organization(slug: str) -> Organization:
    found = Organization.objects.filter(slug=str(slug)[:160]).first()
    if found is None:
        raise NotFound(_("Company not found."))
    return found


# --- applications (team) ---------------------------------------------------------------------


def _application_rows() -> QuerySet[Application]:
    return Application.objects.select_related("candidate", "stage", "opening__organization")


def application_in(membership: Membership, pk) -> Application:
    found = (
        _application_rows()
        .filter(opening__organization_id=membership.organization_id, pk=_uuid(pk))
        .first()
    )
    if found is None:
        raise NotFound(_("Application not found."))
    return found


def applications_for(
    opening: Opening,
    *,
    status: str | None = None,
    stage=None,
    q: str = "",
    min_score: int | None = None,
    knocked_out: bool | None = None,
) -> QuerySet[Application]:
    rows = _application_rows().filter(opening=opening)
    if status:
        rows = rows.filter(status=status)
    if stage is not None:
        rows = rows.filter(stage=stage)
    if q:
        term = q[:100]
        rows = rows.filter(
            Q(candidate__first_name__icontains=term) | Q(candidate__last_name__icontains=term)
            | Q(candidate__email__icontains=term)
        )  # fmt: skip
    if min_score is not None:
        rows = rows.filter(match_score__gte=min_score)
    if knocked_out is not None:
        rows = rows.filter(knocked_out=knocked_out)
    return rows.annotate(
        note_count=Count("notes", distinct=True),
        scorecard_count=Count("scorecards", distinct=True),
    ).order_by("-match_score", "created_at")


def board(opening: Opening, applications: QuerySet[Application]) -> list[dict]:
    """Columns in pipeline order, each with its cards (two queries whatever the size)."""
    stages = pipeline(opening.organization)
    by_stage: dict = {stage.pk: [] for stage in stages}
    for application in applications.prefetch_related(
        Prefetch("scorecards", queryset=Scorecard.objects.only("application_id", "ratings"))
    ):
        by_stage.setdefault(application.stage_id, []).append(application)
    return [{"stage": stage, "cards": by_stage.get(stage.pk, [])} for stage in stages]


def average_rating(application) -> float | None:
    """The mean of every submitted rating (1-4) on the application, from prefetched rows."""
    values = [
        value
        for card in application.scorecards.all()
        for value in card.ratings.values()
        if isinstance(value, int)
    ]
    return round(sum(values) / len(values), 1) if values else None


def notes_for(application) -> QuerySet[Note]:
    return application.notes.select_related("author").prefetch_related("mentions")


def scorecards_visible(membership: Membership, application) -> tuple[list, bool]:
    """(the scorecards the member may read, whether they have submitted their own).
    An interviewer sees only their own until they have submitted it."""
    cards = list(application.scorecards.select_related("author"))
    own = any(card.author_id == membership.user_id for card in cards)
    if permissions.has(membership.role, "scorecard.view_all") or own:
        return cards, own
    return [], own


# --- applications (candidate) ----------------------------------------------------------------


def candidate_applications(user) -> QuerySet[Application]:
    return (
        Application.objects.filter(candidate=user)
        .select_related("opening__organization", "stage")
        .order_by("-created_at")
    )


def candidate_application(user, pk) -> Application:
    found = candidate_applications(user).filter(pk=_uuid(pk)).first()
    if found is None:
        raise NotFound(_("Application not found."))
    return found


PLAIN_STATUS = {
    StageKind.APPLIED: gettext_lazy("We received your application."),
    StageKind.SCREENING: gettext_lazy("The team is reviewing your application."),
    StageKind.INTERVIEW: gettext_lazy("You are in the interview stage."),
    StageKind.OFFER: gettext_lazy("The team is preparing an offer for you."),
    StageKind.HIRED: gettext_lazy("You were hired. Congratulations!"),
    StageKind.REJECTED: gettext_lazy("The team decided not to move forward with your application."),
    StageKind.WITHDRAWN: gettext_lazy("You withdrew this application."),
}


def plain_status(application) -> str:
    """What the candidate sees: the step in plain words, never the stage names, notes or
    scores of the team."""
    return str(PLAIN_STATUS[application.status])


def closed_opening(pk) -> Opening:
    """A published opening that no longer takes applications (the apply endpoint answers
    409 for it rather than 404); drafts stay invisible."""
    found = Opening.objects.filter(pk=_uuid(pk), published_at__isnull=False).first()
    if found is None:
        raise NotFound(_("Opening not found."))
    return found


# --- offers ----------------------------------------------------------------------------------

CANDIDATE_OFFER_STATES = ("sent", "accepted", "declined", "expired")


def offers_for(application) -> QuerySet:
    return application.offers.select_related("created_by", "approved_by")


def offer_in(membership: Membership, pk):
    from .models import Offer

    found = (
        Offer.objects.select_related("application__opening__organization")
        .filter(application__opening__organization_id=membership.organization_id, pk=_uuid(pk))
        .first()
    )
    if found is None:
        raise NotFound(_("Offer not found."))
    return found


def candidate_offers(user, application) -> QuerySet:
    """What the candidate sees of the offers: sent ones and their outcome, never drafts."""
    return application.offers.filter(application__candidate=user, status__in=CANDIDATE_OFFER_STATES)


def candidate_offer(user, pk):
    from .models import Offer

    found = (
        Offer.objects.select_related("application__opening__organization")
        .filter(application__candidate=user, status__in=CANDIDATE_OFFER_STATES, pk=_uuid(pk))
        .first()
    )
    if found is None:
        raise NotFound(_("Offer not found."))
    return found
