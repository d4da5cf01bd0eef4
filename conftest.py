"""Fixtures shared by every app's tests."""

import os
from datetime import datetime

import pytest
from rest_framework.test import APIClient

from craftwork.accounts.tests.factories import DEFAULT_PASSWORD, FreelancerFactory, UserFactory

# One definition of the session-wide browser: a second sync Playwright in the process cannot start.
pytest_plugins = ["craftwork.web.tests.e2e.browser"]

# CRAFTWORK_TEST_NOW=2026-03-29T00:30:00Z runs the suite as if the clock read that instant (it keeps
# ticking from there). CI runs the time-sensitive apps at several such instants: a test that only
# passes at some hours of the day fails there instead of in the evening.
TEST_NOW = os.environ.get("CRAFTWORK_TEST_NOW", "")


def pytest_configure(config):
    if TEST_NOW:
        import time_machine

        instant = datetime.fromisoformat(TEST_NOW.replace("Z", "+00:00"))
        if instant.tzinfo is None:
            raise pytest.UsageError(
                "CRAFTWORK_TEST_NOW needs a time zone, e.g. 2026-03-29T00:30:00Z"
            )
        config._craftwork_clock = time_machine.travel(instant, tick=True)
        config._craftwork_clock.start()


def pytest_unconfigure(config):
    clock = getattr(config, "_craftwork_clock", None)
    if clock is not None:
        clock.stop()


def pytest_report_header(config):
    return f"clock: travelled to {TEST_NOW}" if TEST_NOW else None


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
