import pytest
from rest_framework.test import APIClient

from craftwork.accounts.tests.factories import StaffFactory, UserFactory

from .factories import completed_contract


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs the on-commit work (event handlers) of what happens inside."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def contract(db):
    """A contract completed just now: both parties may review it."""
    return completed_contract()


@pytest.fixture
def client_user(contract):
    return contract.client


@pytest.fixture
def provider(contract):
    return contract.provider


@pytest.fixture
def stranger(db):
    return UserFactory()


@pytest.fixture
def staff(db):
    return StaffFactory()


def api_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    client.user = user
    return client


@pytest.fixture
def no_screening(monkeypatch):
    """Nothing is held (whatever the moderation app's screening would say)."""
    from craftwork.reviews import rules

    monkeypatch.setattr(rules, "screen", lambda text, review=None: rules.Screening(held=False))


@pytest.fixture
def hold_everything(monkeypatch):
    """The screening holds every text; the holds are recorded in the returned list."""
    from craftwork.reviews import rules

    held = []
    monkeypatch.setattr(
        rules, "screen", lambda text, review=None: rules.Screening(held=True, reasons=("test",))
    )
    monkeypatch.setattr(rules, "hold", lambda review, screening, actor=None: held.append(review.pk))
    return held
