"""Counting and paging long lists without counting millions of rows.

An exact count of a root user's people at national scale means visiting every row of the scope; a list
only needs to know "more than ten thousand". Counts here stop at COUNT_CAP + 1 rows (`SELECT COUNT(*)
FROM (… LIMIT 10001)`), and the lists page through the first COUNT_CAP rows — search or filter to
reach the others.
"""

from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .numbers import number

COUNT_CAP = 10_000


def capped_count(queryset: QuerySet) -> int:
    """The number of rows, or COUNT_CAP + 1 when there are more than COUNT_CAP. Without the list's
    ordering: a sliced count keeps ORDER BY, which makes the database sort the whole scope before
    stopping at the cap; unordered, it stops after the first COUNT_CAP + 1 rows it meets."""
    return queryset.order_by()[: COUNT_CAP + 1].count()


def shown_count(count: int) -> str:
    """'13.876', or 'hơn 10.000' for a capped count."""
    cap = COUNT_CAP
    if count > cap:
        return _("hơn %(n)s") % {"n": number(cap)}
    return number(count)


class CappedPaginator(Paginator):
    """A paginator whose count stops at COUNT_CAP + 1; its pages cover the first COUNT_CAP rows."""

    @cached_property
    def count(self) -> int:
        return min(capped_count(self.object_list), COUNT_CAP + 1)

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP

    @cached_property
    def num_pages(self) -> int:
        if self.capped:
            return -(-COUNT_CAP // self.per_page)
        return super().num_pages

    @property
    def shown_count(self) -> str:
        return shown_count(self.count)
