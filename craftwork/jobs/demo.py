"""Demo jobs, proposals and invitations, built through the real services.

``seed_jobs(rng, fake)`` posts about 120 jobs for the demo clients across every category:
remote work and local on-site work at real city coordinates, in every state (draft, open,
filled through an accepted proposal or invitation, closed, cancelled), with proposals and
invitations. Idempotent: it does nothing when the demo clients already have jobs.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from craftwork.accounts.models import User
from craftwork.billing import credits
from craftwork.core.errors import DomainError
from craftwork.profiles import selectors as profile_selectors
from craftwork.profiles.models import Skill, SkillCategory
from craftwork.web.demo_content import CATEGORY_PROFILES, CITIES

from . import services
from .models import BudgetType, Job, LocationType, Visibility

JOB_COUNT = 120
# Per category: job titles a client in that field would post.
JOB_TITLES = {
    "software-development": [
        "Build a REST API for our booking platform",
        "Migrate a Django 2 project to Django 5",
        "Set up CI/CD with Docker and GitHub Actions",
        "Speed up slow PostgreSQL queries",
        "Write automated tests for a legacy service",
    ],
    "web-mobile": [
        "Redesign and rebuild our Shopify storefront",
        "Flutter app for a neighbourhood bakery",
        "Fix accessibility issues on our marketing site",
        "React dashboard for sales figures",
        "Landing page for a product launch",
    ],
    "data-ai": [
        "Demand forecast for 40 retail stores",
        "Clean and model our CRM data in dbt",
        "Chatbot over our support articles",
        "Churn analysis and a simple dashboard",
    ],
    "design-creative": [
        "Logo and brand guide for a coffee roaster",
        "UX audit of our onboarding flow",
        "Illustrations for a children's book",
        "Explainer video, 60 seconds",
    ],
    "writing-translation": [
        "Translate our website from English to Spanish",
        "Technical documentation for a public API",
        "Ghostwrite 8 blog posts about personal finance",
        "Proofread a 200-page manuscript",
    ],
    "marketing-sales": [
        "Run our Google Ads for three months",
        "SEO audit and content plan",
        "Newsletter strategy and first four issues",
        "LinkedIn outreach campaign for B2B leads",
    ],
    "admin-support": [
        "Virtual assistant for inbox and calendar",
        "Bookkeeping data entry for Q3",
        "Customer support cover on weekends",
        "Research and build a supplier list",
    ],
    "finance-legal": [
        "Financial model for a seed round",
        "Review our SaaS terms of service",
        "Year-end accounts for a small limited company",
        "Set up payroll for five employees",
    ],
    "home-services": [
        "Deep clean of a two-bedroom flat",
        "Fix a leaking kitchen tap",
        "Paint the living room and hallway",
        "Assemble IKEA furniture for a home office",
        "Weekly garden maintenance",
        "Install ceiling lights in three rooms",
    ],
    "tutoring-education": [
        "Maths tutor for a GCSE student",
        "Spanish conversation lessons at home",
        "Piano lessons for two children",
        "Exam preparation in chemistry",
    ],
    "mentorship-coaching": [
        "Career coaching for a move into product management",
        "Mentor for a first-time engineering manager",
        "Startup pitch coaching before demo day",
        "Leadership coaching for a founding team",
    ],
}
DESCRIPTION_OPENERS = [
    "We are a small team and need help with this quickly but carefully.",
    "This is a well-scoped piece of work with a clear finish line.",
    "Looking for someone experienced who can work independently.",
]
DESCRIPTION_DETAILS = [
    "**What we need:**\n\n- a short plan before starting\n- regular updates\n- a clean hand-over",
    "**Good to know:** we reply the same day and can share examples of what we like.",
    "Please mention similar work you have done, with links if you can.",
]
STREETS = [
    "High Street",
    "Main Street",
    "Calle Mayor",
    "Rue de la Paix",
    "Market Square",
    "Park Road",
]
COVER_LETTERS = [
    "I have done very similar work recently and can start this week. I would begin with a short "
    "call to confirm the details, then share a plan and a timeline.",
    "This is exactly my kind of project. I work in small steps, show progress early and keep you "
    "informed. Happy to share references from past clients.",
    "I can take this on with care and good communication. My price includes a round of changes "
    "after you review the first version.",
]
# How the 120 jobs are spread over the states (cycled by index).
STATE_PLAN = [
    "open", "open", "open_shortlist", "open", "filled", "open", "closed", "open_invites",
    "draft", "open", "filled_invitation", "cancelled", "open", "open_declines", "filled", "open",
]  # fmt: skip


@dataclass
class JobsReport:
    created: dict = field(
        default_factory=lambda: {"jobs": 0, "proposals": 0, "invitations": 0, "contracts": 0}
    )

    def add(self, kind: str, count: int = 1) -> None:
        self.created[kind] += count


def seed_jobs(rng, fake, *, count: int = JOB_COUNT) -> JobsReport:
    from craftwork.web.demo import DEMO_DOMAIN  # imported late: web.demo imports this module

    report = JobsReport()
    clients = list(
        User.objects.filter(
            is_client=True, is_active=True, email__endswith=f"@{DEMO_DOMAIN}"
        ).order_by("email")
    )
    if not clients or Job.objects.filter(client__in=clients).exists():
        return report
    pools = _freelancer_pools()
    named_client = next((u for u in clients if u.email == f"client@{DEMO_DOMAIN}"), clients[0])
    for index in range(count):
        # Every fifth job is the named demo client's: over the cycle they get every state.
        client = named_client if index % 5 == 0 else clients[index % len(clients)]
        slug = list(JOB_TITLES)[index % len(JOB_TITLES)]
        plan = STATE_PLAN[index % len(STATE_PLAN)]
        try:
            _seed_job(rng, fake, index, client, slug, plan, pools, report)
        except DomainError:  # a demo choice the rules refuse (e.g. no bidders left): skip it
            continue
    _seed_named_freelancer(rng, pools, report, DEMO_DOMAIN)
    return report


def _freelancer_pools() -> dict:
    pools = {}
    for slug in JOB_TITLES:
        profiles = profile_selectors.public_freelancer_list({"category": slug})
        pools[slug] = [profile.user for profile in profiles]
    everyone = {user.pk: user for users in pools.values() for user in users}
    pools["*"] = list(everyone.values())
    return pools


def _bidders(rng, pools, slug, client, k):
    pool = [u for u in pools.get(slug) or pools["*"] if u.pk != client.pk]
    if len(pool) < k:
        pool += [u for u in pools["*"] if u.pk != client.pk and u not in pool]
    return rng.sample(pool, k=min(k, len(pool)))


def _seed_job(rng, fake, index, client, slug, plan, pools, report):
    fields = _job_fields(rng, index, slug)
    if plan == "open_invites":
        fields["visibility"] = Visibility.INVITE_ONLY
    job = services.job_create(actor=client, publish_now=plan != "draft", **fields)
    report.add("jobs")
    if plan in ("draft",):
        return
    if plan == "cancelled":
        services.job_cancel(actor=client, job=job, reason="Plans changed.")
        return
    if plan in ("open_invites", "filled_invitation"):
        _seed_invitations(rng, job, client, slug, pools, report, accept=plan == "filled_invitation")
        return
    proposals = _seed_proposals(rng, job, slug, pools, report, k=rng.randint(2, 6))
    if not proposals:
        return
    if plan == "filled":
        services.proposal_accept(actor=client, proposal=rng.choice(proposals))
        report.add("contracts")
    elif plan == "closed":
        services.job_close(actor=client, job=job, reason="We found someone elsewhere.")
    elif plan == "open_shortlist":
        for proposal in proposals[:2]:
            services.proposal_shortlist(actor=client, proposal=proposal)
    elif plan == "open_declines":
        services.proposal_decline(actor=client, proposal=proposals[0], reason="Over our budget.")
        services.proposal_withdraw(actor=proposals[-1].freelancer, proposal=proposals[-1])


def _job_fields(rng, index, slug) -> dict:
    content = CATEGORY_PROFILES[slug]
    low, high = content["rates"]
    category = SkillCategory.objects.get(slug=slug)
    skills = list(Skill.objects.filter(category=category).order_by("slug"))
    city = rng.choice(CITIES)
    currency = city[5] if content["on_site"] else rng.choice(["USD", "USD", "EUR", "GBP"])
    fields = {
        "title": rng.choice(JOB_TITLES[slug]),
        "description": "\n\n".join(
            [rng.choice(DESCRIPTION_OPENERS), *rng.sample(DESCRIPTION_DETAILS, 2)]
        ),
        "category": category,
        "skills": rng.sample(skills, k=min(len(skills), rng.randint(2, 4))),
        "currency": currency,
        "openings": 3 if index % 23 == 0 else 1,
    }
    if index % 3 == 0:
        rate_low = rng.randint(low, (low + high) // 2)
        fields.update(
            budget_type=BudgetType.HOURLY,
            hourly_rate_min=rate_low * 100,
            hourly_rate_max=rng.randint(rate_low, high) * 100,
            hours_per_week=rng.choice([5, 10, 20, 30]),
        )
    else:
        hours = rng.choice([4, 8, 16, 40, 80])
        fields.update(
            budget_type=BudgetType.FIXED,
            budget=rng.randint(low, high) * hours * 100,
        )
    if content["on_site"]:
        fields.update(_onsite(rng, city))
    return fields


def _onsite(rng, city) -> dict:
    """An address in the city, a few km from its centre, on a dated half-day."""
    name, _country, lat, lng = city[:4]
    jitter = Decimal(rng.randint(-300, 300)) / Decimal(10_000)
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(
        days=rng.randint(2, 30), hours=rng.randint(0, 8)
    )
    return {
        "location_type": LocationType.ONSITE,
        "address": f"{rng.randint(1, 200)} {rng.choice(STREETS)}, {name}",
        "latitude": Decimal(lat) + jitter,
        "longitude": Decimal(lng) - jitter,
        "service_radius_km": rng.choice([5, 10, 15, 25]),
        "schedule_flexible": False,
        "starts_at": start,
        "ends_at": start + timedelta(hours=rng.choice([2, 4, 6, 8])),
    }


def _price(rng, job) -> dict:
    if job.budget_type == BudgetType.FIXED:
        factor = rng.choice([80, 90, 100, 110, 120])
        return {"amount": max(100, job.budget * factor // 100), "hourly_rate": None}
    return {"amount": None, "hourly_rate": rng.randint(job.hourly_rate_min, job.hourly_rate_max)}


def _demo_credits(freelancer) -> None:
    """Bidding costs credits: demo freelancers get a stock once, beside the monthly allowance."""
    credits.credits_grant(
        actor=None,
        wallet=credits.wallet_for(user=freelancer),
        credits=200,
        reason="Demo credits",
        idempotency_key=f"demo-credits:{freelancer.pk}",
    )


def _seed_proposals(rng, job, slug, pools, report, *, k):
    proposals = []
    for freelancer in _bidders(rng, pools, slug, job.client, k):
        _demo_credits(freelancer)
        proposal = services.proposal_submit(
            actor=freelancer,
            job=job,
            duration_days=rng.choice([3, 7, 14, 30]),
            cover_letter=rng.choice(COVER_LETTERS),
            **_price(rng, job),
        )
        proposals.append(proposal)
        report.add("proposals")
    return proposals


def _seed_invitations(rng, job, client, slug, pools, report, *, accept: bool):
    roles = ["Lead", "Specialist", "Assistant"]
    invitations = []
    for role, freelancer in zip(roles, _bidders(rng, pools, slug, client, 3), strict=False):
        price = _price(rng, job)
        invitations.append(
            services.invitation_send(
                actor=client,
                job=job,
                freelancer=freelancer,
                role=role,
                message="We liked your profile and would love to work with you.",
                **price,
            )
        )
        report.add("invitations")
    if not invitations:
        return
    if accept:
        services.invitation_accept(actor=invitations[0].freelancer, invitation=invitations[0])
        report.add("contracts")
    elif len(invitations) > 1:
        services.invitation_decline(
            actor=invitations[-1].freelancer, invitation=invitations[-1], reason="Fully booked."
        )


def _seed_named_freelancer(rng, pools, report, domain):
    """The demo freelancer login gets a few proposals and an invitation to look at."""
    freelancer = User.objects.filter(email=f"freelancer@{domain}").first()
    if freelancer is None:
        return
    jobs = Job.objects.filter(status="open", visibility=Visibility.PUBLIC).exclude(
        client=freelancer
    )
    _demo_credits(freelancer)
    for job in jobs.order_by("created_at")[:4]:
        try:
            services.proposal_submit(
                actor=freelancer,
                job=job,
                duration_days=7,
                cover_letter=COVER_LETTERS[0],
                **_price(rng, job),
            )
            report.add("proposals")
        except DomainError:
            continue
    invite_to = jobs.exclude(proposals__freelancer=freelancer).order_by("-created_at").first()
    if invite_to is not None:
        try:
            services.invitation_send(
                actor=invite_to.client,
                job=invite_to,
                freelancer=freelancer,
                role="Specialist",
                message="Your profile is a great match for this job.",
                **_price(rng, invite_to),
            )
            report.add("invitations")
        except DomainError:
            pass
