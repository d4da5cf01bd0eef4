"""Races that only a database with real row locks can show (run with DATABASE_URL=postgres://...)."""

import pytest
from django.db import connection

from craftwork.accounts import services
from craftwork.accounts.errors import InvalidRefreshToken
from craftwork.accounts.models import Membership, User
from craftwork.accounts.tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from craftwork.core.errors import Conflict, PermissionDenied
from craftwork.core.tests.concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


def test_one_refresh_token_rotates_once():
    user = UserFactory()
    refresh = services.token_pair_for(user)["refresh"]
    results = race(*[lambda: services.token_refresh(refresh=refresh)] * 4)
    outcomes = sorted(kind for kind, _value in results)
    assert outcomes == ["error", "error", "error", "ok"]
    assert all(isinstance(value, InvalidRefreshToken) for kind, value in results if kind == "error")


def test_two_owners_demoting_each_other_leave_one_owner():
    organization = OrganizationFactory()
    first = MembershipFactory(organization=organization, user=UserFactory(), role="owner")
    second = MembershipFactory(organization=organization, user=UserFactory(), role="owner")
    results = race(
        lambda: services.membership_change_role(
            actor=first.user, membership=second, role="recruiter"
        ),
        lambda: services.membership_change_role(
            actor=second.user, membership=first, role="recruiter"
        ),
    )
    kinds = sorted(kind for kind, _value in results)
    assert kinds == ["error", "ok"]
    # The loser runs after the winner committed: it is now a plain member, so it may not demote.
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, PermissionDenied | Conflict), repr(error)
    assert Membership.objects.filter(organization=organization, role="owner").count() == 1


def test_two_sign_ups_with_one_address_make_one_account_and_answer_alike():
    def sign_up():
        return services.user_signup(
            email="race@example.com",
            password="violet-kettle-harbor-42",
            first_name="R",
            roles={"client"},
        )

    results = race(sign_up, sign_up, sign_up)
    assert all(kind == "ok" for kind, _value in results), results
    assert sorted(value is None for _kind, value in results) == [False, True, True]
    assert User.objects.filter(email="race@example.com").count() == 1


def test_a_refresh_token_used_twice_at_once_revokes_its_family():
    user = UserFactory()
    refresh = services.token_pair_for(user)["refresh"]
    results = race(*[lambda: services.token_refresh(refresh=refresh)] * 2)
    winners = [value for kind, value in results if kind == "ok"]
    assert len(winners) == 1
    # The loser came second under the family lock: a reuse, so the winner's tokens die too.
    with pytest.raises(InvalidRefreshToken):
        services.token_refresh(refresh=winners[0]["refresh"])
