"""Profile one liaison's report submit in-process: milliseconds, queries, and pyinstrument's top frames.

Run against a demo-city database (LUOSHI_VAR_DIR / LUOSHI_DATABASE_URL as for `luoshi serve`):

    .venv/bin/python -m bench.submit_profile [--tasks 10000] [--submits 40] [--profile]

`--tasks` first grows the demo to that many tasks, each with a pending report in the open cycles (so the
scoped lookup pays for the task table as it would at city scale); it is done once per database. Each submit
is a real POST through the Django test client, as a browser sends it (form, idempotency key, the page it
lands on after the redirect), then as htmx sends it (the partial answer, no second page). The numbers are
for one process on an idle database; the HTTP bench (`bench/http`) measures the server under load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import uuid
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
os.environ.setdefault("LUOSHI_ALLOWED_HOSTS", "testserver")

import django
from django.conf import settings

# Static files as in the tests (no collectstatic manifest needed); the URL lookup costs the same.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from luoshi.dispatch.models import Cycle, Report, ReportState  # noqa: E402
from luoshi.orgs.models import Role, Unit, User  # noqa: E402
from luoshi.plans.models import Task, TaskList  # noqa: E402

LIAISON = "qingshanxian.liaison"


def grow(tasks: int) -> None:
    """Clone the demo's tasks (with a pending report in every open cycle) until there are `tasks` of them."""
    have = Task.objects.count()
    if have >= tasks:
        return
    units = list(Unit.objects.filter(parent__isnull=False).order_by("path"))
    template = Task.objects.filter(parent__isnull=True).order_by("pk").first()
    assert template is not None, "load the demo city first (luoshi demo)"
    cycles = list(Cycle.objects.filter(state=Cycle.State.OPEN))
    bulk = TaskList.objects.create(plan=template.task_list.plan, name=f"bench {uuid.uuid4().hex[:8]}")
    fresh = []
    for i in range(tasks - have):
        t = Task.objects.get(pk=template.pk)
        t.pk, t.task_list, t.parent = None, bulk, None
        t.code, t.sort_path = str(i + 1), f"{i + 1:05d}"
        t.title = f"{template.title} ({i + 1})"
        t.lead_unit = units[i % len(units)]
        t.completed_on = t.cancelled_on = None
        t.indicator_name, t.target, t.direction = "", None, ""
        fresh.append(t)
    with transaction.atomic():
        made = Task.objects.bulk_create(fresh, batch_size=1000)
        Report.objects.bulk_create(
            [Report(task=t, cycle=c, unit_id=t.lead_unit_id, due_at=c.due_at) for t in made for c in cycles],
            batch_size=1000,
        )
    print(f"grown to {Task.objects.count()} tasks, {Report.objects.count()} reports")


def pending_for(user: User, n: int) -> list[Report]:
    return list(
        Report.objects.filter(
            unit__path__startswith=user.unit.path,  # type: ignore[union-attr]
            state__in=(ReportState.PENDING, ReportState.DRAFT),
            cycle__state=Cycle.State.OPEN,
            task__cancelled_on__isnull=True,
            task__indicator_name="",
        ).order_by("pk")[:n]
    )


def form_for(report: Report) -> dict[str, Any]:
    return {
        "action": "submit",
        "version": report.version,
        "idempotency_key": uuid.uuid4().hex,
        "percent": 40,
        "progress": "完成主体结构施工，累计完成投资3200万元，占年度计划的64%。",
        "problems": "征地拆迁还有2户未签约。",
        "next_steps": "11月底前完成剩余拆迁，12月15日前完成竣工验收。",
        "coordination": "",
    }


def submit(client: Client, report: Report, *, htmx: bool) -> tuple[float, float, int]:
    """One submit as a browser (POST, then the page it is redirected to) or as htmx.

    Returns wall-clock ms, this process's CPU ms (steadier on a busy machine; with SQLite it includes the
    database's work, with PostgreSQL not), and the number of queries.
    """
    headers = {"HX-Request": "true"} if htmx else {}
    with CaptureQueriesContext(connection) as queries:
        started, cpu = time.perf_counter(), time.process_time()
        response = client.post(f"/reports/{report.pk}/", form_for(report), follow=not htmx, headers=headers)
        ms, cpu_ms = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
    assert response.status_code in (200, 302), response.status_code
    assert Report.objects.get(pk=report.pk).state != ReportState.PENDING, "the submit did not go through"
    return ms, cpu_ms, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=10000)
    parser.add_argument("--submits", type=int, default=40)
    parser.add_argument(
        "--profile", action="store_true", help="print pyinstrument's tree of one htmx submit, and its queries"
    )
    args = parser.parse_args()
    grow(args.tasks)
    user = User.objects.get(username=LIAISON, role=Role.LIAISON)
    client = Client()
    client.force_login(user)
    reports = pending_for(user, 2 * args.submits + 2)
    assert len(reports) >= 2 * args.submits + 2, f"only {len(reports)} pending reports for {LIAISON}"
    submit(client, reports.pop(), htmx=False)  # warm up: templates, translations, connections
    for htmx in (False, True):
        runs = [submit(client, reports.pop(), htmx=htmx) for _ in range(args.submits)]
        ms, cpu = [r[0] for r in runs], [r[1] for r in runs]
        print(
            f"{'htmx submit' if htmx else 'POST + redirected GET'}: median {statistics.median(ms):.1f} ms, "
            f"p90 {statistics.quantiles(ms, n=10)[-1]:.1f} ms, CPU median {statistics.median(cpu):.1f} ms, "
            f"{runs[-1][2]} queries ({connection.vendor})"
        )
    if args.profile:
        from pyinstrument import Profiler

        report = reports.pop()
        profiler = Profiler(interval=0.0005)
        with CaptureQueriesContext(connection) as queries:
            profiler.start()
            client.post(f"/reports/{report.pk}/", form_for(report), headers={"HX-Request": "true"})
            profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))
        for q in queries.captured_queries:
            print(f"{float(q['time']) * 1000:6.1f} ms  {q['sql'][:160]}")


if __name__ == "__main__":
    main()
