"""Keyset pagination: every row exactly once in the queryset's own order, forwards and back,
whatever the ordering (ties, NULLs, descending, related columns), and the same SQL for a deep
page as for the first (no COUNT, no OFFSET)."""

import datetime
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from craftwork.accounts.models import User
from craftwork.accounts.tests.factories import UserFactory
from craftwork.core.api.pagination import StandardPagination, encode_cursor

pytestmark = pytest.mark.django_db

factory = APIRequestFactory()
BASE = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def page(queryset, url="/things/"):
    paginator = StandardPagination()
    rows = paginator.paginate_queryset(queryset, Request(factory.get(url)))
    response = paginator.get_paginated_response([row.pk for row in rows])
    return rows, response.data


def relative(link):
    if link is None:
        return None
    parsed = urlparse(link)
    return f"{parsed.path}?{parsed.query}"


def walk(queryset, size):
    """Follow next links to the end, then previous links back; return both sequences of pks."""
    forward, pages = [], []
    url = f"/things/?page_size={size}"
    while url:
        rows, data = page(queryset, url)
        pages.append([row.pk for row in rows])
        forward.extend(row.pk for row in rows)
        assert set(data) == {"next", "previous", "results"}
        last_url, url = url, relative(data["next"])
    backward = list(pages[-1])
    url = relative(page(queryset, last_url)[1]["previous"])
    while url:
        rows, data = page(queryset, url)
        backward[:0] = [row.pk for row in rows]
        url = relative(data["previous"])
    return forward, backward, pages


