"""Fixtures shared by every app's tests."""

import pytest
from rest_framework.test import APIClient

from craftwork.accounts.tests.factories import DEFAULT_PASSWORD, FreelancerFactory, UserFactory

# One definition of the session-wide browser: a second sync Playwright in the process cannot start.
pytest_plugins = ["craftwork.web.tests.e2e.browser"]


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    """Each test writes uploads to its own folder and starts with an empty cache (throttles, lockouts)."""
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password():
    return DEFAULT_PASSWORD


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def freelancer(db):
    return FreelancerFactory()


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def auth_client(user):
    client = APIClient()
    client.force_authenticate(user)
    client.user = user
    return client


def pytest_collection_modifyitems(config, items):
    """Skip ``@pytest.mark.postgres`` tests before any database setup when not on PostgreSQL
    (a fixture-level skip would still run their transactional/serialized database setup)."""
    from django.conf import settings

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)
