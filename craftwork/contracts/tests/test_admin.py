import pytest
from django.urls import reverse

from craftwork.accounts.tests.factories import StaffFactory
from craftwork.contracts.models import Contract

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    staff = StaffFactory(is_superuser=True)
    client.force_login(staff)
    return client


def test_staff_see_contracts_read_only(staff_client, funded):
    assert staff_client.get(reverse("admin:contracts_contract_changelist")).status_code == 200
    page = staff_client.get(reverse("admin:contracts_contract_change", args=[funded.pk]))
    assert page.status_code == 200 and funded.title in page.content.decode()
    assert staff_client.get(reverse("admin:contracts_contract_add")).status_code == 403


def test_the_cancel_action_goes_through_the_process(staff_client, funded, contract):
    delivered = funded.milestones.get()
    response = staff_client.post(
        reverse("admin:contracts_contract_changelist"),
        {"action": "cancel_contracts", "_selected_action": [funded.pk, contract.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert set(Contract.objects.values_list("state", flat=True)) == {"cancelled"}
    delivered.refresh_from_db()
    assert delivered.refunded_minor == 50_000
    assert funded.history.get(subject="contract", transition="cancel").actor_role == "staff"


def test_gig_orders_and_sessions_show_their_details(staff_client):
    from .factories import gig_order, session_booking

    order = gig_order()
    session = session_booking()
    page = staff_client.get(reverse("admin:contracts_contract_change", args=[order.pk]))
    assert page.status_code == 200 and order.gig_order.package_name in page.content.decode()
    page = staff_client.get(reverse("admin:contracts_contract_change", args=[session.pk]))
    assert page.status_code == 200 and session.session_booking.topic in page.content.decode()
