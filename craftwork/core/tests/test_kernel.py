from datetime import timedelta
from io import BytesIO

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from craftwork.core import events
from craftwork.core.audit import audit
from craftwork.core.context import current_ip
from craftwork.core.errors import ValidationFailed
from craftwork.core.files import make_thumbnail, reencode_image, validate_image
from craftwork.core.markdown import render_markdown
from craftwork.core.models import AuditLog, OutboxEvent


def png_upload(name="photo.png", size=(64, 48), fmt="PNG"):
    buffer = BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


class TestMarkdown:
    def test_scripts_and_handlers_are_removed(self):
        html = render_markdown(
            'Hi <script>alert(1)</script> <img src=x onerror="alert(2)"> **bold**'
        )
        assert "<script" not in html and "onerror" not in html and "<img" not in html
        assert "<strong>bold</strong>" in html

    def test_javascript_links_are_dropped(self):
        html = render_markdown("[click](javascript:alert(1)) [ok](https://example.com)")
        assert "javascript:" not in html
        assert 'href="https://example.com"' in html
        assert "nofollow" in html


class TestFiles:
    def test_real_image_passes_and_reports_format(self):
        assert validate_image(png_upload()) == "PNG"

    def test_script_named_png_is_refused(self):
        fake = SimpleUploadedFile("evil.png", b"#!/bin/sh\nrm -rf /\n", content_type="image/png")
        with pytest.raises(ValidationFailed) as exc:
            validate_image(fake)
        assert exc.value.code == "invalid_image"

    def test_oversized_image_is_refused(self):
        with pytest.raises(ValidationFailed) as exc:
            validate_image(png_upload(), max_bytes=10)
        assert exc.value.code == "file_too_large"

    def test_disallowed_image_format(self):
        with pytest.raises(ValidationFailed):
            validate_image(png_upload(name="a.bmp", fmt="BMP"))

    def test_thumbnail_and_reencode_are_jpegs_within_bounds(self):
        thumb = make_thumbnail(png_upload(size=(1200, 600)), size=(300, 300))
        with Image.open(thumb) as image:
            assert image.format == "JPEG"
            assert image.size == (300, 150)
        copy = reencode_image(png_upload(size=(100, 100)))
        with Image.open(copy) as image:
            assert image.size == (100, 100)


@pytest.mark.django_db
class TestAudit:
    def test_records_actor_target_and_request_ip(self, user):
        token = current_ip.set("203.0.113.9")
        try:
            row = audit(actor=user, action="thing.done", target=user, details={"a": 1})
        finally:
            current_ip.reset(token)
        row = AuditLog.objects.get(pk=row.pk)
        assert (row.actor, row.action, row.object_type, row.object_id) == (
            user,
            "thing.done",
            "accounts.user",
            str(user.pk),
        )
        assert row.ip_address == "203.0.113.9"
        assert row.details == {"a": 1}

    def test_anonymous_actor_is_stored_as_null(self):
        from django.contrib.auth.models import AnonymousUser

        assert audit(actor=AnonymousUser(), action="x").actor is None


