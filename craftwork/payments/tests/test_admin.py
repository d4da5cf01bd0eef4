import pytest
from django.urls import reverse

from craftwork.accounts.tests.factories import UserFactory
from craftwork.core.models import AuditLog
from craftwork.payments.models import FeeSchedule, LedgerAccount, LedgerTransaction

from .factories import funded_escrow, usd

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "model", ["ledgeraccount", "ledgertransaction", "ledgerentry", "payout", "pendingearning"]
)
def test_ledger_admin_is_read_only(admin_client, model):
    funded_escrow(UserFactory(), usd(100))
    changelist = admin_client.get(reverse(f"admin:payments_{model}_changelist"))
    assert changelist.status_code == 200
    assert admin_client.get(reverse(f"admin:payments_{model}_add")).status_code == 403


def test_ledger_rows_cannot_be_changed_in_admin(admin_client):
    funded_escrow(UserFactory(), usd(100))
    txn = LedgerTransaction.objects.get()
    url = reverse("admin:payments_ledgertransaction_change", args=[txn.pk])
    assert admin_client.get(url).status_code == 200  # view only
    admin_client.post(url, {"memo": "edited"})
    assert LedgerTransaction.objects.get().memo == ""
    account = LedgerAccount.objects.filter(balance__gt=0).get()
    delete = reverse("admin:payments_ledgeraccount_delete", args=[account.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert LedgerAccount.objects.filter(pk=account.pk).exists()


def test_staff_change_fees_in_admin_through_the_service(admin_client):
    response = admin_client.post(
        reverse("admin:payments_feeschedule_add"),
        {
            "category_slug": "design",
            "currency": "USD",
            "platform_fee_bps": "800",
            "client_fee_bps": "400",
            "client_fee_min_minor": "50",
        },
    )
    assert response.status_code == 302
    assert FeeSchedule.objects.get().platform_fee_bps == 800
    assert AuditLog.objects.filter(action="payments.fee_schedule_saved").exists()


def test_admin_rejects_bad_fee_rates(admin_client):
    response = admin_client.post(
        reverse("admin:payments_feeschedule_add"),
        {
            "category_slug": "",
            "currency": "",
            "platform_fee_bps": "10001",
            "client_fee_bps": "500",
            "client_fee_min_minor": "10",
        },
    )
    assert response.status_code == 200
    assert not FeeSchedule.objects.exists()
