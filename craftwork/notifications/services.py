"""Every write of the notifications app.

Events become notifications (``notifications_create_for_event``), notifications go out through
their channels (``delivery_send``), users read them and choose how they hear about things.
"""

import logging
import re
import secrets
import uuid
import zoneinfo
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from craftwork.core.audit import audit
from craftwork.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from craftwork.core.events import publish
from craftwork.core.realtime import push_to_user

from . import emails, preferences, push, registry, reminders, sms, tokens
from .models import (
    Channel,
    Delivery,
    DigestPreference,
    Notification,
    NotificationPreference,
    PushSubscription,
    SentReminder,
    UserPhone,
)

logger = logging.getLogger(__name__)
User = get_user_model()

MAX_ATTEMPTS = 6
TITLE_MAX = 200
BODY_MAX = 5000
LINK_MAX = 500
DIGEST_HOUR = 7  # local time of day from which a user's daily digest goes out
DIGEST_WINDOW = timedelta(hours=24)
DIGEST_MAX_ITEMS = 30
PHONE_CODE_TTL = timedelta(minutes=10)
PHONE_CODE_COOLDOWN = timedelta(seconds=60)
PHONE_CODE_MAX_TRIES = 5
PHONE_CODES_PER_HOUR = 5
E164 = re.compile(r"^\+[1-9]\d{7,14}$")


class TooManyRequests(DomainError):
    code = "too_many_requests"
    status_code = 429
    default_message = _("Too many requests. Please wait a moment and try again.")


class DeliveryFailed(Exception):
    """An attempt failed and was recorded; ``retry`` says whether another attempt may succeed."""

    def __init__(self, message: str, *, retry: bool):
        super().__init__(message)
        self.retry = retry


# --- From events to notifications -----------------------------------------------------------


def notifications_create_for_event(*, event, registration) -> list[Notification]:
    """One notification per recipient of ``registration`` for ``event``; running twice adds nothing."""
    users = _recipients(event, registration)
    if not users:
        return []
    already = set(
        Notification.objects.filter(
            event_id=event.pk, type=registration.type, recipient__in=users
        ).values_list("recipient_id", flat=True)
    )
    users = [user for user in users if user.pk not in already]
    stored = preferences.stored_for_users([user.pk for user in users], registration.type)
    candidates = [_build_notification(event, registration, user, stored) for user in users]
    # The unique (event, recipient, type) constraint is the last word if two runs race.
    Notification.objects.bulk_create(candidates, ignore_conflicts=True)
    created = list(Notification.objects.filter(pk__in=[n.pk for n in candidates]))
    pushable = _users_with_push_devices([n.recipient_id for n in created])
    deliveries = [
        delivery
        for notification in created
        for delivery in _deliveries_for(notification, registration, stored, pushable)
    ]
    Delivery.objects.bulk_create(deliveries)
    _after_commit_announce(created, deliveries)
    return created


def _recipients(event, registration) -> list:
    ids = set()
    for recipient in registration.recipients(event) or ():
        try:
            ids.add(uuid.UUID(str(getattr(recipient, "pk", recipient))))
        except (TypeError, ValueError):
            logger.warning("%s: recipient %r is not a user id", registration.type, recipient)
    if not registration.include_actor and event.actor_id:
        ids.discard(event.actor_id)
    if not ids:
        return []
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def _build_notification(event, registration, user, stored) -> Notification:
    with override(user.language or settings.LANGUAGE_CODE):
        title = registration.render("title", event, user)
        body = registration.render("body", event, user)
        link = registration.render("link", event, user)
    in_app = preferences.is_enabled(
        registration, registry.IN_APP, stored.get((user.pk, registry.IN_APP))
    )
    return Notification(
        id=uuid.uuid4(),
        recipient=user,
        type=registration.type,
        title=_one_line(title)[:TITLE_MAX] or registration.type,
        body=body.strip()[:BODY_MAX],
        link=_safe_link(link),
        event_id=event.pk,
        shown_in_app=in_app,
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _safe_link(link: str) -> str:
    """Only links into this site: a path, or an absolute URL on SITE_URL's host."""
    link = (link or "").strip()
    if not link or len(link) > LINK_MAX:
        return ""
    site_host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0]
    if url_has_allowed_host_and_scheme(link, allowed_hosts={site_host}):
        return link
    return ""


