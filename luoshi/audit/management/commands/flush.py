from typing import Any

from django.core.management.commands import flush
from django.db import connections

from luoshi.audit import guard


class Command(flush.Command):
    help = (
        "Remove ALL data from the database, the audit trail included: the audit tables' triggers are "
        "lifted for this one transaction (the anchor file will then name blocks that are gone)."
    )

    def handle(self, **options: Any) -> None:
        with guard.lifted(connections[options["database"]]):
            super().handle(**options)
