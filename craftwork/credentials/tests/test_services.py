import datetime
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from craftwork.accounts.tests.factories import FreelancerFactory, StaffFactory, UserFactory
from craftwork.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from craftwork.core.models import AuditLog, OutboxEvent
from craftwork.core.tests.documents import HTML_IN_PDF, scripted_pdf
from craftwork.credentials import process, selectors, services
from craftwork.credentials.models import (
    Credential,
    CredentialEvent,
    CredentialFile,
    CredentialReminder,
)

from .factories import (
    SCORES,
    doc_type,
    exe_as_pdf,
    make_credential,
    pdf_bytes,
    pdf_upload,
    png_upload,
    upload_credential,
    valid_fields,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2030, 6, 1)


def stored_files(root):
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def events_named(name):
    return OutboxEvent.objects.filter(name=name)


# --- Document types -----------------------------------------------------------------------------


def test_document_types_are_seeded_with_their_rules():
    slugs = set(selectors.active_document_types().values_list("slug", flat=True))
    assert {
        "electrician-licence",
        "plumbing-licence",
        "public-liability-insurance",
        "university-degree",
        "aws-certification",
        "first-aid-certificate",
        "background-check",
        "teaching-qualification",
        "driving-licence",
        "food-hygiene-certificate",
    } <= slugs
    assert doc_type("electrician-licence").expiry_applies
    assert doc_type("electrician-licence").number_required
    assert not doc_type("university-degree").expiry_applies


# --- Upload ---------------------------------------------------------------------------------------


def test_upload_stores_privately_and_queues_for_review(owner, private_root, settings):
    credential = upload_credential(owner=owner, skills=["python", "django"])
    assert credential.status == Credential.Status.UNDER_REVIEW
    assert credential.submitted_at is not None
    assert credential.current_version == 1
    assert sorted(s.slug for s in credential.skills.all()) == ["django", "python"]
    document = credential.files.get()
    assert document.kind == "pdf" and document.original_name == "licence.pdf"
    # Outside MEDIA_ROOT, under the private root, with no public URL at all.
    path = private_root / document.file.name
    assert path.is_file() and str(owner.pk) in document.file.name
    assert not stored_files(settings.MEDIA_ROOT)
    with pytest.raises(ValueError):
        document.file.url
    actions = list(credential.events.values_list("action", "to_status"))
    assert actions == [("created", "uploaded"), ("submit", "under_review")]
    assert AuditLog.objects.filter(
        action="credentials.submit", object_id=str(credential.pk)
    ).exists()
    assert events_named("credentials.submitted").count() == 1


def test_upload_accepts_an_image(owner):
    credential = upload_credential(owner=owner, upload=png_upload())
    assert credential.files.get().kind == "png"


def test_title_defaults_to_the_document_type(owner):
    credential = upload_credential(owner=owner, title="  ")
    assert credential.title == "First aid certificate"


@pytest.mark.parametrize(
    ("slug", "missing"),
    [
        ("electrician-licence", "issuer"),
        ("electrician-licence", "number"),
        ("electrician-licence", "issue_date"),
        ("electrician-licence", "expiry_date"),
        ("university-degree", "issue_date"),
    ],
)
def test_missing_required_field_for_the_type_is_refused(owner, private_root, slug, missing):
    with pytest.raises(ValidationFailed) as caught:
        upload_credential(owner=owner, slug=slug, **{missing: None})
    assert caught.value.code == "required"
    assert missing in caught.value.details
    assert not Credential.objects.exists()
    assert not stored_files(private_root)


def test_optional_fields_may_be_left_out(owner):
    credential = upload_credential(owner=owner, slug="first-aid-certificate", number="")
    assert credential.number == ""


@pytest.mark.parametrize("days_after_issue", [-30, 0])
def test_expiry_before_or_on_issue_date_is_refused(owner, days_after_issue):
    issued = timezone.localdate() - datetime.timedelta(days=10)
    with pytest.raises(ValidationFailed) as caught:
        upload_credential(
            owner=owner,
            issue_date=issued,
            expiry_date=issued + datetime.timedelta(days=days_after_issue),
        )
    assert caught.value.code == "expiry_before_issue"
    assert "expiry_date" in caught.value.details
    assert not Credential.objects.exists()


