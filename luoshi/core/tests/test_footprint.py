"""The tests' change detector (`luoshi.testing.footprint`): the permission matrix and the hostile forms
trust it to see every write a refused request might make, and nothing when there was none."""

import pytest
from django.db import connection, transaction

from luoshi.orgs.models import Unit, UnitAlias
from luoshi.testing import footprint, make_unit

TABLES = [Unit._meta.db_table, UnitAlias._meta.db_table]
on_postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's footprint counts rows, which an update leaves alone"
)


def test_reading_leaves_the_footprint_as_it_was(city):
    before = footprint(TABLES)
    assert list(Unit.objects.all()) and not UnitAlias.objects.exists()
    assert footprint(TABLES) == before


def test_a_new_row_changes_it(city):
    before = footprint(TABLES)
    with transaction.atomic():  # as the matrix asks: inside the savepoint that undoes the request
        make_unit("青山县工业园", "park", city.qingshan)
        assert footprint(TABLES) != before


def test_a_removed_row_changes_it(city):
    UnitAlias.objects.create(alias="青山", unit=city.qingshan)
    before = footprint(TABLES)
    UnitAlias.objects.all().delete()
    assert footprint(TABLES) != before


@on_postgresql_only
def test_a_changed_row_changes_it(city):
    before = footprint(TABLES)
    Unit.objects.filter(pk=city.qingshan.pk).update(name="青山区")
    assert footprint(TABLES) != before


@on_postgresql_only
def test_a_row_written_and_removed_again_changes_it(city):
    before = footprint(TABLES)
    UnitAlias.objects.create(alias="青山", unit=city.qingshan).delete()
    assert footprint(TABLES) != before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's footprint counts rows at any time")
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_it_refuses_to_answer():
    """PostgreSQL's counters are the transaction's: outside one, each statement would be its own, and they
    would stand at nought before and after any write."""
    with pytest.raises(AssertionError, match="open one"):
        footprint(TABLES)
