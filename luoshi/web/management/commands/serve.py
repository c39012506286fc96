"""Prepare and serve Luoshi: migrate, load the demo city when asked (--demo) or else make the first
administrator of an empty database, collect static files, then run the web server (gunicorn) and the
background worker (Huey) side by side until interrupted.

On several machines every one runs `luoshi serve --production` against the same PostgreSQL and Redis (README,
"Several machines"): the preparation takes a PostgreSQL advisory lock, so machines starting together migrate
once; each machine's worker schedules periodic jobs, and Redis lets one of them enqueue each scheduled run
(luoshi.jobqueue). --web-only and --worker-only split the two roles between machines.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from luoshi.web import benchfloor

# Any constant: the key of the PostgreSQL advisory lock held while a machine prepares the database.
PREPARE_LOCK = 0x4C756F736869


def web_command(bind: str, workers: int, app: str = "luoshi.wsgi") -> list[str]:
    """The gunicorn command line `luoshi serve` runs."""
    return [sys.executable, "-m", "gunicorn", app, "--bind", bind, "--workers", str(workers),
            "-c", "python:luoshi.web.gunicorn_conf", "--access-logfile", "-"]  # fmt: skip


def worker_command() -> list[str]:
    """The Huey consumer `luoshi serve` runs: its workers and, with them, its scheduler."""
    return [sys.executable, "-m", "luoshi", "run_huey"]


def production_problems() -> list[str]:
    """What keeps this configuration from serving several machines; empty when nothing does."""
    problems = []
    if connection.vendor != "postgresql":
        problems.append("LUOSHI_DATABASE_URL must name a PostgreSQL database (postgres://…)")
    if not settings.REDIS_URL:
        problems.append("LUOSHI_REDIS_URL must name a Redis server, for the job queue and the cache")
    # Both keys would otherwise be made at random in each machine's var/: sessions signed with one machine's
    # key fail on another, and an audit chain sealed with two keys fails its verification.
    if not os.environ.get("LUOSHI_SECRET_KEY"):
        problems.append("LUOSHI_SECRET_KEY must be set, the same on every machine")
    if not (os.environ.get("LUOSHI_AUDIT_KEY") or os.environ.get("LUOSHI_AUDIT_KEY_FILE")):
        problems.append("LUOSHI_AUDIT_KEY (or LUOSHI_AUDIT_KEY_FILE) must be set, the same on every machine")
    if settings.DEBUG:
        problems.append("LUOSHI_DEBUG must be off")
    if benchfloor.ENABLED:
        problems.append("LUOSHI_BENCH_FLOOR must be unset: it mounts the benchmark's unauthenticated floor")
    return problems


@contextmanager
def preparing() -> Iterator[None]:
    """Hold the database's preparation lock on PostgreSQL: two machines starting at once would otherwise
    both migrate, or both make a first administrator, and one of them fail halfway."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [PREPARE_LOCK])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [PREPARE_LOCK])


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
        parser.add_argument(
            "--production",
            action="store_true",
            help="refuse to start unless PostgreSQL, Redis and the shared keys are configured, as several "
            "machines need (make serve)",
        )
        role = parser.add_mutually_exclusive_group()
        role.add_argument("--web-only", action="store_true", help="serve pages only, without the job worker")
        role.add_argument("--worker-only", action="store_true", help="run the job worker only, without pages")

    def handle(
        self,
        *args: Any,
        bind: str,
        workers: int,
        demo: bool,
        production: bool,
        web_only: bool,
        worker_only: bool,
        **options: Any,
    ) -> None:
        if production and (problems := production_problems() + (["--demo is never production"] * demo)):
            raise CommandError("Not ready for production:\n  " + "\n  ".join(problems))
        with preparing():
            call_command("migrate", interactive=False, verbosity=0)
            self.stdout.write("Database ready: " + str(settings.DATABASES["default"]["NAME"]))
            if demo:
                call_command("demo", if_empty=True, stdout=self.stdout)
            else:
                call_command("first_admin", stdout=self.stdout)
        connection.close()  # the server's processes open their own
        commands = [] if web_only else [worker_command()]
        if not worker_only:
            call_command("collectstatic", interactive=False, verbosity=0)
            commands.append(web_command(bind, workers))
        # The handler is in place before the first child starts: a SIGTERM (a service manager's stop, a
        # test's) that came between the two left the worker and the web server running, orphaned.
        procs: list[subprocess.Popen[bytes]] = []
        stopping: list[bool] = []

        def stop(*_: Any) -> None:
            stopping.append(True)
            for p in procs:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        for command in commands:
            if not stopping:
                procs.append(subprocess.Popen(command))
        if stopping:
            stop()
        elif worker_only:
            self.stdout.write(self.style.SUCCESS("Luoshi's job worker runs  (Ctrl-C stops it)"))
        else:
            self.stdout.write(self.style.SUCCESS(f"Luoshi is at http://{bind}/  (Ctrl-C stops it)"))
        try:
            while not stopping and all(p.poll() is None for p in procs):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for p in procs:
                p.wait(timeout=30)