def _users_with_push_devices(user_ids) -> set:
    if not user_ids or not push.is_configured():
        return set()
    return set(
        PushSubscription.objects.filter(user_id__in=user_ids)
        .values_list("user_id", flat=True)
        .distinct()
    )


def _deliveries_for(notification, registration, stored, pushable) -> list[Delivery]:
    """One delivery per channel the type offers; push only for people with a device for it."""
    now = timezone.now()
    result = []
    for channel in registration.channels:
        if channel == Channel.PUSH and notification.recipient_id not in pushable:
            continue
        enabled = preferences.is_enabled(
            registration, channel, stored.get((notification.recipient_id, channel))
        )
        delivery = Delivery(id=uuid.uuid4(), notification=notification, channel=channel)
        if not enabled:
            delivery.status = Delivery.Status.SKIPPED_BY_PREFERENCE
        elif channel == Channel.IN_APP:
            delivery.status, delivery.attempts, delivery.sent_at = Delivery.Status.SENT, 1, now
        result.append(delivery)
    return result


def _after_commit_announce(created: list[Notification], deliveries: list[Delivery]) -> None:
    from . import tasks

    shown = [n for n in created if n.shown_in_app]
    pending = [str(d.pk) for d in deliveries if d.status == Delivery.Status.PENDING]
    if not (shown or pending):
        return

    def announce():
        _push_new(shown)
        for delivery_id in pending:
            tasks.deliver.delay(delivery_id)

    transaction.on_commit(announce)


def _push_new(notifications: list[Notification]) -> None:
    if not notifications:
        return
    counts = dict(
        Notification.objects.filter(
            recipient__in={n.recipient_id for n in notifications},
            read_at__isnull=True,
            shown_in_app=True,
        )
        .values_list("recipient")
        .annotate(total=Count("pk"))
        .values_list("recipient", "total")
    )
    for notification in notifications:
        push_to_user(
            notification.recipient_id,
            "notification",
            {
                "id": str(notification.pk),
                "type": notification.type,
                "title": notification.title,
                "link": notification.link,
                "unread_count": counts.get(notification.recipient_id, 0),
            },
        )


# --- Reading ----------------------------------------------------------------------------------


def notification_mark_read(*, actor, notification: Notification) -> Notification:
    with transaction.atomic():
        locked = (
            Notification.objects.select_for_update()
            .filter(pk=notification.pk, recipient_id=actor.pk, shown_in_app=True)
            .first()
        )
        if locked is None:
            raise NotFound(_("Notification not found."))
        if locked.read_at is None:
            locked.read_at = timezone.now()
            locked.save(update_fields=["read_at", "updated_at"])
            _after_commit_push_count(actor.pk)
    return locked


def notifications_mark_all_read(*, actor) -> int:
    now = timezone.now()
    with transaction.atomic():
        marked = Notification.objects.filter(
            recipient_id=actor.pk, read_at__isnull=True, shown_in_app=True
        ).update(read_at=now, updated_at=now)
        if marked:
            _after_commit_push_count(actor.pk)
    return marked


def _after_commit_push_count(user_id) -> None:
    def push():
        unread = Notification.objects.filter(
            recipient_id=user_id, read_at__isnull=True, shown_in_app=True
        ).count()
        push_to_user(user_id, "notifications_read", {"unread_count": unread})

    transaction.on_commit(push)


# --- Preferences ------------------------------------------------------------------------------


def preferences_update(*, actor, changes, daily_digest: bool | None = None) -> None:
    """Apply ``changes`` [(type, channel, enabled), ...] and, when given, the daily digest choice."""
    changes = [(str(t), str(c), bool(e)) for t, c, e in changes]
    _validate_changes(actor, changes)
    with transaction.atomic():
        digest = _lock_digest_preference(actor)  # also serialises this user's preference writes
        applied = _store_preferences(actor, changes)
        if daily_digest is not None and digest.daily != bool(daily_digest):
            digest.daily = bool(daily_digest)
            digest.save(update_fields=["daily", "updated_at"])
            applied.append(("@digest", "email", digest.daily))
        if applied:
            audit(
                actor=actor,
                action="notifications.preferences_updated",
                target=actor,
                details={"changes": [list(change) for change in applied]},
            )


