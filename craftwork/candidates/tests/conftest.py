import pytest
from rest_framework.test import APIClient

from craftwork.accounts.tests.factories import UserFactory


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    client.user = user
    return client


@pytest.fixture
def candidate(db):
    return UserFactory(first_name="Ana", last_name="García")


@pytest.fixture
def api(candidate):
    return _api(candidate)


@pytest.fixture
def other_api(db):
    return _api(UserFactory())
