import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.orgs import services
from luoshi.orgs.models import User


class Command(BaseCommand):
    help = (
        "Create the first administrator of a database without accounts: with LUOSHI_ADMIN_PASSWORD, or a "
        "one-time random password printed once. They choose their own at first sign-in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default=os.environ.get("LUOSHI_ADMIN_USERNAME", "admin"))

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        if User.objects.exists():
            self.stdout.write("Accounts exist already; no first administrator made.")
            return
        try:
            user, secret = services.create_first_admin(
                username=username, password=os.environ.get("LUOSHI_ADMIN_PASSWORD") or None
            )
        except ValidationError as exc:
            raise CommandError("LUOSHI_ADMIN_PASSWORD: " + " ".join(exc.messages)) from None
        if secret is None:
            self.stdout.write(f"First administrator {user.username!r} created with LUOSHI_ADMIN_PASSWORD.")
        else:
            self.stdout.write(
                self.style.WARNING(
                    f"First administrator {user.username!r} created with the one-time password {secret}\n"
                    "  It is shown only now. Sign in with it and choose your own password."
                )
            )
