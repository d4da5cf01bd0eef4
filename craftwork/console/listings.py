"""The console's lists: users, jobs, gigs, contracts and payments, each with its search, filters,
table columns and CSV columns. One queryset serves the page and the export; the export streams
``values_list`` rows through ``iterator()`` so 100,000 rows never sit in memory at once."""

import csv
import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from craftwork.catalog.models import Gig, GigStatus
from craftwork.contracts.models import Contract, ContractState
from craftwork.core.money import Money
from craftwork.jobs.models import Job, JobStatus
from craftwork.payments.models import CURRENCY_CHOICES, Payment

MAX_QUERY = 200
CHUNK = 2000


def _money(minor, currency) -> str:
    if minor is None or not currency:
        return ""
    return Money(int(minor), currency).to_decimal_string()


def _when(value) -> str:
    return value.astimezone(dt.UTC).isoformat() if value else ""


def _flag(value) -> str:
    return "yes" if value else "no"


@dataclass(frozen=True)
class Column:
    header: str
    fields: tuple[str, ...]
    render: Callable = str


@dataclass(frozen=True)
class Filters:
    query: str = ""
    status: str = ""
    currency: str = ""
    role: str = ""
    since: dt.date | None = None
    until: dt.date | None = None  # inclusive


@dataclass(frozen=True)
class Listing:
    name: str
    title: str
    statuses: list
    date_field: str
    columns: tuple[Column, ...]
    base: Callable[[], QuerySet]
    search: Callable[[str], Q]
    status_field: str = "status"
    has_currency: bool = False
    has_role: bool = False

    def queryset(self, filters: Filters) -> QuerySet:
        rows = self.base()
        if filters.query:
            rows = rows.filter(self.search(filters.query))
        if filters.status:
            rows = rows.filter(**{self.status_field: filters.status})
        if filters.currency and self.has_currency:
            rows = rows.filter(currency=filters.currency)
        if filters.role and self.has_role:
            rows = rows.filter(**_ROLE_FILTERS[filters.role])
        if filters.since:
            start = dt.datetime.combine(filters.since, dt.time.min, tzinfo=dt.UTC)
            rows = rows.filter(**{f"{self.date_field}__gte": start})
        if filters.until:
            end = dt.datetime.combine(
                filters.until + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC
            )
            rows = rows.filter(**{f"{self.date_field}__lt": end})
        return rows.order_by(f"-{self.date_field}", "-pk")

    def value_fields(self) -> list[str]:
        names = ["pk"]
        for column in self.columns:
            names.extend(name for name in column.fields if name not in names)
        return names

    def rows(self, filters: Filters) -> Iterator[list[str]]:
        """Every matching row as CSV cells, read from the database in chunks."""
        names = self.value_fields()
        index = {name: position for position, name in enumerate(names)}
        picks = [tuple(index[name] for name in column.fields) for column in self.columns]
        values = self.queryset(filters).values_list(*names)
        for row in values.iterator(chunk_size=CHUNK):
            yield [
                _clean_cell(column.render(*(row[i] for i in pick)))
                for column, pick in zip(self.columns, picks, strict=True)
            ]

    def headers(self) -> list[str]:
        return [str(column.header) for column in self.columns]


def _clean_cell(value) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def _uuid_or_none(text: str):
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def _id_match(text: str) -> Q:
    value = _uuid_or_none(text)
    return Q(pk=value) if value else Q(pk__in=[])


_ROLE_FILTERS = {
    "client": {"is_client": True},
    "freelancer": {"is_freelancer": True},
    "staff": {"is_staff": True},
}
ROLE_CHOICES = [
    ("client", _("Clients")),
    ("freelancer", _("Freelancers")),
    ("staff", _("Staff")),
]
USER_STATUSES = [("active", _("Active")), ("suspended", _("Suspended"))]


def _users():
    return get_user_model().objects.all()


class _UserListing(Listing):
    def queryset(self, filters: Filters) -> QuerySet:
        status = filters.status
        rows = super().queryset(Filters(**{**filters.__dict__, "status": ""}))
        if status == "active":
            rows = rows.filter(is_active=True)
        elif status == "suspended":
            rows = rows.filter(is_active=False)
        return rows


