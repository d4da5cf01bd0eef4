"""Races on real PostgreSQL connections: every thread has its own connection and transaction."""

import pytest
from django.db import connection

from craftwork.core.tests.concurrency import run_in_threads
from craftwork.jobs.tests.factories import ProposalFactory
from craftwork.messaging import services
from craftwork.messaging.models import Conversation, Message

from .factories import job_conversation

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency tests need PostgreSQL")


def test_concurrent_sends_get_gap_free_sequence_numbers():
    conversation = job_conversation()
    people = [conversation.client, conversation.proposal.freelancer]
    work = [
        (lambda n=n: services.message_send(
            conversation=conversation, actor=people[n % 2], body=f"race {n}"
        ))
        for n in range(8)
    ]  # fmt: skip
    results = run_in_threads(work)
    assert not [r for r in results if isinstance(r, Exception)]
    seqs = sorted(Message.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, 9))
    conversation.refresh_from_db()
    assert conversation.last_seq == 8 and conversation.last_message.seq == 8


def test_starting_the_same_conversation_twice_at_once_makes_one():
    proposal = ProposalFactory()
    work = [
        lambda: services.conversation_for_context(
            kind="proposal", obj=proposal, actor=proposal.freelancer
        ),
        lambda: services.conversation_for_context(
            kind="proposal", obj=proposal, actor=proposal.job.client
        ),
        lambda: services.conversation_for_context(
            kind="job", obj=proposal.job, actor=proposal.freelancer
        ),
    ]
    results = run_in_threads(work)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Conversation.objects.count() == 1
    assert {r.pk for r in results} == {Conversation.objects.get().pk}
