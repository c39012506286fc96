"""October in the city as a bulletin finds it: the assessment's tasks and items (see assessment's conftest),
a run ranking the counties, two weeks of progress reports (some late, some missing), an overdue
rectification-free world with one open item past its deadline, a commendation and a criticism."""

from __future__ import annotations

import datetime as dt

import pytest

from luoshi.assessment.tests.conftest import AS_OF, END, START, build_system, fill_october
from luoshi.assessment.tests.conftest import run as run_assessment
from luoshi.bulletins import services
from luoshi.dispatch import services as dispatch
from luoshi.dispatch.models import Report
from luoshi.supervision.accountability import record_kind
from luoshi.supervision.tests.factory import make_item
from luoshi.testing import make_weekly_cadence

TZ = dt.timezone(dt.timedelta(hours=8))


def fill_reports(city):
    """Weeks 41 and 42 (due 10-16 and 10-23): 青山县 sends one report late and misses another."""
    cadence = make_weekly_cadence(city)
    for number in (41, 42):
        dispatch.open_cycle(cadence=cadence, number=number, now=dt.datetime(2026, 10, 12, 9, tzinfo=TZ))
    reports = list(Report.objects.filter(cycle__cadence=cadence).order_by("due_at", "pk"))
    late, missing, *sent = reports
    for report in sent:
        Report.objects.filter(pk=report.pk).update(submitted_at=report.due_at - dt.timedelta(hours=1))
    Report.objects.filter(pk=late.pk).update(submitted_at=late.due_at + dt.timedelta(days=1), is_late=True)
    return {"late": late, "missing": missing, "sent": sent}


@pytest.fixture
def october_world(city, clock):
    system = build_system(city)
    facts = fill_october(city, clock, system)
    reports = fill_reports(city)
    clock.set(dt.date(2026, 10, 25))
    office = city.city_supervisor
    praised = record_kind(by=office, kind="commendation", unit=city.qingshan, reason="项目建设提速")
    criticised = record_kind(by=office, kind="criticism", unit=city.baisha, reason="进度滞后")
    clock.set(dt.date(2026, 10, 1))
    overdue = make_item(city, lead_unit=city.baisha, co_units=[], due=dt.date(2026, 10, 28))
    clock.set(AS_OF)
    run = run_assessment(city, system)
    return {"run": run, "praised": praised, "criticised": criticised, "overdue": overdue, **facts, **reports}


def new_bulletin(city, world, **changes):
    fields = {
        "by": city.city_supervisor, "scope": city.city, "title": "关于10月份重点任务落实情况的通报",
        "number": "临督通〔2026〕3号", "period_start": START, "period_end": END, "run": world["run"],
        **changes,
    }  # fmt: skip
    return services.create_bulletin(**fields)


@pytest.fixture
def generated(city, october_world, huey_inline, django_capture_on_commit_callbacks):
    """Make a bulletin for October (on the whole city unless told) and let its job generate it."""

    def make(**changes):
        with django_capture_on_commit_callbacks(execute=True):
            bulletin = new_bulletin(city, october_world, **changes)
        bulletin.refresh_from_db()
        return bulletin

    return make


@pytest.fixture
def ready(generated):
    return generated()
