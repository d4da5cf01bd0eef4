"""Catalog scenarios: the gig list (API and page), a filtered search and the gig detail (API and
page) over ``5 x --freelancers`` published gigs (100,000 with the default 20,000), three
packages each.

The seeder bulk-inserts the gigs only when one of this module's scenarios (or the commerce
ones, which buy these gigs) is selected: 400,000 rows are not worth seeding for a run of
another area. No Django import at module level (see ``bench/areas/__init__.py``).
"""

import sys
import uuid
from datetime import timedelta

from bench.scenarios import ROTATION_SIZE, Scenario

GIGS_PER_FREELANCER = 5
BATCH_SIZE = 1000
VERBS = [
    "design", "build", "fix", "write", "translate", "edit", "animate", "optimise", "audit",
    "illustrate", "record", "set up", "migrate", "review", "photograph", "plan",
]  # fmt: skip
THINGS = [
    "logo", "website", "mobile app", "landing page", "product description", "podcast intro",
    "WordPress site", "brand guide", "pitch deck", "data dashboard", "Python script",
    "online shop", "newsletter", "book cover", "explainer video", "SEO strategy",
]  # fmt: skip
TAGS = ["fast", "pro", "startup", "small business", "premium", "budget", "custom", "modern"]
PACKAGES = [("basic", "Basic", 1), ("standard", "Standard", 2), ("premium", "Premium", 4)]


def selected(*names: str) -> bool:
    """Whether this run asked for any of ``names`` (the seed subprocess gets the selected
    scenarios as ``--scenarios a b c``; all of them when ``--only`` was not given)."""
    argv = sys.argv
    if "--scenarios" not in argv:
        return True
    chosen = set(argv[argv.index("--scenarios") + 1 :])
    return bool(chosen & set(names))


def seed_gigs(*, freelancers: int, rng, password_hash: str, context: dict) -> dict:
    """Published gigs of the seeded freelancers, three packages each, over the leaf categories."""
    if not selected(*NEEDS_GIGS):
        return {}
    from django.db import transaction
    from django.utils import timezone

    from craftwork.accounts.models import User
    from craftwork.catalog.models import Category, Gig, GigPackage

    sellers = list(
        User.objects.filter(is_freelancer=True, email__endswith="@bench.craftwork.local")
        .order_by("email")
        .values_list("pk", flat=True)
    )
    categories = list(Category.objects.filter(parent__isnull=False).values_list("pk", "slug"))
    if not sellers or not categories:
        raise SystemExit("No freelancers or categories to seed gigs for.")
    weights = [1 / (rank + 1) for rank in range(len(categories))]
    now = timezone.now()
    total = freelancers * GIGS_PER_FREELANCER
    gig_ids: list[str] = []
    package_ids: list[str] = []
    used = {}
    with transaction.atomic():
        for start in range(0, total, BATCH_SIZE):
            gigs, packages = [], []
            for number in range(start, min(total, start + BATCH_SIZE)):
                category_pk, slug = rng.choices(categories, weights=weights)[0]
                used[slug] = used.get(slug, 0) + 1
                gig, rows = _gig(number, sellers[number % len(sellers)], category_pk, rng, now)
                gigs.append(gig)
                packages.extend(rows)
            Gig.objects.bulk_create(gigs, batch_size=BATCH_SIZE)
            GigPackage.objects.bulk_create(packages, batch_size=BATCH_SIZE)
            gig_ids.extend(str(gig.pk) for gig in gigs)
            package_ids.extend(str(row.pk) for row in packages if row.tier == "basic")
    sample = rng.sample(range(len(gig_ids)), min(ROTATION_SIZE, len(gig_ids)))
    return {
        "gig_ids": [gig_ids[i] for i in sample],
        "basic_package_ids": [package_ids[i] for i in sample],
        "popular_category_slug": max(used, key=used.get),
    }


def _gig(number, seller_pk, category_pk, rng, now):
    from craftwork.catalog.models import Gig, GigPackage

    base = rng.randrange(1500, 40_000, 500)
    days = rng.randint(2, 14)
    thing = rng.choice(THINGS)
    gig = Gig(
        id=uuid.uuid4(),
        seller_id=seller_pk,
        title=f"I will {rng.choice(VERBS)} your {thing} ({number})",
        description=(
            f"I have done this for many clients: a clear brief, a first version in {days} days, "
            f"revisions until you are happy.\n\n- Source files\n- Commercial use\n- {thing} tips"
        ),
        category_id=category_pk,
        tags=rng.sample(TAGS, 3),
        status="active",
        published_at=now - timedelta(days=rng.randint(0, 700), minutes=rng.randint(0, 1440)),
        min_price=base,
        currency="USD",
        min_delivery_days=max(1, days - 2),
    )
    packages = [
        GigPackage(
            id=uuid.uuid4(),
            gig=gig,
            tier=tier,
            position=position,
            name=name,
            description=f"{name} {thing}",
            price=base * factor,
            currency="USD",
            delivery_days=max(1, days - position),
            revisions=position + 1,
            included=["Source files"] if position else [],
        )
        for position, (tier, name, factor) in enumerate(PACKAGES)
    ]
    return gig, packages


def _gig_api_paths(context) -> list[str]:
    return [f"/api/v1/gigs/{pk}/" for pk in context["gig_ids"]]


def _gig_page_paths(context) -> list[str]:
    return [f"/gigs/{pk}/" for pk in context["gig_ids"]]


def _search_path(context) -> str:
    return (
        f"/api/v1/gigs/?category={context['popular_category_slug']}&max_price=20000&ordering=price"
    )


SCENARIOS = [
    Scenario(
        name="gig-list",
        path="/api/v1/gigs/",
        description="First page of published gigs (API), newest first.",
    ),
    Scenario(
        name="gig-list-deep",
        path=lambda context: context["deep_paths"]["gig-list-deep"],
        description="A page 5,000 rows into the gig list, by its cursor (API).",
    ),
    Scenario(
        name="gig-list-page",
        path="/gigs/",
        description="The public catalog page (HTML, 24 cards with filters).",
    ),
    Scenario(
        name="gig-search",
        path=_search_path,
        description="Gigs of the most used category under $200, cheapest first (API).",
    ),
    Scenario(
        name="gig-detail",
        path=_gig_api_paths,
        description="One gig with its packages (API), rotating over 1,000 gigs.",
    ),
    Scenario(
        name="gig-page",
        path=_gig_page_paths,
        description="The public gig page with add-to-cart buttons (HTML), rotating over 1,000 gigs.",
    ),
]
SEEDERS = [seed_gigs]

# The scenarios that read the seeded gigs (commerce's buy them).
NEEDS_GIGS = (
    *(scenario.name for scenario in SCENARIOS),
    "cart",
    "cart-add",
    "checkout-review",
    "checkout-start",
    "orders",
)
