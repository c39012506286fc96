"""core.db.analyze: the planner's statistics after a bulk load (PostgreSQL), nothing on SQLite."""

from __future__ import annotations

import pytest
from django.db import connection

from luoshi.core.db import analyze


@pytest.mark.django_db(transaction=True)
def test_analyze_gives_postgresql_the_row_counts_of_what_was_just_loaded(city) -> None:
    analyze()
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            assert cursor.fetchall() == []  # SQLite's plans are left as the suite tests them
            return
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'orgs_unit'")
        [(estimate,)] = cursor.fetchall()
    from luoshi.orgs.models import Unit

    assert estimate == Unit.objects.count() > 0
