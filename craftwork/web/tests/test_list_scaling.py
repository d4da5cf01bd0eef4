"""Lists stay flat in the size of the data: the first page and a deep page of each public list
run the same queries (same number, same SQL once literal values are blanked) whether the table
holds a few rows or many, never COUNT the API list, never scan by OFFSET; the public HTML lists
count once and reuse the total."""

import re
from urllib.parse import urlparse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from craftwork.catalog.tests.factories import GigFactory
from craftwork.jobs.tests.factories import JobFactory
from craftwork.profiles.tests.factories import FreelancerProfileFactory

pytestmark = pytest.mark.django_db

LITERAL = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")


def shape(queries) -> list[str]:
    """The SQL of each query with its literal values blanked (ids, dates, limits differ)."""
    return [LITERAL.sub("?", query["sql"]) for query in queries]


def gigs(n):
    GigFactory.create_batch(n, active=True, packages=1)


def jobs(n):
    JobFactory.create_batch(n)


def freelancers(n):
    FreelancerProfileFactory.create_batch(n, published=True, skills=1)


LISTS = [
    ("/api/v1/gigs/", gigs),
    ("/api/v1/jobs/", jobs),
    ("/api/v1/freelancers/", freelancers),
]


def fetch(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return response.json(), list(captured.captured_queries)


def relative(link):
    parsed = urlparse(link)
    return f"{parsed.path}?{parsed.query}"


@pytest.mark.parametrize(("url", "make"), LISTS, ids=[url for url, _ in LISTS])
def test_api_list_first_and_deep_pages_cost_the_same_at_any_size(api_client, url, make):
    make(3)
    _, small = fetch(api_client, f"{url}?page_size=2")
    make(9)
    body, large = fetch(api_client, f"{url}?page_size=2")
    assert shape(small) == shape(large)
    deep = None
    for _ in range(4):  # to the fifth page
        body, deep = fetch(api_client, relative(body["next"]))
    assert len(body["results"]) == 2 and body["next"]
    assert len(deep) == len(large)
    for query in large + deep:
        sql = query["sql"].upper()
        assert "COUNT(" not in sql and "OFFSET" not in sql, query["sql"]


@pytest.mark.parametrize(
    ("url", "make", "total"),
    [
        ("/gigs/", gigs, "3 gigs found"),
        ("/jobs/", jobs, "3 open jobs"),
        ("/freelancers/", freelancers, "3 freelancers found"),
    ],
    ids=["gigs", "jobs", "freelancers"],
)
def test_public_html_list_counts_once_then_reuses_the_total(client, url, make, total):
    make(3)
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as second:
        response = client.get(url)
    counts = lambda queries: sum("COUNT(" in q["sql"].upper() for q in queries)  # noqa: E731
    assert counts(first) - counts(second) == 1
    assert len(second) == len(first) - 1
    assert total in " ".join(response.content.decode().split())  # the total is still shown
