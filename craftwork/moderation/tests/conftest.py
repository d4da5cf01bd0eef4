import pytest
from rest_framework.test import APIClient

from craftwork.accounts.tests.factories import StaffFactory


@pytest.fixture
def staff_user(db):
    return StaffFactory()


@pytest.fixture
def staff_api(staff_user):
    client = APIClient()
    client.force_authenticate(staff_user)
    client.user = staff_user
    return client