def _validate_changes(actor, changes) -> None:
    errors: dict = {}
    has_phone = UserPhone.objects.filter(user=actor, verified_at__isnull=False).exists()
    for type_name, channel, enabled in changes:
        registration = registry.get_type(type_name)
        key = f"{type_name}.{channel}"
        if registration is None:
            errors[key] = [_("Unknown notification type.")]
        elif channel not in registration.channels:
            errors[key] = [_("This notification cannot be sent through this channel.")]
        elif channel == registry.SMS and enabled and not has_phone:
            errors[key] = [_("Add and verify a mobile number first.")]
    if errors:
        raise ValidationFailed(code="invalid_preferences", details=errors)


def _lock_digest_preference(user) -> DigestPreference:
    DigestPreference.objects.get_or_create(user=user)
    return DigestPreference.objects.select_for_update().get(user=user)


def _store_preferences(user, changes) -> list:
    existing = {
        (pref.type, pref.channel): pref
        for pref in NotificationPreference.objects.filter(user=user).select_for_update()
    }
    to_create, to_update, applied = [], [], []
    for type_name, channel, enabled in dict(((t, c), (t, c, e)) for t, c, e in changes).values():
        current = existing.get((type_name, channel))
        if current is None:
            if preferences.is_enabled(registry.get_type(type_name), channel, None) == enabled:
                continue  # the default already: storing it would freeze today's default
            to_create.append(
                NotificationPreference(user=user, type=type_name, channel=channel, enabled=enabled)
            )
            applied.append((type_name, channel, enabled))
        elif current.enabled != enabled:
            current.enabled = enabled
            to_update.append(current)
            applied.append((type_name, channel, enabled))
    NotificationPreference.objects.bulk_create(to_create)
    NotificationPreference.objects.bulk_update(to_update, ["enabled", "updated_at"])
    return applied


@dataclass(frozen=True)
class UnsubscribeTarget:
    user: object
    type: str  # a notification type, or tokens.DIGEST
    label: str


def unsubscribe_target(*, token, actor=None) -> UnsubscribeTarget:
    """What an unsubscribe link is for. Forged links, and another signed-in user's links, fail."""
    invalid = ValidationFailed(
        _("This unsubscribe link is not valid."), code="invalid_unsubscribe_link"
    )
    try:
        user_id, type_name = tokens.read_unsubscribe_token(token)
        user = User.objects.filter(pk=uuid.UUID(user_id), is_active=True).first()
    except (tokens.BadToken, ValueError):
        raise invalid from None
    if user is None:
        raise invalid
    if getattr(actor, "is_authenticated", False) and actor.pk != user.pk:
        raise PermissionDenied(
            _("This unsubscribe link belongs to another account."), code="unsubscribe_other_user"
        )
    if type_name == tokens.DIGEST:
        return UnsubscribeTarget(user=user, type=type_name, label=str(_("Daily digest")))
    registration = registry.get_type(type_name)
    if registration is None:
        raise invalid
    return UnsubscribeTarget(user=user, type=type_name, label=str(registration.label))


def unsubscribe_with_token(*, token, actor=None) -> UnsubscribeTarget:
    """Turn off the email of one type (or the daily digest) for the link's owner. Idempotent."""
    target = unsubscribe_target(token=token, actor=actor)
    user = target.user
    with transaction.atomic():
        digest = _lock_digest_preference(user)
        if target.type == tokens.DIGEST:
            if digest.daily:
                digest.daily = False
                digest.save(update_fields=["daily", "updated_at"])
        else:
            _store_preferences(user, [(target.type, registry.EMAIL, False)])
        audit(
            actor=user,
            action="notifications.unsubscribed",
            target=user,
            details={"type": target.type, "channel": registry.EMAIL, "via": "link"},
        )
    return target


# --- Delivery ---------------------------------------------------------------------------------


