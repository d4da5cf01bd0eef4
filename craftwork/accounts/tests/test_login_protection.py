"""One sign-in path for the web, the API and the admin, with a lockout no stranger can keep on."""

import time
from datetime import datetime, timedelta

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from craftwork.accounts import lockout, services
from craftwork.accounts.errors import (
    AccountLocked,
    AccountProtected,
    ExpiredToken,
    InvalidCredentials,
    InvalidToken,
    TooManyAttempts,
)
from craftwork.accounts.models import User
from craftwork.accounts.tests.conftest import link_in
from craftwork.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from craftwork.accounts.tokens import LoginLinkTokenGenerator
from craftwork.core.models import AuditLog

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
LOGIN_LINK = "/api/v1/auth/login-link/"
ADMIN_LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_BACKOFF_SECONDS = 30
    settings.LOGIN_LOCKOUT_SECONDS = 900
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 100
    settings.LOGIN_IP_FAILURE_LIMIT = 100
    settings.TRUSTED_PROXY_HOPS = 0


@pytest.fixture
def clock(monkeypatch):
    """Moves time.time (the pauses and the local-memory cache both read it) forward on demand."""
    offset = [0.0]
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + offset[0])
    return lambda seconds: offset.__setitem__(0, offset[0] + seconds)


def fail(user_or_email, ip, times=1):
    email = getattr(user_or_email, "email", user_or_email)
    errors = []
    for _ in range(times):
        with pytest.raises((InvalidCredentials, TooManyAttempts)) as error:
            services.user_login(email=email, password="wrong-guess-1", ip=ip)
        errors.append(error.value)
    return errors


def login_link_parts(message) -> tuple[str, str]:
    uid, token = link_in(message, "/accounts/login/link/").rstrip("/").split("/")[-2:]
    return uid, token


# --- soft lockout (item 17) ------------------------------------------------------------


class TestPerAddressBackoff:
    def test_a_strangers_failures_do_not_lock_the_owner_out(self, user):
        errors = fail(user, "203.0.113.66", times=3)
        assert [type(e) for e in errors] == [InvalidCredentials, InvalidCredentials, AccountLocked]
        assert errors[-1].retry_after == 30
        with pytest.raises(AccountLocked):
            services.user_login(email=user.email, password=DEFAULT_PASSWORD, ip="203.0.113.66")
        owner = services.user_login(email=user.email, password=DEFAULT_PASSWORD, ip="192.0.2.1")
        assert owner == user

    def test_each_failure_past_the_limit_doubles_the_pause_up_to_the_cap(self, user, clock):
        pauses = []
        fail(user, "203.0.113.66", times=2)
        for _ in range(7):
            error = fail(user, "203.0.113.66")[0]
            pauses.append(error.retry_after)
            clock(error.retry_after + 1)
        assert pauses == [30, 60, 120, 240, 480, 900, 900]

    def test_paused_attempts_check_no_password_and_count_nothing(self, user):
        fail(user, "203.0.113.66", times=3)
        for _ in range(5):
            with pytest.raises(AccountLocked) as error:
                services.user_login(email=user.email, password="wrong", ip="203.0.113.66")
            assert error.value.retry_after <= 30
        assert AuditLog.objects.filter(details__reason="paused").count() == 5

    def test_the_pause_ends(self, user, clock):
        fail(user, "203.0.113.66", times=3)
        clock(31)
        assert services.user_login(email=user.email, password=DEFAULT_PASSWORD, ip="203.0.113.66")

    def test_success_forgets_the_failures_of_that_address(self, user):
        for _round in range(3):
            fail(user, "192.0.2.1", times=2)
            services.user_login(email=user.email, password=DEFAULT_PASSWORD, ip="192.0.2.1")
        assert not AuditLog.objects.filter(action="lockout").exists()


