"""record_many: the events of a bulk write are those record would append one by one, and they verify."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.audit.models import AuditEvent
from luoshi.audit.services import record, record_many, seal_all, verify
from luoshi.plans.models import Milestone
from luoshi.plans.services import MilestoneSpec
from luoshi.testing import make_task


def described(event):
    """What an event says and how it is indexed and sealed, without its row."""
    return {**event.content(), "subject": (event.subject_type, event.subject_id), "digest": event.digest}


def milestones(city):
    task = make_task(
        city,
        milestones=[
            MilestoneSpec("完成规划调整", dt.date(2026, 6, 30), 40),
            MilestoneSpec("完成项目立项", dt.date(2026, 3, 31), 20),
        ],
    )
    # As a reader loads them: the task they belong to not at hand.
    return task, list(Milestone.objects.order_by("pk"))


def test_the_bulk_events_are_those_record_appends_one_by_one(city):
    task, rows = milestones(city)
    written = [(m, {"title": m.title, "reached": True}) for m in rows] + [(task, {"note": "核查"})]
    one_by_one = [record(actor=city.city_supervisor, action="test.check", obj=o, after=a) for o, a in written]
    with CaptureQueriesContext(connection) as ctx:
        in_bulk = record_many(actor=city.city_supervisor, action="test.check", written=written)
    assert [described(e) for e in in_bulk] == [described(e) for e in one_by_one]
    # A milestone's history is its task's: found on the rows at hand, without a lookup.
    assert {(e.subject_type, e.subject_id) for e in in_bulk} == {("plans.task", str(task.pk))}
    # The one write and nothing before it; PostgreSQL draws the keys from the sequence, then copies the rows.
    insert = ["SELECT", "COPY"] if connection.vendor == "postgresql" else ["INSERT"]
    assert [q["sql"].split()[0] for q in ctx.captured_queries] == insert
    assert [e.pk for e in in_bulk] == sorted(e.pk for e in in_bulk)


def test_the_bulk_events_seal_in_order_and_the_chain_verifies(city):
    task, rows = milestones(city)
    events = record_many(actor=None, action="test.check", written=[(m, None) for m in rows * 300])
    assert seal_all() >= 1
    result = verify()
    assert result.ok, result.problems
    assert result.events == AuditEvent.objects.count() and result.unsealed == 0
    sealed = AuditEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("block", "position")
    assert [e.pk for e in sealed] == [e.pk for e in events]


def test_nothing_to_record_writes_nothing(city):
    before = AuditEvent.objects.count()
    assert record_many(actor=None, action="test.check", written=[]) == []
    assert AuditEvent.objects.count() == before
