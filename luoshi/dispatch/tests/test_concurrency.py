"""Two people at once, for real: threads with their own database connections."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections, transaction

from luoshi.dispatch import services
from luoshi.dispatch.models import Cadence, Cycle, Report, Submission
from luoshi.dispatch.services import ReportData
from luoshi.plans.models import Task
from luoshi.testing import build_city, make_task, make_weekly_cadence

TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def report(transactional_db):
    city = build_city()
    make_task(city, lead_unit=city.qingshan)
    cadence = make_weekly_cadence(city)
    cycle = services.open_cycle(cadence=cadence, number=46, now=dt.datetime(2026, 11, 16, 9, tzinfo=TZ))
    return city, cycle.reports.get()


def at_once(*calls):
    """Run the calls in threads released together; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # collected for the assertions
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_a_submit_sent_twice_at_the_same_moment_is_recorded_once(report):
    city, r = report
    data = ReportData(percent=60, progress="主体完工")

    def submit():
        return services.submit_report(
            report=r, by=city.county_liaison, data=data, expected_version=1, idempotency_key="same-click"
        )

    results = at_once(submit, submit)
    assert all(isinstance(x, Report) for x in results), results
    assert Submission.objects.count() == 1


def test_two_editors_at_the_same_moment_give_one_save_and_one_conflict(report):
    city, r = report

    def save(who, percent):
        return lambda: services.save_draft(
            report=r, by=who, data=ReportData(percent=percent, progress="草稿"), expected_version=1
        )

    results = at_once(save(city.county_liaison, 30), save(city.county_head, 70))
    assert sorted(type(x).__name__ for x in results) == ["Report", "StaleVersion"], results
    saved = next(x for x in results if isinstance(x, Report))
    assert Report.objects.get(pk=r.pk).percent == saved.percent


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite locks the whole database, not rows")
def test_a_submit_does_not_wait_for_the_cycle_cadence_or_task_that_others_hold(report):
    """At the deadline every report of a cycle is sent at once: each must lock its own row only."""
    city, r = report
    locked, released = threading.Event(), threading.Event()

    def hold_the_shared_rows():
        with transaction.atomic():
            Cycle.objects.select_for_update().get(pk=r.cycle_id)
            Cadence.objects.select_for_update().get(pk=r.cycle.cadence_id)
            Task.objects.select_for_update().get(pk=r.task_id)
            locked.set()
            released.wait(30)
        return "held"

    def submit():
        locked.wait(30)
        try:
            with connection.cursor() as cursor:  # waiting on a lock fails this test instead of hanging it
                cursor.execute("SET lock_timeout = '5s'")
            return services.submit_report(
                report=r, by=city.county_liaison, data=ReportData(percent=60, progress="主体完工"),
                expected_version=1, idempotency_key="while-held",
            )  # fmt: skip
        finally:
            released.set()

    holder, sent = at_once(hold_the_shared_rows, submit)
    assert holder == "held"
    assert isinstance(sent, Report), sent
    assert Submission.objects.filter(report=r).count() == 1
