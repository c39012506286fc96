"""Two machines on one PostgreSQL and one Redis (issue 11, item 4), as `luoshi serve --production` runs them:
each its own gunicorn and its own job worker with its scheduler, its own var/ directory, the same keys.

Liaisons sign in on one machine and submit, through the real form, to both at once; some send the same form
to both machines together, as a browser retrying through a proxy would. Every acknowledged submit is then
stored exactly once with its audit event; a session made on one machine is good on the other; and both
workers' schedulers, started at the same moment on the one clock (luoshi.core.clock, held by
tests/machines_app.py), find every periodic job due, of which each runs exactly once.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

import pytest
import redis
from django.db import connection

from luoshi.jobqueue import LuoshiRedisHuey
from luoshi.testing import sqlite_pass_only
from luoshi.web.management.commands.serve import web_command
from tests.test_gunicorn import free_port, real_time

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("LUOSHI_TEST_REDIS_URL", "")
IN_CI = os.environ.get("CI") == "true"
# 01:10 in Shanghai (crontabs read the city's clock) is a minute when several periodic jobs of Luoshi are
# due: the audit seal and the webhooks' retries (each minute), the dispatch tick (each five) and the
# nightly sweep (01:10).
AT = dt.datetime(2026, 11, 18, 1, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def due_at(moment: dt.datetime) -> set[str]:
    """The periodic jobs due at the moment, as Huey names them, read from its registry: a job added later
    is expected here without this test being told."""
    from huey.contrib.djhuey import HUEY

    local = moment.replace(tzinfo=None)  # Huey's crontabs read local time (utc=False in settings.HUEY)
    return {
        task.name
        for task in (kind() for kind in HUEY._registry._periodic_tasks)
        if task.validate_datetime(local)
    }


MACHINES = ("a", "b")
REPORTS_PER_LIAISON = 4


def _needs_postgresql_and_redis() -> None:
    missing = []
    if connection.vendor != "postgresql":
        # make test's PostgreSQL pass runs it: the SQLite pass skips it, unless there is no such pass in CI.
        if not IN_CI or os.environ.get("LUOSHI_TEST_DATABASE_URL"):
            pytest.skip("several machines share a PostgreSQL database: runs in make test's PostgreSQL pass")
        missing.append("PostgreSQL (LUOSHI_TEST_DATABASE_URL)")
    if not REDIS_URL:
        missing.append("Redis (LUOSHI_TEST_REDIS_URL)")
    if missing and IN_CI:
        pytest.fail("CI must test several machines, but it has no " + " and no ".join(missing))
    if missing:
        pytest.skip("several machines need " + " and ".join(missing) + " (CI sets them)")


@dataclass
class Session:
    """One liaison's browser: its cookies, good on either machine."""

    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, port: int, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        """Send a request; return its status, its Location and its page."""
        headers = {
            "Host": f"127.0.0.1:{port}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        http = HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            http.request(method, path, body=body, headers=headers)
            answer = http.getresponse()
            page = answer.read().decode()
            for name, value in answer.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
            return answer.status, answer.getheader("Location", ""), page
        finally:
            http.close()

    def sign_in(self, port: int, username: str, password: str) -> None:
        self.request(port, "GET", "/accounts/login/")
        form = {"username": username, "password": password, "csrfmiddlewaretoken": self.cookies["csrftoken"]}
        status, location, page = self.request(port, "POST", "/accounts/login/", form)
        assert status == 302, page[:2000]

    def report_form(self, port: int, pk: int) -> dict[str, str]:
        """The report's form as the page gives it (its version and its idempotency key), filled in."""
        status, _, page = self.request(port, "GET", f"/reports/{pk}/")
        assert status == 200, page[:2000]
        hidden = {
            name: html.unescape(value)
            for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page)
        }
        return {
            "version": hidden["version"],
            "idempotency_key": hidden["idempotency_key"],
            "csrfmiddlewaretoken": self.cookies["csrftoken"],
            "percent": "60",
            "progress": f"厂房主体完工（报告{pk}）",
            "action": "submit",
        }


def wait_until(done: Any, what: str, processes: list[subprocess.Popen[Any]]) -> None:
    """Poll until `done()`; a process that dies, or a minute gone by, fails the test (it measures no time)."""
    give_up = time.monotonic() + 60
    while not done():
        for p in processes:
            assert p.poll() is None, f"{p.args} stopped ({p.returncode}) while waiting for {what}"
        assert time.monotonic() < give_up, f"gave up waiting for {what}"
        time.sleep(0.1)