class TestAccountCeiling:
    @pytest.fixture(autouse=True)
    def _ceiling(self, settings):
        settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 4

    def test_failures_from_everywhere_pause_the_account_and_email_the_owner_a_link(
        self, user, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            errors = [fail(user, f"198.51.100.{n}")[0] for n in range(4)]
        assert [type(e) for e in errors[:3]] == [InvalidCredentials] * 3
        assert isinstance(errors[3], AccountProtected) and errors[3].retry_after == 900
        with pytest.raises(AccountProtected):  # the right password from a fresh address too
            services.user_login(email=user.email, password=DEFAULT_PASSWORD, ip="192.0.2.1")
        assert [m.to for m in mail.outbox] == [[user.email]]
        assert AuditLog.objects.get(action="lockout").details["scope"] == "account"

        uid, token = login_link_parts(mail.outbox[0])
        assert services.user_login_with_link(uidb64=uid, token=token) == user
        with pytest.raises(InvalidToken):  # one time only
            services.user_login_with_link(uidb64=uid, token=token)
        # The link lifted the pause: the password works again.
        assert services.user_login(email=user.email, password=DEFAULT_PASSWORD, ip="192.0.2.1")

    def test_unknown_email_gets_the_same_answer_and_no_mail(
        self, db, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            errors = [fail("ghost@example.com", f"198.51.100.{n}")[0] for n in range(4)]
        assert isinstance(errors[3], AccountProtected)
        assert errors[3].message == AccountProtected(retry_after=1).message
        assert mail.outbox == []

    def test_an_old_link_expires(
        self, user, django_capture_on_commit_callbacks, settings, monkeypatch
    ):
        with django_capture_on_commit_callbacks(execute=True):
            for n in range(4):
                fail(user, f"198.51.100.{n}")
        uid, token = login_link_parts(mail.outbox[0])
        later = datetime.now() + timedelta(seconds=settings.LOGIN_LINK_TIMEOUT + 5)
        monkeypatch.setattr(LoginLinkTokenGenerator, "_now", lambda self: later)
        with pytest.raises(ExpiredToken):
            services.user_login_with_link(uidb64=uid, token=token)

    def test_a_password_login_spends_the_link(self, user, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            for n in range(4):
                fail(user, f"198.51.100.{n}")
        uid, token = login_link_parts(mail.outbox[0])
        lockout.clear(user.email)
        services.user_login(email=user.email, password=DEFAULT_PASSWORD, ip="192.0.2.1")
        with pytest.raises(InvalidToken):
            services.user_login_with_link(uidb64=uid, token=token)

    @pytest.mark.parametrize("uid,token", [("garbage", "x-y"), ("", ""), ("MTIz", "1-2")])
    def test_garbage_links(self, uid, token):
        with pytest.raises(InvalidToken):
            services.user_login_with_link(uidb64=uid, token=token)


def test_one_address_trying_many_emails_is_paused(db, settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 3
    errors = [fail(f"person{n}@example.com", "203.0.113.66")[0] for n in range(3)]
    assert type(errors[-1]) is TooManyAttempts
    assert type(fail("someone-else@example.com", "203.0.113.66")[0]) is TooManyAttempts
    # Other addresses are not affected.
    assert type(fail("someone-else@example.com", "192.0.2.1")[0]) is InvalidCredentials


# --- one path for every entry point (item 14) ----------------------------------------------


def test_admin_login_is_refused_while_api_failures_pause_the_address(client, db):
    staff = User.objects.create_superuser(
        email="boss@example.com", password=DEFAULT_PASSWORD, first_name="Boss"
    )
    api = APIClient()
    for _ in range(3):
        api.post(TOKEN, {"email": staff.email, "password": "wrong-guess-1"})
    response = client.post(ADMIN_LOGIN, {"username": staff.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_wrong_admin_passwords_are_counted_and_answered_429(client, db):
    staff = User.objects.create_superuser(
        email="boss@example.com", password=DEFAULT_PASSWORD, first_name="Boss"
    )
    statuses = [
        client.post(ADMIN_LOGIN, {"username": staff.email, "password": f"guess-{n}"}).status_code
        for n in range(30)
    ]
    assert statuses[:2] == [200, 200]
    assert set(statuses[2:]) == {429}
    assert AuditLog.objects.filter(action="login_failed", details__email=staff.email).count() == 30
    api = APIClient().post(TOKEN, {"email": staff.email, "password": DEFAULT_PASSWORD})
    assert api.status_code == 429  # the API sees the pause the admin caused


def test_admin_login_still_works(client, db):
    User.objects.create_superuser(
        email="boss@example.com", password=DEFAULT_PASSWORD, first_name="Boss"
    )
    response = client.post(
        ADMIN_LOGIN, {"username": "Boss@Example.com", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert AuditLog.objects.filter(action="login").count() == 1


def test_admin_refuses_a_non_staff_user_with_the_right_password(client, user):
    response = client.post(ADMIN_LOGIN, {"username": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_web_login_shares_the_pause(client, user):
    for _ in range(3):
        APIClient().post(TOKEN, {"email": user.email, "password": "wrong-guess-1"})
    response = client.post(
        reverse("accounts:login"), {"email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_django_authenticate_goes_through_the_same_service(rf, user):
    request = rf.post("/", REMOTE_ADDR="203.0.113.66")
    for _ in range(3):
        assert authenticate(request, username=user.email, password="wrong-guess-1") is None
    assert authenticate(request, username=user.email, password=DEFAULT_PASSWORD) is None
    other = rf.post("/", REMOTE_ADDR="192.0.2.1")
    assert authenticate(other, username=user.email, password=DEFAULT_PASSWORD) == user
    assert AuditLog.objects.filter(action="login_failed").count() == 4


def test_a_spoofed_forwarded_header_does_not_escape_the_pause(user):
    api = APIClient()
    statuses = [
        api.post(
            TOKEN,
            {"email": user.email, "password": "wrong-guess-1"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(5)
    ]
    assert statuses == [401, 401, 429, 429, 429]


# --- the emailed link on the web and the API ---------------------------------------------


@pytest.fixture
def emailed_link(user, settings, django_capture_on_commit_callbacks):
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 2
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(2):
            fail(user, f"198.51.100.{n}")
    return login_link_parts(mail.outbox[-1])


def test_web_link_signs_in_on_post_only(client, user, emailed_link):
    uid, token = emailed_link
    url = reverse("accounts:login-link", args=[uid, token])
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="login-link-submit"' in page.content.decode()
    assert "_auth_user_id" not in client.session
    response = client.post(url)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    client.logout()
    again = client.post(url)
    assert again.status_code == 400
    assert 'data-testid="login-link-error"' in again.content.decode()


def test_api_link_returns_a_token_pair_once(user, emailed_link):
    uid, token = emailed_link
    api = APIClient()
    first = api.post(LOGIN_LINK, {"uid": uid, "token": token})
    assert first.status_code == 200 and set(first.json()) == {"access", "refresh"}
    second = api.post(LOGIN_LINK, {"uid": uid, "token": token})
    assert second.status_code == 400 and second.json()["error"]["code"] == "invalid_token"
    bad = api.post(LOGIN_LINK, {"uid": uid})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "validation_error"


def test_a_new_user_can_still_sign_in_normally(db):
    fresh = UserFactory()
    assert services.user_login(email=fresh.email, password=DEFAULT_PASSWORD, ip="192.0.2.1")
