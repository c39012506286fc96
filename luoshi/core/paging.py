"""Pages of long lists that cost what a page costs, not what the whole list costs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

if TYPE_CHECKING:  # generic in django-stubs only
    _Paginator = Paginator[Any]
else:
    _Paginator = Paginator


class KeysFirstPaginator(_Paginator):
    """A paginator over a queryset that sorts only the rows' keys, then reads the page's rows.

    A list page's queryset carries joins and per-row subqueries (a task's lead unit, people, light, count of
    subtasks): paginated as is, the database works all of them out for every row in scope and sorts those
    wide rows, to keep 25. Here it first sorts the keys alone (the same filters and order, no joins it does
    not need), then runs the full queryset for the page's keys only. Same rows, same order; the cost of a
    page no longer grows with the list but with its keys.
    """

    object_list: QuerySet[Any]

    def __init__(self, object_list: QuerySet[Any], per_page: int, **kwargs: Any) -> None:
        if not isinstance(object_list, QuerySet) or not object_list.ordered:
            raise TypeError("KeysFirstPaginator pages an ordered queryset")
        super().__init__(object_list, per_page, **kwargs)

    def page(self, number: Any) -> Page[Any]:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=keys)}
        return Page([rows[key] for key in keys if key in rows], number, self)