def test_database_refuses_expiry_before_issue_too(owner):
    credential = upload_credential(owner=owner)
    with pytest.raises(IntegrityError), transaction.atomic():
        Credential.objects.filter(pk=credential.pk).update(
            expiry_date=credential.issue_date - datetime.timedelta(days=1)
        )


def test_expiry_date_on_a_type_that_does_not_expire_is_refused(owner):
    with pytest.raises(ValidationFailed) as caught:
        upload_credential(
            owner=owner,
            slug="university-degree",
            expiry_date=timezone.localdate() + datetime.timedelta(days=30),
        )
    assert "expiry_date" in caught.value.details


def test_already_expired_document_and_future_issue_date_are_refused(owner):
    today = timezone.localdate()
    with pytest.raises(ValidationFailed) as caught:
        upload_credential(
            owner=owner,
            issue_date=today - datetime.timedelta(days=400),
            expiry_date=today - datetime.timedelta(days=1),
        )
    assert caught.value.code == "expired"
    with pytest.raises(ValidationFailed) as caught:
        upload_credential(owner=owner, issue_date=today + datetime.timedelta(days=1))
    assert "issue_date" in caught.value.details


@pytest.mark.parametrize("bad", ["2024-13-45", "yesterday", 20240101])
def test_malformed_dates_are_refused(owner, bad):
    with pytest.raises(ValidationFailed) as caught:
        upload_credential(owner=owner, issue_date=bad)
    assert "issue_date" in caught.value.details


def test_overlong_text_is_refused(owner):
    with pytest.raises(ValidationFailed) as caught:
        upload_credential(owner=owner, issuer="x" * 10_000)
    assert caught.value.code == "too_long"


def test_disguised_executable_is_refused(owner, private_root):
    with pytest.raises(ValidationFailed) as caught:
        upload_credential(owner=owner, upload=exe_as_pdf())
    assert caught.value.code == "invalid_image"
    assert "file" in caught.value.details
    assert not Credential.objects.exists()
    assert not stored_files(private_root)


def test_pdf_signature_without_a_pdf_behind_it_is_refused(owner):
    # The %PDF- signature, then an executable, and no PDF structure (no %%EOF).
    fake = SimpleUploadedFile("licence.pdf", b"%PDF-1.7\nMZ" + b"\x00" * 500)
    with pytest.raises(ValidationFailed) as caught:
        upload_credential(owner=owner, upload=fake)
    assert caught.value.code == "invalid_document"


@pytest.mark.parametrize("token", [b"/Launch", b"/JavaScript", b"/EmbeddedFile"])
def test_pdf_with_actions_or_attachments_is_refused(owner, token):
    body = pdf_bytes(extra=b"4 0 obj<</S" + token + b"/F(evil.exe)>>endobj\n")
    upload = SimpleUploadedFile("licence.pdf", body, content_type="application/pdf")
    with pytest.raises(ValidationFailed) as caught:
        upload_credential(owner=owner, upload=upload)
    assert caught.value.code == "unsafe_document"


def test_a_script_hidden_from_a_byte_search_is_refused(owner, private_root):
    """Escaped names and compressed object streams: the old /JavaScript byte search missed them."""
    escaped = scripted_pdf().replace(b"/JavaScript", b"/J#61va#53cript")
    for body in (escaped, scripted_pdf(hidden=True)):
        upload = SimpleUploadedFile("licence.pdf", body, content_type="application/pdf")
        with pytest.raises(ValidationFailed) as caught:
            upload_credential(owner=owner, upload=upload)
        assert caught.value.code == "unsafe_document" and "file" in caught.value.details
    assert not stored_files(private_root)


def test_the_stored_name_comes_from_the_content(owner):
    upload = SimpleUploadedFile("licence.html", HTML_IN_PDF, content_type="text/html")
    document = upload_credential(owner=owner, upload=upload).files.get()
    assert (document.kind, document.original_name) == ("pdf", "licence.pdf")
    assert document.file.name.endswith(".pdf")


