"""Page counts of public HTML lists without counting the table on every request.

The public lists (gigs, open jobs, freelancers, mentors) show "N found" and "Page p of n", which
needs the total. ``Paginator.count`` runs ``COUNT(*)`` over every matching row on each request:
the dominant cost of the first page at 10,000+ rows. ``CachedCountPaginator`` keeps the total
of one exact query (its SQL and parameters: the same filters give the same key, whoever asks)
in the shared cache for ``LIST_COUNT_CACHE_SECONDS``; within that window the number shown may
lag the list by the rows added or removed meanwhile, the rows themselves are always current.

Only for lists that are the same for everyone: a count of someone's private rows must not be
shared through a cache (their own lists keep Django's ``Paginator``).
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

KEY_PREFIX = "list-count:"


class CachedCountPaginator(Paginator):
    @cached_property
    def count(self):
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return super().count
        try:
            sql, params = queryset.query.sql_with_params()
        except EmptyResultSet:
            return 0
        digest = hashlib.sha256(
            f"{queryset.db}|{queryset.model._meta.label}|{sql}|{params!r}".encode()
        ).hexdigest()
        key = KEY_PREFIX + digest
        total = cache.get(key)
        if total is None:
            total = queryset.count()
            cache.set(key, total, settings.LIST_COUNT_CACHE_SECONDS)
        return total
