"""Pages of long lists that count only when they must (issue 8).

Counting an office's 500,000 customers costs PostgreSQL 14 ms and its active claims 30 ms, on
every page of a list whose rows cost 1 ms. So:

- a page reads one row more than it shows: whether there is a next page is known from the rows;
- a page that is not full (a search, a phone lookup, the last page) knows the count without
  counting: the rows before it plus its own;
- otherwise the list is counted, and a count of at least LIST_COUNT_CACHE_MIN rows is kept in
  the cache for LIST_COUNT_CACHE_SECONDS (60) under the query's SQL: a manager paging
  through a big list counts it once a minute, not once a page. Such a count may lag by that
  long; the rows, and next/previous, never do. Smaller lists are counted exactly every time.

A page number whose rows would start past PostgreSQL's bigint OFFSET (`?page=99999999999999999999`,
issue 13) is a page past the end, not a database error: the API's 404, the pager's last page.
"""

import datetime
import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.core.paginator import Paginator as DjangoPaginator
from django.db import connections
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination

logger = logging.getLogger(__name__)

BIGINT_MAX = 2**63 - 1  # PostgreSQL's OFFSET and LIMIT


def _count_key(queryset) -> str:
    """The query's SQL and parameters; a moment (a list of what is active *now*) to the minute,
    so that the same list asked again within the minute finds its count."""
    sql, params = queryset.query.sql_with_params()
    params = tuple(
        p.replace(second=0, microsecond=0) if isinstance(p, datetime.datetime) else p
        for p in params
    )
    database = connections[queryset.db].settings_dict["NAME"]
    digest = hashlib.sha256(repr((database, sql, params)).encode()).hexdigest()
    return f"list-count:{digest}"


def cached_count(queryset) -> int:
    """The queryset's row count; a big one read from the cache when counted lately."""
    if not hasattr(queryset, "query"):  # a list
        return len(queryset)
    seconds = getattr(settings, "LIST_COUNT_CACHE_SECONDS", 60)
    if not seconds:
        return queryset.count()
    try:
        key = _count_key(queryset)
    except EmptyResultSet:  # a filter no row can match (`pk__in=[]`)
        return 0
    try:
        counted = cache.get(key)
    except Exception:  # noqa: BLE001 (the cache only saves time: without it, count)
        logger.warning("list count: cache unavailable", exc_info=True)
        return queryset.count()
    if counted is not None:
        return counted
    counted = queryset.count()
    if counted >= getattr(settings, "LIST_COUNT_CACHE_MIN", 1000):
        try:
            cache.set(key, counted, seconds)
        except Exception:  # noqa: BLE001 (as above)
            logger.warning("list count: cache unavailable", exc_info=True)
    return counted


class Paginator(DjangoPaginator):
    """Django's paginator, reading a page's rows before (and often instead of) counting."""

    @cached_property
    def count(self) -> int:
        return cached_count(self.object_list)

    def _number(self, number) -> int:
        """Django's validate_number without the upper bound, which needs the count."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if number * self.per_page + 1 > BIGINT_MAX:  # no list has that many rows
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def page(self, number):
        number = self._number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        more = len(rows) > self.per_page
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        if not more:  # the last page: the count is what came before it and its rows
            self.count = bottom + len(rows)
        else:  # a cached count may be stale: never fewer than the rows just seen
            self.count = max(self.count, bottom + len(rows))
        return self._get_page(rows[: self.per_page], number, self)


class ListPagination(PageNumberPagination):
    """The API's `?page=` pagination (API.md: count, next, previous, results) on Paginator."""

    django_paginator_class = Paginator