def delivery_send(*, delivery_id) -> Delivery | None:
    """Send one pending delivery, at most once: the row is claimed under a lock and every
    attempt is recorded. Raises ``DeliveryFailed`` (after recording it) when the attempt failed."""
    failure = None
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("notification__recipient")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != Delivery.Status.PENDING:
            return delivery
        skip = _skip_reason(delivery)
        if skip is not None:
            delivery.status = skip
            delivery.save(update_fields=["status", "updated_at"])
            return delivery
        failure = _attempt(delivery)
    if failure is not None:
        raise failure
    return delivery


def _skip_reason(delivery: Delivery):
    notification = delivery.notification
    user = notification.recipient
    if not preferences.channel_enabled(user, notification.type, delivery.channel):
        return Delivery.Status.SKIPPED_BY_PREFERENCE
    if not user.is_active or _address(user, delivery.channel) is None:
        return Delivery.Status.SKIPPED_NO_ADDRESS
    return None


def _address(user, channel: str) -> str | None:
    if channel == Channel.EMAIL:
        return user.email if user.email_verified_at else None
    if channel == Channel.SMS:
        phone = UserPhone.objects.filter(user=user, verified_at__isnull=False).first()
        return phone.number if phone else None
    if channel == Channel.PUSH:
        has_device = PushSubscription.objects.filter(user=user).exists()
        return "push" if has_device and push.is_configured() else None
    return None


def _attempt(delivery: Delivery) -> DeliveryFailed | None:
    notification = delivery.notification
    address = _address(notification.recipient, delivery.channel)
    delivery.attempts += 1
    try:
        if delivery.channel == Channel.EMAIL:
            emails.send_notification_email(notification, address)
        elif delivery.channel == Channel.PUSH:
            push.deliver(notification)
        else:
            sms.send_sms(to=address, body=emails.notification_sms_text(notification))
    except Exception as exc:  # any backend error is recorded, then retried or given up
        logger.warning("delivery %s (%s) failed", delivery.pk, delivery.channel, exc_info=True)
        final = getattr(exc, "permanent", False) or delivery.attempts >= MAX_ATTEMPTS
        delivery.status = Delivery.Status.FAILED if final else Delivery.Status.PENDING
        delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        delivery.save(update_fields=["attempts", "status", "last_error", "updated_at"])
        return DeliveryFailed(delivery.last_error, retry=not final)
    delivery.status = Delivery.Status.SENT
    delivery.sent_at = timezone.now()
    delivery.save(update_fields=["attempts", "status", "sent_at", "updated_at"])
    return None


def stale_pending_deliveries(*, older_than=timedelta(hours=2)) -> list[str]:
    """Pending deliveries nobody touched for a while (their task was lost): to be queued again."""
    cutoff = timezone.now() - older_than
    return [
        str(pk)
        for pk in Delivery.objects.filter(
            status=Delivery.Status.PENDING, updated_at__lt=cutoff, attempts__lt=MAX_ATTEMPTS
        ).values_list("pk", flat=True)[:500]
    ]


# --- Daily digest -----------------------------------------------------------------------------


def _local_now(user, now):
    try:
        return now.astimezone(zoneinfo.ZoneInfo(user.timezone or "UTC"))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return now.astimezone(zoneinfo.ZoneInfo("UTC"))


def digests_due(*, now=None) -> list[str]:
    """Users who opted in and whose local day has reached DIGEST_HOUR without a digest yet."""
    now = now or timezone.now()
    due = []
    for pref in DigestPreference.objects.filter(daily=True, user__is_active=True).select_related(
        "user"
    ):
        local = _local_now(pref.user, now)
        if local.hour >= DIGEST_HOUR and pref.last_sent_on != local.date():
            due.append(str(pref.user_id))
    return due


def digest_send(*, user_id, now=None) -> bool:
    """Email one user's unread notifications of the last 24 h; at most once per local day."""
    now = now or timezone.now()
    with transaction.atomic():
        pref = (
            DigestPreference.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(user_id=user_id, daily=True, user__is_active=True)
            .first()
        )
        if pref is None:
            return False
        today = _local_now(pref.user, now).date()
        if pref.last_sent_on == today:
            return False
        pref.last_sent_on = today
        pref.save(update_fields=["last_sent_on", "updated_at"])
        unread = Notification.objects.filter(
            recipient_id=user_id,
            read_at__isnull=True,
            shown_in_app=True,
            created_at__gte=now - DIGEST_WINDOW,
        )
        items = list(unread[:DIGEST_MAX_ITEMS])
        if not items or not pref.user.email_verified_at:
            return False
        total = len(items) if len(items) < DIGEST_MAX_ITEMS else unread.count()
        # Sent inside the transaction: if sending fails, the day is not marked and a retry sends it.
        emails.send_digest_email(pref.user, items, total)
    return True


