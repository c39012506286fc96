"""Prepare and serve Luoshi: migrate, load the demo city when asked (--demo) or else make the first
administrator of an empty database, collect static files, then run the web server (gunicorn) and the
background worker (Huey) side by side until interrupted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Migrate, load the demo city into an empty database if --demo (or else make a first administrator), "
        "and serve Luoshi with its worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("LUOSHI_BIND", "127.0.0.1:8000"))
        # Sync workers answer one request at a time each: gunicorn advises twice the cores plus one.
        default_workers = 2 * (os.cpu_count() or 1) + 1
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("LUOSHI_WEB_WORKERS", str(default_workers)))
        )
        parser.add_argument(
            "--demo",
            action="store_true",
            help="load the demo city into an empty database (its accounts share a published password: "
            "never in production)",
        )

    def handle(self, *args: Any, bind: str, workers: int, demo: bool, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database ready: " + str(settings.DATABASES["default"]["NAME"]))
        if demo:
            call_command("demo", if_empty=True, stdout=self.stdout)
        else:
            call_command("first_admin", stdout=self.stdout)
        call_command("collectstatic", interactive=False, verbosity=0)
        python = sys.executable
        web = [python, "-m", "gunicorn", "luoshi.wsgi", "--bind", bind, "--workers", str(workers),
               "-c", "python:luoshi.web.gunicorn_conf", "--access-logfile", "-"]  # fmt: skip
        worker = [python, "-m", "luoshi", "run_huey"]
        procs = [subprocess.Popen(worker), subprocess.Popen(web)]
        self.stdout.write(self.style.SUCCESS(f"Luoshi is at http://{bind}/  (Ctrl-C stops it)"))

        def stop(*_: Any) -> None:
            for p in procs:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(p.poll() is None for p in procs):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for p in procs:
                p.wait(timeout=30)
