from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.audit import anchor, services
from luoshi.audit.models import AuditBlock


class Command(BaseCommand):
    help = (
        "Seal pending audit events into the hash chain (seal), verify the chain against its key and the "
        "anchor file (verify), or print the latest sealed head for a bulletin (head)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "seal", "head"])
        parser.add_argument("--seal", action="store_true", help="with verify: seal pending events first")

    def handle(self, *args: Any, action: str, seal: bool, **options: Any) -> None:
        if action == "head":
            self.print_head()
            return
        if action == "seal" or seal:
            blocks = services.seal_all()
            self.stdout.write(f"sealed {blocks} block(s)")
        if action == "verify":
            result = services.verify()
            for problem in result.problems:
                self.stderr.write(problem)
            for warning in result.warnings:
                self.stderr.write(f"warning: {warning}")
            summary = (
                f"{result.events} events in {result.blocks} blocks, {result.unsealed} not yet sealed, "
                f"{result.unanchored} block(s) newer than the anchor's last head"
            )
            if not result.ok:
                raise CommandError(f"audit chain BROKEN: {len(result.problems)} problem(s); {summary}")
            self.stdout.write(f"audit chain OK: {summary}")

    def print_head(self) -> None:
        block = AuditBlock.objects.order_by("-id").first()
        if block is None:
            raise CommandError("no audit block has been sealed yet")
        head = anchor.head_of(block)
        anchored = anchor.read()
        where = "as in the anchor file" if anchored and head in anchored[0] else "NOT in the anchor file"
        self.stdout.write(
            f"audit head: block {head.block_id}, sealed {head.sealed_at}, {head.scheme} ({where})"
        )
        self.stdout.write(head.hash)
