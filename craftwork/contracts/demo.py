"""Demo contracts in every state, built through the services and the offline sandbox checkout.

``seed_contracts(rng)`` is idempotent (contracts are keyed by ``source_ref``) and needs the
demo clients and freelancers to exist (craftwork.web.demo creates them first).
``seed_orders(rng)`` adds gig orders and booked sessions; it needs the demo catalog too.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from craftwork.accounts.models import User
from craftwork.core.money import Money

from . import process, services
from .models import Contract, Milestone, MilestoneState
from .terms import ContractTerms

DEMO_DOMAIN = "demo.craftwork.local"
TITLES = [
    "Website redesign for a garden centre",
    "Logo and brand guide",
    "Bathroom plumbing repair",
    "Weekly bookkeeping",
    "Mobile app bug fixing",
    "Translation of a product catalogue",
    "Deep cleaning of a three-room flat",
    "SEO audit and fixes",
    "Kitchen cabinet installation",
    "Data dashboard in Python",
]
# (scenario, kind) pairs: every state of both processes appears at least once.
SCENARIOS = [
    ("pending_funding", "fixed"),
    ("active", "fixed"),
    ("in_progress", "fixed"),
    ("proposed_milestone", "fixed"),
    ("delivered", "fixed"),
    ("changes_requested", "fixed"),
    ("completed", "fixed"),
    ("auto_approved", "fixed"),
    ("cancelled", "fixed"),
    ("disputed", "fixed"),
    ("active", "hourly"),
    ("in_progress", "hourly"),
    ("timesheet_submitted", "hourly"),
    ("timesheet_rejected", "hourly"),
    ("timesheet_paid", "hourly"),
    ("completed", "hourly"),
    ("cancelled", "hourly"),
]


def seed_contracts(rng, *, extra: int = 12) -> int:
    """Create the demo contracts that do not exist yet; returns how many were created."""
    if settings.PAYMENTS_PROVIDER != "sandbox":
        return 0
    clients = list(
        User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}", is_client=True).order_by("email")
    )
    freelancers = list(
        User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}", is_freelancer=True).order_by("email")
    )
    if not clients or not freelancers:
        return 0
    named_client = _named(clients, "client") or clients[0]
    named_freelancer = _named(freelancers, "freelancer") or freelancers[0]
    created = 0
    plan = [(named_client, named_freelancer, *scenario) for scenario in SCENARIOS]
    for _index in range(extra):
        client = rng.choice(clients)
        freelancer = rng.choice([f for f in freelancers if f.pk != client.pk])
        plan.append((client, freelancer, *rng.choice(SCENARIOS)))
    for number, (client, freelancer, scenario, kind) in enumerate(plan, start=1):
        ref = f"demo-contract-{number:03d}"
        if Contract.objects.filter(source="proposal", source_ref=ref).exists():
            continue
        with transaction.atomic():
            contract = _create(rng, client, freelancer, kind, ref, number)
            _play(contract, scenario)
        created += 1
    return created


def _named(users, local_part: str):
    return next((u for u in users if u.email == f"{local_part}@{DEMO_DOMAIN}"), None)


def _create(rng, client, freelancer, kind: str, ref: str, number: int) -> Contract:
    currency = "USD"
    if kind == "hourly":
        terms = ContractTerms(
            kind="hourly",
            currency=currency,
            hourly_rate=Money(rng.randrange(25, 90) * 100, currency),
            weekly_limit_minutes=rng.choice([10, 20, 30]) * 60,
            cancellation_policy=rng.choice(["flexible", "moderate"]),
            review_window_days=None,
        )
    else:
        first, second = rng.randrange(2, 12) * 5000, rng.randrange(2, 8) * 5000
        terms = ContractTerms(
            kind="fixed",
            currency=currency,
            amount=Money(first + second, currency),
            milestones=[
                ("Draft and first delivery", Money(first, currency), None),
                ("Final version", Money(second, currency), None),
            ],
            cancellation_policy=rng.choice(["flexible", "moderate", "strict"]),
            revisions_allowed=2,
            review_window_days=None,
        )
    return services.contract_create(
        source="proposal",
        source_ref=ref,
        client=client,
        provider=freelancer,
        title=TITLES[number % len(TITLES)],
        description="Scope, deliverables and timeline as discussed in the proposal.",
        terms=terms,
        actor=client,
    )


def _fund_first(contract):
    from craftwork.payments import testing

    milestone = contract.milestones.filter(state=MilestoneState.PENDING_FUNDING).first()
    payment = services.milestone_fund_start(milestone=milestone, actor=contract.client)
    testing.pay(payment)
    milestone.refresh_from_db()
    return milestone


def _play(contract, scenario: str) -> None:
    if contract.kind == "hourly":
        _play_hourly(contract, scenario)
        return
    if scenario == "pending_funding":
        return
    if scenario == "cancelled":
        services.contract_cancel(contract=contract, actor=contract.client, reason="Plans changed.")
        return
    milestone = _fund_first(contract)
    if scenario == "active":
        return
    services.contract_transition(obj=contract, transition="start", actor=contract.provider)
    if scenario == "proposed_milestone":
        services.milestone_propose(
            contract=contract,
            title="Extra landing page",
            amount=Money(15000, contract.currency),
            actor=contract.provider,
        )
    if scenario in ("in_progress", "proposed_milestone"):
        return
    if scenario == "disputed":
        services.milestone_dispute(
            milestone=milestone, reason="The work stopped without notice.", actor=contract.client
        )
        return
    services.milestone_submit(
        milestone=milestone, message="First version attached.", actor=contract.provider
    )
    if scenario == "changes_requested":
        services.milestone_request_changes(
            milestone=milestone, note="Please use the brand colours.", actor=contract.client
        )
    elif scenario == "completed":
        _approve_all(contract)
    elif scenario == "auto_approved":
        # As if the review window had passed: the timer fires now, through the process.
        now = timezone.now()
        Milestone.objects.filter(pk=milestone.pk).update(timer_due_at=now - timedelta(minutes=1))
        process.fire_timer(Milestone, milestone.pk, now=now)


def _approve_all(contract) -> None:
    milestone = contract.milestones.get(state=MilestoneState.SUBMITTED)
    services.milestone_approve(milestone=milestone, actor=contract.client)
    second = _fund_first(contract)
    services.milestone_submit(
        milestone=second, message="Final files attached.", actor=contract.provider
    )
    services.milestone_approve(milestone=second, actor=contract.client)


def _play_hourly(contract, scenario: str) -> None:
    from craftwork.payments import testing

    if scenario == "active":
        return
    if scenario == "cancelled":
        services.contract_cancel(
            contract=contract, actor=contract.provider, reason="I am no longer available."
        )
        return
    today = services.provider_today(contract)
    log = services.timelog_create(
        contract=contract,
        date=today,
        minutes=150,
        description="Setup and first tasks.",
        actor=contract.provider,
    )
    if scenario == "in_progress":
        return
    timesheet = services.timesheet_submit(timesheet=log.timesheet, actor=contract.provider)
    if scenario == "timesheet_submitted":
        return
    if scenario == "timesheet_rejected":
        services.timesheet_reject(
            timesheet=timesheet, comment="Please split the hours by task.", actor=contract.client
        )
        return
    services.timesheet_approve(timesheet=timesheet, actor=contract.client)
    payment = services.timesheet_pay_start(timesheet=timesheet, actor=contract.client)
    testing.pay(payment)
    if scenario == "completed":
        contract.refresh_from_db()
        services.contract_transition(obj=contract, transition="end", actor=contract.client)


# --- gig orders and sessions (normally bought through commerce checkout) --------------------------

ORDER_SCENARIOS = [
    "awaiting_requirements",
    "in_progress",
    "delivered",
    "revision",
    "completed",
    "auto_completed",
    "late",
    "cancelled",
]
SESSION_SCENARIOS = ["scheduled", "scheduled_with_link", "scheduled_in_person", "cancelled"]
DEMO_NAMESPACE = uuid.UUID("6f1d8a52-4c55-4d8e-9a7e-0c1b9e5b7a10")


def seed_orders(rng) -> int:
    """A few gig orders and booked sessions in different states, paid as checkout would pay
    them (the escrow funded, then ``orders.gig_order_create`` / ``session_booking_create``).
    Needs the demo users and the demo catalog; idempotent (keyed by ``source_ref``)."""
    from craftwork.catalog.models import Gig, GigStatus, MentorshipOffering

    clients = list(
        User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}", is_client=True).order_by("email")
    )
    demo = {"seller__email__endswith": f"@{DEMO_DOMAIN}"}
    gigs = list(
        Gig.objects.filter(status=GigStatus.ACTIVE, **demo)
        .select_related("seller")
        .prefetch_related("packages")
        .order_by("created_at", "pk")[:40]
    )
    offerings = list(
        MentorshipOffering.objects.filter(active=True, mentor__email__endswith=f"@{DEMO_DOMAIN}")
        .select_related("mentor")
        .order_by("created_at", "pk")[:20]
    )
    if not clients:
        return 0
    client = _named(clients, "client") or clients[0]
    created = 0
    for number, scenario in enumerate(ORDER_SCENARIOS, start=1):
        ref = f"demo-order-{number:03d}"
        if not gigs or Contract.objects.filter(source="gig_order", source_ref=ref).exists():
            continue
        gig = gigs[(number * 7) % len(gigs)]
        buyer = client if client.pk != gig.seller_id else clients[-1]
        with transaction.atomic():
            contract = _paid_gig_order(rng, ref, buyer, gig)
            _play_order(contract, scenario)
        created += 1
    for number, scenario in enumerate(SESSION_SCENARIOS, start=1):
        ref = f"demo-session-{number:03d}"
        if (
            not offerings
            or Contract.objects.filter(source="session_booking", source_ref=ref).exists()
        ):
            continue
        offering = offerings[(number * 3) % len(offerings)]
        buyer = client if client.pk != offering.mentor_id else clients[-1]
        with transaction.atomic():
            contract = _paid_session(ref, buyer, offering)
            if contract is None:
                continue
            _play_session(contract, scenario)
        created += 1
    return created


def _fund(contract_id, client, amount: Money) -> None:
    from craftwork.payments.services import escrow_fund

    escrow_fund(
        contract_ref=f"contract:{contract_id}",
        client=client,
        amount=amount,
        idempotency_key=f"demo-fund:{contract_id}",
    )


def _paid_gig_order(rng, ref: str, buyer, gig) -> Contract:
    from .orders import gig_order_create

    package = rng.choice(list(gig.packages.all()))
    contract_id = uuid.uuid5(DEMO_NAMESPACE, ref)
    price = package.price_money
    _fund(contract_id, buyer, price)
    return gig_order_create(
        contract_id=contract_id,
        source_ref=ref,
        client=buyer,
        provider=gig.seller,
        package_ref=str(package.pk),
        price=price,
        cancellation_policy=rng.choice(["flexible", "moderate", "strict"]),
    )


def _answer(contract, at=None) -> None:
    from . import orders

    if contract.state != "awaiting_requirements":
        return
    answers = {
        question["id"]: (question["choices"][0] if question["kind"] == "choice" else "")
        or "A bakery in Lisbon: warm colours, a friendly tone, print and web use."
        for question in contract.gig_order.requirements
    }
    orders.gig_requirements_submit(
        contract=contract, answers=answers, actor=contract.client, now=at
    )
    contract.refresh_from_db()


def _play_order(contract, scenario: str) -> None:
    from . import orders

    if scenario == "awaiting_requirements":
        return
    if scenario == "cancelled":
        services.contract_cancel(
            contract=contract, actor=contract.provider, reason="I cannot take this one, sorry."
        )
        return
    # Past moments for the scenarios whose timer has run out: the timer then fires now.
    now = timezone.now()
    delivered_at = now - timedelta(days=contract.review_window_days, minutes=5)
    answered_at = {
        "late": now - timedelta(days=contract.delivery_days, hours=2),
        "auto_completed": delivered_at - timedelta(hours=20),
    }.get(scenario)
    _answer(contract, at=answered_at)
    if scenario == "in_progress":
        return
    if scenario == "late":
        process.fire_timer(Contract, contract.pk, now=now)
        return
    orders.gig_deliver(
        contract=contract,
        message="First version attached, let me know what you think.",
        actor=contract.provider,
        now=delivered_at if scenario == "auto_completed" else None,
    )
    contract.refresh_from_db()
    if scenario == "auto_completed":
        process.fire_timer(Contract, contract.pk, now=now)
    elif scenario == "revision" and contract.revisions_allowed:
        orders.gig_request_revision(
            contract=contract, note="Could the colours be warmer?", actor=contract.client
        )
    elif scenario == "completed":
        orders.gig_accept(contract=contract, actor=contract.client)


def _paid_session(ref: str, buyer, offering) -> Contract | None:
    from craftwork.catalog import selectors as catalog_selectors
    from craftwork.catalog.services import slot_reserve

    from .orders import session_booking_create

    today = timezone.now().date()
    slots = catalog_selectors.free_slots(
        offering, today + timedelta(days=2), today + timedelta(days=20), "UTC"
    )
    if not slots:
        return None
    reservation = slot_reserve(offering=offering, start=slots[0].start, client=buyer, actor=buyer)
    contract_id = uuid.uuid5(DEMO_NAMESPACE, ref)
    _fund(contract_id, buyer, reservation.price_money)
    return session_booking_create(
        contract_id=contract_id,
        source_ref=ref,
        client=buyer,
        provider=offering.mentor,
        reservation=reservation,
        price=reservation.price_money,
    )


def _play_session(contract, scenario: str) -> None:
    from . import orders

    if scenario == "scheduled_with_link":
        orders.session_location_set(
            contract=contract,
            actor=contract.provider,
            meeting_url="https://meet.example.com/craftwork-demo",
        )
    elif scenario == "scheduled_in_person":
        orders.session_location_set(
            contract=contract, actor=contract.provider, meeting_place="Café Central, Main Street 1"
        )
    elif scenario == "cancelled":
        orders.session_cancel(contract=contract, actor=contract.client, reason="Plans changed.")
