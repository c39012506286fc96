"""Triggers that refuse UPDATE, DELETE and TRUNCATE on the audit tables, whoever writes the SQL.

The one update allowed is the sealer's: an unsealed event gets its block and position, and nothing else
about it changes. Someone who owns the tables can still drop the triggers; the keyed chain and the anchor
file are what catch that. `flush`, which empties every table on purpose, lifts them for its transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

EVENTS = "audit_auditevent"
BLOCKS = "audit_auditblock"
PLACEMENT = ("block_id", "position")
TRIGGERS = {
    EVENTS: ("audit_event_update", "audit_event_delete", "audit_event_truncate"),
    BLOCKS: ("audit_block_update", "audit_block_delete", "audit_block_truncate"),
}
MESSAGE = "audit rows are append-only"

POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}: % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END $$;
CREATE OR REPLACE FUNCTION audit_event_placement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.block_id IS NULL AND NEW.block_id IS NOT NULL AND NEW.position IS NOT NULL
            AND to_jsonb(NEW) - 'block_id' - 'position' = to_jsonb(OLD) - 'block_id' - 'position' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{MESSAGE}: UPDATE on % refused', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER audit_event_update BEFORE UPDATE ON {EVENTS}
    FOR EACH ROW EXECUTE FUNCTION audit_event_placement();
CREATE TRIGGER audit_event_delete BEFORE DELETE ON {EVENTS} FOR EACH ROW EXECUTE FUNCTION audit_refuse();
CREATE TRIGGER audit_event_truncate BEFORE TRUNCATE ON {EVENTS}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse();
CREATE TRIGGER audit_block_update BEFORE UPDATE ON {BLOCKS} FOR EACH ROW EXECUTE FUNCTION audit_refuse();
CREATE TRIGGER audit_block_delete BEFORE DELETE ON {BLOCKS} FOR EACH ROW EXECUTE FUNCTION audit_refuse();
CREATE TRIGGER audit_block_truncate BEFORE TRUNCATE ON {BLOCKS}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse();
"""


def _sqlite(connection: BaseDatabaseWrapper) -> list[str]:
    # SQLite has no row values to compare whole, so the update trigger names every column the table has
    # now; install again after adding one (test_chain checks each column is covered).
    with connection.cursor() as cursor:
        columns = [c.name for c in connection.introspection.get_table_description(cursor, EVENTS)]
    q = connection.ops.quote_name
    unchanged = " AND ".join(f"NEW.{q(c)} IS OLD.{q(c)}" for c in columns if c not in PLACEMENT)
    placement = (
        f"OLD.block_id IS NULL AND NEW.block_id IS NOT NULL AND NEW.position IS NOT NULL AND {unchanged}"
    )
    statements = [
        f"CREATE TRIGGER audit_event_update BEFORE UPDATE ON {EVENTS} WHEN NOT ({placement}) "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: UPDATE on {EVENTS} refused'); END"
    ]
    for table, (_, delete, _) in TRIGGERS.items():
        statements.append(
            f"CREATE TRIGGER {delete} BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: DELETE on {table} refused'); END"
        )
    statements.append(
        f"CREATE TRIGGER audit_block_update BEFORE UPDATE ON {BLOCKS} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: UPDATE on {BLOCKS} refused'); END"
    )
    return statements


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the triggers, replacing any there are; other databases than these two get none."""
    remove(connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRESQL)
        elif connection.vendor == "sqlite":
            for statement in _sqlite(connection):
                cursor.execute(statement)


def remove(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for table, names in TRIGGERS.items():
            for name in names:
                if connection.vendor == "postgresql":
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                elif connection.vendor == "sqlite":
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


@contextmanager
def lifted(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Without the triggers, inside one transaction: other connections never see them gone."""
    with transaction.atomic(using=connection.alias):
        remove(connection)
        yield
        install(connection)
