"""Send each scenario's request once through Django's test client and count its queries.

Runs inside the seeding subprocess (Django set up on the bench database). The status is kept
too, so a scenario that answers the wrong status is reported before any load is driven.
"""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.scenarios import Context, Scenario
from bench.server import HOST


def count_queries(scenarios: list[Scenario], context: Context) -> dict[str, dict]:
    client = Client(HTTP_HOST=HOST)
    return {scenario.name: _probe(client, scenario, context) for scenario in scenarios}


def _probe(client: Client, scenario: Scenario, context: Context) -> dict:
    path = scenario.paths(context)[0]
    body = scenario.json_body(context)
    headers = {
        name: value
        for name, value in scenario.headers(context, body).items()
        if name != "Content-Type"
    }
    with CaptureQueriesContext(connection) as captured:
        response = client.generic(
            scenario.method,
            path,
            data=body or "",
            content_type="application/json",
            headers=headers,
        )
    return {"path": path, "status": response.status_code, "queries": len(captured.captured_queries)}
