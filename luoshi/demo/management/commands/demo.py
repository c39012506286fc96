from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from luoshi.demo import loader, scale
from luoshi.orgs.passwords import DEMO_PASSWORD

SIGN_INS = [
    ("admin", "administrator"),
    ("ducha", "city supervisor, 市委市政府督查室"),
    ("mayor", "leader, 市长"),
    ("qingshanxian.supervisor", "county supervisor, 青山县督查室"),
    ("qingshanxian.head", "unit head, 青山县"),
    ("qingshanxian.liaison", "county liaison, 青山县"),
    ("qingshanzhen.liaison", "township liaison, 青山镇"),
    ("fagaiwei.liaison", "department liaison, 市发展改革委"),
]


class Command(BaseCommand):
    help = "Load the demo city (临江市) into an empty database and print its sign-ins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="do nothing if the database has units")
        parser.add_argument(
            "--scale",
            choices=list(scale.SCALES),
            help="instead of the demo city, generate data of this size in bulk (DESIGN §7)",
        )
        parser.add_argument("--seed", type=int, default=scale.SEED, help="with --scale: the random seed")
        parser.add_argument(
            "--force", action="store_true", help="with --scale: add to a database that already holds data"
        )

    def handle(
        self, *args: Any, if_empty: bool, scale: str | None, seed: int, force: bool, **options: Any
    ) -> None:
        if scale is not None:
            self._generate(scale, seed=seed, force=force)
            return
        try:
            counts = loader.load(progress=lambda line: self.stdout.write(f"  … {line}"))
        except loader.DemoExists as exc:
            if not if_empty:
                raise SystemExit(f"luoshi demo: {exc}") from None
            self.stdout.write("Demo city already loaded.")
        else:
            summary = ", ".join(f"{v} {k}" for k, v in counts.items())
            self.stdout.write(self.style.SUCCESS(f"Demo city loaded: {summary}."))
        self.stdout.write(
            f"Demo sign-ins (password {DEMO_PASSWORD}, printed in the README: never in production):"
        )
        for username, who in SIGN_INS:
            self.stdout.write(f"  {username:<28} {who}")

    def _generate(self, name: str, *, seed: int, force: bool) -> None:
        size = scale.SCALES[name]
        self.stdout.write(
            _("Generating %(units)s units, %(people)s people, %(tasks)s tasks and %(reports)s reports…")
            % {
                "units": f"{size.units:,}",
                "people": f"{size.people:,}",
                "tasks": f"{size.tasks:,}",
                "reports": f"{size.reports:,}",
            }
        )
        try:
            result = scale.generate(size, seed=seed, force=force, out=cast(IO[str], self.stdout._out))
        except scale.NotEmpty as exc:
            raise SystemExit(f"luoshi demo: {exc}") from None
        seconds = result["seconds"]
        self.stdout.write(
            self.style.SUCCESS(
                _("Generated in %(seconds)s s: %(rows)s reports (%(rate)s a second).")
                % {
                    "seconds": seconds["total"],
                    "rows": f"{result['reports']:,}",
                    "rate": f"{result['reports'] / max(seconds['reports'], 0.001):,.0f}",
                }
            )
        )
        self.stdout.write("  " + ", ".join(f"{k} {v} s" for k, v in seconds.items()))
        self.stdout.write(
            _("Sign in as %(leader)s (a leader) with the demo password %(password)s.")
            % {"leader": result["leader"], "password": DEMO_PASSWORD}
        )
