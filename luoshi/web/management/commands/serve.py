"""Prepare and serve Luoshi: migrate, load the demo city once, collect static files, then run the web
server (gunicorn) and the background worker (Huey) side by side until interrupted."""

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
    help = "Migrate, load the demo city if the database is empty, and serve Luoshi with its worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("LUOSHI_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("LUOSHI_WEB_WORKERS", "2")))
        parser.add_argument("--no-demo", action="store_true", help="do not load the demo city")

    def handle(self, *args: Any, bind: str, workers: int, no_demo: bool, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database ready: " + str(settings.DATABASES["default"]["NAME"]))
        if not no_demo:
            call_command("demo", if_empty=True, stdout=self.stdout)
        call_command("collectstatic", interactive=False, verbosity=0)
        python = sys.executable
        web = [python, "-m", "gunicorn", "luoshi.wsgi", "--bind", bind, "--workers", str(workers),
               "--threads", "4", "--access-logfile", "-"]  # fmt: skip
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