# --- Web Push devices ---------------------------------------------------------------------------


class PushNotConfigured(DomainError):
    code = "push_not_configured"
    status_code = 409
    default_message = _("Push notifications are not set up on this site.")


def push_subscription_save(*, actor, endpoint, p256dh, auth, user_agent="") -> PushSubscription:
    """Register (or refresh) this browser for push. An endpoint is one browser: if another
    account registered it before, the browser has changed hands and it moves to ``actor``."""
    if not push.is_configured():
        raise PushNotConfigured()
    errors = {}
    if not push.endpoint_allowed(endpoint):
        errors["endpoint"] = [_("This is not the address of a known push service.")]
    if not push.key_valid(p256dh, push.P256DH_BYTES):
        errors["keys.p256dh"] = [_("Not a valid browser public key.")]
    if not push.key_valid(auth, push.AUTH_BYTES):
        errors["keys.auth"] = [_("Not a valid browser secret.")]
    if errors:
        raise ValidationFailed(details=errors)
    fields = {"user": actor, "p256dh": p256dh, "auth": auth, "user_agent": user_agent[:300]}
    with transaction.atomic():
        subscription, created = PushSubscription.objects.update_or_create(
            endpoint=endpoint, defaults=fields
        )
        _trim_devices(actor)
        if created:
            audit(actor=actor, action="notifications.push_subscribed", target=subscription)
    return subscription


def _trim_devices(user) -> None:
    """Keep the newest ``WEBPUSH_MAX_DEVICES``: an old browser nobody uses stops being pushed to."""
    stale = PushSubscription.objects.filter(user=user).order_by("-updated_at", "-id")[
        settings.WEBPUSH_MAX_DEVICES :
    ]
    PushSubscription.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()


def push_subscription_delete(*, actor, subscription: PushSubscription) -> None:
    if subscription.user_id != actor.pk:
        raise NotFound(_("Device not found."))
    audit(actor=actor, action="notifications.push_unsubscribed", target=subscription)
    subscription.delete()


# --- Mobile number for SMS --------------------------------------------------------------------


def normalize_phone(raw) -> str:
    number = re.sub(r"[\s().-]", "", str(raw or ""))
    if number.startswith("00"):
        number = "+" + number[2:]
    if not E164.match(number):
        message = _("Enter the number in international format, for example +34 612 345 678.")
        raise ValidationFailed(message, code="invalid_phone", details={"number": [message]})
    return number


def _code_hash(phone: UserPhone, code: str) -> str:
    return salted_hmac(
        "craftwork.notifications.phone-code",
        f"{phone.pk}:{phone.number}:{code}",
        algorithm="sha256",
    ).hexdigest()


def phone_set(*, actor, number) -> UserPhone:
    """Save the user's mobile number (unverified) and text a 6-digit code to it."""
    number = normalize_phone(number)
    now = timezone.now()
    with transaction.atomic():
        phone = UserPhone.objects.select_for_update().filter(user=actor).first()
        if phone is not None and phone.number == number and phone.is_verified:
            return phone
        if (
            phone is not None
            and phone.code_sent_at
            and now - phone.code_sent_at < PHONE_CODE_COOLDOWN
        ):
            raise TooManyRequests(_("A code was just sent. Wait a minute before asking again."))
        _count_code_request(actor)
        if phone is None:
            phone = UserPhone(user=actor)
        code = f"{secrets.randbelow(10**6):06d}"
        phone.number, phone.verified_at = number, None
        phone.code_hash = _code_hash(phone, code)
        phone.code_sent_at, phone.code_attempts = now, 0
        phone.save()
        audit(
            actor=actor,
            action="notifications.phone_set",
            target=phone,
            details={"ending": number[-4:]},
        )
        _after_commit_send_code(phone, code)
    return phone