def test_huge_file_is_refused(owner, settings, private_root):
    settings.MAX_DOCUMENT_UPLOAD_BYTES = 200
    with pytest.raises(ValidationFailed) as caught:
        upload_credential(owner=owner, upload=pdf_upload(extra=b"%" + b"x" * 400 + b"\n"))
    assert caught.value.code == "file_too_large"
    assert not Credential.objects.exists()
    assert not stored_files(private_root)


def test_missing_file_is_refused(owner):
    with pytest.raises(ValidationFailed) as caught:
        services.credential_upload(
            actor=owner,
            document_type=doc_type(),
            upload=None,
            **valid_fields(doc_type()),
        )
    assert "file" in caught.value.details


def test_only_freelancers_upload(db):
    with pytest.raises(PermissionDenied) as caught:
        upload_credential(owner=UserFactory())
    assert caught.value.code == "not_freelancer"


def test_inactive_document_type_is_refused(owner):
    document_type = doc_type()
    document_type.active = False
    document_type.save(update_fields=["active"])
    with pytest.raises(ValidationFailed) as caught:
        upload_credential(owner=owner)
    assert "document_type" in caught.value.details


@pytest.mark.parametrize(
    ("skills", "code"),
    [
        (["no-such-skill"], "unknown_skill"),
        (["python", "python"], "duplicate_skill"),
        ([f"skill-{n}" for n in range(11)], "too_many_skills"),
        ("python", "validation_error"),
        ([{"slug": "python"}], "validation_error"),
    ],
)
def test_bad_skills_are_refused(owner, skills, code):
    with pytest.raises(ValidationFailed) as caught:
        upload_credential(owner=owner, skills=skills)
    assert caught.value.code == code
    assert not Credential.objects.exists()


def test_the_same_file_twice_is_refused(owner):
    body = pdf_bytes("same")
    upload_credential(owner=owner, upload=pdf_upload(marker="same"))
    with pytest.raises(Conflict) as caught:
        upload_credential(owner=owner, upload=pdf_upload(marker="same"))
    assert caught.value.code == "duplicate_document"
    assert Credential.objects.count() == 1
    # Someone else may upload a file with the same content (e.g. a shared template).
    upload_credential(upload=pdf_upload(marker="same"))
    assert CredentialFile.objects.filter(size=len(body)).count() == 2