LISTINGS: dict[str, Listing] = {
    "users": _UserListing(
        name="users",
        title=_("Users"),
        statuses=USER_STATUSES,
        date_field="date_joined",
        base=_users,
        has_role=True,
        search=lambda q: (
            Q(email__icontains=q)
            | Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | _id_match(q)
        ),
        columns=(
            Column(_("id"), ("pk",)),
            Column(_("email"), ("email",)),
            Column(_("name"), ("first_name", "last_name"), lambda f, last: f"{f} {last}".strip()),
            Column(_("client"), ("is_client",), _flag),
            Column(_("freelancer"), ("is_freelancer",), _flag),
            Column(_("staff"), ("is_staff",), _flag),
            Column(_("active"), ("is_active",), _flag),
            Column(_("email verified"), ("email_verified_at",), _when),
            Column(_("joined"), ("date_joined",), _when),
            Column(_("last sign-in"), ("last_login",), _when),
        ),
    ),
    "jobs": Listing(
        name="jobs",
        title=_("Jobs"),
        statuses=JobStatus.choices,
        date_field="created_at",
        base=lambda: Job.objects.all(),
        has_currency=True,
        search=lambda q: Q(title__icontains=q) | Q(client__email__icontains=q) | _id_match(q),
        columns=(
            Column(_("id"), ("pk",)),
            Column(_("title"), ("title",)),
            Column(_("client"), ("client__email",)),
            Column(_("category"), ("category__name",)),
            Column(_("status"), ("status",)),
            Column(_("budget type"), ("budget_type",)),
            Column(_("budget"), ("budget", "currency"), _money),
            Column(_("currency"), ("currency",)),
            Column(_("hired"), ("hired_count",)),
            Column(_("created"), ("created_at",), _when),
            Column(_("published"), ("published_at",), _when),
        ),
    ),
    "gigs": Listing(
        name="gigs",
        title=_("Gigs"),
        statuses=GigStatus.choices,
        date_field="created_at",
        base=lambda: Gig.objects.all(),
        has_currency=True,
        search=lambda q: Q(title__icontains=q) | Q(seller__email__icontains=q) | _id_match(q),
        columns=(
            Column(_("id"), ("pk",)),
            Column(_("title"), ("title",)),
            Column(_("seller"), ("seller__email",)),
            Column(_("category"), ("category__name",)),
            Column(_("status"), ("status",)),
            Column(_("from"), ("min_price", "currency"), _money),
            Column(_("currency"), ("currency",)),
            Column(_("created"), ("created_at",), _when),
            Column(_("published"), ("published_at",), _when),
        ),
    ),
    "contracts": Listing(
        name="contracts",
        title=_("Contracts"),
        statuses=ContractState.choices,
        status_field="state",
        date_field="created_at",
        base=lambda: Contract.objects.all(),
        has_currency=True,
        search=lambda q: (
            Q(title__icontains=q)
            | Q(client__email__icontains=q)
            | Q(provider__email__icontains=q)
            | _id_match(q)
        ),
        columns=(
            Column(_("id"), ("pk",)),
            Column(_("title"), ("title",)),
            Column(_("client"), ("client__email",)),
            Column(_("provider"), ("provider__email",)),
            Column(_("source"), ("source",)),
            Column(_("kind"), ("kind",)),
            Column(_("state"), ("state",)),
            Column(_("amount"), ("amount_minor", "currency"), _money),
            Column(_("hourly rate"), ("hourly_rate_minor", "currency"), _money),
            Column(_("currency"), ("currency",)),
            Column(_("created"), ("created_at",), _when),
        ),
    ),
    "payments": Listing(
        name="payments",
        title=_("Payments"),
        statuses=Payment.Status.choices,
        date_field="created_at",
        base=lambda: Payment.objects.all(),
        has_currency=True,
        search=lambda q: (
            Q(reference__icontains=q)
            | Q(payer__email__icontains=q)
            | Q(provider_payment_id=q)
            | _id_match(q)
        ),
        columns=(
            Column(_("id"), ("pk",)),
            Column(_("created"), ("created_at",), _when),
            Column(_("payer"), ("payer__email",)),
            Column(_("reference"), ("reference",)),
            Column(_("purpose"), ("purpose",)),
            Column(_("amount"), ("amount_minor", "currency"), _money),
            Column(_("client fee"), ("client_fee_minor", "currency"), _money),
            Column(_("currency"), ("currency",)),
            Column(_("status"), ("status",)),
            Column(_("provider"), ("provider",)),
            Column(_("paid"), ("succeeded_at",), _when),
        ),
    ),
}

CURRENCIES = CURRENCY_CHOICES


class Echo:
    """A file whose write returns the line, for csv.writer inside a streamed response."""

    def write(self, value):
        return value


def csv_lines(listing: Listing, filters: Filters) -> Iterator[str]:
    writer = csv.writer(Echo())
    yield "\ufeff" + writer.writerow(listing.headers())  # BOM: spreadsheets read UTF-8
    for row in listing.rows(filters):
        yield writer.writerow(row)
