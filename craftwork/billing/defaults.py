"""The plans and credit prices a fresh installation starts with (seeded by migration 0002;
staff change them afterwards, which creates new plan versions)."""

# Prices in minor units per currency. Yearly = ten months.
DEFAULT_PLANS = [
    {
        "slug": "company-starter",
        "name": "Starter",
        "audience": "company",
        "is_free_tier": True,
        "position": 0,
        "description": "Post a job or two and try the recruiting tools.",
        "version": {
            "trial_days": 0,
            "credits_per_period": 0,
            "max_open_openings": 1,
            "max_seats": 2,
            "ai_interviews_per_month": 0,
            "features": ["job_posts"],
        },
        "prices": {},
    },
    {
        "slug": "company-team",
        "name": "Team",
        "audience": "company",
        "is_free_tier": False,
        "position": 1,
        "description": "For growing teams hiring every month.",
        "version": {
            "trial_days": 14,
            "credits_per_period": 50,
            "credit_rollover_cap": 25,
            "max_open_openings": 10,
            "max_seats": 10,
            "ai_interviews_per_month": 20,
            "features": ["job_posts", "pipelines", "scorecards", "ai_interviews"],
        },
        "prices": {"USD": 4900, "EUR": 4500, "GBP": 3900},
    },
    {
        "slug": "company-business",
        "name": "Business",
        "audience": "company",
        "is_free_tier": False,
        "position": 2,
        "description": "Unlimited openings and seats for recruiting at scale.",
        "version": {
            "trial_days": 14,
            "credits_per_period": 200,
            "credit_rollover_cap": 100,
            "max_open_openings": None,
            "max_seats": None,
            "ai_interviews_per_month": 200,
            "features": [
                "job_posts",
                "pipelines",
                "scorecards",
                "ai_interviews",
                "priority_support",
            ],
        },
        "prices": {"USD": 19900, "EUR": 17900, "GBP": 15900},
    },
    {
        "slug": "freelancer-basic",
        "name": "Freelancer Basic",
        "audience": "freelancer",
        "is_free_tier": True,
        "position": 0,
        "description": "Bid on jobs with a monthly credit allowance.",
        "version": {
            "trial_days": 0,
            "credits_per_period": 10,
            "credit_rollover_cap": 0,
            "features": ["proposals"],
        },
        "prices": {},
    },
    {
        "slug": "freelancer-plus",
        "name": "Freelancer Plus",
        "audience": "freelancer",
        "is_free_tier": False,
        "position": 1,
        "description": "More credits each month, and unused ones roll over.",
        "version": {
            "trial_days": 7,
            "credits_per_period": 80,
            "credit_rollover_cap": 160,
            "features": ["proposals", "profile_insights"],
        },
        "prices": {"USD": 1499, "EUR": 1399, "GBP": 1199},
    },
]

DEFAULT_CREDIT_PRICES = {"proposal_submit": 2, "gig_promotion_day": 1, "ai_interview": 5}


def seed(Plan, PlanVersion, PlanPrice, CreditPrice) -> None:
    """Create what is missing (never changes an existing plan or price)."""
    for spec in DEFAULT_PLANS:
        plan, created = Plan.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                key: spec[key]
                for key in ("name", "audience", "is_free_tier", "position", "description")
            },
        )
        if not created and PlanVersion.objects.filter(plan=plan).exists():
            continue
        version = PlanVersion.objects.create(plan=plan, number=1, **spec["version"])
        for currency, monthly in spec["prices"].items():
            PlanPrice.objects.create(
                version=version, interval="month", currency=currency, amount=monthly
            )
            PlanPrice.objects.create(
                version=version, interval="year", currency=currency, amount=monthly * 10
            )
    for action, credits in DEFAULT_CREDIT_PRICES.items():
        CreditPrice.objects.get_or_create(action=action, defaults={"credits": credits})


def ensure_defaults() -> None:
    from .models import CreditPrice, Plan, PlanPrice, PlanVersion

    seed(Plan, PlanVersion, PlanPrice, CreditPrice)
