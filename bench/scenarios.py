"""The benchmarked endpoints, declared as data.

A feature adds its endpoints by appending a ``Scenario`` to ``SCENARIOS``. When a scenario needs
rows of its own, add a seeder to ``bench.seed.SEEDERS``: it creates the rows and returns the ids
the scenario's path factory reads from the context (see docs/bench.md).

This module is imported both by the driver (no Django) and by the seeding subprocess, so it
must not import Django.
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Context = Mapping[str, Any]
PathSpec = str | Callable[[Context], str | list[str]]
BodySpec = Mapping[str, Any] | Callable[[Context], Mapping[str, Any]] | None

# How many distinct ids a rotating scenario cycles through.
ROTATION_SIZE = 1000


@dataclass(frozen=True)
class Scenario:
    """One endpoint under load.

    ``path`` is a path or a factory of the seeded context returning one path or a list of
    paths; a list is cycled through, one path per request. ``body`` is sent as JSON.
    ``auth`` sends the bench user's JWT (``context["access_token"]``). ``connections``
    replaces ``--connections`` for an endpoint that is CPU-bound by design, where more
    connections would only queue. ``single_use`` is for a write that succeeds once per path
    (one proposal per job): no path is requested twice in a run (the query-count probe takes
    the first, the warm-up and the measured run the next ones), so give enough paths.
    """

    name: str
    path: PathSpec
    description: str
    method: str = "GET"
    body: BodySpec = None
    expected_status: int = 200
    auth: bool = False
    connections: int | None = None
    single_use: bool = False
    # One body per path (aligned with ``paths``; a str is sent as it is, anything else as JSON),
    # for requests that must differ from each other, e.g. webhook events with distinct ids.
    bodies: Callable[[Context], list[Any]] | None = None
    # Headers computed from the raw body, e.g. a webhook signature: f(context, body) -> headers.
    signed_headers: Callable[[Context, str], Mapping[str, str]] | None = None

    def paths(self, context: Context) -> list[str]:
        value = self.path(context) if callable(self.path) else self.path
        paths = [value] if isinstance(value, str) else list(value)
        if not paths:
            raise ValueError(f"Scenario {self.name!r} produced no path from the seeded data.")
        return paths

    def json_body(self, context: Context) -> str | None:
        if self.bodies is not None:
            return self.request_bodies(context)[0]
        body = self.body(context) if callable(self.body) else self.body
        return None if body is None else json.dumps(body)

    def request_bodies(self, context: Context) -> list[str] | None:
        """The per-path raw bodies of a scenario with ``bodies`` (else None)."""
        if self.bodies is None:
            return None
        return [
            item if isinstance(item, str) else json.dumps(item) for item in self.bodies(context)
        ]

    def headers(self, context: Context, body: str | None = None) -> dict[str, str]:
        headers = {}
        if self.body is not None or self.bodies is not None:
            headers["Content-Type"] = "application/json"
        if self.auth:
            headers["Authorization"] = f"Bearer {context['access_token']}"
        if self.signed_headers is not None and body is not None:
            headers.update(self.signed_headers(context, body))
        return headers


def _freelancer_api_paths(context: Context) -> list[str]:
    return [f"/api/v1/freelancers/{pk}/" for pk in context["freelancer_ids"][:ROTATION_SIZE]]


def _freelancer_page_paths(context: Context) -> list[str]:
    return [f"/freelancers/{pk}/" for pk in context["freelancer_ids"][:ROTATION_SIZE]]


def _filtered_list_path(context: Context) -> str:
    return f"/api/v1/freelancers/?skill={context['popular_skill_slug']}&country=US&min_rate=2000"


def _login_body(context: Context) -> dict[str, str]:
    return {"email": context["login_email"], "password": context["login_password"]}


SCENARIOS: list[Scenario] = [
    Scenario(
        name="floor",
        path="/bench/floor/",
        description="Bare Django view running SELECT 1: the floor for this machine.",
    ),
    Scenario(name="health", path="/health/", description="Liveness probe, no query."),
    Scenario(
        name="freelancer-list",
        path="/api/v1/freelancers/",
        description="First page of published freelancer profiles (API).",
    ),
    Scenario(
        name="freelancer-list-deep",
        path=lambda context: context["deep_paths"]["freelancer-list-deep"],
        description="A page 5,000 rows into the freelancer list, by its cursor (API).",
    ),
    Scenario(
        name="freelancer-list-filtered",
        path=_filtered_list_path,
        description="Freelancer search filtered by a popular skill, country and minimum rate (API).",
    ),
    Scenario(
        name="freelancer-detail",
        path=_freelancer_api_paths,
        description="One freelancer profile (API), rotating over many profiles.",
    ),
    Scenario(
        name="profile-page",
        path=_freelancer_page_paths,
        description="Public freelancer profile page (HTML), rotating over many profiles.",
    ),
    Scenario(
        name="login",
        method="POST",
        path="/api/v1/auth/token/",
        body=_login_body,
        # Each request checks a PBKDF2 hash (about 0.3 s of CPU here): 2 connections per core.
        connections=4,
        description="JWT login with email and password (one password hash check per request).",
    ),
]


def _area_scenarios() -> list[Scenario]:
    """Scenarios declared by each area in ``bench/areas/<area>.py`` (a ``SCENARIOS`` list)."""
    import importlib
    import pkgutil

    from bench import areas

    found = []
    for module in sorted(pkgutil.iter_modules(areas.__path__), key=lambda m: m.name):
        found.extend(
            getattr(importlib.import_module(f"bench.areas.{module.name}"), "SCENARIOS", [])
        )
    return found


SCENARIOS.extend(_area_scenarios())


def by_name(names: list[str] | None) -> list[Scenario]:
    """The scenarios to run, in declaration order; unknown names raise ValueError."""
    if not names:
        return list(SCENARIOS)
    known = {scenario.name for scenario in SCENARIOS}
    unknown = sorted(set(names) - known)
    if unknown:
        raise ValueError(
            f"Unknown scenario(s): {', '.join(unknown)}. Known: {', '.join(sorted(known))}."
        )
    return [scenario for scenario in SCENARIOS if scenario.name in names]