@pytest.mark.django_db
class TestOutbox:
    def test_event_is_dispatched_after_commit_to_handlers(
        self, user, django_capture_on_commit_callbacks
    ):
        seen = []
        events.subscribe("test.happened")(lambda event: seen.append(event.payload["n"]))
        with django_capture_on_commit_callbacks(execute=True):
            event = events.publish("test.happened", payload={"n": 7}, actor=user)
        assert seen == [7]
        event.refresh_from_db()
        assert event.status == OutboxEvent.Status.DISPATCHED
        assert event.attempts == 1

    def test_dispatch_twice_runs_handlers_once(self, user):
        seen = []
        events.subscribe("test.once")(lambda event: seen.append(1))
        event = events.publish("test.once", payload={}, actor=user)
        events.dispatch(event.pk)
        events.dispatch(event.pk)
        assert seen == [1]

    def test_in_transaction_handler_writes_with_the_publisher(self, user):
        """It runs inside publish (before commit) and is rolled back with the publisher."""
        from django.db import transaction

        def audit_it(event):
            audit(actor=None, action="test.held", details={"event": str(event.pk)})

        events.subscribe("test.screened", in_transaction=True)(audit_it)
        events.publish("test.screened", payload={}, actor=user)
        assert AuditLog.objects.filter(action="test.held").count() == 1
        with pytest.raises(RuntimeError), transaction.atomic():
            events.publish("test.screened", payload={}, actor=user)
            raise RuntimeError("the publisher fails")
        assert AuditLog.objects.filter(action="test.held").count() == 1

    def test_failing_in_transaction_handler_does_not_undo_the_publisher(self, user, caplog):
        def explode(event):
            audit(actor=None, action="test.half_done")
            raise ValueError("handler bug")

        events.subscribe("test.screen_fails", in_transaction=True)(explode)
        event = events.publish("test.screen_fails", payload={}, actor=user)
        assert OutboxEvent.objects.filter(pk=event.pk).exists()
        assert not AuditLog.objects.filter(action="test.half_done").exists()
        assert "handler bug" in caplog.text
        with pytest.raises(ValueError):  # the after-commit dispatch runs it again
            events.dispatch(event.pk)

    def test_failing_handler_marks_event_failed_for_retry(self, user):
        def explode(event):
            raise ValueError("handler bug")

        events.subscribe("test.fails")(explode)
        event = events.publish("test.fails", payload={}, actor=user)
        with pytest.raises(ValueError):
            events.dispatch(event.pk)
        event.refresh_from_db()
        assert event.status == OutboxEvent.Status.FAILED
        assert "handler bug" in event.last_error
        # It backs off before the sweep queues it again.
        assert events.claim_due_events(now=timezone.now()) == []
        assert events.claim_due_events(now=event.available_at) == [event.pk]

    def test_the_sweep_queues_only_events_whose_dispatch_was_lost_and_each_once(self, user):
        """A queued dispatch holds a lease: the sweep leaves the event alone until it ends, then
        claims it, and the claim is a new lease, so the next sweep does not queue it again."""
        published = timezone.now()
        event = events.publish("test.queued", payload={}, actor=user)  # dispatch queued on commit
        lease = timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
        assert events.claim_due_events(now=published + lease / 2) == []
        later = published + lease + timedelta(seconds=1)
        assert events.claim_due_events(now=later) == [event.pk]
        assert events.claim_due_events(now=later) == []
        assert events.claim_due_events(now=later + lease + timedelta(seconds=1)) == [event.pk]
        events.dispatch(event.pk)
        assert events.claim_due_events(now=later + 10 * lease) == []

    def test_the_sweep_task_sends_each_claimed_event_to_the_broker_once(self, user, monkeypatch):
        from craftwork.core import tasks

        sent = []
        monkeypatch.setattr(tasks.dispatch_event, "delay", sent.append)
        event = events.publish("test.lost", payload={}, actor=user)
        OutboxEvent.objects.filter(pk=event.pk).update(available_at=timezone.now())
        assert tasks.redispatch_stale_events() == 1
        assert tasks.redispatch_stale_events() == 0
        assert sent == [str(event.pk)]


@pytest.mark.django_db
def test_apply_changes_saves_and_audits_only_what_differs(user):
    from craftwork.core.audit import apply_changes
    from craftwork.profiles.tests.factories import FreelancerProfileFactory

    profile = FreelancerProfileFactory(headline="Plumber", hourly_rate=4000)
    changed = apply_changes(
        profile, {"headline": "Plumber", "hourly_rate": 4500}, actor=user, action="test.edited"
    )
    assert changed == ["hourly_rate"]
    profile.refresh_from_db()
    assert profile.hourly_rate == 4500
    row = AuditLog.objects.get(action="test.edited")
    assert (row.actor, row.details) == (user, {"fields": ["hourly_rate"]})
    assert apply_changes(profile, {"hourly_rate": 4500}, actor=user, action="test.edited") == []
    assert AuditLog.objects.filter(action="test.edited").count() == 1