@pytest.fixture
def machines(surge: dict[str, list[int]], settings: Any, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Two machines' processes on the test database (its city made first), in a Redis namespace of theirs."""
    db = connection.settings_dict
    database_url = (
        f"postgres://{urllib.parse.quote(db['USER'] or '')}:{urllib.parse.quote(db['PASSWORD'] or '')}"
        f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    namespace = f"luoshi-test-{uuid.uuid4().hex[:12]}"
    runs = f"{namespace}.runs"
    shared = {
        "LUOSHI_DATABASE_URL": database_url,
        "LUOSHI_REDIS_URL": REDIS_URL,
        "LUOSHI_REDIS_NAMESPACE": namespace,
        "LUOSHI_SECRET_KEY": settings.SECRET_KEY,
        "LUOSHI_AUDIT_KEY": settings.AUDIT_KEY,
        "LUOSHI_TEST_NOW": AT.isoformat(),
        "LUOSHI_TEST_RUNS": runs,
        "PYTHONPATH": str(ROOT),
    }
    first = tmp_path / "a"
    collected = [sys.executable, "-m", "luoshi", "collectstatic", "--noinput", "-v0"]
    subprocess.run(collected, env={**os.environ, "LUOSHI_VAR_DIR": str(first)}, check=True, timeout=300)
    processes: list[subprocess.Popen[Any]] = []
    found: dict[str, Any] = {"ports": {}, "logs": {}, "runs": runs, "namespace": namespace, "reports": surge}

    def stop() -> None:
        """Stop every process; each job worker gracefully, finishing the job in hand."""
        for p in processes:
            if p.poll() is None:
                p.send_signal(signal.SIGINT if p.args[-1] == "tests.machines_app" else signal.SIGTERM)
        for p in processes:
            p.wait(timeout=30)

    found["stop"] = stop
    try:
        for name in MACHINES:
            var = tmp_path / name
            if name != "a":  # each machine collects its own static files: the same ones
                var.mkdir()
                (var / "static").symlink_to(first / "static")
            env = real_time({**os.environ, **shared, "LUOSHI_VAR_DIR": str(var), "LUOSHI_TEST_MACHINE": name})
            port = free_port()
            web = web_command(f"127.0.0.1:{port}", 2, app="tests.machines_app:application")
            log = tmp_path / f"worker-{name}.log"
            with open(tmp_path / f"web-{name}.log", "w") as web_log, open(log, "w") as worker_log:
                processes.append(
                    subprocess.Popen(web, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=web_log)
                )
                worker = [sys.executable, "-m", "tests.machines_app"]
                processes.append(
                    subprocess.Popen(worker, cwd=ROOT, env=env, stdout=worker_log, stderr=worker_log)
                )
            found["ports"][name], found["logs"][name] = port, log
        for port in found["ports"].values():
            wait_until(lambda port=port: _listens(port), f"port {port}", processes)
        yield found
        stop()
    finally:
        for p in processes:
            if p.poll() is None:
                p.kill()
                p.wait()
        store = redis.Redis.from_url(REDIS_URL)
        for key in store.scan_iter(match=f"*{namespace}*"):
            store.delete(key)


def _listens(port: int) -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture
def surge(transactional_db: Any, settings: Any, clock: Any) -> dict[str, list[int]]:
    """An open weekly cycle with REPORTS_PER_LIAISON reports for each of five liaisons' units."""
    _needs_postgresql_and_redis()
    from luoshi.dispatch import services
    from luoshi.orgs.services import change_password
    from luoshi.testing import PASSWORD, build_city, make_task, make_weekly_cadence

    clock.set(AT)
    city = build_city()
    liaisons = [city.county_liaison, city.township_liaison, city.other_township_liaison, city.outsider,
                city.department_liaison]  # fmt: skip
    # The machines check passwords with Luoshi's own hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    for liaison in liaisons:
        change_password(user=liaison, new_password=PASSWORD)
    for liaison in liaisons:
        for n in range(REPORTS_PER_LIAISON):
            make_task(city, title=f"{liaison.unit.name}重点项目{n + 1}", lead_unit=liaison.unit)
    cadence = make_weekly_cadence(city)
    cycle = services.open_cycle(cadence=cadence, number=46, now=clock.now())
    reports = {liaison.username: list(cycle.reports.filter(unit=liaison.unit).values_list("pk", flat=True))
               for liaison in liaisons}  # fmt: skip
    assert all(len(pks) == REPORTS_PER_LIAISON for pks in reports.values())
    return reports


def test_two_machines_lose_nothing_duplicate_nothing_and_run_each_scheduled_job_once(machines):
    from luoshi.audit.models import AuditEvent
    from luoshi.core.actions import Action
    from luoshi.dispatch.models import Report, Submission
    from luoshi.testing import PASSWORD

    surge = machines["reports"]
    ports = [machines["ports"][name] for name in MACHINES]
    sessions = {}
    for i, username in enumerate(surge):
        sessions[username] = session = Session()
        session.sign_in(ports[i % 2], username, PASSWORD)  # signed in on one machine…
        for port in ports:  # …and known as themselves on both
            status, _, page = session.request(port, "GET", "/reports/")
            assert status == 200 and 'data-testid="whoami"' in page, (port, status)

    # Every report is sent once, alternately to each machine; the first of each liaison's is sent to both
    # machines at once with the same form (its version and idempotency key), as a retrying browser would.
    def submit(username: str, index: int, pk: int) -> list[tuple[int, int, str]]:
        session = sessions[username]
        port = ports[(index + len(username)) % 2]
        form = session.report_form(port, pk)
        targets = ports if index == 0 else [port]
        with ThreadPoolExecutor(len(targets)) as both:
            answers = list(both.map(lambda p: session.request(p, "POST", f"/reports/{pk}/", form), targets))
        return [(pk, status, location) for status, location, _ in answers]

    work = [(username, i, pk) for username, pks in surge.items() for i, pk in enumerate(pks)]
    with ThreadPoolExecutor(2 * len(surge)) as liaisons:
        answers = [a for batch in liaisons.map(lambda w: submit(*w), work) for a in batch]

    acknowledged = {pk for pk, status, location in answers if status == 302 and location == f"/reports/{pk}/"}
    assert len(answers) == len(work) + len(surge)
    assert [a for a in answers if a[0] not in acknowledged] == []
    assert acknowledged == {pk for _, _, pk in work}
    per_report = Counter(Submission.objects.filter(report__in=acknowledged).values_list("report", flat=True))
    assert per_report == dict.fromkeys(acknowledged, 1)
    assert Report.objects.filter(pk__in=acknowledged, state="submitted").count() == len(acknowledged)
    events = Counter(
        AuditEvent.objects.filter(action=Action.REPORT_SUBMIT, object_type="dispatch.report").values_list(
            "object_id", flat=True
        )
    )
    assert events == {str(pk): 1 for pk in acknowledged}

    # Both schedulers saw the moment; each job was claimed by one of them and ran once, on either machine.
    periodic = due_at(AT)
    assert {"seal_audit_events", "tick", "nightly_sweep"} <= periodic

    def checked(name: str) -> list[str]:
        return re.findall(
            r"Periodic (\S+) at 2026-11-18 01:10: claimed (here|elsewhere)",
            machines["logs"][name].read_text(),
        )

    wait_until(lambda: all(len(checked(name)) == len(periodic) for name in MACHINES), "both schedulers", [])
    claims = Counter(job for name in MACHINES for job, where in checked(name) if where == "here")
    assert claims == dict.fromkeys(periodic, 1)
    store = redis.Redis.from_url(REDIS_URL)

    def ran() -> Counter[str]:
        lines = [line.decode().split() for line in store.lrange(machines["runs"], 0, -1)]
        return Counter(job for _, job in lines if job in periodic)

    queue = LuoshiRedisHuey(machines["namespace"], url=REDIS_URL)
    wait_until(lambda: set(ran()) == periodic and queue.pending_count() == 0, "the scheduled jobs", [])
    machines["stop"]()
    assert queue.pending_count() == 0
    assert ran() == dict.fromkeys(periodic, 1)


LUOSHI = str(Path(sys.executable).parent / "luoshi")
SETTINGS = """
from django.conf import settings
print(settings.CACHES["default"]["BACKEND"], settings.CACHES["default"].get("KEY_PREFIX", ""))
print(settings.SESSION_ENGINE, settings.HUEY["huey_class"], settings.HUEY["name"])
"""


@sqlite_pass_only("reads settings in a process of its own, whatever the test database")
def test_redis_carries_the_cache_and_the_job_queue_and_the_database_the_sessions(tmp_path):
    env = {**os.environ, "LUOSHI_VAR_DIR": str(tmp_path), "LUOSHI_REDIS_URL": "redis://127.0.0.1:6379/3"}
    show = [LUOSHI, "shell", "--no-imports", "-c", SETTINGS]
    site2 = {**env, "LUOSHI_REDIS_NAMESPACE": "site2"}
    shown = subprocess.run(show, env=site2, capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache", "site2",
        "django.contrib.sessions.backends.db", "luoshi.jobqueue.LuoshiRedisHuey", "site2",
    ]  # fmt: skip
    bad = subprocess.run([LUOSHI, "check"], env={**env, "LUOSHI_REDIS_URL": "127.0.0.1:6379"},
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert bad.returncode != 0 and "LUOSHI_REDIS_URL must start with redis://" in bad.stderr


@sqlite_pass_only("starts nothing: it is refused before it touches a database")
def test_serve_production_names_everything_several_machines_would_not_share(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("LUOSHI_SECRET_KEY", "LUOSHI_AUDIT_KEY")}
    env |= {"LUOSHI_VAR_DIR": str(tmp_path), "LUOSHI_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    env |= {"LUOSHI_BENCH_FLOOR": "1"}  # the benchmark's unauthenticated floor, never in production
    env.pop("LUOSHI_REDIS_URL", None)
    refused = subprocess.run([LUOSHI, "serve", "--production", "--demo"], env=env, capture_output=True,
                             text=True, timeout=120)  # fmt: skip
    assert refused.returncode != 0
    named = (
        "PostgreSQL",
        "LUOSHI_REDIS_URL",
        "LUOSHI_SECRET_KEY",
        "LUOSHI_AUDIT_KEY",
        "--demo",
        "LUOSHI_BENCH_FLOOR",
    )
    for missing in named:
        assert missing in refused.stderr, (missing, refused.stderr)
    assert not (tmp_path / "db.sqlite3").exists()  # refused before migrating anything
