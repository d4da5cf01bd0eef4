"""Jobs: the open-jobs search, a job, submitting a proposal, and logging time on a contract.

The seeder bulk-inserts 5 open jobs per freelancer (at least 5,000, so the single-use proposal
scenario never runs out on the smoke scale): 100,000 at the default scale, over every category,
its skills, fixed budgets and hourly ranges, remote and on-site in the bench's cities, about one
in twenty invite-only. About a third of the jobs have 1-4 proposals from seeded freelancers.
The bench login becomes a freelancer too, and is hired on hourly contracts (from accepted
proposals on filled jobs) that it logs time on.

No Django import at module level: the driver imports this without Django.
"""

from collections import Counter
from datetime import timedelta
from decimal import Decimal

from bench.scenarios import ROTATION_SIZE, Context, Scenario

JOBS_PER_FREELANCER = 5
MIN_JOBS = 5_000
PROPOSAL_SHARE = 0.33  # of the open jobs
FIXED_SHARE = 0.65
ONSITE_SHARE = 0.3
INVITE_ONLY_SHARE = 0.05
FLEXIBLE_SHARE = 0.8
FREELANCERS_PER_CLIENT = 10
# Paths a single-use scenario may take: enough for ~800 proposals/s over warm-up and run.
MAX_PROPOSAL_TARGETS = 20_000
BATCH_SIZE = 2000
PROPOSAL_STATUSES = [("submitted", 16), ("shortlisted", 3), ("declined", 1)]
BID_AMOUNT_MINOR = 25_000
# Filters of the filtered search: a budget range that keeps most fixed jobs and hourly ranges.
FILTER_MIN_BUDGET = 10_000
FILTER_MAX_BUDGET = 300_000
NEARBY_RADIUS_KM = 50


