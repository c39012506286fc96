from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from luoshi.demo import loader
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

    def handle(self, *args: Any, if_empty: bool, **options: Any) -> None:
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
