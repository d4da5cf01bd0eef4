import pytest
from django.urls import reverse

from craftwork.accounts import services
from craftwork.accounts.models import User
from craftwork.accounts.tests.conftest import STRONG_PASSWORD
from craftwork.core.models import AuditLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    staff = User.objects.create_superuser(
        email="Boss@Example.com", password=STRONG_PASSWORD, first_name="Boss"
    )
    client.force_login(staff)
    client.staff = staff
    return client


def test_superuser_from_the_manager_has_a_lowercase_verified_email(admin_client):
    assert admin_client.staff.email == "boss@example.com"
    assert admin_client.staff.email_verified


@pytest.mark.parametrize(
    "name",
    [
        "admin:accounts_user_changelist",
        "admin:accounts_user_add",
        "admin:accounts_organization_changelist",
        "admin:accounts_organizationinvitation_changelist",
        "admin:core_auditlog_changelist",
    ],
)
def test_admin_pages_render(admin_client, name, org_with_roles):
    assert admin_client.get(reverse(name)).status_code == 200


def test_admin_change_pages_render(admin_client, org_with_roles):
    organization, owner, *_ = org_with_roles
    invitation = services.organization_invite(
        actor=owner, organization=organization, email="x@example.com"
    )
    for url in [
        reverse("admin:accounts_user_change", args=[owner.pk]),
        reverse("admin:accounts_organization_change", args=[organization.pk]),
        reverse("admin:accounts_organizationinvitation_change", args=[invitation.pk]),
    ]:
        response = admin_client.get(url)
        assert response.status_code == 200
        assert invitation.token_hash not in response.content.decode()


def test_staff_can_create_a_user(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New.Person@Example.com",
            "first_name": "New",
            "last_name": "Person",
            "is_client": "on",
            "usable_password": "true",
            "password1": STRONG_PASSWORD,
            "password2": STRONG_PASSWORD,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = User.objects.get(email="new.person@example.com")
    assert created.check_password(STRONG_PASSWORD) and created.is_client


def test_audit_log_is_read_only(admin_client):
    services.organization_create(actor=admin_client.staff, name="Acme")
    entry = AuditLog.objects.get(action="organization_created")
    assert (
        admin_client.get(reverse("admin:core_auditlog_change", args=[entry.pk])).status_code == 200
    )
    assert (
        admin_client.post(
            reverse("admin:core_auditlog_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert AuditLog.objects.filter(pk=entry.pk).exists()
