"""The `luoshi` command: Django's manage.py under Luoshi's own name (luoshi demo, luoshi audit verify, …)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["luoshi", *sys.argv[1:]])


if __name__ == "__main__":
    main()
