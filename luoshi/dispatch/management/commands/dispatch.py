from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from luoshi.core import clock
from luoshi.dispatch import jobs, status


class Command(BaseCommand):
    help = "Run the dispatch rhythm by hand: tick (open cycles, remind, mark late), sweep, or rebuild lights."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["tick", "sweep", "rebuild"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        today = clock.today()
        if action == "tick":
            self.stdout.write(str(jobs.run_tick()))
        elif action == "sweep":
            self.stdout.write(f"refreshed {status.sweep(today=today)} tasks")
        else:
            before = status.rollup_numbers()
            count = status.rebuild(today=today)
            after = status.rollup_numbers()
            self.stdout.write(
                f"rebuilt {count} lights; rollups {'unchanged' if before == after else 'CHANGED'}"
            )
