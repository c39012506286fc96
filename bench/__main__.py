"""Luoshi benchmarks: `make bench` (or `python -m bench`).

Writes are reported against two floors measured in the same run on the same database: the raw commit
rate (one single-row INSERT per transaction, plain SQL) and a bare ORM insert of the same task row with no
validation and no audit. Reads are the task list page at city scale (DESIGN §7: 20,000 tasks a year),
rendered in-process for a city supervisor and for a county liaison, with their query counts.

Set LUOSHI_DATABASE_URL to bench PostgreSQL; by default a fresh SQLite file in a temporary folder is used.
`python -m bench ingest` (or writes, forecast, list, review, create, import, province, http) runs one
section. `import` times a 10,000-row .xlsx task list's dry run and commit (bench/import_tasks.py). `http`
(bench/http/) runs in a process of its own, against `luoshi serve` over real HTTP; `python -m bench http
--soak 600` soaks it. `forecast` backtests the light forecast on the demo city's history and the
generator's (bench/forecast.py).
`province` times an assessment run at province scale (bench/province.py; BENCH_PROVINCE_UNITS, _TASKS).
`python -m bench scale` (`make bench-scale`, not in the default run) loads the leaders' pages over HTTP at
province scale with 1 and 10 million reports (bench/http/scale.py).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

WRITES = int(os.environ.get("BENCH_WRITES", "300"))
CITY_TASKS = int(os.environ.get("BENCH_TASKS", "20000"))


def setup_django() -> None:
    var = tempfile.mkdtemp(prefix="luoshi-bench-")
    os.environ["LUOSHI_VAR_DIR"] = var
    os.environ.setdefault("LUOSHI_DATABASE_URL", f"sqlite:///{var}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    os.environ["LUOSHI_ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def rate(n: int, one: Callable[[int], object]) -> float:
    start = time.perf_counter()
    for i in range(n):
        one(i)
    return n / (time.perf_counter() - start)


def bench_writes() -> None:
    import datetime as dt

    from django.db import connection, transaction

    from luoshi.demo import loader
    from luoshi.orgs.models import Unit, User
    from luoshi.plans.models import Task, TaskList
    from luoshi.plans.services import create_task, create_task_list

    loader.load()
    office = User.objects.get(username="ducha")
    task_list = TaskList.objects.order_by("id").first()
    lead = Unit.objects.get(name="青山县")
    start, due = dt.date(2026, 1, 1), dt.date(2026, 12, 31)

    with connection.cursor() as c:
        c.execute("CREATE TABLE bench_row (id INTEGER PRIMARY KEY, title VARCHAR(200), due DATE)")

    def raw(i: int) -> None:
        with transaction.atomic(), connection.cursor() as c:
            c.execute("INSERT INTO bench_row (id, title, due) VALUES (%s, %s, %s)", [i + 1, f"任务{i}", due])

    scratch = create_task_list(plan=task_list.plan, name="基准测试清单", by=office)

    def bare(i: int) -> None:
        with transaction.atomic():
            Task.objects.create(
                task_list=scratch, code=f"b{i}", sort_path=f"b{i:06d}", title=f"基准任务{i}",
                issuer=lead.parent, lead_unit=lead, start=start, due=due,
            )  # fmt: skip

    def service(i: int) -> None:
        create_task(
            task_list=task_list, by=office, title=f"服务任务{i}", lead_unit=lead, start=start, due=due
        )

    floors = {"raw commit": rate(WRITES, raw), "bare ORM insert": rate(WRITES, bare)}
    through_service = rate(WRITES, service)
    print(f"\nwrites, {WRITES} each, one transaction per write ({connection.vendor})")
    for name, value in floors.items():
        print(f"  {name:<32} {value:8.0f}/s")
    print(f"  {'create_task (validated, audited)':<32} {through_service:8.0f}/s")
    for name, value in floors.items():
        print(f"  create_task / {name:<18} {through_service / value:8.2f}")


def bench_task_list() -> None:
    import datetime as dt

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from luoshi.orgs.models import Unit, User
    from luoshi.plans.models import Task, TaskList

    task_list = TaskList.objects.order_by("id").first()
    units = list(Unit.objects.exclude(kind="city"))
    city = Unit.objects.get(kind="city")
    have = Task.objects.count()
    rows = [
        Task(
            task_list=task_list,
            code=f"g{i}",
            sort_path=f"g{i:06d}",
            title=f"城市规模任务{i}",
            content="按照时间表、路线图推进，确保按期完成。",
            issuer=city,
            lead_unit=units[i % len(units)],
            start=dt.date(2026, 1, 1),
            due=dt.date(2026, 1, 1) + dt.timedelta(days=i % 365),
            responsibility_note="责任人待明确",
        )
        for i in range(max(0, CITY_TASKS - have))
    ]
    Task.objects.bulk_create(rows, batch_size=2000)
    print(f"\ntask list page, {Task.objects.count()} tasks, median of 15 renders, in-process")
    for username, query in (("ducha", ""), ("ducha", "q=厂房&sort=due"), ("qingshanxian.liaison", "")):
        client = Client()
        client.force_login(User.objects.get(username=username))
        times = []
        for _ in range(15):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                response = client.get("/tasks/?" + query)
                times.append(time.perf_counter() - t0)
            assert response.status_code == 200
        label = f"{username} /tasks/?{query}"
        print(f"  {label:<40} {statistics.median(times) * 1000:7.1f} ms  {len(ctx.captured_queries)} queries")


def bench_ingest() -> None:
    """The text core: cleaning throughput and accuracy on unseen pages, extraction speed, the kept-by-default
    rule's precision and recall with the drafting time, and the report checks' precision and recall."""
    from bench import cleaner, commitments, ingest_clean, ingest_extract, report_quality

    print()
    ingest_clean.run()
    cleaner.run()
    print()
    ingest_extract.run()
    print()
    commitments.run()
    print()
    report_quality.run()


def bench_http(args: list[str]) -> None:
    """Its own process: it makes its own database and starts a server on it (bench/http/__main__.py)."""
    done = subprocess.run([sys.executable, "-m", "bench.http", *args], check=False)
    if done.returncode:
        sys.exit(done.returncode)


def bench_scale(args: list[str]) -> None:
    """The leaders' pages at province scale (bench/http/scale.py): not in the default run, which it would
    lengthen by the generation of 11 million reports; `make bench-scale` runs it."""
    done = subprocess.run([sys.executable, "-m", "bench.http.scale", *args], check=False)
    if done.returncode:
        sys.exit(done.returncode)


def main() -> None:
    if sys.argv[1:2] == ["http"]:
        bench_http(sys.argv[2:])
        return
    if sys.argv[1:2] == ["scale"]:
        bench_scale(sys.argv[2:])
        return
    sections = set(sys.argv[1:]) or {
        "writes", "forecast", "list", "ingest", "review", "create", "import", "province", "http",
    }  # fmt: skip
    if "ingest" in sections:
        bench_ingest()
    if sections & {"writes", "forecast", "list", "review", "create", "import", "province"}:
        setup_django()
    if "writes" in sections:
        bench_writes()
    if "forecast" in sections:
        from bench import forecast

        print()
        forecast.run()
    if "list" in sections:
        bench_task_list()
    if "review" in sections:
        from bench import ingest_review

        print()
        ingest_review.run()
    if "create" in sections:
        from bench import ingest_create

        print()
        ingest_create.run()
    if "import" in sections:
        from bench import import_tasks

        print()
        import_tasks.run()
    if "forecast" in sections:  # after the sections that read the demo city alone: it adds a county beside it
        from bench import forecast

        print()
        forecast.run_generated()
    if "province" in sections:
        from bench import province

        province.run()
    if "http" in sections:
        bench_http([])


if __name__ == "__main__":
    sys.exit(main())
