"""Database housekeeping shared by the apps."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction


def analyze() -> None:
    """Refresh PostgreSQL's planner statistics after a bulk load.

    Until autovacuum gets to a freshly loaded table, the planner believes it holds a row or two and joins
    it by nested loops: the home page's query over 10,000 just-loaded tasks took 401 ms instead of 0.7 ms.
    SQLite plans without statistics unless ANALYZE is run, and its plans are what the suite tests: left
    alone.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def broken(using: str | None = None) -> bool:
    """Whether the open transaction can no longer commit: marked for rollback, or its connection closed
    (a savepoint whose rollback failed, the connection cut). Django ends such a block in a rollback that
    it does not raise, so a caller that caught the error inside must check before it answers "done"."""
    return transaction.get_rollback(using) or connections[using or DEFAULT_DB_ALIAS].closed_in_transaction
