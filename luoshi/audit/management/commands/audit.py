from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.audit import services


class Command(BaseCommand):
    help = "Seal pending audit events into the hash chain, or verify the chain (luoshi audit verify)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "seal"])
        parser.add_argument("--seal", action="store_true", help="with verify: seal pending events first")

    def handle(self, *args: Any, action: str, seal: bool, **options: Any) -> None:
        if action == "seal" or seal:
            blocks = services.seal_all()
            self.stdout.write(f"sealed {blocks} block(s)")
        if action == "verify":
            result = services.verify()
            for problem in result.problems:
                self.stderr.write(problem)
            summary = f"{result.events} events in {result.blocks} blocks, {result.unsealed} not yet sealed"
            if not result.ok:
                raise CommandError(f"audit chain BROKEN: {len(result.problems)} problem(s); {summary}")
            self.stdout.write(f"audit chain OK: {summary}")
