"""Flags, holds and staff decisions through the services (and what the public then sees)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from craftwork.accounts.tests.factories import StaffFactory, UserFactory
from craftwork.catalog import selectors as catalog_selectors
from craftwork.catalog.models import GigStatus
from craftwork.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from craftwork.core.models import AuditLog
from craftwork.jobs import selectors as job_selectors
from craftwork.jobs.models import JobStatus
from craftwork.moderation import selectors, services
from craftwork.moderation.models import Case, Decision, Flag, HiddenItem
from craftwork.notifications.models import Notification
from craftwork.profiles import selectors as profile_selectors

from .factories import ITEM_FACTORIES, author_of, public_gig, public_job, public_profile

pytestmark = pytest.mark.django_db


def flag(user, obj, kind="gig", reason="spam", details=""):
    return services.flag_create(
        actor=user, kind=kind, object_id=str(obj.pk), reason=reason, details=details
    )


# --- flagging ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["gig", "job", "profile"])
def test_any_user_flags_what_they_can_see(kind):
    item = ITEM_FACTORIES[kind]()
    reporter = UserFactory()
    created = flag(reporter, item, kind=kind, reason="scam", details="asks for PayPal")
    case = created.case
    assert (case.kind, case.object_id, case.status) == (kind, str(item.pk), Case.Status.OPEN)
    assert case.author == author_of(kind, item)
    assert case.flag_count == 1 and case.summary
    assert AuditLog.objects.filter(action="moderation.flag_created").count() == 1


def test_several_flags_group_into_one_case():
    gig = public_gig()
    flags = [flag(UserFactory(), gig, reason=r) for r in ("spam", "scam", "spam")]
    assert len({f.case_id for f in flags}) == 1
    case = Case.objects.get()
    assert case.flag_count == 3
    counts = selectors.flag_reason_counts([case])[case.pk]
    assert counts[0][1] == 2  # spam twice, first


def test_second_open_flag_by_the_same_user_is_a_conflict():
    gig = public_gig()
    reporter = UserFactory()
    flag(reporter, gig)
    with pytest.raises(Conflict) as error:
        flag(reporter, gig, reason="scam")
    assert error.value.code == "already_flagged"
    assert Flag.objects.count() == 1


def test_a_user_may_flag_again_after_the_first_flag_was_handled(staff_user):
    gig = public_gig()
    reporter = UserFactory()
    first = flag(reporter, gig)
    services.case_decide(actor=staff_user, case_id=first.case_id, action="dismiss", reason="fine")
    second = flag(reporter, gig)
    assert second.case_id != first.case_id


def test_own_content_cannot_be_flagged():
    gig = public_gig()
    with pytest.raises(PermissionDenied) as error:
        flag(gig.seller, gig)
    assert error.value.code == "own_content"
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "object_id", ["00000000-0000-0000-0000-000000000000", "not-a-uuid", "", "1' OR 1=1"]
)
def test_unknown_ids_are_not_found(object_id):
    with pytest.raises(NotFound):
        services.flag_create(actor=UserFactory(), kind="gig", object_id=object_id, reason="spam")


@pytest.mark.parametrize("kind", ["nope", "", None, 42, "Gig"])
def test_unknown_kind_is_not_found(kind):
    gig = public_gig()
    with pytest.raises(NotFound):
        services.flag_create(actor=UserFactory(), kind=kind, object_id=str(gig.pk), reason="spam")


def test_items_the_user_cannot_see_are_not_found():
    draft = public_gig()
    draft.status = GigStatus.DRAFT
    draft.save()
    invite_only = public_job(invite_only=True)
    unpublished = public_profile(is_published=False)
    for kind, obj in (("gig", draft), ("job", invite_only), ("profile", unpublished)):
        with pytest.raises(NotFound):
            flag(UserFactory(), obj, kind=kind)
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("reason", "details", "field"),
    [
        ("bogus", "", "reason"),
        (None, "", "reason"),
        (["spam"], "", "reason"),
        ("spam", "x" * 1001, "details"),
        ("spam", 12, "details"),
        ("other", "   ", "details"),
    ],
)
def test_bad_flag_input(reason, details, field):
    gig = public_gig()
    with pytest.raises(ValidationFailed) as error:
        flag(UserFactory(), gig, reason=reason, details=details)
    assert field in error.value.details
    assert not Flag.objects.exists()


def test_anonymous_and_inactive_users_cannot_flag():
    from django.contrib.auth.models import AnonymousUser

    gig = public_gig()
    for actor in (AnonymousUser(), None, UserFactory(is_active=False)):
        with pytest.raises(PermissionDenied):
            flag(actor, gig)


def test_flags_are_capped_per_hour(settings):
    settings.MODERATION_FLAGS_PER_HOUR = 2
    reporter = UserFactory()
    gigs = [public_gig() for _ in range(3)]
    flag(reporter, gigs[0])
    flag(reporter, gigs[1])
    with pytest.raises(services.RateLimited) as error:
        flag(reporter, gigs[2])
    assert error.value.status_code == 429
    Flag.objects.update(created_at=timezone.now() - timedelta(hours=2))
    flag(reporter, gigs[2])


# --- automatic holds ------------------------------------------------------------------------------


def test_hold_hides_the_gig_and_is_idempotent(django_capture_on_commit_callbacks):
    gig = public_gig(description="Call me on +34 612 345 678")
    with django_capture_on_commit_callbacks(execute=True):
        case = services.hold_for_moderation(
            kind="gig", obj=gig, reasons=["phone"], matches=["+34 612 345 678"]
        )
        again = services.hold_for_moderation(kind="gig", obj=gig, reasons=["email"])
    assert again.pk == case.pk
    case.refresh_from_db()
    assert case.held and case.hold_reasons == ["phone", "email"]
    gig.refresh_from_db()
    assert gig.status == GigStatus.REMOVED
    assert not catalog_selectors.public_gigs().filter(pk=gig.pk).exists()
    assert selectors.is_hidden(kind="gig", object_id=gig.pk)
    # The author is told once, although the hold arrived twice.
    notes = Notification.objects.filter(recipient=gig.seller, type="moderation_held")
    assert notes.count() == 1


def test_a_hold_joins_the_open_case_of_flags():
    gig = public_gig()
    flagged = flag(UserFactory(), gig)
    case = services.hold_for_moderation(kind="gig", obj=gig, reasons=["email"])
    assert flagged.case_id == case.pk and case.held and case.flag_count == 1


def test_hold_without_hiding_leaves_the_item_alone():
    gig = public_gig()
    services.hold_for_moderation(kind="gig", obj=gig, reasons=["email"], hide=False)
    gig.refresh_from_db()
    assert gig.status == GigStatus.ACTIVE
    assert not selectors.is_hidden(kind="gig", object_id=gig.pk)


# --- decisions ------------------------------------------------------------------------------------


def test_hide_a_flagged_gig(staff_user, django_capture_on_commit_callbacks):
    gig = public_gig()
    reporters = [UserFactory(), UserFactory()]
    case = flag(reporters[0], gig).case
    flag(reporters[1], gig, reason="scam")
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.case_decide(
            actor=staff_user, case_id=case.pk, action="hide", reason="Copied artwork"
        )
    case.refresh_from_db()
    gig.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.decision == "hide"
    assert gig.status == GigStatus.REMOVED and gig.removed_reason == "Copied artwork"
    assert set(Flag.objects.values_list("status", flat=True)) == {Flag.Status.UPHELD}
    assert decision.author == gig.seller and decision.actor == staff_user
    assert not catalog_selectors.public_gigs().filter(pk=gig.pk).exists()
    note = Notification.objects.get(recipient=gig.seller)
    assert note.type == "moderation_decision"
    assert "Copied artwork" in note.body
    assert note.link == f"/moderation/decisions/{decision.pk}/"
    told = Notification.objects.filter(type="moderation_report_outcome")
    assert {n.recipient_id for n in told} == {r.pk for r in reporters}
    assert AuditLog.objects.filter(action="moderation.case_decided").count() == 1
    assert AuditLog.objects.filter(action="catalog.gig_hidden").count() == 1


def test_flaggers_are_told_only_when_asked(staff_user, django_capture_on_commit_callbacks):
    gig = public_gig()
    case = flag(UserFactory(), gig).case
    with django_capture_on_commit_callbacks(execute=True):
        services.case_decide(
            actor=staff_user, case_id=case.pk, action="hide", reason="r", notify_flaggers=False
        )
    assert not Notification.objects.filter(type="moderation_report_outcome").exists()


def test_restore_a_held_gig(staff_user, django_capture_on_commit_callbacks):
    gig = public_gig()
    case = services.hold_for_moderation(kind="gig", obj=gig, reasons=["phone"])
    with django_capture_on_commit_callbacks(execute=True):
        services.case_decide(
            actor=staff_user, case_id=case.pk, action="restore", reason="A price, not a phone"
        )
    gig.refresh_from_db()
    assert gig.status == GigStatus.ACTIVE and gig.removed_reason == ""
    assert catalog_selectors.public_gigs().filter(pk=gig.pk).exists()
    assert not selectors.is_hidden(kind="gig", object_id=gig.pk)
    note = Notification.objects.get(recipient=gig.seller, type="moderation_decision")
    assert "visible again" in note.title


def test_dismiss_closes_without_touching_the_item(staff_user, django_capture_on_commit_callbacks):
    gig = public_gig()
    case = flag(UserFactory(), gig).case
    with django_capture_on_commit_callbacks(execute=True):
        services.case_decide(actor=staff_user, case_id=case.pk, action="dismiss", reason="Fine")
    gig.refresh_from_db()
    assert gig.status == GigStatus.ACTIVE
    assert Flag.objects.get().status == Flag.Status.DISMISSED
    # The author never knew about the report: no notification for them.
    assert not Notification.objects.filter(recipient=gig.seller).exists()


def test_a_held_case_cannot_be_dismissed(staff_user):
    gig = public_gig()
    case = services.hold_for_moderation(kind="gig", obj=gig, reasons=["phone"])
    with pytest.raises(InvalidTransition):
        services.case_decide(actor=staff_user, case_id=case.pk, action="dismiss", reason="x")
    case.refresh_from_db()
    assert case.is_open


def test_deciding_a_closed_case_twice_is_a_conflict(staff_user):
    gig = public_gig()
    case = flag(UserFactory(), gig).case
    services.case_decide(actor=staff_user, case_id=case.pk, action="hide", reason="r")
    with pytest.raises(Conflict) as error:
        services.case_decide(actor=StaffFactory(), case_id=case.pk, action="remove", reason="r")
    assert error.value.code == "case_closed"
    assert Decision.objects.count() == 1


@pytest.mark.parametrize("reason", ["", "   ", None, 5, "x" * 2001])
def test_a_decision_needs_a_reason(staff_user, reason):
    case = flag(UserFactory(), public_gig()).case
    with pytest.raises(ValidationFailed):
        services.case_decide(actor=staff_user, case_id=case.pk, action="hide", reason=reason)
    case.refresh_from_db()
    assert case.is_open


@pytest.mark.parametrize("action", ["delete", "", None, "dismiss_flag"])
def test_unknown_actions_are_refused(staff_user, action):
    case = flag(UserFactory(), public_gig()).case
    with pytest.raises(ValidationFailed):
        services.case_decide(actor=staff_user, case_id=case.pk, action=action, reason="r")


def test_only_staff_decide():
    gig = public_gig()
    case = flag(UserFactory(), gig).case
    for actor in (UserFactory(), gig.seller, None, StaffFactory(is_active=False)):
        with pytest.raises(PermissionDenied):
            services.case_decide(actor=actor, case_id=case.pk, action="hide", reason="r")


@pytest.mark.parametrize("case_id", ["00000000-0000-0000-0000-000000000000", "nope", None])
def test_unknown_case_is_not_found(staff_user, case_id):
    with pytest.raises(NotFound):
        services.case_decide(actor=staff_user, case_id=case_id, action="hide", reason="r")


def test_an_item_deleted_meanwhile_still_closes_its_case(staff_user):
    gig = public_gig()
    case = flag(UserFactory(), gig).case
    gig.delete()  # gone in between: the decision still closes the case
    services.case_decide(actor=staff_user, case_id=case.pk, action="hide", reason="gone")
    case.refresh_from_db()
    assert not case.is_open


def test_remove_is_final(staff_user):
    gig = public_gig()
    case = flag(UserFactory(), gig).case
    services.case_decide(actor=staff_user, case_id=case.pk, action="remove", reason="Scam")
    assert HiddenItem.objects.get().final
    with pytest.raises(Conflict):
        services.case_reopen(actor=staff_user, kind="gig", object_id=gig.pk, reason="appeal")


def test_reopen_then_restore_a_hidden_gig(staff_user):
    gig = public_gig()
    case = flag(UserFactory(), gig).case
    services.case_decide(actor=staff_user, case_id=case.pk, action="hide", reason="Unclear")
    reopened = services.case_reopen(actor=staff_user, kind="gig", object_id=gig.pk, reason="appeal")
    with pytest.raises(Conflict):
        services.case_reopen(actor=staff_user, kind="gig", object_id=gig.pk, reason="again")
    services.case_decide(actor=staff_user, case_id=reopened.pk, action="restore", reason="OK")
    gig.refresh_from_db()
    assert gig.status == GigStatus.ACTIVE
    history = list(selectors.item_history(kind="gig", object_id=gig.pk))
    assert [d.action for d in history] == ["restore", "hide"]


# --- one flag dismissed ---------------------------------------------------------------------------


def test_dismissing_the_last_flag_closes_the_case(staff_user):
    gig = public_gig()
    first = flag(UserFactory(), gig)
    second = flag(UserFactory(), gig)
    services.flag_dismiss(actor=staff_user, flag_id=first.pk, reason="Not spam")
    case = Case.objects.get()
    assert case.is_open
    services.flag_dismiss(actor=staff_user, flag_id=second.pk, reason="Not spam either")
    case.refresh_from_db()
    assert not case.is_open and case.decision == "dismiss"
    with pytest.raises(Conflict):
        services.flag_dismiss(actor=staff_user, flag_id=first.pk, reason="again")


def test_dismissing_a_flag_keeps_a_held_case_open(staff_user):
    gig = public_gig()
    only = flag(UserFactory(), gig)
    services.hold_for_moderation(kind="gig", obj=gig, reasons=["phone"])
    services.flag_dismiss(actor=staff_user, flag_id=only.pk, reason="dup")
    assert Case.objects.get().is_open


def test_dismissing_a_flag_needs_staff_and_a_reason(staff_user):
    only = flag(UserFactory(), public_gig())
    with pytest.raises(PermissionDenied):
        services.flag_dismiss(actor=UserFactory(), flag_id=only.pk, reason="x")
    with pytest.raises(ValidationFailed):
        services.flag_dismiss(actor=staff_user, flag_id=only.pk, reason="")
    with pytest.raises(NotFound):
        services.flag_dismiss(actor=staff_user, flag_id="nope", reason="x")


# --- jobs and profiles ------------------------------------------------------------------------------


def test_hide_restore_and_remove_a_job(staff_user):
    job = public_job()
    visitor = UserFactory()
    case = flag(UserFactory(), job, kind="job").case
    services.case_decide(actor=staff_user, case_id=case.pk, action="hide", reason="Spam")
    assert not job_selectors.public_jobs().filter(pk=job.pk).exists()
    with pytest.raises(NotFound):
        job_selectors.job_for_viewer(visitor, job.pk)
    assert job_selectors.job_for_viewer(job.client, job.pk) == job  # its client still sees it

    reopened = services.case_reopen(actor=staff_user, kind="job", object_id=job.pk, reason="ok")
    services.case_decide(actor=staff_user, case_id=reopened.pk, action="restore", reason="ok")
    assert job_selectors.public_jobs().filter(pk=job.pk).exists()

    last = flag(UserFactory(), job, kind="job").case
    services.case_decide(actor=staff_user, case_id=last.pk, action="remove", reason="Scam")
    job.refresh_from_db()
    assert job.status == JobStatus.CLOSED
    assert not job_selectors.public_jobs().filter(pk=job.pk).exists()


def test_hide_and_restore_a_profile(staff_user):
    profile = public_profile(skills=1)
    case = flag(UserFactory(), profile, kind="profile").case
    services.case_decide(actor=staff_user, case_id=case.pk, action="hide", reason="Fake")
    profile.refresh_from_db()
    assert not profile.is_published
    assert not profile_selectors.public_freelancers().filter(pk=profile.pk).exists()
    reopened = services.case_reopen(
        actor=staff_user, kind="profile", object_id=profile.pk, reason="appeal"
    )
    services.case_decide(actor=staff_user, case_id=reopened.pk, action="restore", reason="OK")
    profile.refresh_from_db()
    assert profile.is_published


# --- screened text approved by staff ------------------------------------------------------------


def test_a_restored_text_counts_as_approved(staff_user):
    gig = public_gig(description="Reach me at 612 345 678")
    case = services.hold_for_moderation(kind="gig", obj=gig, reasons=["phone"])
    services.case_decide(actor=staff_user, case_id=case.pk, action="restore", reason="ok")
    gig.refresh_from_db()
    from craftwork.moderation.targets import gig_text

    assert services.was_approved(kind="gig", object_id=gig.pk, text=gig_text(gig))
    assert not services.was_approved(kind="gig", object_id=gig.pk, text=gig_text(gig) + "!")


# --- blocked terms -------------------------------------------------------------------------------


def test_blocked_terms_bad_input(staff_user):
    with pytest.raises(PermissionDenied):
        services.blocked_term_add(actor=UserFactory(), term="x")
    for term, kind in (("", "word"), ("x" * 101, "word"), ("nodot", "domain"), ("a", "bogus")):
        with pytest.raises(ValidationFailed):
            services.blocked_term_add(actor=staff_user, term=term, kind=kind)
    services.blocked_term_add(actor=staff_user, term="Scam Coin")
    with pytest.raises(Conflict):
        services.blocked_term_add(actor=staff_user, term="  scam   coin ")
    with pytest.raises(NotFound):
        services.blocked_term_remove(actor=staff_user, term_id="nope")


def test_the_author_hears_when_a_hidden_item_is_restored(
    staff_user, django_capture_on_commit_callbacks
):
    gig = public_gig()
    case = flag(UserFactory(), gig).case
    with django_capture_on_commit_callbacks(execute=True):
        services.case_decide(actor=staff_user, case_id=case.pk, action="hide", reason="Unclear")
        reopened = services.case_reopen(
            actor=staff_user, kind="gig", object_id=gig.pk, reason="appeal"
        )
        services.case_decide(
            actor=staff_user, case_id=reopened.pk, action="restore", reason="Proof received"
        )
    titles = list(
        Notification.objects.filter(recipient=gig.seller, type="moderation_decision")
        .order_by("created_at")
        .values_list("body", flat=True)
    )
    assert titles == ["Reason: Unclear", "Reason: Proof received"]
