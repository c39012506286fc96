"""Crash safety on PostgreSQL: under submission load, kill -9 the web workers and cut the database
connections; every acknowledged report must exist exactly once and the audit chain must verify.

`luoshi serve` itself (gunicorn with two workers, and the job worker) serves a fresh database of its own.
Liaisons submit reports over HTTP as the report form does, each with the idempotency key the page gave
them; they resend the same form when a request fails, as a browser would, and now and then click twice.
Meanwhile the workers are killed (gunicorn's master starts new ones), every connection to the database is
terminated, and the audit chain is sealed from outside as well.
The load is bounded: a fixed number of reports and of blows, whatever the machine's speed.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest
from django.conf import settings

LUOSHI = str(Path(sys.executable).parent / "luoshi")
PASSWORD = "correct-horse-9"
LIAISONS = ("county_liaison", "township_liaison", "outsider", "department_liaison")
TASKS_PER_UNIT, CYCLES = 8, 4  # 4 units x 8 tasks x 4 cycles = 128 reports
BLOW_EVERY = 12  # acknowledged reports between two blows: 10 blows in all
DOUBLE_CLICK_EVERY = 4  # every fourth report is sent twice at once, as a double click does
GIVE_UP_AFTER = 90.0  # one submission's retries, in seconds; far above a worker's restart

T = TypeVar("T")
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

# The small city of luoshi.testing, with tasks led by each liaison's unit and CYCLES weekly cycles open from
# this week on (so that no cycle is due to close while the test runs, whatever the date).
SETUP = f"""
import datetime as dt, json
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.management import call_command
from luoshi.core import clock
from luoshi.dispatch.models import Report
from luoshi.dispatch.services import open_cycle
from luoshi.testing import build_city, make_task, make_weekly_cadence

call_command("migrate", verbosity=0)
# Cheap hashes for the city's ten accounts: the server checks them by the parameters they carry, and re-hashes
# the four it signs in with its own.
Argon2PasswordHasher.time_cost = Argon2PasswordHasher.parallelism = 1
Argon2PasswordHasher.memory_cost = 1024
city = build_city()
today = clock.today()
units = [city.qingshan, city.qingshan_town, city.baisha, city.fgw]
for unit in units:
    for n in range({TASKS_PER_UNIT}):
        make_task(city, lead_unit=unit, title=f"{{unit.name}}重点项目{{n + 1}}",
                  start=today - dt.timedelta(days=30), due=today + dt.timedelta(days=365))
monday = today - dt.timedelta(days=today.weekday())
cadence = make_weekly_cadence(city, anchor=monday)
for number in range(1, {CYCLES + 1}):
    open_cycle(cadence=cadence, number=number, now=clock.now())
reports = {{u.username: [] for u in (city.county_liaison, city.township_liaison, city.outsider,
                                     city.department_liaison)}}
owner = {{city.qingshan.pk: "county_liaison", city.qingshan_town.pk: "township_liaison",
          city.baisha.pk: "outsider", city.fgw.pk: "department_liaison"}}
for pk, unit_id in Report.objects.order_by("pk").values_list("pk", "unit_id"):
    reports[owner[unit_id]].append(pk)
print(json.dumps(reports))
"""

# What the database holds afterwards: every submission, every sent report and its submit events.
FACTS = """
import json
from luoshi.audit.models import AuditEvent
from luoshi.core.actions import Action
from luoshi.dispatch.models import UNSENT, Report, Submission

print(json.dumps({
    "submissions": list(Submission.objects.values_list("report_id", "idempotency_key")),
    "sent": list(Report.objects.exclude(state__in=UNSENT).values_list("pk", flat=True)),
    "submit_events": list(
        AuditEvent.objects.filter(action=Action.REPORT_SUBMIT).values_list("object_id", flat=True)
    ),
}))
"""


def postgres_url(database: str) -> str:
    parts = urlsplit(os.environ["LUOSHI_DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + database))


def admin_sql(sql: str, *params: object) -> list[tuple[object, ...]]:
    """Run one statement on the server's `postgres` database, outside any transaction."""
    import psycopg

    with psycopg.connect(postgres_url("postgres"), autocommit=True) as conn:
        cursor = conn.execute(sql, params)  # type: ignore[arg-type]
        return cursor.fetchall() if cursor.description else []


