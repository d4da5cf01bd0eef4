"""Demo reviews on the demo's completed contracts, made through the real services.

``seed_reviews(rng)`` walks the completed contracts between demo accounts that have no review
yet: most get a published pair (both sides reviewed), one gets a pair where the freelancer
responded in public, one only the client's review (waiting for the other side), and one is left
for both parties to review (by their order among the demo's completed contracts). Idempotent:
contracts that already have a review are skipped.
"""

from __future__ import annotations

from craftwork.contracts.models import Contract

from . import services
from .models import DIMENSIONS, Review

DEMO_DOMAIN = "demo.craftwork.local"
CLIENT_TEXTS = {
    5: [
        "Excellent work from start to finish: clear updates, delivered early and exactly as agreed.",
        "Would hire again without a second thought. Careful, friendly and fast.",
    ],
    4: [
        "Good result and easy to work with. One small delay, but well communicated.",
        "Solid work at a fair price; a couple of details needed a second pass.",
    ],
    3: ["The job got done, though it took longer than planned and needed several reminders."],
}
PROVIDER_TEXTS = {
    5: ["A pleasure to work with: a clear brief, quick answers and prompt payment."],
    4: ["Clear requirements and paid on time. A few changes of scope along the way."],
    3: ["Friendly client, but the requirements changed often."],
}
RESPONSE = "Thank you for the kind words, it was a pleasure working on this with you."


def seed_reviews(rng, *, limit: int = 40) -> int:
    """Review the demo's completed contracts; returns how many reviews were created."""
    contracts = list(
        Contract.objects.filter(
            state="completed",
            client__email__endswith=f"@{DEMO_DOMAIN}",
            provider__email__endswith=f"@{DEMO_DOMAIN}",
        )
        .select_related("client", "provider")
        .order_by("created_at", "pk")[:limit]
    )
    reviewed = set(
        Review.objects.filter(contract__in=contracts).values_list("contract_id", flat=True)
    )
    created = 0
    for index, contract in enumerate(contracts):
        scenario = _scenario(index, len(contracts))
        if scenario == "none" or contract.pk in reviewed:
            continue
        client_review = _review(rng, contract, contract.client, CLIENT_TEXTS)
        created += 1
        if scenario == "waiting":
            continue
        _review(rng, contract, contract.provider, PROVIDER_TEXTS)
        created += 1
        if scenario == "responded":
            client_review.refresh_from_db()
            services.review_respond(actor=contract.provider, review=client_review, text=RESPONSE)
    return created


def _scenario(index: int, total: int) -> str:
    """The first contract waits for the freelancer, the second is answered, the last is left
    to write; every other one is a published pair."""
    if index == 0:
        return "waiting"
    if index == 1:
        return "responded"
    if index == total - 1 and total > 3:
        return "none"
    return "pair"


def _review(rng, contract, author, texts) -> Review:
    role = contract.role_of(author)
    overall = rng.choice([5, 5, 5, 4, 4, 3])
    return services.review_create(
        actor=author,
        contract=contract,
        overall=overall,
        ratings={
            name: max(1, min(5, overall + rng.choice([-1, 0, 0, 0]))) for name in DIMENSIONS[role]
        },
        text=rng.choice(texts[overall]),
        submit=True,
    )