def test_failed_transaction_leaves_no_file_behind(owner, private_root):
    with (
        mock.patch.object(process, "apply", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        upload_credential(owner=owner)
    assert not Credential.objects.exists()
    assert not stored_files(private_root)


# --- Decisions ------------------------------------------------------------------------------------


def test_staff_approve_with_scores_makes_it_verified(owner, staff):
    credential = upload_credential(owner=owner)
    services.credential_decide(
        actor=staff, credential=credential, decision="approve", notes="Looks right.", **SCORES
    )
    credential.refresh_from_db()
    assert credential.status == Credential.Status.APPROVED and credential.is_verified
    assert (
        credential.authenticity_score,
        credential.relevance_score,
        credential.quality_score,
    ) == (
        4,
        5,
        3,
    )
    assert credential.reviewed_by == staff
    event = credential.events.last()
    assert (event.action, event.actor, event.authenticity_score) == ("approve", staff, 4)
    assert events_named("credentials.approved").get().payload["owner_id"] == str(owner.pk)


@pytest.mark.parametrize(
    ("decision", "status", "event"),
    [
        ("reject", "rejected", "credentials.rejected"),
        ("request_revision", "revision_requested", "credentials.revision_requested"),
    ],
)
def test_reject_and_request_revision_need_notes(owner, staff, decision, status, event):
    credential = upload_credential(owner=owner)
    with pytest.raises(ValidationFailed) as caught:
        services.credential_decide(actor=staff, credential=credential, decision=decision, **SCORES)
    assert "notes" in caught.value.details
    services.credential_decide(
        actor=staff, credential=credential, decision=decision, notes="Blurry scan.", **SCORES
    )
    credential.refresh_from_db()
    assert credential.status == status and credential.review_notes == "Blurry scan."
    assert events_named(event).get().payload["notes"] == "Blurry scan."


def test_approving_an_approved_credential_is_refused(staff):
    credential = make_credential("approved", reviewer=staff)
    count = credential.events.count()
    with pytest.raises(InvalidTransition):
        services.credential_decide(actor=staff, credential=credential, decision="approve", **SCORES)
    assert credential.events.count() == count


@pytest.mark.parametrize("status", ["approved", "rejected", "revision_requested", "expired"])
def test_no_decision_outside_review(staff, status):
    credential = make_credential(status)
    for decision in process.DECISIONS:
        with pytest.raises(InvalidTransition):
            services.credential_decide(
                actor=staff, credential=credential, decision=decision, notes="x", **SCORES
            )


def test_non_staff_cannot_decide(owner, stranger):
    credential = upload_credential(owner=owner)
    with pytest.raises(NotFound):
        services.credential_decide(
            actor=stranger, credential=credential, decision="approve", **SCORES
        )
    with pytest.raises(PermissionDenied):
        services.credential_decide(actor=owner, credential=credential, decision="approve", **SCORES)
    credential.refresh_from_db()
    assert credential.status == Credential.Status.UNDER_REVIEW
    assert credential.events.count() == 2


def test_staff_cannot_decide_on_their_own_document(db):
    staff_freelancer = StaffFactory(is_freelancer=True)
    credential = upload_credential(owner=staff_freelancer)
    with pytest.raises(PermissionDenied):
        services.credential_decide(
            actor=staff_freelancer, credential=credential, decision="approve", **SCORES
        )


@pytest.mark.parametrize(
    "scores",
    [
        {"authenticity": 0, "relevance": 3, "quality": 3},
        {"authenticity": 3, "relevance": 6, "quality": 3},
        {"authenticity": 3, "relevance": 3, "quality": None},
        {"authenticity": "5", "relevance": 3, "quality": 3},
        {"authenticity": True, "relevance": 3, "quality": 3},
        {"authenticity": 2.5, "relevance": 3, "quality": 3},
    ],
)
def test_scores_must_be_whole_numbers_from_1_to_5(owner, staff, scores):
    credential = upload_credential(owner=owner)
    with pytest.raises(ValidationFailed):
        services.credential_decide(actor=staff, credential=credential, decision="approve", **scores)
    credential.refresh_from_db()
    assert credential.status == Credential.Status.UNDER_REVIEW


def test_unknown_decision_is_refused(owner, staff):
    credential = upload_credential(owner=owner)
    with pytest.raises(ValidationFailed):
        services.credential_decide(actor=staff, credential=credential, decision="expire", **SCORES)
    with pytest.raises(NotFound):  # and a stranger still learns nothing
        services.credential_decide(
            actor=FreelancerFactory(), credential=credential, decision="bogus", **SCORES
        )


def test_a_document_past_its_expiry_cannot_be_approved(owner, staff):
    credential = upload_credential(owner=owner)
    Credential.objects.filter(pk=credential.pk).update(
        expiry_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    with pytest.raises(ValidationFailed) as caught:
        services.credential_decide(actor=staff, credential=credential, decision="approve", **SCORES)
    assert caught.value.code == "expired"


# --- Resubmission ---------------------------------------------------------------------------------


def test_resubmit_after_revision_request_keeps_previous_versions(owner):
    credential = make_credential("revision_requested", owner=owner)
    new_expiry = timezone.localdate() + datetime.timedelta(days=700)
    services.credential_resubmit(
        actor=owner,
        credential=credential,
        upload=png_upload(),
        note="Full page this time.",
        expiry_date=new_expiry,
        skills=["python"],
    )
    credential.refresh_from_db()
    assert credential.status == Credential.Status.UNDER_REVIEW
    assert credential.current_version == 2 and credential.expiry_date == new_expiry
    assert [f.version for f in credential.files.order_by("version")] == [1, 2]
    assert [s.slug for s in credential.skills.all()] == ["python"]
    assert credential.issuer == "Issuing Body Ltd"  # unchanged fields stay
    actions = list(credential.events.values_list("action", flat=True))
    assert actions[-2:] == ["resubmit", "submit"]
    assert credential.events.get(action="resubmit").note == "Full page this time."


@pytest.mark.parametrize("status", ["under_review", "approved", "rejected"])
def test_resubmit_when_not_requested_is_refused(owner, private_root, status):
    credential = make_credential(status, owner=owner)
    files_before = len(stored_files(private_root))
    with pytest.raises(InvalidTransition):
        services.credential_resubmit(actor=owner, credential=credential, upload=pdf_upload())
    credential.refresh_from_db()
    assert credential.status == status and credential.current_version == 1
    assert len(stored_files(private_root)) == files_before


def test_resubmit_by_someone_else_is_not_found(owner, stranger, staff):
    credential = make_credential("revision_requested", owner=owner)
    with pytest.raises(NotFound):
        services.credential_resubmit(actor=stranger, credential=credential, upload=pdf_upload())
    with pytest.raises(PermissionDenied):
        services.credential_resubmit(actor=staff, credential=credential, upload=pdf_upload())


def test_resubmit_checks_the_fields_again(owner):
    credential = make_credential("revision_requested", owner=owner)
    with pytest.raises(ValidationFailed) as caught:
        services.credential_resubmit(
            actor=owner,
            credential=credential,
            upload=pdf_upload(),
            expiry_date=credential.issue_date - datetime.timedelta(days=1),
        )
    assert caught.value.code == "expiry_before_issue"
    with pytest.raises(ValidationFailed):
        services.credential_resubmit(actor=owner, credential=credential, upload=exe_as_pdf())
    credential.refresh_from_db()
    assert credential.current_version == 1


def test_an_expired_document_is_renewed_by_resubmitting(owner):
    credential = make_credential("expired", owner=owner)
    services.credential_resubmit(
        actor=owner,
        credential=credential,
        upload=pdf_upload(),
        expiry_date=timezone.localdate() + datetime.timedelta(days=365),
    )
    credential.refresh_from_db()
    assert credential.status == Credential.Status.UNDER_REVIEW


# --- History ------------------------------------------------------------------------------------


def test_history_is_append_only(owner):
    credential = upload_credential(owner=owner)
    event = credential.events.first()
    event.note = "rewritten"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
    assert CredentialEvent.objects.get(pk=event.pk).note == ""


def test_available_transitions_follow_the_table(owner, staff, stranger):
    credential = upload_credential(owner=owner)
    assert {t.name for t in process.available_transitions(credential, staff)} == set(
        process.DECISIONS
    )
    assert process.available_transitions(credential, owner) == []
    assert process.available_transitions(credential, stranger) == []


# --- Expiry and reminders -----------------------------------------------------------------------


def _approved_expiring_on(expiry_date, **kwargs):
    credential = make_credential("approved", **kwargs)
    Credential.objects.filter(pk=credential.pk).update(expiry_date=expiry_date)
    credential.refresh_from_db()
    return credential


def test_expiry_marks_past_documents_once(owner):
    due = _approved_expiring_on(TODAY - datetime.timedelta(days=1), owner=owner)
    last_day = _approved_expiring_on(TODAY)
    no_expiry = make_credential("approved", slug="university-degree")
    assert services.credentials_expire_due(today=TODAY) == 1
    assert services.credentials_expire_due(today=TODAY) == 0
    due.refresh_from_db()
    last_day.refresh_from_db()
    no_expiry.refresh_from_db()
    assert due.status == Credential.Status.EXPIRED and due.expired_at is not None
    assert last_day.status == no_expiry.status == Credential.Status.APPROVED
    assert due.events.filter(action="expire", actor=None).count() == 1
    assert events_named("credentials.expired").count() == 1


def test_expiry_also_applies_to_documents_still_in_review(owner):
    credential = upload_credential(owner=owner)
    Credential.objects.filter(pk=credential.pk).update(
        expiry_date=TODAY - datetime.timedelta(days=3)
    )
    assert services.credentials_expire_due(today=TODAY) == 1
    credential.refresh_from_db()
    assert credential.status == Credential.Status.EXPIRED


def test_rejected_documents_do_not_expire(owner):
    credential = make_credential("rejected", owner=owner)
    Credential.objects.filter(pk=credential.pk).update(
        expiry_date=TODAY - datetime.timedelta(days=3)
    )
    assert services.credentials_expire_due(today=TODAY) == 0


def test_reminders_go_out_once_per_threshold():
    credential = _approved_expiring_on(TODAY + datetime.timedelta(days=30))
    assert services.credential_reminders_send(today=TODAY) == 1
    assert services.credential_reminders_send(today=TODAY) == 0
    assert services.credential_reminders_send(today=TODAY + datetime.timedelta(days=10)) == 0
    day_7 = TODAY + datetime.timedelta(days=23)
    assert services.credential_reminders_send(today=day_7) == 1
    assert services.credential_reminders_send(today=day_7 + datetime.timedelta(days=2)) == 0
    reminders = CredentialReminder.objects.filter(credential=credential)
    assert sorted(reminders.values_list("threshold_days", flat=True)) == [7, 30]
    payloads = [e.payload for e in events_named("credentials.expiring").order_by("created_at")]
    assert [(p["days"], p["days_left"]) for p in payloads] == [(30, 30), (7, 7)]


def test_a_document_close_to_expiry_gets_only_the_tighter_reminder():
    _approved_expiring_on(TODAY + datetime.timedelta(days=5))
    assert services.credential_reminders_send(today=TODAY) == 1
    assert events_named("credentials.expiring").get().payload["days"] == 7


def test_no_reminder_far_from_expiry_or_without_expiry():
    _approved_expiring_on(TODAY + datetime.timedelta(days=31))
    make_credential("approved", slug="university-degree")
    make_credential("rejected")
    assert services.credential_reminders_send(today=TODAY) == 0


def test_a_renewed_document_gets_fresh_reminders(owner):
    credential = _approved_expiring_on(TODAY + datetime.timedelta(days=6), owner=owner)
    assert services.credential_reminders_send(today=TODAY) == 1
    Credential.objects.filter(pk=credential.pk).update(
        expiry_date=TODAY + datetime.timedelta(days=20)
    )
    assert services.credential_reminders_send(today=TODAY + datetime.timedelta(days=14)) == 1


def test_daily_job_is_safe_to_run_twice():
    _approved_expiring_on(TODAY - datetime.timedelta(days=1))
    _approved_expiring_on(TODAY + datetime.timedelta(days=7))
    assert services.credentials_daily(today=TODAY) == {"expired": 1, "reminded": 1}
    assert services.credentials_daily(today=TODAY) == {"expired": 0, "reminded": 0}


def test_reminder_threshold():
    assert [services.reminder_threshold(d) for d in (40, 31, 30, 8, 7, 1, 0, -1)] == [
        None,
        None,
        30,
        30,
        7,
        7,
        7,
        None,
    ]


# --- Badges ---------------------------------------------------------------------------------------


def test_badges_only_for_approved_and_unexpired(django_assert_num_queries):
    owner, other, nobody = FreelancerFactory(), FreelancerFactory(), FreelancerFactory()
    verified = make_credential("approved", owner=owner, title="Verified one")
    make_credential("under_review", owner=owner)
    make_credential("rejected", owner=owner)
    make_credential("revision_requested", owner=owner)
    make_credential("expired", owner=owner)
    # Approved but past its date, before the daily job ran: not verified either.
    stale = make_credential("approved", owner=owner)
    Credential.objects.filter(pk=stale.pk).update(
        expiry_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    make_credential("approved", owner=other, slug="university-degree")
    with django_assert_num_queries(1):
        badges = selectors.verified_badges_for_users([owner.pk, str(other.pk), nobody.pk, "junk"])
    assert [b.credential_id for b in badges[owner.pk]] == [verified.pk]
    assert badges[owner.pk][0].title == "Verified one"
    assert len(badges[other.pk]) == 1
    assert badges[nobody.pk] == []
    assert list(selectors.verified_credentials_for(owner)) == [verified]


def test_badge_disappears_on_the_day_after_expiry(owner):
    credential = make_credential("approved", owner=owner)
    assert credential.is_verified_on(credential.expiry_date)
    assert not credential.is_verified_on(credential.expiry_date + datetime.timedelta(days=1))
    day_after = credential.expiry_date + datetime.timedelta(days=1)
    assert selectors.verified_badges_for_users([owner.pk], today=day_after)[owner.pk] == []


def test_badges_for_no_users_makes_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.verified_badges_for_users([]) == {}