def _count_code_request(user) -> None:
    """At most PHONE_CODES_PER_HOUR texts per user: codes cost money and can annoy strangers."""
    key = f"notifications:phone-codes:{user.pk}"
    cache.add(key, 0, timeout=3600)
    if cache.incr(key) > PHONE_CODES_PER_HOUR:
        raise TooManyRequests(_("Too many codes requested. Try again in an hour."))


def _after_commit_send_code(phone: UserPhone, code: str) -> None:
    from . import tasks

    transaction.on_commit(lambda: tasks.send_phone_code.delay(str(phone.pk), code))


def send_phone_code(*, phone_id, code: str) -> None:
    phone = (
        UserPhone.objects.select_related("user")
        .filter(pk=phone_id, verified_at__isnull=True)
        .first()
    )
    if phone is None or not constant_time_compare(phone.code_hash, _code_hash(phone, code)):
        return  # verified meanwhile, or a newer code replaced this one
    try:
        sms.send_sms(to=phone.number, body=emails.phone_code_sms_text(phone.user, code))
    except sms.SmsError as exc:
        if not exc.permanent:
            raise
        logger.warning("verification code to phone %s refused: %s", phone.pk, exc)


def phone_verify(*, actor, code) -> UserPhone:
    code = str(code or "").strip()
    failure = None
    with transaction.atomic():
        phone = UserPhone.objects.select_for_update().filter(user=actor).first()
        if phone is None:
            raise NotFound(_("Add a mobile number first."), code="no_phone")
        if phone.is_verified:
            return phone
        failure = _check_code(phone, code)
        if failure is None:
            phone.verified_at, phone.code_hash = timezone.now(), ""
            phone.save(update_fields=["verified_at", "code_hash", "updated_at"])
            audit(actor=actor, action="notifications.phone_verified", target=phone)
    if failure is not None:
        raise failure
    return phone


def _check_code(phone: UserPhone, code: str) -> DomainError | None:
    """None when ``code`` is right; otherwise the error, with the failed try saved."""
    expired = not phone.code_sent_at or timezone.now() - phone.code_sent_at > PHONE_CODE_TTL
    if expired or not phone.code_hash:
        return ValidationFailed(_("This code has expired. Ask for a new one."), code="code_expired")
    if phone.code_attempts >= PHONE_CODE_MAX_TRIES:
        return ValidationFailed(
            _("Too many wrong codes. Ask for a new one."), code="too_many_attempts"
        )
    if re.fullmatch(r"\d{6}", code) and constant_time_compare(
        phone.code_hash, _code_hash(phone, code)
    ):
        return None
    phone.code_attempts += 1
    phone.save(update_fields=["code_attempts", "updated_at"])
    message = _("This code is not right.")
    return ValidationFailed(message, code="wrong_code", details={"code": [message]})


def phone_remove(*, actor) -> None:
    with transaction.atomic():
        phone = UserPhone.objects.select_for_update().filter(user=actor).first()
        if phone is None:
            return
        phone.delete()
        audit(actor=actor, action="notifications.phone_removed", target=actor)


# --- Reminders --------------------------------------------------------------------------------


def reminders_run(*, now=None) -> int:
    """Publish every reminder that is due and not yet sent. Safe to run twice, or concurrently."""
    now = now or timezone.now()
    published = 0
    for name, find_due in reminders.registered().items():
        try:
            due = list(find_due(now))
        except Exception:  # one broken reminder must not stop the others
            logger.exception("reminder %s failed", name)
            continue
        published += _publish_due(name, due)
    return published


def _publish_due(name: str, due: list) -> int:
    keys = [item.key[:200] for item in due]
    sent = set(SentReminder.objects.filter(name=name, key__in=keys).values_list("key", flat=True))
    published = 0
    for item in due:
        key = item.key[:200]
        if key in sent:
            continue
        try:
            with transaction.atomic():
                SentReminder.objects.create(name=name, key=key)
                publish(name, payload={**item.payload, "reminder_key": key})
        except IntegrityError:  # another run published it first
            continue
        sent.add(key)
        published += 1
    return published