def seed_jobs(*, freelancers: int, rng, password_hash: str, context: dict) -> dict:
    """Clients, open jobs with skills, proposals on some, and the bench user's contracts."""
    from django.db import transaction
    from django.utils import timezone

    from craftwork.accounts.models import User

    now = timezone.now()
    with transaction.atomic():
        User.objects.filter(pk=context["login_user_id"]).update(is_freelancer=True)
        clients = _seed_clients(max(5, freelancers // FREELANCERS_PER_CLIENT), password_hash)
        catalogue = _catalogue()
        jobs, uses = _seed_open_jobs(
            max(MIN_JOBS, JOBS_PER_FREELANCER * freelancers), rng, clients, catalogue, now
        )
        proposals = _seed_proposals(jobs, rng, _freelancer_user_ids())
        contract_count = min(ROTATION_SIZE, max(50, freelancers // 20))
        contract_ids = _seed_contracts(
            contract_count, rng, clients, catalogue, context["login_user_id"], now
        )
    public = [job for job in jobs if job.visibility == "public"]
    targets = [job for job in public if job.budget_type == "fixed"]
    rng.shuffle(public)
    rng.shuffle(targets)
    slugs = {row[0]: row[1] for row in catalogue}
    category = Counter(slugs[job.category_id] for job in public).most_common(1)[0][0]
    skill = max((n, found) for (job_slug, found), n in uses.items() if job_slug == category)[1]
    near = next(job for job in jobs if job.location_type == "onsite")
    return {
        "job_ids": [str(job.pk) for job in public[:ROTATION_SIZE]],
        "job_bid_target_ids": [str(job.pk) for job in targets[:MAX_PROPOSAL_TARGETS]],
        "job_filter": {"category": category, "skill": skill},
        "job_near": f"{near.latitude:.4f},{near.longitude:.4f}",
        "job_contract_ids": contract_ids,
        "job_timelog_date": str(now.date()),  # the bench user's time zone is UTC
        "job_seeded": {"jobs": len(jobs), "proposals": proposals, "contracts": len(contract_ids)},
    }


def _seed_clients(count: int, password_hash: str) -> list:
    from django.utils import timezone

    from craftwork.accounts.models import User

    now = timezone.now()
    users = [
        User(
            email=f"client{number}@bench.craftwork.local",
            first_name="Client",
            last_name=f"{number}",
            password=password_hash,
            is_client=True,
            email_verified_at=now,
        )
        for number in range(count)
    ]
    User.objects.bulk_create(users, batch_size=BATCH_SIZE)
    return [user.pk for user in users]


def _catalogue() -> list[tuple]:
    """[(category id, category slug, [(skill id, skill name, skill slug), ...], weight)],
    popular first (the same 1/rank weights as the freelancers' skills)."""
    from craftwork.profiles.models import SkillCategory

    categories = SkillCategory.objects.order_by("position", "slug").prefetch_related("skills")
    rows = []
    for rank, found in enumerate(categories):
        skills = [(skill.pk, skill.name, skill.slug) for skill in found.skills.all()]
        if skills:
            rows.append((found.pk, found.slug, skills, 1 / (rank + 1)))
    return rows


def _freelancer_user_ids() -> list:
    from craftwork.profiles.models import FreelancerProfile

    return list(FreelancerProfile.objects.values_list("user_id", flat=True))


def _seed_open_jobs(count, rng, clients, catalogue, now) -> tuple[list, Counter]:
    """The open jobs, and how many public remote ones ask for each (category, skill)."""
    from craftwork.jobs.models import Job

    jobs, links, uses = [], [], Counter()
    through = Job.skills.through
    weights = [row[3] for row in catalogue]
    for number in range(count):
        category_id, slug, skills, _weight = rng.choices(catalogue, weights=weights)[0]
        chosen = rng.sample(skills, min(len(skills), rng.randint(1, 5)))
        job = _job(number, rng, rng.choice(clients), category_id, slug, chosen, now)
        jobs.append(job)
        links.extend(through(job_id=job.pk, skill_id=skill[0]) for skill in chosen)
        if job.visibility == "public" and job.location_type == "remote":
            uses.update((slug, skill[2]) for skill in chosen)
    Job.objects.bulk_create(jobs, batch_size=BATCH_SIZE)
    through.objects.bulk_create(links, batch_size=BATCH_SIZE * 2)
    return jobs, uses


def _job(number, rng, client_id, category_id, slug, skills, now, **overrides):
    from bench.seed import PLACES
    from craftwork.jobs.demo import JOB_TITLES
    from craftwork.jobs.models import Job

    city, _country, lat, lon, currency, _language, _weight = rng.choices(
        PLACES, weights=[place[-1] for place in PLACES]
    )[0]
    lead = skills[0][1]  # its name
    title = rng.choice(JOB_TITLES.get(slug) or [f"{lead} work for a small team"])
    fields = {
        "client_id": client_id,
        "title": f"{title} ({lead}, #{number})"[:120],
        "description": _description(lead, city, rng),
        "category_id": category_id,
        "currency": currency,
        "status": "open",
        "visibility": "invite_only" if rng.random() < INVITE_ONLY_SHARE else "public",
        "published_at": now - timedelta(days=rng.randint(0, 60), minutes=rng.randint(0, 1440)),
        **_budget(rng),
        **_location(rng, city, lat, lon),
        **_schedule(rng, now),
    }
    fields.update(overrides)
    return Job(**fields)


def _budget(rng) -> dict:
    if rng.random() < FIXED_SHARE:
        return {"budget_type": "fixed", "budget": rng.randrange(5_000, 500_000, 500)}
    low = rng.randrange(1_500, 8_000, 250)
    return {
        "budget_type": "hourly",
        "hourly_rate_min": low,
        "hourly_rate_max": low + rng.randrange(0, 5_000, 250),
        "hours_per_week": rng.choice([5, 10, 20, 30, 40]),
    }


def _location(rng, city, lat, lon) -> dict:
    if rng.random() >= ONSITE_SHARE:
        return {"location_type": "remote"}
    return {
        "location_type": "onsite",
        "address": f"{rng.randint(1, 200)} Main Street, {city}",
        "latitude": Decimal(f"{lat + rng.uniform(-0.2, 0.2):.6f}"),
        "longitude": Decimal(f"{lon + rng.uniform(-0.2, 0.2):.6f}"),
        "service_radius_km": rng.choice([5, 10, 25, 50]),
    }


def _schedule(rng, now) -> dict:
    if rng.random() < FLEXIBLE_SHARE:
        return {"schedule_flexible": True}
    starts = now + timedelta(days=rng.randint(1, 60), hours=rng.randint(7, 18))
    return {
        "schedule_flexible": False,
        "starts_at": starts,
        "ends_at": starts + timedelta(days=rng.randint(1, 30)),
    }


def _description(lead: str, city: str, rng) -> str:
    return (
        f"We are a small team near {city} looking for help with **{lead}**. "
        f"The work should take about {rng.randint(1, 12)} weeks.\n\n"
        "- Clear deliverables agreed up front\n- Weekly check-ins\n- Tests and a short handover\n\n"
        "Tell us about similar work you have done and how you would approach this."
    )


def _seed_proposals(jobs, rng, freelancer_ids) -> int:
    from craftwork.jobs.models import Proposal

    statuses, weights = zip(*PROPOSAL_STATUSES, strict=True)
    proposals = []
    for job in jobs:
        if rng.random() >= PROPOSAL_SHARE or job.visibility != "public":
            continue
        for freelancer_id in rng.sample(
            freelancer_ids, min(len(freelancer_ids), rng.randint(1, 4))
        ):
            fixed = job.budget_type == "fixed"
            proposals.append(
                Proposal(
                    job_id=job.pk,
                    freelancer_id=freelancer_id,
                    status=rng.choices(statuses, weights=weights)[0],
                    currency=job.currency,
                    amount=max(1_000, job.budget * rng.randint(70, 110) // 100) if fixed else None,
                    hourly_rate=None
                    if fixed
                    else rng.randint(job.hourly_rate_min, job.hourly_rate_max),
                    duration_days=rng.randint(3, 60),
                    cover_letter="I have done this kind of work many times and can start this week.",
                )
            )
    for start in range(0, len(proposals), BATCH_SIZE):
        Proposal.objects.bulk_create(proposals[start : start + BATCH_SIZE])
    return len(proposals)


def _seed_contracts(count, rng, clients, catalogue, provider_id, now) -> list[str]:
    """Hourly contracts the bench user was hired on (from its accepted proposals on filled jobs),
    in progress, 40 hours a week."""
    import uuid

    from craftwork.contracts.models import Contract
    from craftwork.jobs.models import Job, Proposal

    jobs, proposals, contracts = [], [], []
    for number in range(count):
        category_id, slug, skills, _weight = rng.choice(catalogue)
        job = _job(
            f"c{number}", rng, rng.choice(clients), category_id, slug, skills[:1], now,
            status="filled", visibility="public", hired_count=1, budget_type="hourly",
            budget=None, hourly_rate_min=4_000, hourly_rate_max=6_000, hours_per_week=40,
        )  # fmt: skip
        contract_id = uuid.uuid4()
        proposal = Proposal(
            job_id=job.pk, freelancer_id=provider_id, status="accepted", currency=job.currency,
            hourly_rate=5_000, duration_days=30, cover_letter="Happy to help.", decided_at=now,
            contract_id=contract_id,
        )  # fmt: skip
        contracts.append(
            Contract(
                id=contract_id, source="proposal", source_ref=f"proposal:{proposal.pk}",
                client_id=job.client_id, provider_id=provider_id, title=job.title,
                description=job.description, kind="hourly", currency=job.currency,
                hourly_rate_minor=5_000, weekly_limit_minutes=40 * 60, platform_fee_bps=1_000,
                cancellation_policy="moderate", review_window_days=14, category_slug=slug,
                state="in_progress", state_changed_at=now, started_at=now,
            )
        )  # fmt: skip
        jobs.append(job)
        proposals.append(proposal)
    Job.objects.bulk_create(jobs, batch_size=BATCH_SIZE)
    Proposal.objects.bulk_create(proposals, batch_size=BATCH_SIZE)
    Contract.objects.bulk_create(contracts, batch_size=BATCH_SIZE)
    return [str(contract.pk) for contract in contracts]


SEEDERS = [seed_jobs]


# --- scenarios --------------------------------------------------------------------------------


def _filtered(context: Context) -> str:
    found = context["job_filter"]
    return (
        f"/api/v1/jobs/?category={found['category']}&skills={found['skill']}"
        f"&min_budget={FILTER_MIN_BUDGET}&max_budget={FILTER_MAX_BUDGET}&location_type=remote"
    )


def _nearby(context: Context) -> str:
    return (
        f"/api/v1/jobs/?location_type=onsite&near={context['job_near']}"
        f"&radius_km={NEARBY_RADIUS_KM}"
    )


def _job_api_paths(context: Context) -> list[str]:
    return [f"/api/v1/jobs/{pk}/" for pk in context["job_ids"]]


def _job_page_paths(context: Context) -> list[str]:
    return [f"/jobs/{pk}/" for pk in context["job_ids"]]


def _proposal_paths(context: Context) -> list[str]:
    return [f"/api/v1/jobs/{pk}/proposals/" for pk in context["job_bid_target_ids"]]


def _timelog_paths(context: Context) -> list[str]:
    return [f"/api/v1/contracts/{pk}/time-logs/" for pk in context["job_contract_ids"]]


def _timelog_body(context: Context) -> dict:
    return {
        "date": context["job_timelog_date"],
        "minutes": 1,
        "description": "Reviewed the open pull requests",
    }


SCENARIOS = [
    Scenario(
        name="jobs-list",
        path="/api/v1/jobs/",
        description="First page of open public jobs, newest first (API).",
    ),
    Scenario(
        name="jobs-list-deep",
        path=lambda context: context["deep_paths"]["jobs-list-deep"],
        description="A page 5,000 rows into the open-jobs list, by its cursor (API).",
    ),
    Scenario(
        name="jobs-list-filtered",
        path=_filtered,
        description=(
            "Open jobs in the busiest category asking for its most used skill, budget "
            "100-3,000 (fixed, or an hourly range reaching into it), remote only (API)."
        ),
    ),
    Scenario(
        name="jobs-list-nearby",
        path=_nearby,
        description="On-site jobs within 50 km of a seeded city, nearest first (API).",
    ),
    Scenario(
        name="job-detail",
        path=_job_api_paths,
        auth=True,
        description="One job as a signed-in freelancer sees it (may I bid?), rotating (API).",
    ),
    Scenario(
        name="job-page",
        path=_job_page_paths,
        description="The public job page (HTML, signed out), rotating over many jobs.",
    ),
    Scenario(
        name="proposal-submit",
        method="POST",
        path=_proposal_paths,
        body={
            "amount": BID_AMOUNT_MINOR,
            "duration_days": 14,
            "cover_letter": "I have built this kind of thing before and can start on Monday.",
        },
        expected_status=201,
        auth=True,
        single_use=True,
        description="Submit a proposal to a fixed-price job, each request to another job (API).",
    ),
    Scenario(
        name="contract-transition",
        method="POST",
        path=_timelog_paths,
        body=_timelog_body,
        expected_status=201,
        auth=True,
        description=(
            "Log one minute on an hourly contract (locks the contract and its week's "
            "timesheet, checks the limits), rotating over the bench user's contracts (API)."
        ),
    ),
]