@pytest.fixture
def users():
    # Ties on date_joined, NULL and non-NULL last_login, names that repeat.
    people = []
    for index in range(23):
        people.append(
            UserFactory(
                first_name="ABC"[index % 3],
                date_joined=BASE + datetime.timedelta(days=index // 4),
                last_login=None if index % 5 == 0 else BASE + datetime.timedelta(hours=index % 7),
            )
        )
    return people


@pytest.mark.parametrize(
    "ordering",
    [
        ("-date_joined",),
        ("date_joined",),
        ("first_name", "-date_joined"),
        ("last_login",),
        ("-last_login",),
        ("-last_login", "first_name"),
        (F("last_login").desc(nulls_last=True),),
        (F("last_login").asc(nulls_first=True), "-first_name"),
        ("email",),
        ("pk",),
    ],
    ids=str,
)
@pytest.mark.parametrize("size", [1, 7])
def test_every_row_once_in_the_querysets_order_forwards_and_back(users, ordering, size):
    queryset = User.objects.order_by(*ordering)
    last = ordering[-1]
    descending = last.startswith("-") if isinstance(last, str) else last.descending
    tie = () if "pk" in ordering else ("-pk" if descending else "pk",)  # the pk follows the last
    expected = [user.pk for user in User.objects.order_by(*ordering, *tie)]
    forward, backward, pages = walk(queryset, size)
    assert forward == expected
    assert backward == expected
    assert all(len(chunk) == size for chunk in pages[:-1])


def test_related_column_and_annotation_orderings(users):
    queryset = User.objects.annotate(joined=F("date_joined")).order_by("-joined", "first_name")
    forward, backward, _ = walk(queryset, 5)
    expected = list(
        User.objects.order_by("-date_joined", "first_name", "pk").values_list("pk", flat=True)
    )
    assert forward == backward == expected


def test_first_page_has_no_previous_and_the_last_no_next(users):
    queryset = User.objects.order_by("-date_joined")
    rows, data = page(queryset, "/things/?page_size=100")
    assert len(rows) == 23 and data["next"] is None and data["previous"] is None
    rows, data = page(queryset, "/things/?page_size=10")
    assert data["previous"] is None and "cursor=" in data["next"]
    assert parse_qs(urlparse(data["next"]).query)["page_size"] == ["10"]


def test_a_row_inserted_before_the_cursor_does_not_shift_the_next_page(users):
    queryset = User.objects.order_by("-date_joined")
    _, data = page(queryset, "/things/?page_size=5")
    UserFactory(date_joined=BASE + datetime.timedelta(days=365))  # would be first
    second, _ = page(queryset, relative(data["next"]))
    expected = list(User.objects.order_by("-date_joined", "-pk").values_list("pk", flat=True))
    assert [row.pk for row in second] == expected[6:11]


def test_deep_page_runs_the_same_sql_shape_as_the_first_and_never_counts(users):
    queryset = User.objects.order_by("-date_joined")
    with CaptureQueriesContext(connection) as first:
        _, data = page(queryset, "/things/?page_size=3")
    url = relative(data["next"])
    for _ in range(5):
        _, data = page(queryset, url)
        url = relative(data["next"])
    with CaptureQueriesContext(connection) as deep:
        page(queryset, url)
    assert len(first) == len(deep) == 1
    for captured in (first, deep):
        sql = captured[0]["sql"].upper()
        assert "COUNT(" not in sql and "OFFSET" not in sql and "LIMIT 4" in sql


@pytest.mark.parametrize(
    "cursor",
    [
        "!!!",
        "x" * 3000,
        encode_cursor({"v": ["not a date", "x"]}),
        encode_cursor({"v": [1]}),
        encode_cursor({"v": [{"nested": 1}, 2]}),
        encode_cursor({"o": -1}),
        encode_cursor({"o": "1"}),
        encode_cursor([1, 2]),
        encode_cursor({"v": ["2026-01-01T00:00:00+00:00", 1], "r": "yes"}),
    ],
)
def test_a_bad_cursor_is_a_400_in_the_error_shape(users, api_client, cursor):
    # The public freelancer list stands for every list: they share the paginator.
    response = api_client.get("/api/v1/freelancers/", {"cursor": cursor})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_parameter"
    assert "cursor" in response.json()["error"]["details"]


def test_a_plain_list_or_random_order_is_paged_by_an_offset_cursor_without_count(users):
    rows = list(User.objects.order_by("email"))
    seen, url = [], "/things/?page_size=7"
    while url:
        chunk, data = page(rows, url)
        seen.extend(row.pk for row in chunk)
        url = relative(data["next"])
    assert seen == [row.pk for row in rows]
    _, data = page(User.objects.order_by("?"), "/things/?page_size=7")
    assert "cursor=" in data["next"]
    values = User.objects.order_by("email").values("pk", "email")
    paginator = StandardPagination()
    rows = paginator.paginate_queryset(values, Request(factory.get("/things/?page_size=30")))
    assert [row["pk"] for row in rows] == [row.pk for row in User.objects.order_by("email")]


# --- CachedCountPaginator (public HTML lists) -------------------------------------------------


def test_cached_total_is_reused_but_never_decides_the_rows(users):
    from django.core.cache import cache

    from craftwork.core.paginator import CachedCountPaginator

    queryset = User.objects.order_by("email")
    with CaptureQueriesContext(connection) as first:
        page_one = CachedCountPaginator(queryset, 10).get_page(1)
    assert page_one.paginator.count == 23 and any("COUNT(" in q["sql"] for q in first)
    for _ in range(5):
        UserFactory()  # the cached 23 is now stale (28 rows)
    with CaptureQueriesContext(connection) as second:
        paginator = CachedCountPaginator(queryset, 10)
        page_three = paginator.get_page(3)
    assert not any("COUNT(" in q["sql"] for q in second)
    # Page 3 shows all its 8 rows, although the stale total said 3; the exact total is learnt.
    assert len(page_three.object_list) == 8 and not page_three.has_next()
    assert paginator.count == 28 and CachedCountPaginator(queryset, 10).count == 28
    for _ in range(10):
        UserFactory()  # 38 rows, 28 cached
    paginator = CachedCountPaginator(queryset, 10)
    page_three = paginator.get_page(3)
    assert len(page_three.object_list) == 10 and page_three.has_next()
    assert paginator.num_pages >= 4 and page_three.next_page_number() == 4
    User.objects.filter(pk__in=[u.pk for u in User.objects.order_by("-email")[:25]]).delete()
    # The total promised a page 4 that is gone: the last real page is shown, counted afresh.
    gone = CachedCountPaginator(queryset, 10).get_page(4)
    assert gone.number == 2 and len(gone.object_list) == 3 and gone.paginator.count == 13
    cache.clear()
