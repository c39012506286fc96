"""A submission is acknowledged only if it committed, even when its transaction breaks inside a part whose
own errors are caught (the reviewers' notice, a courtesy in a savepoint).

Found by tests/test_crash_safety.py on PostgreSQL: a connection cut while the notice was being written
made its savepoint's rollback fail too; the caught error left the durable block to end in a rollback that
Django does not raise, and the liaison was answered "sent" for a report that was never stored.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection
from django.db.backends.base.base import BaseDatabaseWrapper

from luoshi.audit.models import AuditEvent
from luoshi.dispatch import services
from luoshi.dispatch.models import UNSENT, Report, Submission
from luoshi.dispatch.services import ReportData
from luoshi.testing import build_city, make_task, make_weekly_cadence

TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def unsent(transactional_db, clock):
    """青山县's report of week 46, unsent, in a city committed for real (the submit's own commit is the
    subject)."""
    city = build_city()
    task = make_task(city, title="推进青山县工业园区标准化厂房建设", lead_unit=city.qingshan)
    cycle = services.open_cycle(
        cadence=make_weekly_cadence(city), number=46, now=dt.datetime(2026, 11, 16, 9, tzinfo=TZ)
    )
    return city, Report.objects.get(task=task, cycle=cycle)


def submit(city, report):
    return services.submit_report(
        report=report,
        by=city.county_liaison,
        data=ReportData(percent=50, progress="路基完成"),
        expected_version=report.version,
        idempotency_key="qs-cut",
    )


def nothing_stored(report: Report) -> bool:
    return (
        Report.objects.get(pk=report.pk).state in UNSENT
        and not Submission.objects.filter(idempotency_key="qs-cut").exists()
        and not AuditEvent.objects.filter(action="report.submit", object_id=str(report.pk)).exists()
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the server ends the connection: PostgreSQL's")
def test_a_connection_cut_while_the_notice_is_written_fails_the_submit(unsent, monkeypatch):
    city, report = unsent

    def cut(*args, **kwargs):
        with connection.cursor() as cursor:  # as pg_terminate_backend from another session would
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")

    monkeypatch.setattr(services, "notify", cut)
    with pytest.raises(DatabaseError):
        submit(city, report)
    assert nothing_stored(report)


def test_a_notice_error_whose_savepoint_cannot_be_rolled_back_fails_the_submit(unsent, monkeypatch):
    city, report = unsent

    def broken(*args, **kwargs):
        raise RuntimeError("the notice table is unwell")

    def unreachable(self, sid):
        raise DatabaseError("the server closed the connection")

    monkeypatch.setattr(services, "notify", broken)
    monkeypatch.setattr(BaseDatabaseWrapper, "savepoint_rollback", unreachable)
    with pytest.raises(RuntimeError, match="unwell"):  # the notice's error, no longer only logged
        submit(city, report)
    monkeypatch.undo()
    assert nothing_stored(report)
    # Without the break, the same submit goes through (its notice's error alone is only logged).
    monkeypatch.setattr(services, "notify", broken)
    assert submit(city, Report.objects.get(pk=report.pk)).state == "submitted"
    assert Submission.objects.filter(idempotency_key="qs-cut").count() == 1
