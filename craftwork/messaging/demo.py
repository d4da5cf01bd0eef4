"""Demo conversations: about the named demo client's contracts and the proposals on their jobs
(and the named freelancer's), with a short back-and-forth each and a few unread messages.

``seed_messages(rng)`` runs after the jobs and contracts demo data, and does nothing when demo
conversations exist already (idempotent). Conversations are opened through the service; their
history is written in bulk with past timestamps (no notifications, no rate limit), so that
conversations of contracts that have already ended get a history too.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import services, text
from .models import Conversation, Message, Participant

DEMO_DOMAIN = "demo.craftwork.local"
CONTRACT_SCRIPT = [
    ("client", "Hi! Thanks for taking this on. Is the plan in the contract still good for you?"),
    ("freelancer", "Yes, all good. I'll share a first draft by **Friday**."),
    ("client", "Great. The brand colours are in the brief; ping me with any questions."),
    ("freelancer", "Will do. Quick one: do you prefer *PDF* or a link for the review?"),
    ("client", "A link is perfect, thanks."),
    ("freelancer", "Draft is up. Let me know what you think!"),
]
PROPOSAL_SCRIPT = [
    ("client", "Thanks for your proposal. Have you done something similar before?"),
    ("freelancer", "Yes, two projects last year; happy to show examples on a call."),
    ("client", "Could you start next Monday?"),
    ("freelancer", "Monday works. I can keep the estimate as proposed."),
]


def _demo_users():
    from craftwork.accounts.models import User

    return User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")


def seed_messages(rng, *, contracts: int = 8, proposals: int = 8) -> int:
    """Create the demo conversations; returns how many were created (0 when they exist)."""
    from craftwork.contracts.models import Contract
    from craftwork.jobs.models import Proposal

    if Conversation.objects.filter(client__in=_demo_users()).exists():
        return 0
    named = Q(client__email=f"client@{DEMO_DOMAIN}") | Q(
        provider__email=f"freelancer@{DEMO_DOMAIN}"
    )
    picked_contracts = list(
        Contract.objects.filter(named, client__email__endswith=f"@{DEMO_DOMAIN}")
        .select_related("client", "provider")
        .order_by("created_at")[:contracts]
    )
    bids = Q(job__client__email=f"client@{DEMO_DOMAIN}") | Q(
        freelancer__email=f"freelancer@{DEMO_DOMAIN}"
    )
    picked_proposals = list(
        Proposal.objects.filter(bids)
        .select_related("job", "job__client", "freelancer")
        .order_by("created_at")[:proposals]
    )
    created = 0
    now = timezone.now()
    for index, contract in enumerate(picked_contracts):
        conversation = services.conversation_for_context(
            kind="contract", obj=contract, actor=contract.client
        )
        people = {"client": contract.client, "freelancer": contract.provider}
        lines = CONTRACT_SCRIPT[: rng.randint(3, len(CONTRACT_SCRIPT))]
        _history(
            conversation, people, lines, start=now - timedelta(days=index + 2), unread=index % 3
        )
        created += 1
    for index, proposal in enumerate(picked_proposals):
        conversation = services.conversation_for_context(
            kind="proposal", obj=proposal, actor=proposal.freelancer
        )
        people = {"client": proposal.job.client, "freelancer": proposal.freelancer}
        lines = PROPOSAL_SCRIPT[: rng.randint(2, len(PROPOSAL_SCRIPT))]
        _history(conversation, people, lines, start=now - timedelta(hours=6 * index + 3), unread=1)
        created += 1
    return created


def _history(conversation, people, lines, *, start, unread: int) -> None:
    """Write ``lines`` as the conversation's history; the last ``unread`` stay unread for their
    recipient, everything else is read by both."""
    with transaction.atomic():
        messages = Message.objects.bulk_create(
            Message(
                conversation=conversation,
                seq=seq,
                author=people[role],
                body=line,
                body_html=text.render(line),
            )
            for seq, (role, line) in enumerate(lines, start=1)
        )
        for offset, message in enumerate(messages):
            when = start + timedelta(minutes=17 * offset)
            Message.objects.filter(pk=message.pk).update(created_at=when, updated_at=when)
            message.created_at = when
        last = messages[-1]
        Conversation.objects.filter(pk=conversation.pk).update(
            last_seq=last.seq, last_message=last, last_message_at=last.created_at
        )
        read_up_to = max(0, last.seq - unread)
        for participant in Participant.objects.filter(conversation=conversation):
            # The author of the unread tail has of course read their own messages.
            own_tail = participant.user_id == last.author_id
            pointer = last.seq if own_tail else read_up_to
            participant.last_read_seq = pointer
            participant.last_read_at = last.created_at
            participant.save(update_fields=["last_read_seq", "last_read_at"])
