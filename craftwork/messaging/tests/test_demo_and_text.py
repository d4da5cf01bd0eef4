import random
import time

import pytest

from craftwork.accounts.tests.factories import FreelancerFactory, UserFactory
from craftwork.contracts.models import Contract
from craftwork.contracts.tests.factories import ContractFactory
from craftwork.core.markdown import render_markdown
from craftwork.jobs.tests.factories import JobFactory, ProposalFactory
from craftwork.messaging import selectors, text
from craftwork.messaging.demo import seed_messages
from craftwork.messaging.models import Conversation, Message

SAMPLES = [
    "Hello **there**",
    "<script>alert(1)</script> and <b onclick=x>bold</b>",
    "[a link](https://example.com) and [bad](javascript:alert(1))",
    "- one\n- two\n\n1. first\n2. second",
    "```\ncode <here>\n```",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "# big heading\n### small heading",
    "",
]


@pytest.mark.parametrize("sample", SAMPLES)
def test_chat_markdown_renders_exactly_like_the_core_renderer(sample):
    assert text.render(sample) == str(render_markdown(sample))


@pytest.mark.django_db
def test_seed_messages_is_fast_and_idempotent():
    client = UserFactory(email="client@demo.craftwork.local")
    freelancer = FreelancerFactory(email="freelancer@demo.craftwork.local")
    ContractFactory(client=client, provider=freelancer)
    finished = ContractFactory(
        client=client, provider=FreelancerFactory(email="f2@demo.craftwork.local")
    )
    Contract.objects.filter(pk=finished.pk).update(state="completed")
    ProposalFactory(job=JobFactory(client=client), freelancer=freelancer)
    started = time.monotonic()
    assert seed_messages(random.Random(1)) == 3
    assert time.monotonic() - started < 5
    assert seed_messages(random.Random(1)) == 0
    assert Conversation.objects.count() == 3
    for conversation in Conversation.objects.all():
        seqs = list(conversation.messages.values_list("seq", flat=True))
        assert seqs == list(range(1, conversation.last_seq + 1))
    assert Message.objects.filter(body_html__contains="<strong>").exists()
    assert selectors.unread_total(client) + selectors.unread_total(freelancer) >= 1
