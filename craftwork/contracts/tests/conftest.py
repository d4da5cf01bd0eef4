import pytest
from rest_framework.test import APIClient

from craftwork.accounts.tests.factories import UserFactory

from .factories import ContractFactory, FundedContractFactory, HourlyContractFactory


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs the on-commit work (event handlers, pushes) of what happens inside."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def contract(db):
    """A fixed-price contract (500.00 USD, one milestone) awaiting funding."""
    return ContractFactory()


@pytest.fixture
def funded(db):
    """A fixed-price contract whose milestone is paid into escrow (contract active)."""
    return FundedContractFactory()


@pytest.fixture
def started(db):
    """Funded, and the freelancer started the work."""
    return FundedContractFactory(started=True)


@pytest.fixture
def hourly(db):
    """An hourly contract: 50.00 USD/h, at most 10 h a week."""
    return HourlyContractFactory()


@pytest.fixture
def stranger(db):
    return UserFactory()


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    client.user = user
    return client
