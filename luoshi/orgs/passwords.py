"""Password rules beyond Django's, and the one password everybody knows: the demo city's."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Printed in the README for the demo city: never acceptable for a real account.
DEMO_PASSWORD = "luoshi-demo-2026"


class NotDemoPasswordValidator:
    """Refuse the demo city's published password."""

    def validate(self, password: str, user: Any = None) -> None:
        if password.strip().lower() == DEMO_PASSWORD:
            raise ValidationError(_("This is the demo password printed in the README."), code="demo_password")

    def get_help_text(self) -> str:
        return _("Your password cannot be the demo password.")


def usernames_with_demo_password(accounts: Any) -> list[str]:
    """Usernames among `accounts` (a User queryset) whose password is the demo password.

    Argon2 is slow on purpose, so each distinct hash is tried once: the demo city's people share one.
    """
    holders: dict[str, list[str]] = {}
    for username, encoded in accounts.exclude(password="").values_list("username", "password"):
        holders.setdefault(encoded, []).append(username)
    found: list[str] = []
    for encoded, usernames in holders.items():
        if not encoded.startswith("!") and check_password(DEMO_PASSWORD, encoded):
            found.extend(usernames)
    return sorted(found)