@dataclass
class Server:
    """A fresh database, a var directory, and `luoshi serve` serving them."""

    database: str
    var: Path
    port: int = 0
    serve: subprocess.Popen[bytes] | None = None

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "LUOSHI_VAR_DIR": str(self.var),
            "LUOSHI_DATABASE_URL": postgres_url(self.database),
            "LUOSHI_DEBUG": "0",
        }

    def luoshi(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run([LUOSHI, *args], env=self.env, capture_output=True, text=True, timeout=timeout)

    def workers(self) -> list[int]:
        """gunicorn's workers: the children of the master that `luoshi serve` started."""
        assert self.serve is not None
        masters = [p for p in children(self.serve.pid) if b"gunicorn" in cmdline(p)]
        return [w for m in masters for w in children(m)]

    def stop(self) -> None:
        if self.serve is None:
            return
        if self.serve.poll() is None:
            self.serve.send_signal(signal.SIGTERM)  # serve stops gunicorn and the job worker
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.serve.wait(timeout=40)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.serve.pid, signal.SIGKILL)  # whatever did not stop
        self.serve.wait(timeout=10)

    def log(self) -> str:
        path = self.var / "serve.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""


def children(parent: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            state, ppid = stat.read_text().rsplit(")", 1)[1].split()[:2]
            if int(ppid) == parent and state != "Z":
                found.append(int(stat.parent.name))
    return found


def cmdline(pid: int) -> bytes:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    return b""


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    if not ON_POSTGRES:
        if os.environ.get("CI") == "true" and not os.environ.get("LUOSHI_TEST_DATABASE_URL"):
            pytest.fail("CI: the crash-safety test needs PostgreSQL; set LUOSHI_TEST_DATABASE_URL")
        pytest.skip("runs on PostgreSQL: make test's second pass (LUOSHI_TEST_DATABASE_URL) runs it")
    s = Server(database=f"luoshi_crash_{uuid.uuid4().hex[:12]}", var=tmp_path)
    admin_sql(f'CREATE DATABASE "{s.database}"')
    try:
        yield s
    finally:
        s.stop()
        admin_sql(f'DROP DATABASE IF EXISTS "{s.database}" WITH (FORCE)')


def start(server: Server) -> None:
    """Start `luoshi serve` (gunicorn with two workers, and the job worker) and wait until it answers."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        server.port = probe.getsockname()[1]
    serve = [LUOSHI, "serve", "--bind", f"127.0.0.1:{server.port}", "--workers", "2"]
    # A process group of its own, so that cleaning up reaches a worker its master has lost track of.
    with (server.var / "serve.log").open("ab") as log:
        server.serve = subprocess.Popen(
            serve, env=server.env, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True
        )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, http.client.HTTPException):
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
            conn.request("GET", "/accounts/login/")
            if conn.getresponse().status == 200:
                return
        assert server.serve.poll() is None, server.log()
        time.sleep(0.2)
    pytest.fail("luoshi serve did not answer within 90 s:\n" + server.log())


class Retry(Exception):
    """The request failed in a way a browser's user would answer by sending it again."""


@dataclass
class Liaison:
    """One liaison's browser: cookies, and what came of each report they sent."""

    username: str
    port: int
    on_ack: Callable[[], None]
    cookies: dict[str, str] = field(default_factory=dict)
    acknowledged: dict[int, str] = field(default_factory=dict)  # report -> idempotency key
    recovered: int = 0  # resent after a failure and found already sent: the first try had committed
    double_clicks: int = 0
    replayed: int = 0  # double clicks both answered "sent": the second by its key, from the first's result
    retries: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        """Send one request on a new connection; a 3xx answer is returned as its status and location."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{self.port}{path}",
            }
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            conn.close()
        except (OSError, http.client.HTTPException) as exc:
            with self.lock:
                self.failures[type(exc).__name__] += 1
            raise Retry from exc
        with self.lock:
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            if response.status >= 500:
                self.failures[f"HTTP {response.status}"] += 1
                raise Retry
        if 300 <= response.status < 400:
            return response.status, response.headers.get("Location", "")
        return response.status, text

    def again(self, step: str, attempt: Callable[[], T]) -> T:
        """Do `attempt` until it does not ask for a retry, as a patient user would."""
        deadline = time.monotonic() + GIVE_UP_AFTER
        first = True
        while True:
            try:
                return attempt()
            except Retry:
                if time.monotonic() > deadline:
                    raise AssertionError(f"{self.username}: {step} failed for {GIVE_UP_AFTER} s") from None
                if not first:
                    time.sleep(0.2)
                first = False
                self.retries += 1

    def sign_in(self) -> None:
        def attempt() -> None:
            self.cookies.clear()
            _, page = self.request("GET", "/accounts/login/")
            status, location = self.request(
                "POST",
                "/accounts/login/",
                {
                    "csrfmiddlewaretoken": hidden(page, "csrfmiddlewaretoken"),
                    "username": self.username,
                    "password": PASSWORD,
                },
            )
            signed_in = status == 302 and not location.startswith("/accounts/login/")
            assert signed_in, f"{self.username} could not sign in ({status} {location})"

        self.again("sign-in", attempt)

    def submit(self, report: int, n: int) -> None:
        """Open the report's page, fill the form and send it, resending the same form until it lands."""
        path = f"/reports/{report}/"

        def open_form() -> str:
            status, page = self.request("GET", path)
            assert status == 200, f"{path}: {status}"
            return page

        page = self.again("opening " + path, open_form)
        key = hidden(page, "idempotency_key")
        form = {
            "csrfmiddlewaretoken": hidden(page, "csrfmiddlewaretoken"),
            "version": hidden(page, "version"),
            "idempotency_key": key,
            "percent": str(n % 100),
            "progress": f"{self.username} 第{n}次报送：完成项目进度{n % 100}%，签约{n}个。",
            "action": "submit",
        }
        tries = 0
        clicks = 2 if n % DOUBLE_CLICK_EVERY == 0 else 1

        def send() -> None:
            nonlocal tries
            tries += 1
            answers, lost = self.post(path, form, clicks)
            # A twin click that came second sees the report already sent: the page, without the form.
            refused = [f"{status} {errors_in(answer)}" for status, answer in answers if offers_form(answer)]
            if refused:
                self.errors.append(f"{path} try {tries}: {refused}")
            elif (302, path) in answers:  # sent, and back to the report's page
                self.acknowledged[report] = key
                self.on_ack()
            elif (tries > 1 or lost) and not offers_form(self.request("GET", path)[1]):
                # The report's page no longer offers the form: a try whose answer was lost had committed.
                # (The submission's key, checked at the end, tells that it was this one.)
                self.acknowledged[report] = key
                self.recovered += 1
                self.on_ack()
            else:
                self.errors.append(f"{path} try {tries}: {answers}")

        self.again("submitting " + path, send)

    def post(self, path: str, form: dict[str, str], clicks: int) -> tuple[list[tuple[int, str]], bool]:
        """Send the form once, or twice at the same moment (a double click): the answers, and whether one
        was lost. A Retry if none came."""
        if clicks == 1:
            return [self.request("POST", path, form)], False
        answers: list[tuple[int, str]] = []

        def click() -> None:
            with contextlib.suppress(Retry):
                answers.append(self.request("POST", path, form))

        twins = [threading.Thread(target=click) for _ in range(clicks)]
        for twin in twins:
            twin.start()
        for twin in twins:
            twin.join()
        if not answers:
            raise Retry
        self.double_clicks += 1
        self.replayed += [status for status, _ in answers] == [302] * clicks
        return answers, len(answers) < clicks

    def run(self, reports: list[int]) -> None:
        try:
            self.sign_in()
            for n, report in enumerate(reports, start=1):
                self.submit(report, n)
        except Exception as exc:  # noqa: BLE001 - reported by the test, not lost in a thread
            self.errors.append(f"{self.username}: {exc!r}")


def hidden(page: str, name: str) -> str:
    found = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', page)
    assert found, f"no hidden {name} on the page"
    return found.group(1)


def offers_form(page: str) -> bool:
    """Whether the report's page still offers its form: it is unsent, or the form came back refused."""
    return 'name="idempotency_key"' in page


def errors_in(page: str) -> str:
    """The form's error messages, or the page's alerts: what the liaison would read."""
    found = re.findall(r'class="(?:invalid-feedback|alert)[^"]*"[^>]*>([^<]{1,200})', page)
    return " | ".join(m.strip() for m in found)[:500]


@dataclass
class Chaos:
    """Blows dealt while the liaisons submit: worker kills, connection cuts and audit seals.

    A blow falls after every BLOW_EVERY acknowledged reports rather than on a timer, so the count of blows
    is the same on a fast machine and a slow one, and the server always gets to work between two of them.
    """

    server: Server
    acks: int = 0
    kills: int = 0
    terminated: int = 0
    seals: int = 0
    seal_failures: int = 0
    errors: list[str] = field(default_factory=list)
    done: bool = False
    progress: threading.Condition = field(default_factory=threading.Condition)

    def acknowledged(self) -> None:
        with self.progress:
            self.acks += 1
            self.progress.notify_all()

    def finish(self) -> None:
        with self.progress:
            self.done = True
            self.progress.notify_all()

    def run(self) -> None:
        try:
            self.deal()
        except Exception as exc:  # noqa: BLE001 - reported by the test, not lost in a thread
            self.errors.append(f"chaos: {exc!r}")

    def deal(self) -> None:
        blow = 0
        sealing: subprocess.Popen[bytes] | None = None
        while True:
            with self.progress:
                due = (blow + 1) * BLOW_EVERY
                self.progress.wait_for(lambda: self.done or self.acks >= due)  # noqa: B023 - waited on here
                if self.done:
                    break
            blow += 1
            if blow % 2:
                workers = self.server.workers()
                # One worker, or once both at once: then for a moment nothing answers at all.
                for pid in workers if blow == 3 else workers[:1]:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                        self.kills += 1
            else:
                self.terminated += self.cut_connections()
            if blow % 4 == 0 and (sealing is None or sealing.poll() is not None):
                if sealing is not None:
                    self.seal_failures += sealing.returncode != 0
                self.seals += 1
                sealing = subprocess.Popen(
                    [LUOSHI, "audit", "seal"], env=self.server.env, stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )  # fmt: skip
        if sealing is not None:
            self.seal_failures += sealing.wait(timeout=60) != 0

    def cut_connections(self) -> int:
        rows = admin_sql(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            self.server.database,
        )
        return int(rows[0][0])  # type: ignore[call-overload]


def test_acknowledged_reports_survive_killed_workers_and_cut_connections(server, capsys):
    began = time.monotonic()
    built = server.luoshi("shell", "-c", SETUP)
    assert built.returncode == 0, built.stderr
    reports: dict[str, list[int]] = json.loads(built.stdout.strip().splitlines()[-1])
    assert sorted(reports) == sorted(LIAISONS)
    setup_took = time.monotonic() - began
    start(server)
    start_took = time.monotonic() - began - setup_took

    chaos = Chaos(server)
    liaisons = [Liaison(username, server.port, chaos.acknowledged) for username in LIAISONS]
    blows = threading.Thread(target=chaos.run)
    clients = [threading.Thread(target=lt.run, args=(reports[lt.username],)) for lt in liaisons]
    load_began = time.monotonic()
    blows.start()
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join(timeout=300)
    chaos.finish()
    blows.join(timeout=120)
    load_took = time.monotonic() - load_began

    acknowledged = {r: key for lt in liaisons for r, key in lt.acknowledged.items()}
    figures = {
        "reports": sum(len(r) for r in reports.values()),
        "acknowledged": len(acknowledged),
        "recovered": sum(lt.recovered for lt in liaisons),
        "double clicks": sum(lt.double_clicks for lt in liaisons),
        "both clicks answered as sent": sum(lt.replayed for lt in liaisons),
        "retried": sum(lt.retries for lt in liaisons),
        "failed requests": dict(sum((lt.failures for lt in liaisons), Counter())),
        "workers killed": chaos.kills,
        "connections terminated": chaos.terminated,
        "seals": f"{chaos.seals} ({chaos.seal_failures} cut short)",
        "seconds": {
            "setup": round(setup_took, 1),
            "start": round(start_took, 1),
            "load": round(load_took, 1),
        },
    }
    with capsys.disabled():
        print("\ncrash safety:", json.dumps(figures, ensure_ascii=False))
    assert not any(t.is_alive() for t in clients), "a liaison is still submitting"
    errors = [e for lt in liaisons for e in lt.errors] + chaos.errors
    assert not errors, "\n".join(errors[:20]) + "\n--- the server's log ends:\n" + server.log()[-2000:]
    assert chaos.kills > 0 and chaos.terminated > 0, "the blows missed"

    server.stop()
    facts = server.luoshi("shell", "-c", FACTS)
    assert facts.returncode == 0, facts.stderr
    held = json.loads(facts.stdout.strip().splitlines()[-1])
    keys_by_report: dict[int, list[str]] = {}
    for report, key in held["submissions"]:
        keys_by_report.setdefault(report, []).append(key)
    events = Counter(int(pk) for pk in held["submit_events"])
    # Every acknowledged report is there exactly once, under the key its liaison sent; nothing else is.
    lost = sorted(r for r in acknowledged if r not in keys_by_report)
    duplicated = {r: keys for r, keys in keys_by_report.items() if len(keys) > 1}
    other_key = sorted(r for r, keys in keys_by_report.items() if acknowledged.get(r) not in keys)
    assert (lost, duplicated, other_key) == ([], {}, []), "lost, duplicated, under another key"
    assert sorted(held["sent"]) == sorted(acknowledged), "the sent reports are not the acknowledged ones"
    assert events == Counter(dict.fromkeys(acknowledged, 1)), "submissions not audited exactly once"
    assert len(acknowledged) == figures["reports"]

    verified = server.luoshi("audit", "verify", "--seal")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "audit chain OK" in verified.stdout
    with capsys.disabled():
        print(f"crash safety: {time.monotonic() - began:.1f} s in all; {verified.stdout.strip()}")
