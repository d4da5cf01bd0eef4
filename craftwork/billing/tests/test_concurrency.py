"""Races on real PostgreSQL connections: every thread has its own connection and transaction."""

import random
from functools import partial

import pytest
from django.core.management import call_command
from django.db import connection

from craftwork.accounts.tests.factories import FreelancerFactory
from craftwork.billing import credits
from craftwork.billing.defaults import ensure_defaults
from craftwork.billing.errors import NotEnoughCredits
from craftwork.billing.models import CreditAction, CreditCharge
from craftwork.core.tests.concurrency import run_in_threads
from craftwork.payments.reconciliation import reconcile

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency tests need PostgreSQL")
    ensure_defaults()  # a transactional test before this one may have flushed the seeded rows


def _consume(wallet, reference):
    return credits.credits_consume(
        actor=None, wallet=wallet, action=CreditAction.AI_INTERVIEW, reference=reference
    )


def test_two_consumptions_of_the_last_credits_exactly_one_succeeds():
    wallet = credits.wallet_for(user=FreelancerFactory())
    credits.wallet_refresh(wallet=wallet)
    _consume(wallet, "warm:1")  # 10 - 5: exactly one more interview's worth is left

    results = run_in_threads([partial(_consume, wallet, f"race:{i}") for i in range(2)])

    charged = [r for r in results if isinstance(r, CreditCharge)]
    refused = [r for r in results if isinstance(r, NotEnoughCredits)]
    assert len(charged) == 1 and len(refused) == 1, results
    assert credits.balance_of(wallet) == 0
    assert reconcile().ok


def test_randomized_consumptions_refunds_and_grants_reconcile():
    wallets = [credits.wallet_for(user=FreelancerFactory()) for _ in range(3)]

    def work(index):
        rng = random.Random(index)  # each thread's choices are fixed; only timing varies
        wallet = wallets[index % len(wallets)]
        outcomes = []
        for step in range(6):
            roll = rng.random()
            ref = f"w{index}:{step}"
            try:
                if roll < 0.6:
                    outcomes.append(_consume(wallet, ref))
                elif roll < 0.8:
                    outcomes.append(
                        credits.credits_refund(
                            action=CreditAction.AI_INTERVIEW, reference=f"w{index}:0", reason="r"
                        )
                    )
                else:
                    outcomes.append(
                        credits.credits_grant(
                            actor=None, wallet=wallet, credits=3, reason="g", idempotency_key=ref
                        )
                    )
            except NotEnoughCredits as error:
                outcomes.append(error)
        return outcomes

    results = run_in_threads([partial(work, i) for i in range(6)])
    assert not [r for r in results if isinstance(r, BaseException)], results
    for wallet in wallets:
        charged = sum(
            c.credits for c in CreditCharge.objects.filter(wallet=wallet, refunded_at__isnull=True)
        )
        assert credits.balance_of(wallet) >= 0
        assert charged >= 0
    report = reconcile()
    assert report.ok, report.problems
    call_command("reconcile")


def test_cancelling_a_job_refunds_bidders_while_they_spend_credits():
    from craftwork.jobs import services as job_services
    from craftwork.jobs.tests.factories import JobFactory

    job = JobFactory()
    bidders = [FreelancerFactory() for _ in range(4)]
    for freelancer in bidders:
        job_services.proposal_submit(
            actor=freelancer,
            job=job,
            amount=45_000,
            duration_days=10,
            cover_letter="I can do this well and on time, here is how.",
        )
    wallets = [credits.wallet_for(user=f) for f in bidders]
    work = [partial(job_services.job_cancel, actor=job.client, job=job)] + [
        partial(_consume, wallet, f"spend:{i}") for i, wallet in enumerate(wallets)
    ]

    results = run_in_threads(work)

    assert not [r for r in results if isinstance(r, BaseException)], results
    # 10 a month - 2 for the bid + 2 back - 5 for the interview, whatever the order.
    assert [credits.balance_of(wallet) for wallet in wallets] == [5, 5, 5, 5]
    report = reconcile()
    assert report.ok, report.problems
