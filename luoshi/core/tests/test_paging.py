import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.core.paging import KeysFirstPaginator
from luoshi.orgs.models import Unit
from luoshi.testing import build_city


@pytest.mark.parametrize("per_page,orphans", [(1, 0), (3, 0), (4, 1), (100, 0)])
def test_every_page_holds_the_same_rows_in_the_same_order_as_djangos(db, per_page, orphans):
    build_city()
    units = Unit.objects.select_related("parent").order_by("-depth", "name", "pk")
    ours = KeysFirstPaginator(units, per_page, orphans=orphans)
    django = Paginator(units, per_page, orphans=orphans)
    assert ours.num_pages == django.num_pages > 0
    for number in ours.page_range:
        page = ours.page(number)
        assert [u.pk for u in page] == [u.pk for u in django.page(number)]
        assert all(u.parent is None or u.parent.name for u in page)  # the queryset's joins came along
    assert [u.pk for u in ours.get_page("9999")] == [u.pk for u in django.get_page("9999")]


def test_a_page_reads_its_keys_then_only_its_rows(db):
    build_city()
    units = Unit.objects.select_related("parent").order_by("path")
    paginator = KeysFirstPaginator(units, 2)
    paginator.count  # noqa: B018 -- asked apart from the page
    with CaptureQueriesContext(connection) as ctx:
        page = paginator.page(2)
    keys, rows = ctx.captured_queries
    assert 'SELECT "orgs_unit"."id"' in keys["sql"] and "JOIN" not in keys["sql"]
    assert "IN (" in rows["sql"] and "JOIN" in rows["sql"]
    assert len(page) == 2


def test_an_unordered_list_is_refused_rather_than_paged_at_random(db):
    with pytest.raises(TypeError):
        KeysFirstPaginator(Unit.objects.order_by(), 10)
