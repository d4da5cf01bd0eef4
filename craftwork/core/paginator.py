"""Page counts of public HTML lists without counting the table on every request.

The public lists (gigs, open jobs, freelancers, mentors) show "N found" and "Page p of n", which
needs the total. ``Paginator.count`` runs ``COUNT(*)`` over every matching row on each request:
the dominant cost of the first page at 10,000+ rows. ``CachedCountPaginator`` keeps the total
of one exact query (its SQL and parameters: the same filters give the same key, whoever asks)
in the shared cache for ``LIST_COUNT_CACHE_SECONDS``; within that window the number shown may
lag the list by the rows added or removed meanwhile, the rows themselves are always current.

The total only labels the page; it never decides which rows are shown. A page is read as
``per_page + 1`` rows from its offset, so "Next" and the rows are right even while the cached
total lags, and when the last page is reached its exact total is known and written back.

Only for lists that are the same for everyone: a count of someone's private rows must not be
shared through a cache (their own lists keep Django's ``Paginator``).
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

KEY_PREFIX = "list-count:"


class _Page(Page):
    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self):
        return self.more


class CachedCountPaginator(Paginator):
    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from error
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        more = len(rows) > self.per_page
        rows = rows[: self.per_page]
        if not rows and number > 1:
            if bottom < self.count:  # the cached total promised rows that are gone
                self._remember(None)
            raise EmptyPage(self.error_messages["no_results"])
        seen = bottom + len(rows)
        if not more and seen != self.count:
            self._remember(seen)  # the last page: the exact total is known for free
        elif more and seen >= self.count:
            self._remember(None)  # the cached total is too low: count again next time
            self.__dict__["count"] = seen + 1
        return _Page(rows, number, self, more=more)

    def _key(self) -> str | None:
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return None
        try:
            sql, params = queryset.query.sql_with_params()
        except EmptyResultSet:
            return None
        digest = hashlib.sha256(
            f"{queryset.db}|{queryset.model._meta.label}|{sql}|{params!r}".encode()
        ).hexdigest()
        return KEY_PREFIX + digest

    def _remember(self, total: int | None) -> None:
        key = self._key()
        if key is None:
            return
        if total is None:
            cache.delete(key)
            self.__dict__.pop("count", None)  # counted again when next asked
        else:
            cache.set(key, total, settings.LIST_COUNT_CACHE_SECONDS)
            self.__dict__["count"] = total
        self.__dict__.pop("num_pages", None)

    @cached_property
    def count(self):
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return super().count
        key = self._key()
        if key is None:
            return 0
        total = cache.get(key)
        if total is None:
            total = queryset.count()
            cache.set(key, total, settings.LIST_COUNT_CACHE_SECONDS)
        return total
