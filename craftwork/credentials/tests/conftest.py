import pytest
from rest_framework.test import APIClient

from craftwork.accounts.tests.factories import FreelancerFactory, StaffFactory, UserFactory


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    """Private documents go to this test's own folder, never to var/private."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def private_root(_private_root):
    return _private_root


@pytest.fixture
def owner(db):
    return FreelancerFactory()


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def stranger(db):
    return FreelancerFactory()


def _api(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    client.user = user
    return client


@pytest.fixture
def owner_api(owner):
    return _api(owner)


@pytest.fixture
def staff_api(staff):
    return _api(staff)


@pytest.fixture
def stranger_api(stranger):
    return _api(stranger)


@pytest.fixture
def client_only_api(db):
    return _api(UserFactory())


@pytest.fixture
def seeded_document_types(db):
    """Transactional tests flush the tables: put the seeded document types back if they are gone."""
    import importlib

    from django.apps import apps

    importlib.import_module("craftwork.credentials.migrations.0002_seed_document_types").seed(
        apps, None
    )
